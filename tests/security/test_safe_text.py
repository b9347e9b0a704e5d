"""Typed and scanned text is stored clean: a pasted coloured name loses its colour codes whole, not
just their ESC (which left `[31m` in the name), and markup stays text."""

from __future__ import annotations

import io

import pytest

from station_console.safe_text import VisibleWriter, clean
from station_console.services.core.free_text import text_field


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("\x1b[31m赵六\x1b[0m", "赵六"),  # SGR colour, as a terminal copy gives it
        ("\x1b[1;38;5;196mLi\x1b[m Mei", "Li Mei"),  # 256 colours, the short reset
        ("a\x1b]0;owned\x07b", "ab"),  # OSC: a window title, to BEL
        ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # OSC 8 hyperlink, to ST
        ("\x1bcreset \x1b7saved", "reset saved"),  # two-character escapes
        ("\x9b31mC1 form", "C1 form"),  # the one-byte CSI
        ("物流\x1b单号", "物流 单号"),  # a stray ESC is a space, what follows stays
        ("[bold red]x[/] \u202eevil\x07", "[bold red]x[/] evil"),  # markup is data; bidi and BEL out
    ],
)
def test_escape_sequences_go_whole(typed: str, stored: str) -> None:
    assert clean(typed) == stored
    # Send-out's free text takes the same step (one way to clean typed text).
    assert text_field(typed, "name", limit=64) == stored


def test_a_commands_output_keeps_csv_line_endings_and_shows_a_lone_carriage_return() -> None:
    """A CSV's rows end in CR LF (RFC 4180): on stdout they stay line endings, not `\\x0d` on every
    row; a carriage return alone would overwrite the line, so it is written out, even when it ends one
    write and the next does not begin with a new line."""
    out = io.StringIO()
    writer = VisibleWriter(out)
    writer.write("date,carrier\r\n2026-12-04,SF\r\n")
    writer.write("paid\rPAID\r")
    writer.write("\n")  # the CR that ended the last write was a line ending after all
    writer.write("x\r")
    writer.write("y\x1b[2J")
    writer.flush()
    writer.write("last\r")
    writer.flush()  # nothing came after it
    assert out.getvalue() == ("date,carrier\r\n2026-12-04,SF\r\npaid\\x0dPAID\r\nx\\x0dy\\x1b[2Jlast\\x0d")
