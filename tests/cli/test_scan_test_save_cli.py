"""`station scan-test --save` changes this counter's settings, a manager's change: without a manager's
sign-in it is refused in one line before anything is read, exit status 1, counter.toml as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.conftest import AS_MANAGER
from station_console.cli import cli
from station_console.commands.devices import read_bursts

BEFORE = 'counter = "front"\nwedge_max_key_gap_ms = 30\n'
SAVE = ("scan-test", "--device", "wedge", "--count", "1", "--save")
REFUSED = "station: Only a manager can change settings. Ask a manager to sign in.\n"


@pytest.fixture
def counter_file() -> Path:
    path = Path(os.environ["STATION_CONFIG"])
    path.write_text(BEFORE, encoding="utf-8")
    return path


def test_a_clerk_is_refused(run, counter_file: Path) -> None:  # type: ignore[no-untyped-def]
    result = run(*SAVE)  # as the clerk Tester
    assert result.exit_code == 1
    assert result.stderr == REFUSED  # said before any scan is asked for or read
    assert result.stdout == ""
    assert counter_file.read_text(encoding="utf-8") == BEFORE


def test_nobody_signed_in_is_refused(
    db_url: str, counter_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STATION_CLERK")
    monkeypatch.delenv("STATION_PIN")
    result = CliRunner().invoke(cli, ["--db", db_url, "--lang", "en", *SAVE], input="SF1234567890123\n")
    assert result.exit_code == 1
    assert result.stderr == REFUSED
    assert counter_file.read_text(encoding="utf-8") == BEFORE


def test_the_refusal_in_chinese(run, counter_file: Path) -> None:  # type: ignore[no-untyped-def]
    result = run(*SAVE, lang="zh")
    assert result.exit_code == 1
    assert result.stderr == "station: 只有店长可以修改设置。请店长登录。\n"


PIPED = (
    "station: Nothing saved: --save times the keys a keyboard-wedge scanner types into this terminal, and"
    " these codes are piped in. Run it at the counter's terminal, or leave out --save.\n"
)


def test_a_manager_piping_codes_in_is_told_nothing_can_be_saved(db_url: str, counter_file: Path) -> None:
    """Piped in, there are no key gaps to measure: said before anything is read, exit status 1."""
    result = CliRunner().invoke(
        cli, ["--db", db_url, "--lang", "en", *AS_MANAGER, *SAVE], input="SF1234567890123\n"
    )
    assert result.exit_code == 1
    assert result.stderr == PIPED and result.stdout == ""
    assert counter_file.read_text(encoding="utf-8") == BEFORE


def test_a_scanner_that_sends_whole_codes_is_said_to_have_nothing_to_measure_in_chinese(
    db_url: str, counter_file: Path
) -> None:
    args = ["--db", db_url, "--lang", "zh", *AS_MANAGER, "scan-test", "--device", "dummy", "--save", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    said = "未保存任何设置：--save 测量的是键盘模式扫码枪逐键输入的按键，而此扫码枪（演示）一次发送整条条码。"
    assert result.stderr.startswith(f"station: {said}")
    assert json.loads(result.stdout) == {"error": "nothing_to_measure", "message": result.stderr[9:].strip()}
    assert counter_file.read_text(encoding="utf-8") == BEFORE


def test_the_codes_piped_in_are_shown_without_save(db_url: str, counter_file: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", db_url, "--lang", "en", *AS_MANAGER, *SAVE[:-1]], input="SF1234567890123\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[-1] == "SF1234567890123"


def test_ctrl_c_at_the_terminal_keeps_the_scans_read_before_it() -> None:
    """The prompt says Ctrl-C stops the reading: the scans before it are measured (and saved), not lost."""
    keys = iter([*((c, 0.004 * n) for n, c in enumerate("SF1234567890123\r"))])

    def read_key() -> tuple[str, float] | None:
        try:
            return next(keys)
        except StopIteration:
            raise KeyboardInterrupt from None

    bursts = read_bursts(read_key, None, lambda code, keys: None)
    assert ["".join(k for k, _t in b) for b in bursts] == ["SF1234567890123\r"]


def test_ctrl_c_while_a_code_is_shown_keeps_the_scans_read() -> None:
    """Ctrl-C can land while a code is being printed, not only while a key is awaited: no traceback,
    and the scans read so far are still measured."""
    keys = iter([*((c, 0.004 * n) for n, c in enumerate("SF1234567890123\rYT1234567890123\r"))])
    shown: list[str] = []

    def read_key() -> tuple[str, float] | None:
        return next(keys, None)

    def on_code(code: str, _keys: object) -> None:
        shown.append(code)
        if len(shown) == 2:
            raise KeyboardInterrupt

    bursts = read_bursts(read_key, None, on_code)
    assert ["".join(k for k, _t in b).strip() for b in bursts] == ["SF1234567890123", "YT1234567890123"]
