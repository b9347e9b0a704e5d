"""TSPL (Xprinter, Gprinter, TSC and most cheap label printers at stations).

Text uses the printer's own fonts: bitmap fonts "3"/"4"/"5" for Latin text and the built-in
Simplified Chinese font "TSS24.BF2" (GB encoding) for text with Chinese, scaled by whole multipliers
to fill the layout's boxes. The barcode is the printer's own Code128 in manual mode
(`128M`), with the same subset plan as the preview, so its width is exactly the layout's.
"""

from __future__ import annotations

from hardware.printers import code128
from hardware.printers.fonts import has_cjk
from hardware.printers.label import Box, LabelData, LabelLayout

# Built-in bitmap fonts: name, char width, height in dots. Ties go to the first (the plainest).
LATIN_FONTS = (("3", 16, 24), ("4", 24, 32), ("5", 32, 48))
CJK_FONT = ("TSS24.BF2", 24, 24)  # Simplified Chinese (GB); Latin characters are half width
SUBSET = {"B": "!104", "C": "!105"}
SWITCH = {"B": "!100", "C": "!099"}


def _quote(text: str) -> str:
    return text.replace('"', '\\["]')


def _width(text: str, font: tuple[str, int, int]) -> int:
    if font is not CJK_FONT:
        return font[1] * len(text)
    return sum(font[1] if has_cjk(ch) else font[1] // 2 for ch in text)


def text_command(text: str, box: Box, *, align: str = "left") -> str:
    """A TEXT command in the font and whole multiplier that fill `box` best without overflowing it."""
    fonts = (CJK_FONT,) if has_cjk(text) else LATIN_FONTS
    best = (fonts[0], 1)
    for font in fonts:
        unit = max(1, _width(text, font))
        mul = min(box.h // font[2], box.w // unit, 10)
        if mul >= 1 and font[2] * mul > best[0][2] * best[1]:
            best = (font, mul)
    (name, _, height), mul = best
    width = _width(text, best[0]) * mul
    x = box.x
    if align == "right":
        x = box.x + max(0, box.w - width)
    elif align == "center":
        x = box.x + max(0, (box.w - width) // 2)
    y = box.y + max(0, box.h - height * mul)
    return f'TEXT {x},{y},"{name}",0,{mul},{mul},"{_quote(text)}"'


def barcode_content(waybill: str) -> str:
    parts = []
    for n, seg in enumerate(code128.plan(waybill)):
        parts.append((SUBSET if n == 0 else SWITCH)[seg.subset] + seg.text)
    return "".join(parts)


def render_label(data: LabelData, layout: LabelLayout, *, gap_mm: int = 2) -> bytes:
    size = layout.size
    lines = [
        f"SIZE {size.width_mm} mm,{size.height_mm} mm",
        f"GAP {gap_mm} mm,0 mm",
        "DIRECTION 1,0",
        "REFERENCE 0,0",
        "CLS",
        text_command(data.captions.code, layout.caption),
        text_command(data.carrier, layout.carrier, align="right"),
        text_command(data.pickup_code, layout.code, align="center"),
        text_command(data.tail_text, layout.tail),
    ]
    if data.phone_text:
        lines.append(text_command(data.phone_text, layout.phone, align="right"))
    lines.append(text_command(data.date_text, layout.date))
    bar = layout.barcode
    if layout.fits:
        lines.append(
            f'BARCODE {bar.x},{bar.y},"128M",{bar.h},0,0,{layout.module},{layout.module},'
            f'"{barcode_content(data.waybill)}"'
        )
    else:
        lines.append(
            text_command(
                data.waybill, Box(layout.date.x, bar.y, layout.date.w, layout.date.h), align="center"
            )
        )
    lines.append("PRINT 1,1")
    # GB18030 is what the printers' Chinese font expects; for ASCII it is ASCII.
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")
