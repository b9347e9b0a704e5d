"""Printouts break their lines as the console does (`hardware/line_breaks.py`): Chinese between
characters but never a line starting with "。" or "·" nor ending with "（", English between words, a
number kept whole with its unit. A roll's lines and a waybill label's address and details lines."""

from __future__ import annotations

import re

import pytest
from test_label_text_fit import printed_lines

from hardware.printers import Document, escpos, make_printer
from hardware.printers.textfit import columns, wrap_columns
from hardware.sendprint.layout import Text, WaybillData, layout_for
from station_console.i18n import catalog

CLOSING = set("。，、；：？！）」』】·")
OPENING = set("（「『【")
ADDRESS = "乌鲁木齐市天山区人民路 88 号幸福花园小区 12 栋 3 单元 1502 室（请放门口，勿按门铃）"
DETAILS = "2 pcs · books and winter clothes, two boxes · insured 500.00"


def badly_broken(lines: list[str]) -> list[str]:
    """The lines (with the one before) that start with a closing mark or "·", or end with an opening one."""
    return [
        f"{lines[n - 1] if n else ''!r} / {line!r}"
        for n, line in enumerate(lines)
        if (n and line.lstrip()[:1] in CLOSING) or (n < len(lines) - 1 and line.rstrip()[-1:] in OPENING)
    ]


def test_the_80_mm_run_sheets_footer_leaves_no_full_stop_alone() -> None:
    """The run sheet's footer on 80 mm printed its "。" alone on the next line."""
    footer = "回站后逐件扫描：已送达（签收人）或未送达（原因）。"
    doc = Document("receipt", "送货上门派送单", footer=[footer, "派送员签字：____________"])
    media = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": 80}).media
    lines = printed_lines(escpos.render_document(doc, media))
    assert "。" not in lines, lines
    assert badly_broken(lines) == [], lines
    assert footer in "".join(lines), lines


def test_every_chinese_message_wraps_on_a_roll_as_chinese_is_typeset() -> None:
    # Each placeholder filled as a count would fill it: "{received}" alone is wider than a mark's room.
    texts = [re.sub(r"\{\w*\}", "3", text) for text in catalog("zh").values()]
    chinese = [text for text in texts if columns(text) > len(text)]
    bad = {}
    for text in chinese:
        for width in range(12, 49, 4):
            lines = wrap_columns(text, width)
            assert all(columns(line) <= width for line in lines), (text, width, lines)
            assert "".join("".join(lines).split()) == "".join(text.split()), (text, width, lines)
            if found := badly_broken(lines):
                bad[(text, width)] = found
    assert bad == {}


@pytest.mark.parametrize("width", [20, 24, 28, 32])
def test_a_dot_between_a_lines_parts_never_starts_a_line(width: int) -> None:
    lines = wrap_columns("2 件 · 书和冬衣，两箱 · 保价 500.00 · 易碎", width)
    assert not any(line.startswith("·") for line in lines), lines


def _label(size: str, lang: str) -> list[Text]:
    data = WaybillData(
        carrier="SF",
        waybill="SF1234567890123",
        sort_code="新疆 XJ",
        recipient_name="M***",
        recipient_phone="139****4321",
        address=ADDRESS,
        sender_name="欧***",
        sender_phone="138****5678",
        weight="3.45 kg",
        details=DETAILS if lang == "en" else "2 件 · books and winter clothes, two boxes · 保价 500.00",
        date="2026-12-05",
        station="Riverside Garden North Gate Parcel Depot",
    )
    return [item for item in layout_for(size, 203, data).items if isinstance(item, Text)]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", ["76x130", "100x150"])
def test_the_waybills_address_keeps_its_numbers_and_details_their_words(size: str, lang: str) -> None:
    """The address wrapped inside a number ("…单元 150" / "2 室") and the details inside a word
    ("boxe" / "s"): the wrap cut by character."""
    texts = _label(size, lang)
    address = [t.text for t in texts if t.text and t.text in ADDRESS and t.text != "SF"]
    assert "".join(address).replace(" ", "") == ADDRESS.replace(" ", ""), address
    for number in ("88 号", "12 栋", "3 单元", "1502 室"):
        assert any(number in line for line in address), (number, address)
    assert badly_broken(address) == [], address
    details = [t.text for t in texts if t.size_by]
    assert len(details) == 2, details
    whole = next(t.size_by for t in texts if t.size_by)
    assert all(word in " ".join(details).split() for word in whole.split()), details
    assert not details[1].startswith("·"), details


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("目的地 广东", 9, ["目的地", "广东"]),  # was "目的地 广" / "东"
        ("送至广东", 6, ["送至", "广东"]),  # was "送至广" / "东"
        ("请在柜台取件", 10, ["请在柜台", "取件"]),  # was "请在柜台取" / "件"
        ("广东", 2, ["广", "东"]),  # a line with no other place still breaks
        ("to the station", 8, ["to the", "station"]),  # English as before
    ],
)
def test_a_chinese_character_is_not_left_alone_where_its_run_fits_below(
    text: str, width: int, lines: list[str]
) -> None:
    assert wrap_columns(text, width) == lines


def test_a_name_longer_than_the_line_takes_the_comma_after_it_along() -> None:
    """A name with no space in it, longer than the roll's line, then an empty phone's space and "，":
    the name was cut where the line was full, at that space, and the next line began with "，"."""
    lines = wrap_columns("收件人：" + "A" * 32 + " ，北京市", 32)
    assert badly_broken(lines) == [], lines
    assert all(columns(line) <= 32 for line in lines), lines
    assert lines[-1].endswith("，北京市"), lines


def _send_receipt(lang: str, name: str, chars: int) -> Document:
    t = catalog(lang)

    def said(message: str, **fields: str) -> str:
        return t.get(message, message).format(**fields)

    carrier = (
        "中国邮政速递物流国内标准快递服务"
        if lang == "zh"
        else "China Post Express Mail Service (EMS) International"
    )
    return Document(
        "receipt",
        said("Send receipt"),
        meta=[
            said("Carrier: {carrier}", carrier=carrier),
            said("Sender: {who}", who=f"{name} 138****5678"),
            said("To: {who}, {destination}", who="[/] [bold]王\x1b[31m五\x1b[0m", destination="北京市"),
            said("To: {who}, {destination}", who="A" * chars, destination="北京市"),
        ],
        columns=[said("Charge"), said("Amount")],
        rows=[["首重 1 千克（续重 0.5 千克），保价", "26.00"]],
        aligns=["L", "R"],
        footer=[said("Keep this receipt until the parcel arrives.")],
        barcode="SF1234567890123",
    )


@pytest.mark.parametrize("paper", [58, 80])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_receipts_bytes_keep_every_line_inside_the_roll_and_broken_as_it_is_typeset(
    lang: str, paper: int
) -> None:
    """The bytes the printer is sent, read back as it prints them: a long carrier name, a 5,000-character
    sender's name, markup and terminal escapes in a name, a name longer than the line right before
    its "，": no line is wider than the roll, none starts with a closing mark or ends with an opening one."""
    name = ("欧阳" if lang == "zh" else "Ouyang ") * 2500
    media = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": paper}).media
    chars = escpos.ROLL_CHARS[paper]
    lines = printed_lines(escpos.render_document(_send_receipt(lang, name, chars), media))
    assert [line for line in lines if columns(line) > chars] == []
    assert badly_broken(lines) == [], lines
    assert any("[/] [bold]王五" in line for line in lines), lines
    assert not any("\x1b" in line or "[31m" in line for line in lines)
