"""A `Document` (receipt or manifest) on a 58 or 80 mm ESC/POS roll.

The shared ESC/POS renderer prints 58 mm only; send-out counters use both widths, so this one sizes
the table to the roll: columns as wide as their text, the widest one wrapped when the row does not
fit, the last column (amounts, weights) right-aligned. Chinese text goes in the printers' GB18030
double-byte mode. The barcode is the printer's Code128 with 10 modules of white each side, or a QR
code when that does not fit the paper.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hardware.printers import code128
from hardware.printers.document import Document
from hardware.printers.escpos import text_line
from hardware.printers.escpos_dummy import new_dummy
from hardware.printers.roll_table import roll_table
from hardware.printers.textfit import columns
from hardware.printers.textfit import wrap_columns as cut
from hardware.sendprint.layout import QUIET_MODULES

if TYPE_CHECKING:
    from escpos.printer import Dummy

WIDTHS = {58: (32, 384), 80: (48, 576)}  # font A characters per line, printable dots


def width_of(text: str) -> int:
    return columns(text)


def table(
    columns: list[str], rows: list[list[str]], width: int, aligns: list[str] | None = None
) -> list[str]:
    """Rows laid out in `width` columns (`roll_table`); by default the last column (amounts, weights)
    right-aligned."""
    n = len(columns)
    return roll_table(columns, rows, aligns or ["L"] * (n - 1) + ["R"], width)


QR_CELL = 4  # dots per QR cell
QR_QUIET = 4  # cells of white round a QR code


def barcode_module(data: str, dots: int) -> int:
    """Dots per module (2 or 3) that fit the roll with the quiet zones; 0 when 2 do not."""
    total = code128.module_count(data) + 2 * QUIET_MODULES
    return 3 if total * 3 <= dots else 2 if total * 2 <= dots else 0


def _code(p: Dummy, data: str, dots: int) -> None:
    module = barcode_module(data, dots)
    p.set(align="center")
    if not module:
        # The QR code's quiet zone (4 cells, and one more: the next line's glyphs may start at the top of
        # their cell) fed as white above and below it; the lines around it would touch it.
        white = bytes([(QR_QUIET + 1) * QR_CELL])
        p._raw(b"\x1bJ" + white)
        p.qr(data, size=QR_CELL, native=True, center=False)
        p._raw(b"\x1bJ" + white)
        return
    payload = code128.escpos_payload(data)
    p._hw_barcode(
        payload,
        "CODE128",
        height=80,
        width=module,
        pos="OFF",
        font="A",
        align_ct=True,
        function_type="B",
        check=False,
    )
    p._raw(b"\n")


def render(doc: Document, width_mm: int = 58) -> bytes:
    chars, dots = WIDTHS[80 if width_mm >= 80 else 58]
    p = new_dummy()
    p.hw("INIT")
    p.set(align="center", bold=True, double_height=True, double_width=True)
    for part in cut(doc.title, chars // 2):
        text_line(p, part)
    p.set(align="left", bold=False, normal_textsize=True)
    for meta in doc.meta:
        for part in cut(meta, chars):
            text_line(p, part)
    text_line(p, "-" * chars)
    if doc.columns:
        for line in table(doc.columns, doc.rows, chars, doc.aligns or None):
            text_line(p, line)
        text_line(p, "-" * chars)
    for foot in doc.footer:
        for part in cut(foot, chars):
            text_line(p, part)
    if doc.barcode:
        _code(p, doc.barcode, dots)
        p.set(align="center")
        text_line(p, doc.barcode)
    p.ln(3)
    p.cut()
    return bytes(p.output)
