"""The waybill's text uses the room the label has: measured in the rendered PNG."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from hardware.printers.label import Box
from hardware.sendprint import waybill
from hardware.sendprint.layout import Text, WaybillData, layout_for

NAME = "欧阳" + "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
DETAILS = "1 件 · XL · 文件、衣物、电子产品配件、书籍 · 保价 ¥2000 · 尺寸 S M L XL 大件"


def _data(lang: str) -> WaybillData:
    return WaybillData(
        carrier="中国邮政速递物流国内标准快递服务" if lang == "zh" else "China Post Express Mail",
        waybill="SF1234567890ABCDEFGHIJKLMN1234",
        sort_code="浙江杭州西湖区 310-A12",
        recipient_name=NAME,
        recipient_phone="138****5678",
        address="北京市朝阳区望京街道阜通东大街6号院3号楼12单元1203室",
        sender_name=NAME,
        sender_phone="139****0000",
        weight="12.5 kg",
        details=DETAILS,
        date="2026-03-01",
        station="幸福小区驿站",
        captions={"to": "收", "from": "寄"} if lang == "zh" else {},
    )


def _ink(img: Image.Image, box: Box) -> tuple[int, int, int, int]:
    """Left, top, right, bottom of the black inside `box`."""
    found = img.crop((box.x, box.y, box.right, box.bottom)).convert("L").point(lambda v: 255 - v).getbbox()
    assert found is not None, f"nothing drawn in {box}"
    return found


def _render(size: str, dpi: int, lang: str) -> tuple[Image.Image, list[Text]]:
    data = _data(lang)
    img = Image.open(io.BytesIO(waybill.render("png", size, dpi, data)))
    assert data.waybill in [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]
    texts = [i for i in layout_for(size, dpi, data).items if isinstance(i, Text)]
    return img, texts


@pytest.mark.parametrize(("size", "dpi", "lang"), [("100x150", 203, "zh"), ("76x130", 300, "en")])
def test_the_details_wrap_at_the_labels_width_and_print_at_one_size(size: str, dpi: int, lang: str) -> None:
    img, texts = _render(size, dpi, lang)
    lines = [t for t in texts if t.text and (DETAILS.startswith(t.text) or t.text[-1] in "…件")][-2:]
    assert DETAILS.replace(" ", "").startswith("".join(t.text for t in lines).replace(" ", "").rstrip("…"))
    first, second = (_ink(img, t.box) for t in lines)
    # One size: the same glyph height on both lines (no descenders in this text).
    assert abs((first[3] - first[1]) - (second[3] - second[1])) <= 1
    # The first line runs to the label's right margin, less than three characters short of it: a
    # word's one character (书 of 书籍) does not stay alone at its end, and "、" has no ink on its right.
    glyph = first[3] - first[1]
    assert lines[0].box.w - first[2] < 3 * glyph


@pytest.mark.parametrize(("size", "dpi"), [("100x150", 203), ("76x130", 300)])
def test_names_print_near_the_phones_size_and_the_carrier_has_the_header_row(size: str, dpi: int) -> None:
    img, texts = _render(size, dpi, "zh")
    for phone in ("138****5678", "139****0000"):
        index = next(n for n, t in enumerate(texts) if t.text == phone)
        name, number = texts[index - 1], texts[index]
        assert name.text == NAME
        name_h = _ink(img, name.box)[3] - _ink(img, name.box)[1]
        phone_h = _ink(img, number.box)[3] - _ink(img, number.box)[1]
        assert name_h >= 0.7 * phone_h, f"{name_h} px name beside a {phone_h} px phone"
    carrier = texts[0]
    left, top, right, bottom = _ink(img, carrier.box)
    assert right - left > 0.55 * img.width  # most of the row, the date keeps the rest
    assert bottom - top >= dpi * (3.3 if size == "100x150" else 2.6) / 25.4  # was 2.9 and 2.2 mm
