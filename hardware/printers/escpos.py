"""ESC/POS (receipt printers): labels on roll paper, pickup receipts, return manifests.

Commands come from python-escpos's `Dummy` printer, which records the bytes instead of sending them;
our transports send them. Chinese text is sent in the Chinese printers' GB18030 double-byte mode
(FS & ... FS .), which is how the common Xprinter/Gprinter receipt printers print Chinese.
"""

from __future__ import annotations

from escpos.printer import Dummy

from hardware.printers import code128
from hardware.printers.document import Document
from hardware.printers.fonts import has_cjk
from hardware.printers.label import LabelData, LabelLayout

CJK_ON, CJK_OFF = b"\x1c\x26", b"\x1c\x2e"
ROLL_DOTS = 384  # printable width of 58 mm paper at 203 dpi
ROLL_CHARS = 32  # font A characters per line on 58 mm paper


def _printer() -> Dummy:
    p = Dummy(profile="default")
    p.hw("INIT")
    return p


def _line(p: Dummy, text: str) -> None:
    if has_cjk(text):
        p._raw(CJK_ON + text.encode("gb18030") + CJK_OFF + b"\n")
    else:
        p._raw(text.encode("ascii", "replace") + b"\n")


def _barcode(p: Dummy, data: str, height: int) -> bool:
    """The printer's own Code128 (function B, explicit subsets); False when it is too wide for the roll."""
    module = 2
    if code128.module_count(data) * module > ROLL_DOTS:
        return False
    payload = ""
    for seg in code128.plan(data):
        payload += "{" + seg.subset
        payload += (
            seg.text
            if seg.subset == "B"
            else "".join(chr(int(seg.text[i : i + 2])) for i in range(0, len(seg.text), 2))
        )
    # The hardware path directly: `barcode()` would print a notice on stdout.
    p._hw_barcode(
        payload,
        "CODE128",
        height=height,
        width=module,
        pos="OFF",
        font="A",
        align_ct=True,
        function_type="B",
        check=False,
    )
    p._raw(b"\n")
    return True


def render_label(data: LabelData, layout: LabelLayout) -> bytes:
    p = _printer()
    p.set(align="center")
    _line(p, f"{data.captions.code}  {data.carrier}")
    p.set(align="center", bold=True, custom_size=True, width=3, height=3)
    _line(p, data.pickup_code)
    p.set(align="center", bold=False, normal_textsize=True)
    _line(p, f"{data.tail_text}  {data.phone_text}".strip())
    _line(p, data.date_text)
    if not _barcode(p, data.waybill, height=min(255, layout.barcode.h)):
        _line(p, data.waybill)
    p.cut()
    return p.output


def _columns(cells: list[str], widths: list[int]) -> str:
    def width(text: str) -> int:
        return sum(2 if has_cjk(ch) else 1 for ch in text)

    return "".join(
        cell + " " * max(1, w - width(cell)) for cell, w in zip(cells, widths, strict=False)
    ).rstrip()


def render_document(doc: Document) -> bytes:
    p = _printer()
    p.set(align="center", bold=True, double_height=True, double_width=True)
    _line(p, doc.title)
    p.set(align="left", bold=False, normal_textsize=True)
    for meta in doc.meta:
        _line(p, meta)
    _line(p, "-" * ROLL_CHARS)
    if doc.columns:
        cols = len(doc.columns)
        widths = [ROLL_CHARS // cols] * cols
        _line(p, _columns(doc.columns, widths))
        for row in doc.rows:
            _line(p, _columns(row, widths))
        _line(p, "-" * ROLL_CHARS)
    for foot in doc.footer:
        _line(p, foot)
    if doc.barcode:
        p.set(align="center")
        _barcode(p, doc.barcode, height=64)
    p.ln(2)
    p.cut()
    return p.output
