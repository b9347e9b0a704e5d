"""ZPL II (Zebra and compatibles).

Latin text uses the scalable font 0 in UTF-8 (`^CI28`). Zebra printers rarely carry a Chinese font, so
text with Chinese is sent as a bitmap (`^GFA`) drawn with the machine's CJK font. The waybill is the
printer's `^BC` with explicit subset switches (`>:` start B, `>;` start C, `>5`/`>6` switch), the same
plan as the preview, or its `^BQ` QR code.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from hardware.printers import code128
from hardware.printers.fonts import has_cjk
from hardware.printers.image import draw_text
from hardware.printers.label import Box, LabelData, LabelLayout, Media
from hardware.printers.textfit import ASCII_ELLIPSIS, READABLE_MM, ellipsized, plain

START = {"B": ">:", "C": ">;"}
SWITCH = {"B": ">6", "C": ">5"}
CHAR_WIDTH = 0.6  # font 0 advance per char, as a fraction of its height (digits; conservative)
# Zebra firmware puts a ^FO'd QR code lower by the ^BY bar height, which persists between labels; the
# QR field pins that height and starts this much higher, so the symbol lands where the layout put it.
QR_SINK = 10


def _escape(text: str) -> str:
    # ^FH lets a field carry ^ and ~ as hex escapes.
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def graphic_field(img: Image.Image, x: int, y: int) -> str:
    """A 1-bit image as ^GFA hex (1 = black dot on the label)."""
    row_bytes = max(1, img.width // 8)  # whole bytes inside the image: never past the box
    bw = Image.new("1", (row_bytes * 8, img.height), 1)
    bw.paste(img.convert("1"), (0, 0))
    # PIL packs "1" images MSB first with 1 = white; ZPL wants 1 = black.
    raw = bytes(b ^ 0xFF for b in bw.tobytes())
    total = row_bytes * bw.height
    return f"^FO{x},{y}^GFA,{total},{total},{row_bytes},{raw.hex().upper()}^FS"


def text_field(text: str, box: Box, *, align: str = "left", min_h: int = 0, stretch: float = 1.0) -> str:
    """`text` in `box`: font 0 as large as fits, Chinese as a bitmap; not below `min_h` dots high (nor
    font 0's smallest), shortened with an ellipsis instead. `stretch` > 1: up to that much taller than
    wide (font 0's height and width apart), centred in the box's height, as the PNG draws it."""
    text = plain(text)
    if has_cjk(text):
        width = max(8, box.w // 8 * 8)  # whole bytes, so right-aligned text is not cut off
        img = Image.new("1", (width, box.h), 1)
        draw_text(
            ImageDraw.Draw(img), text, Box(0, 0, width, box.h), align=align, min_h=min_h, stretch=stretch
        )
        return graphic_field(img, box.x, box.y)
    smallest = min(box.h, max(10, min_h))

    def height_for(part: str) -> int:
        return min(box.h, int(box.w / (CHAR_WIDTH * max(1, len(part)))))

    text = ellipsized(text, lambda part: height_for(part) >= smallest, mark=ASCII_ELLIPSIS)
    height = max(smallest, height_for(text))
    tall = min(box.h, int(height * stretch))
    y = box.y + (box.h - tall) // 2 if stretch > 1 else box.y + box.h - height
    block = ""
    if align != "left":
        block = f"^FB{box.w},1,0,{'R' if align == 'right' else 'C'},0"
    return f"^FO{box.x},{y}^A0N,{tall},{height}{block}^FH^FD{_escape(text)}^FS"


def barcode_data(waybill: str) -> str:
    return "".join(
        (START if n == 0 else SWITCH)[seg.subset] + seg.text for n, seg in enumerate(code128.plan(waybill))
    )


def symbol_field(waybill: str, layout: LabelLayout) -> str:
    sym = layout.symbol
    box = sym.box
    if sym.is_qr:
        # Model 2, cell size; data "MA,": error correction M, automatic input mode.
        return (
            f"^BY2,3,{QR_SINK}^FO{box.x},{box.y - QR_SINK}^BQN,2,{sym.module}^FH^FDMA,{_escape(waybill)}^FS"
        )
    return f"^FO{box.x},{box.y}^BY{sym.module}^BCN,{box.h},N,N,N^FD{barcode_data(waybill)}^FS"


def render_label(data: LabelData, media: Media) -> bytes:
    caption = media.caption(data.captions)
    layout = media.layout(data.waybill, caption)
    readable = layout.dots(READABLE_MM)
    fields = [
        "^XA",
        "^CI28",
        f"^PW{layout.width}",
        f"^LL{layout.height}",
        "^LH0,0",
        text_field(caption, layout.caption, min_h=readable),
        text_field(data.carrier, layout.carrier, align=layout.carrier_align, min_h=readable),
        text_field(data.pickup_code, layout.code, align="center", stretch=layout.code_stretch),
        text_field(data.tail_text, layout.tail),
    ]
    if data.phone_text:
        fields.append(text_field(data.phone_text, layout.phone))
    fields.append(text_field(data.date_text, layout.date, align=layout.date_align))
    if layout.hri is not None:
        fields.append(text_field(data.waybill, layout.hri, align="center"))
    fields += [symbol_field(data.waybill, layout), "^PQ1", "^XZ"]
    return ("\n".join(fields) + "\n").encode("utf-8")
