"""Stored text with control characters prints as text: no ESC, GS or line break of a name reaches a
printer's stream, where it would be a command (an ESC/POS drawer kick, a TSPL command line of its own)."""

from __future__ import annotations

from datetime import date

import label_sim

from hardware.printers import Captions, Document, LabelData, escpos, tspl, zpl
from hardware.printers.label import LabelSize, Media
from hardware.printers.textfit import plain

ANSI = "\x1b[31mWang\x1b[0m"
KICK = "\x1bp\x00\x19\xfa"  # ESC p: open the cash drawer
LINES = "Li\r\nPRINT 9,1\r\nCLS"


def label(carrier: str) -> LabelData:
    return LabelData("6-5-3002", carrier, "73123456789012", None, date(2026, 3, 1), "en", Captions())


def test_plain_drops_escape_sequences_whole_and_makes_line_breaks_spaces() -> None:
    assert plain(ANSI) == "Wang"
    assert plain(KICK + "Li") == "\xfaLi"  # ESC p's 0x00 and 0x19 are controls; 0xFA a letter (ú)
    assert plain("a\tb\r\nc\x00d\x85e") == "a b  cde"


def test_a_receipt_row_with_escapes_prints_its_text_and_no_command() -> None:
    doc = Document("receipt", "Pickup receipt", columns=["Code", "Carrier"], rows=[["1-1-1", ANSI + KICK]])
    for paper in (58, 80):  # the send-out rolls print on both
        data = escpos.render_document(doc, Media(paper_mm=paper))
        assert b"\x1bp" not in data
        assert b"\x1b[" not in data
        label_sim.escpos(data, Media(paper_mm=paper).roll_dots)  # every ESC in it is one the printer knows


def test_a_tspl_label_name_with_line_breaks_is_one_text_command() -> None:
    data = tspl.render_label(label(LINES), Media(size=LabelSize(100, 150)))
    lines = data.split(b"\r\n")
    assert [line for line in lines if line.startswith(b"PRINT")] == [b"PRINT 1,1"]
    assert not any(line.startswith(b"CLS") for line in lines[5:])


def test_a_zpl_label_name_with_escapes_is_its_text() -> None:
    data = zpl.render_label(label(ANSI + "\nLi"), Media(size=LabelSize(100, 150)))
    assert b"^FDWang Li^FS" in data
