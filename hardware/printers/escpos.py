"""ESC/POS (receipt printers): labels on roll paper, pickup receipts, return manifests.

Commands come from python-escpos's `Dummy` printer, which records the bytes instead of sending them;
our transports send them. Chinese text is sent in the Chinese printers' GB18030 double-byte mode
(FS & ... FS .), which is how the common Xprinter/Gprinter receipt printers print Chinese.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from escpos.constants import QR_ECLEVEL_M

from hardware.printers import code128
from hardware.printers.document import Document
from hardware.printers.escpos_dummy import new_dummy
from hardware.printers.label import LabelData, Media, mm_to_dots, roll_symbol
from hardware.printers.roll_table import roll_table
from hardware.printers.textfit import clip_columns, columns, gbk_printable, plain, wrap_columns

if TYPE_CHECKING:
    from escpos.printer import Dummy

CJK_ON, CJK_OFF = b"\x1c\x26", b"\x1c\x2e"
ROLL_CHARS = {58: 32, 80: 48}  # font A characters per line
SMALL_CHARS = {58: 42, 80: 64}  # font B's (9 dots a character, against A's 12)
FONT_A, FONT_B = b"\x1bM\x00", b"\x1bM\x01"  # ESC M n
BAR_MM = 10.0


def _printer() -> Dummy:
    p = new_dummy()
    p.hw("INIT")
    return p


def text_line(p: Dummy, text: str) -> None:
    """One line of text as the roll prints it."""
    text = gbk_printable(plain(text))
    if text.isascii():
        p._raw(text.encode("ascii") + b"\n")
    else:
        # Chinese mode for any character past ASCII, "·" and "…" too: the code page would print "?" for
        # them, and `columns` counts each as the two columns the GB font gives it. Only GBK's two-byte
        # characters are left (`gbk_printable`): the common printers' font has no four-byte ones.
        p._raw(CJK_ON + text.encode("gb18030", "replace") + CJK_OFF + b"\n")


def _wrapped(p: Dummy, text: str, chars: int) -> None:
    """`text` in lines of `chars` columns broken between words (the printer would break it mid-word)."""
    for line in wrap_columns(plain(text), chars):
        text_line(p, line)


def _number(p: Dummy, number: str, paper_mm: int) -> None:
    """A waybill number under its code, whole: one that font A would break mid-number (a 40-character
    one on a 58 mm roll) is printed in the smaller font B; one too long even for that is cut into equal
    pieces, so no piece is a stray few characters."""
    number = plain(number)
    if columns(number) <= ROLL_CHARS[paper_mm] or not number.isascii():
        _wrapped(p, number, ROLL_CHARS[paper_mm])
        return
    small = SMALL_CHARS[paper_mm]
    pieces = -(-len(number) // small)
    size = -(-len(number) // pieces)
    p._raw(FONT_B)
    for start in range(0, len(number), size):
        text_line(p, number[start : start + size])
    p._raw(FONT_A)


def _feed(p: Dummy, dots: int) -> None:
    """ESC J: feed paper by `dots`, the white a code needs above and below it."""
    while dots > 0:
        p._raw(b"\x1bJ" + bytes([min(255, dots)]))
        dots -= 255


def _symbol(p: Dummy, data: str, media: Media) -> None:
    """The printer's own Code 128 (function B, explicit subsets) when its bars and quiet zones fit the
    roll, else its QR code (GS ( k); both centred."""
    height = min(255, mm_to_dots(BAR_MM, media.dpi))
    sym = roll_symbol(data, media.roll_dots, media.dpi, bar_height=height)
    p.set(align="center")
    # A cell more than the quiet zone: the next line's glyphs may start at the top of their cell.
    white = (sym.quiet + 1) * sym.module if sym.is_qr else mm_to_dots(1, media.dpi)
    _feed(p, white)
    if sym.is_qr:
        p.qr(data, ec=QR_ECLEVEL_M, size=sym.module, native=True)
        _feed(p, white)
        return
    payload = code128.escpos_payload(data)
    # The hardware path directly: `barcode()` would print a notice on stdout.
    p._hw_barcode(
        payload,
        "CODE128",
        height=height,
        width=sym.module,
        pos="OFF",
        font="A",
        align_ct=True,
        function_type="B",
        check=False,
    )
    p._raw(b"\n")


def render_label(data: LabelData, media: Media) -> bytes:
    chars = ROLL_CHARS[media.paper_mm]
    p = _printer()
    p.set(align="center")
    header = f"{data.captions.code}  {data.carrier}"
    if columns(header) <= chars:
        text_line(p, header)
    else:  # a long carrier name on a line of its own, shortened to the roll rather than wrapped
        text_line(p, data.captions.code)
        text_line(p, clip_columns(data.carrier, chars))
    p.set(align="center", bold=True, custom_size=True, width=3, height=3)
    text_line(p, data.pickup_code)
    p.set(align="center", bold=False, normal_textsize=True)
    text_line(p, data.tail_text)
    if data.phone_text:
        text_line(p, data.phone_text)
    text_line(p, data.date_text)
    _symbol(p, data.waybill, media)
    _number(p, data.waybill, media.paper_mm)
    p.cut()
    return p.output


def render_document(doc: Document, media: Media) -> bytes:
    chars = ROLL_CHARS[media.paper_mm]
    p = _printer()
    p.set(align="center", bold=True, double_height=True, double_width=True)
    _wrapped(p, doc.title, chars // 2)
    p.set(align="left", bold=False, normal_textsize=True)
    for meta in doc.meta:
        _wrapped(p, meta, chars)
    if doc.note:
        _wrapped(p, doc.note, chars)
    text_line(p, "-" * chars)
    for table in doc.tables():
        if table.heading:
            _wrapped(p, table.heading, chars)
        # Widths from what the cells say, not the page's relative widths: a code is never broken.
        for line in roll_table(table.columns, table.rows, table.aligns, chars):
            text_line(p, line)
        text_line(p, "-" * chars)
    for foot in doc.footer:
        _wrapped(p, foot, chars)
    if doc.barcode:
        _symbol(p, doc.barcode, media)
    p.ln(2)
    p.cut()
    return p.output
