"""`station scan-test --save` changes this counter's settings, a manager's change: without a manager's
sign-in it is refused in one line before anything is read, exit status 1, counter.toml as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from station_console.cli import cli
from tests.cli.conftest import AS_MANAGER

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


def test_a_manager_goes_on_to_read_the_scanner(db_url: str, counter_file: Path) -> None:
    """Piped in, there are no key gaps to measure: the code is shown and the file left alone."""
    result = CliRunner().invoke(
        cli, ["--db", db_url, "--lang", "en", *AS_MANAGER, *SAVE], input="SF1234567890123\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[-1] == "SF1234567890123"
    assert counter_file.read_text(encoding="utf-8") == BEFORE
