"""A TSPL printer's resident Chinese font (TSS24.BF2) is GBK: a character GB18030 sends in four bytes (an
emoji, a rare character, "¥") printed as garbage. On a pickup label and on a send-out waybill each one
prints as a full-width "？", in the two columns the layout counted for it, so nothing around it moves."""

from __future__ import annotations

import re
from datetime import date

from hardware.printers import Captions, LabelData, tspl
from hardware.printers.label import LabelSize, Media
from hardware.sendprint import waybill
from hardware.sendprint.layout import WaybillData

TEXT_FIELD = re.compile(rb'^TEXT [^\r\n]*"TSS24\.BF2"[^\r\n]*', re.MULTILINE)


def chinese_fields(data: bytes) -> list[str]:
    """The TEXT commands in the Chinese font, read as a GBK-only printer reads them (strictly: bytes
    outside GBK fail here as they print garbage there)."""
    return [m.group().decode("gbk") for m in TEXT_FIELD.finditer(data)]


def _label(carrier: str, phone_caption: str) -> LabelData:
    return LabelData(
        pickup_code="6-5-3002",
        carrier=carrier,
        waybill="JT0012345678901",
        masked_phone="****5678",
        checked_in=date(2026, 11, 25),
        lang="zh",
        captions=Captions("取件码", "运单尾号 {tail}", phone_caption),
    )


def test_a_pickup_labels_text_outside_gbk_prints_as_a_full_width_question_mark_in_place() -> None:
    media = Media(LabelSize.parse("40x30"), 203)
    data = tspl.render_label(_label("顺😀", "¥机"), media)
    # Each field where (and as large as) the same label with "？" typed in draws it.
    assert chinese_fields(data) == chinese_fields(tspl.render_label(_label("顺？", "？机"), media))
    assert any('"顺？"' in field for field in chinese_fields(data))


def _waybill(name: str, details: str) -> WaybillData:
    return WaybillData(
        carrier="中通",
        waybill="ZT123456789012",
        sort_code="浙江杭州",
        recipient_name=name,
        recipient_phone="138****5678",
        address="北京市朝阳区望京街道1203室",
        sender_name="李雷",
        sender_phone="139****0000",
        weight="1.5 kg",
        details=details,
        date="2026-03-01",
        station="幸福小区驿站",
        captions={"to": "收", "from": "寄"},
    )


def test_a_waybills_text_outside_gbk_prints_as_a_full_width_question_mark_in_place() -> None:
    data = waybill.render("tspl", "100x150", 203, _waybill("𠀀明", "1 件 · 保价 ¥2000"))
    same = waybill.render("tspl", "100x150", 203, _waybill("？明", "1 件 · 保价 ？2000"))
    assert chinese_fields(data) == chinese_fields(same)
    assert any('"？明"' in field for field in chinese_fields(data))
    data.decode("gbk")  # the whole job: nothing outside GBK is left
