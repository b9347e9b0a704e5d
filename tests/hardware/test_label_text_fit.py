"""Long Chinese names on small stickers: each field's text fits its box by the width its font gives it.

A carrier's short name may be 16 Chinese characters (32 columns); a 40x30 sticker's carrier box holds
about 15 mm. Every printer language keeps the name inside its box at a readable height (shortened with
an ellipsis, not shrunk to a smear nor cut silently), the pickup code and the waybill's code unchanged.
"""

from __future__ import annotations

import io
import re
from datetime import date

import label_sim
import pypdf
import pytest
from PIL import Image, ImageChops, ImageDraw
from test_labels_scan import picture, scan_problems

from hardware.printers import Captions, Document, LabelData, escpos, make_printer, pdf, tspl
from hardware.printers.label import DPIS, Box, LabelLayout, LabelSize, Media, layout_for
from hardware.printers.pdf import _fit_text, _new_pdf
from hardware.printers.textfit import ELLIPSIS, READABLE_MM, clip_columns, columns, ellipsized
from hardware.sendprint import layout as waybill_layout
from hardware.sendprint.waybill import label_image as waybill_image

LONG_NAME = "中国邮政速递物流国内标准快递服务"  # 16 characters, the short name's limit: 32 columns
WAYBILLS = ("SF1234567890123", "73123456789012")  # a QR code and Code 128 bars on a 40x30 sticker
PRINTERS = {
    "tspl": {"language": "tspl"},
    "tspl-bitmap": {"language": "tspl", "cjk": "bitmap"},
    "zpl": {"language": "zpl"},
    "png": {"language": "png"},
    "pdf": {"language": "pdf"},
}


def zh_label(waybill: str, carrier: str = LONG_NAME) -> LabelData:
    return LabelData(
        "6-5-3002",
        carrier,
        waybill,
        "****5678",
        date(2026, 11, 25),
        "zh",
        Captions("取件码", "运单尾号 {tail}", "手机"),
    )


def ink_outside(img: Image.Image, layout: LabelLayout) -> tuple[int, int, int, int] | None:
    """Where ink lies outside every field's box (the quiet zone is no field's): None when nowhere."""
    allowed = Image.new("L", img.size, 0)
    draw = ImageDraw.Draw(allowed)
    for name, box in layout.boxes().items():
        if name != "quiet zone":
            draw.rectangle([box.x, box.y, box.right - 1, box.bottom - 1], fill=255)
    ink = img.convert("L").point(lambda v: 255 if v <= 128 else 0)
    return ImageChops.subtract(ink, allowed).getbbox()


def ink_height(img: Image.Image, box: Box) -> int:
    found = (
        img.convert("L").crop((box.x, box.y, box.right, box.bottom)).point(lambda v: 255 if v <= 128 else 0)
    )
    bbox = found.getbbox()
    assert bbox is not None, "nothing drawn in the box"
    return bbox[3] - bbox[1]


@pytest.mark.parametrize("waybill", WAYBILLS)
@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("kind", PRINTERS)
def test_a_long_chinese_carrier_name_fits_a_40x30_sticker_readably(kind: str, dpi: int, waybill: str) -> None:
    printer = make_printer({**PRINTERS[kind], "transport": "dummy", "size": "40x30", "dpi": dpi})
    layout = printer.media.layout(waybill, "取件码")
    data = printer.render_label(zh_label(waybill))
    img = picture(PRINTERS[kind]["language"], data, dpi)
    assert scan_problems(img, waybill, dpi) == []
    assert ink_outside(img, layout) is None
    if kind == "tspl":  # the printer's own font: the name is the text of a TEXT command
        shown = re.findall(r'"TSS24\.BF2",0,1,1,"([^"]*)"', data.decode("gb18030"))[1]
        assert shown.endswith(ELLIPSIS) and LONG_NAME.startswith(shown[:-1]) and len(shown) >= 5, shown
        assert columns(shown) * 12 <= layout.carrier.w
    elif kind != "pdf":  # drawn with our font: readable, not shrunk into the box
        assert ink_height(img, layout.carrier) >= layout.dots(READABLE_MM) * 0.8


def test_a_tspl_text_too_long_for_the_resident_font_ends_in_an_ellipsis_inside_its_box() -> None:
    box = Box(10, 10, 120, 24)
    command = tspl.text_command(LONG_NAME, box, align="right")
    text = re.search(r',"([^"]*)"$', command)
    assert text is not None
    shown = text.group(1)
    assert shown == LONG_NAME[:4] + ELLIPSIS  # five full-width cells: "…" is one in a GB font
    assert columns(shown) * 12 <= box.w
    x = int(command.split()[1].split(",")[0])
    assert x >= box.x


@pytest.mark.parametrize("dpi", DPIS)
def test_a_pdf_label_keeps_a_long_name_in_its_box_at_a_readable_size(dpi: int) -> None:
    pdf, cjk = _new_pdf(40, 30)
    pdf.add_page()
    drawn: list[tuple[float, str]] = []

    def draw_text(x: float, y: float, text: str = "") -> None:
        drawn.append((x, text))

    pdf.text = draw_text  # type: ignore[method-assign]
    box = (25.0, 1.2, 14.0, 3.0)
    _fit_text(pdf, LONG_NAME, box, cjk=cjk, align="right", min_mm=READABLE_MM)
    [(x, text)] = drawn
    assert text.endswith(ELLIPSIS) and LONG_NAME.startswith(text[:-1]) and len(text) > 1
    assert x >= box[0] - 0.01 and x + pdf.get_string_width(text) <= box[0] + box[2] + 0.01
    assert pdf.font_size >= READABLE_MM * 0.99  # fpdf's font_size is in the document's unit, mm


@pytest.mark.parametrize("paper", [58, 80])
def test_a_receipt_printer_label_never_wraps_a_long_name(paper: int) -> None:
    printer = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": paper})
    data = printer.render_label(zh_label("SF1234567890123", LONG_NAME * 2))
    lines = [
        part.replace(escpos.CJK_ON, b"").replace(escpos.CJK_OFF, b"").decode("gb18030", "replace")
        for part in re.findall(rb"\x1c\x26(.*?)\x1c\x2e", data, flags=re.S)
    ]
    chars = escpos.ROLL_CHARS[paper]
    assert lines and all(columns(line) <= chars for line in lines), lines
    assert any(line.startswith("中国邮政") and line.endswith(ELLIPSIS) for line in lines), lines
    img = label_sim.escpos(data, printer.media.roll_dots).image()
    assert scan_problems(img, "SF1234567890123", 203) == []


def test_a_receipt_row_wraps_a_long_name_inside_its_column() -> None:
    doc = Document(
        "receipt", "取件凭条", columns=["取件码", "快递", "尾号"], rows=[["6-5-3002", LONG_NAME, "0123"]]
    )
    data = escpos.render_document(doc, make_printer({"language": "escpos", "transport": "dummy"}).media)
    lines = [part.decode("gb18030") for part in re.findall(rb"\x1c\x26(.*?)\x1c\x2e", data)]
    first = next(n for n, line in enumerate(lines) if "6-5-3002" in line)
    row = lines[first : first + 2]  # the name wrapped in its column, as wide as the roll leaves it
    assert all(columns(line) <= escpos.ROLL_CHARS[58] for line in row), row
    start = row[0].index(LONG_NAME[0])
    assert (
        "".join(line[start:].split()[0] if n else line.split()[1] for n, line in enumerate(row)) == LONG_NAME
    )
    assert row[0].endswith("0123")  # the tail stays on the row's first line, in its own column
    indent = columns(row[0][:start])
    assert all(columns(line[: line.index(line.strip())]) == indent for line in row[1:])  # under itself


def printed_lines(data: bytes) -> list[str]:
    """The text lines of an ESC/POS stream as the printer reads their bytes: ASCII through the code page
    (a byte it has no glyph for, as "?" was sent, prints "?"), GB18030 between FS & and FS ."""
    text = re.sub(rb"\x1b[@]|\x1b[!EaJdt-].|\x1d[!hwHfV].|\x1dk..[^\n]*|\x1d\(k(.)(.)", b"", data)
    lines = []
    for raw in text.split(b"\n"):
        parts = re.split(rb"\x1c\x26(.*?)\x1c\x2e", raw, flags=re.S)
        # re.split keeps the Chinese-mode parts at odd places
        lines.append(
            "".join(p.decode("gb18030") if n % 2 else p.decode("ascii") for n, p in enumerate(parts))
        )
    return [line for line in lines if line.strip()]


@pytest.mark.parametrize("paper", [58, 80])
def test_a_receipts_lines_keep_their_words_and_their_dots(paper: int) -> None:
    """A 40-character station name and a courier receipt's counts ("0 · arrived 2") on a roll: each
    line inside the roll, broken between words (the printer broke "Parc" / "el Depot"), and the "·"
    printed as itself (the code page printed "?")."""
    station = "Riverside Garden North Gate Parcel Depot"
    counts = "Pre-alerted 0 · arrived 0 · missing 0 · extra 2 · damaged 0"
    doc = Document(
        "manifest",
        "Courier handover receipt",
        meta=[station, counts],
        columns=["Waybill", "Note"],
        rows=[["HZ1111111111", "extra: not pre-alerted"]],
        footer=["Courier signature: ____________"],
    )
    media = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": paper}).media
    lines = printed_lines(escpos.render_document(doc, media))
    chars = escpos.ROLL_CHARS[paper]
    assert all(columns(line) <= chars for line in lines), lines
    assert not any("?" in line for line in lines), lines
    words = " ".join(lines).split()
    assert all(word in words for word in (station + " " + counts).split()), lines
    assert "Courier handover receipt" in " ".join(lines)  # the double-width title, in whole words


def test_shortening_never_splits_a_character_and_measures_gb_columns() -> None:
    assert columns("中国…a") == 7
    assert clip_columns(LONG_NAME, 10) == "中国邮政" + ELLIPSIS
    assert clip_columns("SF", 10) == "SF"
    assert ellipsized("e\u0301e\u0301e\u0301", lambda t: len(t) <= 4) == "e\u0301" + ELLIPSIS
    assert ellipsized(LONG_NAME, lambda t: False) == ""


def test_waybill_names_and_addresses_wrap_and_shrink_no_further_than_readable() -> None:
    data = waybill_layout.WaybillData(
        carrier=LONG_NAME,
        waybill="SF1234567890123",
        sort_code="021",
        recipient_name="欧阳" * 20,
        recipient_phone="138****5678",
        address="上海市浦东新区" * 20,
        sender_name="张三",
        sender_phone="139****0000",
        weight="1.2 kg",
        details="",
        date="2026-11-25",
        station="驿站",
    )
    layout = waybill_layout.layout_for("76x130", 203, data)
    texts = [item for item in layout.items if isinstance(item, waybill_layout.Text)]
    name = next(t for t in texts if t.text.startswith("欧阳"))
    readable = round(READABLE_MM * 203 / 25.4)
    assert name.min_h >= readable  # cut near the phone's size, never shrunk below readable
    # The phone has a box of its own beside the name: a long name is shortened, never the phone.
    phone = next(t for t in texts if t.text == "138****5678")
    assert phone.min_h == 0 and phone.align == "right" and name.box.right < phone.box.x
    png = waybill_image(waybill_layout.layout_for("76x130", 203, data))
    assert ink_height(png, name.box) >= readable * 0.8
    address = [t for t in texts if t.text.startswith("上海") or t.text.startswith("东新区")]
    assert address and all(t.min_h == readable for t in address)
    assert address[-1].text.endswith("…")


def test_a_short_caption_leaves_the_carrier_the_rest_of_the_header_row() -> None:
    plain = layout_for("40x30", 203, "73123456789012")
    zh = layout_for("40x30", 203, "73123456789012", "取件码")
    en = layout_for("40x30", 203, "73123456789012", "Pickup code")
    assert zh.carrier.w > plain.carrier.w and zh.carrier.right == plain.carrier.right
    assert zh.caption.right < zh.carrier.x and en.caption == plain.caption  # a long caption keeps 3/5
    tspl_text = tspl.text_command("取件码", zh.caption)
    assert tspl_text.endswith('"取件码"')  # the printer's font still fits it whole


def ink_share(img: Image.Image, box: Box) -> float:
    """The share of the ink's own bounding box, inside `box`, that is black."""
    found = (
        img.convert("L").crop((box.x, box.y, box.right, box.bottom)).point(lambda v: 255 if v <= 128 else 0)
    )
    bbox = found.getbbox()
    assert bbox is not None, "nothing drawn in the box"
    inked = found.crop(bbox)
    return sum(1 for v in inked.get_flattened_data() if v) / (inked.width * inked.height)


@pytest.mark.parametrize(("size", "dpi"), [("120x200", 203), ("100x100", 300), ("120x200", 300)])
def test_a_chinese_carrier_name_on_a_large_sticker_keeps_its_strokes_apart(size: str, dpi: int) -> None:
    # The bundled font is bold already: about 45% of a line of its Chinese is ink. A stroke of 0.15 mm
    # round glyphs some 5 mm high fills their counters (70% and more), a black smear.
    data = zh_label(WAYBILLS[1], carrier="中国邮政速递物流国际快递公司")
    img = picture("png", make_printer({"language": "png", "size": size, "dpi": dpi}).render_label(data), dpi)
    assert ink_share(img, layout_for(size, dpi, data.waybill, data.captions.code).carrier) < 0.55


@pytest.mark.parametrize(
    ("size", "lang", "caption"),
    [
        ("32x24", "en", "Code"),
        ("32x24", "zh", "取件码"),
        ("40x30", "en", "Pickup code"),
        ("40x30", "zh", "取件码"),
    ],
)
def test_a_small_sticker_prints_the_short_caption_whole(size: str, lang: str, caption: str) -> None:
    captions = (
        Captions(code="取件码", tail="运单尾号 {tail}", phone="手机", code_short="取件码")
        if lang == "zh"
        else Captions()
    )
    data = LabelData("8-8-8888", "FedEx", "SF1234567890123", "****5678", date(2026, 3, 1), lang, captions)
    media = Media(size=LabelSize.parse(size), dpi=203)
    texts: list[str] = []
    page = pypdf.PdfReader(io.BytesIO(pdf.render_label(data, media))).pages[0]
    page.extract_text(visitor_text=lambda text, *_: texts.append(text.strip()))
    assert caption in texts
    assert not any("…" in t or "..." in t for t in texts)


@pytest.mark.parametrize("paper", [58, 80])
def test_a_manifests_codes_stay_whole_on_a_roll(paper: int) -> None:
    """A return manifest (#, waybill, pickup code, check-in date) on a roll: each waybill, code and
    date whole on one line, every line inside the roll (four equal columns broke a 15-digit waybill
    over three lines); on 58 mm the date goes on a line under its waybill."""
    rows = [[str(n), f"62139636336792{n}", f"F-1-104{n}", "2026-12-04"] for n in range(1, 4)]
    doc = Document("manifest", "Return manifest", columns=["#", "Waybill", "Code", "Checked in"], rows=rows)
    media = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": paper}).media
    lines = printed_lines(escpos.render_document(doc, media))
    assert all(columns(line) <= escpos.ROLL_CHARS[paper] for line in lines), lines
    for _n, waybill, code, day in rows:
        (line,) = [line for line in lines if waybill in line.split()]
        assert code in line.split(), lines
        assert day in (lines[lines.index(line) + 1] if paper == 58 else line).split(), lines
    assert any(line.split() == ["Checked", "in"] for line in lines) or paper == 80


def test_a_run_sheets_building_spans_the_roll() -> None:
    """A row with one cell filled (a run sheet's building and floor) is printed across the roll, not
    wrapped in its column five characters wide."""
    doc = Document(
        "manifest",
        "Door delivery run",
        columns=["#", "Code", "Address", "Recipient", "Phone"],
        rows=[
            ["", "[Riverside Blk 12 floor 8]", "", "", ""],
            ["1", "8-1-1037", "B-803", "Li Lei", "138****4444"],
        ],
        widths=[3, 10, 10, 12, 13],
    )
    media = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": 58}).media
    lines = printed_lines(escpos.render_document(doc, media))
    assert "[Riverside Blk 12 floor 8]" in lines, lines
    assert any("8-1-1037" in line.split() for line in lines), lines


def test_a_count_stays_with_its_label_on_a_58_mm_roll() -> None:
    """The courier receipt's counts on 58 mm: "damaged" ended one line and its "0" stood alone on the
    next; a figure goes down with the word it counts."""
    counts = "Pre-alerted 0 · arrived 0 · missing 0 · extra 2 · damaged 0"
    doc = Document(
        "manifest", "Courier handover receipt", meta=[counts, "NOT collected, still at the counter: 1"]
    )
    media = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": 58}).media
    lines = printed_lines(escpos.render_document(doc, media))
    assert not any(line.strip().isdigit() or line.split()[0].isdigit() for line in lines), lines
    assert any("damaged 0" in line for line in lines) and "counter: 1" in lines, lines


@pytest.mark.parametrize(
    ("lang", "waybill"),
    # The longest waybill makes a wider QR code, and the phone's box narrower.
    [("en", "SF1234567890123"), ("zh", "SF" + "1234567890" * 3 + "ABCDEFGH")],
)
def test_a_mobiles_last_four_digits_stay_on_a_tspl_sticker(lang: str, waybill: str) -> None:
    """A mainland mobile masks as 138****5678, too long beside the QR code on a 40x30 sticker in the
    printer's font (which does not shrink): the label drops the first three digits, not the last four,
    which are what the clerk matches, and keeps its caption."""
    caps = Captions("取件码", "运单尾号 {tail}", "手机") if lang == "zh" else Captions()
    data = LabelData("6-5-3002", "SF", waybill, "138****5678", date(2026, 11, 25), lang, caps)
    sent = make_printer({"language": "tspl", "transport": "dummy"}, name="t").render_label(data)
    phone = [line for line in sent.decode("gb18030").split("\r\n") if "****" in line]
    assert len(phone) == 1
    assert phone[0].endswith(f'"{caps.phone} ****5678"')
