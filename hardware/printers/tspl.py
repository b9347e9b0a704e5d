"""TSPL (Xprinter, Gprinter, TSC and most cheap label printers at stations).

Latin text uses the printer's bitmap fonts "2" to "5", scaled by whole multipliers to fill the layout's
boxes. Chinese text uses, as the printer's settings say, either the resident Simplified Chinese font
"TSS24.BF2" (GB encoding; most printers sold in China have it) or a `BITMAP` drawn here with our CJK font
(for printers without it). The waybill is the printer's own Code 128 in manual mode (`128M`, the same
subset plan as the preview, so its width is exactly the layout's) or its `QRCODE`.
"""

from __future__ import annotations

from hardware.printers import code128
from hardware.printers.fonts import has_cjk
from hardware.printers.label import Box, LabelData, LabelLayout, Media
from hardware.printers.textfit import (
    ASCII_ELLIPSIS,
    ELLIPSIS,
    READABLE_MM,
    columns,
    ellipsized,
    gbk_printable,
    plain,
)

# Built-in bitmap fonts: name, char width, height in dots. Ties go to the first (the plainest).
LATIN_FONTS = (("2", 12, 20), ("3", 16, 24), ("4", 24, 32), ("5", 32, 48))
CJK_FONT = ("TSS24.BF2", 24, 24)  # Simplified Chinese (GB); Latin characters are half width
SUBSET = {"B": "!104", "C": "!105"}
SWITCH = {"B": "!100", "C": "!099"}
MAX_MUL = 10


def _quote(text: str) -> str:
    return text.replace('"', '\\["]')


def _width(text: str, font: tuple[str, int, int]) -> int:
    if font is not CJK_FONT:
        return font[1] * len(text)
    return font[1] // 2 * columns(text)  # GB double-byte characters full width, ASCII half


def text_command(text: str, box: Box, *, align: str = "left", stretch: float = 1.0) -> str:
    """A TEXT command in the font and whole multiplier that fill `box` best without overflowing it;
    `stretch` > 1: the height's multiplier may be up to that much the width's (centred in the box's
    height), as the PNG draws a pickup code held to its width taller.

    Text too long for the box even in the smallest font (these fonts do not shrink below their
    size) is shortened with an ellipsis, by that font's own widths, rather than drawn past it.
    The resident Chinese font is GBK: what it cannot draw is "？" (`gbk_printable`), in its columns.
    """
    text = gbk_printable(plain(text))
    fonts = (CJK_FONT,) if has_cjk(text) else LATIN_FONTS
    best: tuple[tuple[str, int, int], int, int] | None = None
    for font in fonts:
        tall = min(box.h // font[2], MAX_MUL)
        mul = min(tall, box.w // max(1, _width(text, font)))
        y_mul = min(tall, int(mul * stretch))
        if mul >= 1 and (best is None or font[2] * y_mul > best[0][2] * best[2]):
            best = (font, mul, y_mul)
    if best is None:
        font = fonts[0]
        mark = ELLIPSIS if font is CJK_FONT else ASCII_ELLIPSIS
        text = ellipsized(text, lambda part: _width(part, font) <= box.w, mark=mark)
        best = (font, 1, 1)
    (name, _, height), mul, y_mul = best
    width = _width(text, best[0]) * mul
    x = box.x
    if align == "right":
        x = box.x + max(0, box.w - width)
    elif align == "center":
        x = box.x + max(0, (box.w - width) // 2)
    room = max(0, box.h - height * y_mul)
    y = box.y + (room // 2 if stretch > 1 else room)
    return f'TEXT {x},{y},"{name}",0,{mul},{y_mul},"{_quote(text)}"'


def bitmap_command(
    text: str, box: Box, *, align: str = "left", min_h: int = 0, stretch: float = 1.0
) -> bytes:
    """`text` drawn with our CJK font as a BITMAP the size of `box` (mode 0: overwrite).

    In TSPL bitmap data a 0 bit prints a dot and a 1 bit leaves paper white, which is exactly how
    Pillow packs a "1" image (0 = black), so the bytes go as they are. The width is whole bytes, never
    wider than the box, so the bitmap never reaches past the sticker.
    """
    from PIL import Image, ImageDraw

    from hardware.printers.image import draw_text

    row_bytes = max(1, box.w // 8)
    img = Image.new("1", (row_bytes * 8, box.h), 1)
    draw_text(
        ImageDraw.Draw(img), text, Box(0, 0, row_bytes * 8, box.h), align=align, min_h=min_h, stretch=stretch
    )
    return f"BITMAP {box.x},{box.y},{row_bytes},{box.h},0,".encode() + img.tobytes()


def barcode_content(waybill: str) -> str:
    parts = []
    for n, seg in enumerate(code128.plan(waybill)):
        parts.append((SUBSET if n == 0 else SWITCH)[seg.subset] + seg.text)
    return "".join(parts)


def symbol_command(waybill: str, layout: LabelLayout) -> str:
    sym = layout.symbol
    box = sym.box
    if sym.is_qr:
        # ECC M, automatic mode, no rotation; the printer draws no quiet zone: the layout keeps one.
        return f'QRCODE {box.x},{box.y},M,{sym.module},A,0,"{_quote(waybill)}"'
    return (
        f'BARCODE {box.x},{box.y},"128M",{box.h},0,0,{sym.module},{sym.module},"{barcode_content(waybill)}"'
    )


def _phone_that_fits(texts: list[str], box: Box) -> str:
    """The first of the phone's forms the smallest font draws whole in `box` (else the shortest, which
    `text_command` shortens): these fonts do not shrink, and an ellipsis would take the digits that count."""
    for text in texts:
        shown = gbk_printable(plain(text))
        if _width(shown, CJK_FONT if has_cjk(shown) else LATIN_FONTS[0]) <= box.w:
            return text
    return texts[-1]


def render_label(data: LabelData, media: Media) -> bytes:
    caption = media.caption(data.captions)
    layout = media.layout(data.waybill, caption)
    readable = layout.dots(READABLE_MM)

    def text(value: str, box: Box, align: str = "left", min_h: int = 0, stretch: float = 1.0) -> bytes:
        if media.cjk == "bitmap" and has_cjk(value):
            return bitmap_command(value, box, align=align, min_h=min_h, stretch=stretch)
        # GB18030 is what the printers' Chinese font expects (its GBK part: `text_command`); ASCII is ASCII.
        return text_command(value, box, align=align, stretch=stretch).encode("gb18030")

    lines = [
        f"SIZE {layout.size.width_mm} mm,{layout.size.height_mm} mm".encode(),
        f"GAP {media.gap_mm:g} mm,0 mm".encode(),
        b"DIRECTION 1,0",
        b"REFERENCE 0,0",
        b"CLS",
        text(caption, layout.caption, min_h=readable),
        text(data.carrier, layout.carrier, layout.carrier_align, min_h=readable),
        text(data.pickup_code, layout.code, "center", stretch=layout.code_stretch),
        text(data.tail_text, layout.tail),
    ]
    if data.phone_text:
        lines.append(text(_phone_that_fits(data.phone_texts, layout.phone), layout.phone))
    lines.append(text(data.date_text, layout.date, layout.date_align))
    if layout.hri is not None:
        lines.append(text(data.waybill, layout.hri, "center"))
    lines.append(symbol_command(data.waybill, layout).encode("gb18030"))
    lines.append(b"PRINT 1,1")
    return b"\r\n".join(lines) + b"\r\n"
