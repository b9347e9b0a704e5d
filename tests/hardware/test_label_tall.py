"""Tall stickers (100x150, 120x200) use their room: the carrier on a line of its own, a taller pickup code.

Measured on the printed picture (PNG, and TSPL and ZPL as `label_sim` draws their commands), with the
longest names a label takes: a 16-character Chinese carrier, a 30-character waybill, a 14-character code.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pypdf
import pytest
from PIL import Image
from test_label_text_fit import PRINTERS, ink_height, ink_outside
from test_labels_scan import picture, scan_problems

from hardware.printers import Captions, LabelData, make_printer
from hardware.printers.label import LabelLayout

CARRIER = "中国邮政速递物流国际快递有限公司"  # 16 characters, the short name's limit
WAYBILL = "SF1234567890ABCDEFGHIJKLMN1234"  # 30 characters: Code 128 across most of the width
CODE = "B12-12345-1234"
CAPTIONS = {"en": Captions(), "zh": Captions("取件码", "运单尾号 {tail}", "手机", "取件码")}
TALL = [("100x150", 203), ("100x150", 300), ("120x200", 203)]


def tall_label(lang: str) -> LabelData:
    return LabelData(CODE, CARRIER, WAYBILL, "****5678", date(2026, 3, 1), lang, CAPTIONS[lang])


def printed(kind: str, size: str, dpi: int, lang: str) -> tuple[Image.Image, LabelLayout]:
    printer = make_printer({**PRINTERS[kind], "transport": "dummy", "size": size, "dpi": dpi})
    data = tall_label(lang)
    layout = printer.media.layout(data.waybill, printer.media.caption(data.captions))
    return picture(PRINTERS[kind]["language"], printer.render_label(data), dpi), layout


def blank_share(img: Image.Image) -> float:
    """The share of the sticker's dot rows with no ink at all."""
    ink = img.convert("L").point(lambda v: 255 if v <= 128 else 0)
    return sum(ink.crop((0, y, img.width, y + 1)).getbbox() is None for y in range(img.height)) / img.height


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("size", "dpi"), TALL)
def test_a_tall_sticker_prints_the_carrier_on_its_own_line_and_a_taller_code(
    size: str, dpi: int, lang: str
) -> None:
    img, layout = printed("png", size, dpi, lang)
    assert layout.carrier.w == layout.width - 2 * layout.carrier.x  # the full width between the margins
    # 16 Chinese characters across the sticker: some 5.5 mm high where the header row gave them 2.5 to 4.
    assert ink_height(img, layout.carrier) >= layout.dots(5)
    # The code is held to the width by its 14 characters (9 mm high on 100x150); drawn taller, it is 16.
    code = ink_height(img, layout.code)
    assert code >= layout.dots(15)
    assert all(
        code > ink_height(img, box) for box in (layout.caption, layout.carrier, layout.tail, layout.phone)
    )
    assert ink_outside(img, layout) is None
    assert scan_problems(img, WAYBILL, dpi) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_100x150_sticker_is_not_mostly_blank(lang: str) -> None:
    img, _ = printed("png", "100x150", 203, lang)
    assert blank_share(img) < 0.5  # 0.56 when the text kept to a 40x30 sticker's rows


@pytest.mark.parametrize("kind", ["tspl", "tspl-bitmap", "zpl"])
@pytest.mark.parametrize(("size", "dpi"), TALL)
def test_printer_languages_draw_the_tall_sticker_as_the_png_does(kind: str, size: str, dpi: int) -> None:
    img, layout = printed(kind, size, dpi, "zh")
    assert ink_outside(img, layout) is None
    assert scan_problems(img, WAYBILL, dpi) == []
    # Whole multipliers (TSPL) or font 0's height apart from its width (ZPL): taller than wide.
    assert ink_height(img, layout.code) >= layout.width * 0.14  # 14 mm on a 100 mm wide sticker


def test_a_pdf_draws_the_tall_code_narrowed_to_its_box() -> None:
    printer = make_printer({"language": "pdf", "transport": "dummy", "size": "100x150", "dpi": 203})
    page = pypdf.PdfReader(io.BytesIO(printer.render_label(tall_label("zh")))).pages[0]
    content = page.get_contents()
    assert content is not None
    stream = content.get_data().decode("latin-1")
    scales = [float(m) for m in re.findall(r"BT ([\d.]+) Tz ET", stream)]
    assert scales and 100 / 1.8 <= min(scales) < 100  # narrowed, up to 1.8 times taller than its font
    texts: list[str] = []
    page.extract_text(visitor_text=lambda text, *_: texts.append(text.strip()))
    assert CODE in texts and CARRIER in texts
