"""Every kind of PDF page the station makes, rendered by PDFium as a reader sees it: its code decodes
with white around it, its ink stays inside the page's margins, a Chinese heading is ink where it stands.
"""

from __future__ import annotations

from datetime import date

import pytest
from pdf_pages import ink_box, ink_count, mm, quiet_zone_problem, read_codes, render_page, render_pdf

from hardware.printers import Captions, Document, LabelData, pdf
from hardware.printers.label import LabelSize, Media
from hardware.sendprint import layout as wl
from hardware.sendprint import waybill

A4_MARGIN_MM = 15.0
ROLL_MARGIN_MM = 5.0
DPI = 203


def label(lang: str) -> LabelData:
    caps = Captions("取件码", "运单尾号 {tail}", "手机") if lang == "zh" else Captions()
    return LabelData("6-5-3002", "J&T", "JT0012345678901", "****5678", date(2026, 11, 25), lang, caps)


def document(kind: str, lang: str, barcode: str) -> Document:
    zh = lang == "zh"
    return Document(
        kind,
        "退件清单" if zh else "Return manifest",
        meta=["快递驿站" if zh else "Parcel Station", "批次：RB000001" if zh else "Batch: RB000001"],
        columns=["#", "运单号", "取件码", "退回原因"] if zh else ["#", "Waybill", "Code", "Reason"],
        rows=[[str(n), f"YT{n:013d}", f"5-1-100{n}", "拦截召回" if zh else "Recalled"] for n in range(1, 4)],
        footer=["店员签字：____________" if zh else "Clerk signature: ____________"],
        barcode=barcode,
    )


def inside(img_box: tuple[int, int, int, int] | None, size: tuple[int, int], margin: int) -> bool:
    assert img_box is not None, "a blank page"
    left, top, right, bottom = img_box
    return left >= margin and top >= margin and right <= size[0] - margin and bottom <= size[1] - margin


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", ["40x30", "60x40", "100x150"])
def test_a_pdf_label_scans_and_its_pickup_code_fills_its_box(size: str, lang: str) -> None:
    media = Media(LabelSize.parse(size), DPI)
    img = render_page(pdf.render_label(label(lang), media), DPI)
    found = read_codes(img)
    assert [c.text for c in found] == ["JT0012345678901"]
    assert quiet_zone_problem(img, found[0]) == ""
    assert inside(ink_box(img), img.size, 1)
    # The big pickup code is ink in its own box (an eighth of it at least: strokes, not paper).
    layout = media.layout("JT0012345678901", media.caption(label(lang).captions))
    code = layout.code
    assert ink_count(img, (code.x, code.y, code.x + code.w, code.y + code.h)) > code.w * code.h // 8
    if lang == "zh":
        caption = layout.caption
        assert ink_count(img, (caption.x, caption.y, caption.x + caption.w, caption.y + caption.h)) > 0


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", wl.SIZES)
def test_a_send_out_waybill_pdf_scans_with_its_quiet_zones(size: str, lang: str) -> None:
    data = wl.WaybillData(
        carrier="顺丰速运" if lang == "zh" else "SF Express",
        waybill="SF1234567890123",
        sort_code="新疆",
        recipient_name="W*",
        recipient_phone="****4321",
        address="乌鲁木齐市天山区人民路 88 号",
        sender_name="Z*",
        sender_phone="****5678",
        weight="1.2 kg",
        details="1 pcs",
        date="2026-11-25",
        station="S",
    )
    img = render_page(waybill.render("pdf", size, DPI, data), DPI)
    found = read_codes(img)
    assert [c.text for c in found] == ["SF1234567890123"]
    assert quiet_zone_problem(img, found[0]) == ""
    assert inside(ink_box(img), img.size, 1)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("barcode", ["SF1234567890123", "GM10ZYXWVUTSRQPONMLK9876543210JIHGFEDCBA"])
def test_a_roll_receipt_scans_at_a_roll_printers_203_dpi(lang: str, barcode: str) -> None:
    """The bars stood 0.25 mm a module, 1.97 dots of a 203 dpi roll printer: printed 1, 2 or 3 dots wide
    by where each fell, and the receipt's waybill did not scan."""
    img = render_page(pdf.render_document(document("receipt", lang, barcode)), DPI)
    found = read_codes(img)
    assert [c.text for c in found] == [barcode]
    assert quiet_zone_problem(img, found[0]) == ""
    assert inside(ink_box(img), img.size, mm(ROLL_MARGIN_MM, DPI) - 1)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_a4_manifest_scans_stays_in_its_margins_and_its_heading_is_ink_where_it_stands(lang: str) -> None:
    (page,) = render_pdf(pdf.render_document(document("manifest", lang, "RB000001")), DPI)
    assert page.size == (mm(210, DPI), mm(297, DPI))
    found = read_codes(page)
    assert [c.text for c in found] == ["RB000001"]
    assert quiet_zone_problem(page, found[0]) == ""
    # Within a millimetre: the table's border lines are stroked centred on the margin.
    assert inside(ink_box(page), page.size, mm(A4_MARGIN_MM - 1, DPI))
    # The heading: centred on the page, in the first 10 mm below the top margin.
    band = page.crop((0, mm(A4_MARGIN_MM, DPI), page.width, mm(A4_MARGIN_MM + 10, DPI)))
    heading = ink_box(band)
    assert heading is not None
    assert abs((heading[0] + heading[2]) / 2 - page.width / 2) <= mm(1, DPI)


def test_the_chinese_heading_draws_glyphs_not_the_same_box_for_each() -> None:
    """A font without the characters draws each as the same empty box: two headings of as many
    characters would then be the same ink. Drawn in the CJK font, they differ."""
    pages = []
    for title in ("退件清单", "快递驿站"):
        doc = Document("manifest", title, meta=["x"])
        page = render_pdf(pdf.render_document(doc), DPI)[0]
        pages.append(page.crop((0, mm(A4_MARGIN_MM, DPI), page.width, mm(A4_MARGIN_MM + 10, DPI))))
    assert ink_box(pages[0]) is not None and pages[0].tobytes() != pages[1].tobytes()
