"""`station` itself: an EOFError raised inside a command (a damaged cached .pyc, read as the command
loads its modules) is a bug told with where its details are, not click's Ctrl+D "Aborted."; a real abort
(a prompt's Ctrl+D, which click raises as Abort with no cause) still reads "Aborted."."""

from __future__ import annotations

import click
import pytest

from station_console import cli
from station_console.bench import harness
from station_console.logs import log_path


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setattr("sys.argv", ["station", "bench", "--only", "detect"])
    with pytest.raises(SystemExit) as ended:
        cli.main()
    return int(ended.value.code or 0), capsys.readouterr().err


def test_an_eof_error_inside_a_command_is_told_as_a_bug_with_its_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def damaged(*args: object, **kwargs: object) -> None:
        raise EOFError("marshal data too short")

    monkeypatch.setattr(harness, "run_all", damaged)
    code, said = run_main(monkeypatch, capsys)
    assert code == 2
    assert said.strip().startswith("station: An unexpected error happened; details were written to "), said
    assert "Aborted" not in said
    assert "EOFError: marshal data too short" in log_path().read_text(encoding="utf-8")


def test_an_abort_with_no_cause_still_reads_aborted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def ctrl_d_at_a_prompt(*args: object, **kwargs: object) -> None:
        raise click.Abort() from None  # as click.prompt raises it on EOF

    monkeypatch.setattr(harness, "run_all", ctrl_d_at_a_prompt)
    code, said = run_main(monkeypatch, capsys)
    assert (code, said.strip()) == (130, "Aborted.")
