"""PNG labels (preview, and any printer behind CUPS), drawn at whole printer dots.

The image is exactly the sticker's size in dots at the label's dpi, 1-bit like a thermal head; the
Code 128 bars come from python-barcode's modules and the QR code from the `qrcode` library's, at the
layout's whole dots per module, so a preview scans like the sticker does.
"""

from __future__ import annotations

import io
import math
import zlib
from functools import cache, lru_cache

from PIL import Image, ImageDraw, ImageFont

from hardware.line_breaks import line_spans
from hardware.printers import code128, qr
from hardware.printers.fonts import FontFile, cjk_font, has_cjk, label_font, printable
from hardware.printers.label import Box, LabelData, LabelLayout, Media, Symbol, caption_for
from hardware.printers.textfit import READABLE_MM, ellipsized

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
# A stroke thickens a Chinese glyph by `stroke` dots each side; under 32 px of font size per dot it
# added, its strokes run together (the bundled font is bold already).
BOLD_CJK_EM = 32


@cache
def font(size: int) -> Font:
    found = label_font()
    if found is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(found.path), size=size, index=found.index)


def _reference(text: str) -> str:
    # Size by digit (and CJK) height, not by this text's own ink, so one row's texts match.
    return "0\u53d6" if has_cjk(text) else "0"


Ink = tuple[float, float, float, float]  # left, top, right, bottom


@lru_cache(maxsize=256)
def _reference_ink(face: Font, reference: str, stroke: int) -> tuple[float, float]:
    """Top and bottom of the reference glyphs in this face: the same for every text it measures."""
    _, top, _, bottom = face.getbbox(reference, stroke_width=stroke)
    return top, bottom


def _ink(face: Font, text: str, stroke: int) -> Ink:
    """Left, top, right, bottom of `text` with the reference glyphs' height: descenders count."""
    left, top, right, bottom = face.getbbox(text, stroke_width=stroke)
    ref_top, ref_bottom = _reference_ink(face, _reference(text), stroke)
    return left, min(top, ref_top), right, max(bottom, ref_bottom)


def fit_font(text: str, box: Box, *, stroke: int = 0) -> Font:
    """The largest font whose rendering of `text` fits in `box`."""
    return font(_fit(text, box.w, box.h, stroke, label_font())[0])


@lru_cache(maxsize=1024)
def _fit(text: str, width: int, height: int, stroke: int, _face: FontFile | None) -> tuple[int, Ink]:
    """`fit_font`'s size and the text's ink at that size. Kept per text, box and font file: a counter's
    labels repeat their captions, carrier names and the day's date in the same boxes, and each search
    lays the text out some eight times."""
    lo, hi = 6, max(7, height * 2)
    found: Ink | None = None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        ink = _ink(font(mid), text, stroke)
        left, top, right, bottom = ink
        if right - left <= width and bottom - top <= height:
            lo, found = mid, ink
        else:
            hi = mid - 1
    return lo, found if found is not None else _ink(font(lo), text, stroke)


def shortened(text: str, box: Box, stroke: int, min_h: int) -> str:
    """`text`, or its start with an ellipsis when the whole would have to shrink below `min_h` dots of
    ink (a glyph's height) to fit `box`'s width; 0: it shrinks as far as it must."""
    if min_h <= 0:
        return text
    face_file = label_font()
    size, _ = _fit(text, box.w, box.h, stroke, face_file)
    readable, _ = _fit(_reference(text), box.w * 100, min(min_h, box.h), stroke, face_file)
    if size >= readable:
        return text
    face = font(readable)

    def fits(part: str) -> bool:
        left, _, right, _ = _ink(face, part, stroke)
        return right - left <= box.w

    return ellipsized(text, fits)


def wrapped(text: str, width: int, height: int, lines: int) -> list[str]:
    """`text` in at most `lines` lines, each as wide as `width` dots holds at the size a `height`-dot
    box gives the whole text, so every line prints at that one size (draw each with `size_by=text`);
    the last ends in "…" when text is left."""
    text = printable(text, cjk=cjk_font() is not None)
    face_file = label_font()
    face = font(_fit(text, width * 100, height, 0, face_file)[0])  # its tallest glyph fits `height`

    def fits(part: str) -> bool:
        left, _, right, _ = _ink(face, part, 0)
        return right - left <= width

    # Broken where a line may break: "boxe" / "s" and "150" / "2 室" read as other words.
    spans = line_spans(text, fits)
    out = [text[start:end].rstrip() for start, end in spans[:lines]]
    if len(spans) > lines:
        out[-1] = ellipsized(text[spans[lines - 1][0] :].rstrip(), fits)
    return out


def draw_text(
    draw: ImageDraw.ImageDraw,
    text: str,
    box: Box,
    *,
    align: str = "left",
    stroke: int = 0,
    min_h: int = 0,
    size_by: str = "",
    stretch: float = 1.0,
) -> None:
    """`text` fitted into `box`, its ink (descenders too) inside it, aligned to the box's bottom; not
    smaller than `min_h` dots high (shortened with an ellipsis instead, see `shortened`). `size_by`: a
    line of this text (see `wrapped`), drawn at the size the whole fills the box's height with.
    `stretch` > 1: text the box's width holds lower than its height is drawn up to that much taller,
    centred in the box's height."""
    text = printable(text, cjk=cjk_font() is not None)
    if stretch > 1:
        _draw_stretched(draw, text, box, align, stroke, stretch)
        return
    if size_by:
        whole = printable(size_by, cjk=cjk_font() is not None)
        size, _ = _fit(whole, box.w * 100, box.h, stroke, label_font())
        face = font(size)
        left, _, right, _ = _ink(face, text, stroke)
        _, _, _, bottom = _ink(face, whole, stroke)
        x = box.x - left if align == "left" else box.x + box.w - right if align == "right" else box.x
        draw.text((x, box.y + box.h - bottom), text, font=face, fill=0, stroke_width=stroke, stroke_fill=0)
        return
    size = _fit(text, box.w, box.h, stroke, label_font())[0]
    if stroke and has_cjk(text) and size < BOLD_CJK_EM * 2 * stroke:
        stroke = 0
    text = shortened(text, box, stroke, min_h)
    if not text:
        return
    size, (left, _, right, bottom) = _fit(text, box.w, box.h, stroke, label_font())
    face = font(size)
    x = box.x - left
    if align == "right":
        x = box.x + box.w - right
    elif align == "center":
        x = box.x + (box.w - (right - left)) // 2 - left
    y = box.y + box.h - bottom
    draw.text((x, y), text, font=face, fill=0, stroke_width=stroke, stroke_fill=0)


def _draw_stretched(
    draw: ImageDraw.ImageDraw, text: str, box: Box, align: str, stroke: int, stretch: float
) -> None:
    size, (left, top, right, bottom) = _fit(text, box.w, box.h, stroke, label_font())
    w, h = math.ceil(right - left), math.ceil(bottom - top)
    tall = min(box.h, int(h * stretch))
    # Drawn in grey and scaled smoothly, then made black and white: strokes keep an even width.
    grey = Image.new("L", (w, h), 255)
    ImageDraw.Draw(grey).text(
        (-left, -top), text, font=font(size), fill=0, stroke_width=stroke, stroke_fill=0
    )
    ink = grey.resize((w, tall), Image.Resampling.LANCZOS).point(lambda v: 255 if v < 128 else 0, "1")
    x = box.x if align == "left" else box.right - w if align == "right" else box.x + (box.w - w) // 2
    draw.bitmap((x, box.y + (box.h - tall) // 2), ink, fill=0)


def draw_bars(draw: ImageDraw.ImageDraw, data: str, box: Box, module: int) -> None:
    x = box.x
    for bit in code128.modules(data):
        if bit == "1":
            draw.rectangle([x, box.y, x + module - 1, box.y + box.h - 1], fill=0)
        x += module


def draw_qr(draw: ImageDraw.ImageDraw, data: str, box: Box, cell: int) -> None:
    """The symbol centred in `box` (the room kept for the largest one a printer could make)."""
    cells = qr.matrix(data)
    offset = (box.w - len(cells) * cell) // 2
    for r, row in enumerate(cells):
        for c, dark in enumerate(row):
            if dark:
                x, y = box.x + offset + c * cell, box.y + offset + r * cell
                draw.rectangle([x, y, x + cell - 1, y + cell - 1], fill=0)


def draw_symbol(draw: ImageDraw.ImageDraw, data: str, symbol: Symbol) -> None:
    if symbol.is_qr:
        draw_qr(draw, data, symbol.box, symbol.module)
    else:
        draw_bars(draw, data, symbol.box, symbol.module)


def label_image(data: LabelData, layout: LabelLayout) -> Image.Image:
    img = Image.new("1", (layout.width, layout.height), 1)
    draw = ImageDraw.Draw(img)
    bold = max(1, layout.dots(0.15))
    readable = layout.dots(READABLE_MM)
    draw_text(draw, caption_for(data.captions, layout.size, layout.dpi), layout.caption, min_h=readable)
    draw_text(draw, data.carrier, layout.carrier, align=layout.carrier_align, stroke=bold, min_h=readable)
    draw_text(draw, data.pickup_code, layout.code, align="center", stroke=bold, stretch=layout.code_stretch)
    draw_text(draw, data.tail_text, layout.tail)
    draw_text(draw, data.phone_text, layout.phone)
    draw_text(draw, data.date_text, layout.date, align=layout.date_align)
    if layout.hri is not None:
        draw_text(draw, data.waybill, layout.hri, align="center")
    draw_symbol(draw, data.waybill, layout.symbol)
    return img


def to_png(img: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    # Run-length deflate: a label is long runs of white and black, and it halves the encoding time of
    # zlib's default for a file 2% larger.
    img.save(out, format="PNG", dpi=(dpi, dpi), compress_type=zlib.Z_RLE)
    return out.getvalue()


def render_label(data: LabelData, media: Media) -> bytes:
    layout = media.layout(data.waybill, media.caption(data.captions))
    return to_png(label_image(data, layout), layout.dpi)
