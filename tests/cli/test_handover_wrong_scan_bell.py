"""A wrong scan at a send-out handover rings the terminal's bell: the command's output guard wrote the
BEL out as the text `\\x07` before every refusal, in a terminal and in a log alike."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cli.sendout_cli_helpers import add_staff, command_runner
from station_console.safe_text import VisibleWriter, ring_bell

pytestmark = pytest.mark.new_station


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'station.sqlite3'}"


def test_a_wrong_scan_is_said_without_a_bell_written_as_text(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_staff(db_url)
    run = command_runner(db_url, monkeypatch)
    result = run("sendout", "handover", "SF", "--keep-open", clerk="Li", stdin="[/]\n")
    assert result.exit_code == 1, result.output  # its only scan refused: nothing scanned, no batch kept
    assert "WRONG: [/] has characters no carrier uses" in result.stderr
    assert "\\x07" not in result.output and "\a" not in result.output  # not a terminal: no bell


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bell_rings_past_the_output_guard_on_a_terminal_only() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    ring_bell(VisibleWriter(terminal))
    ring_bell(VisibleWriter(pipe))
    assert (terminal.getvalue(), pipe.getvalue()) == ("\a", "")
