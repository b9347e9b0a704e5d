"""PNG and PDF labels: the barcode decodes back to the waybill with a real decoder, at every size and dpi."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pypdf
import pytest
import zxingcpp
from PIL import Image

from hardware.printers import Captions, Document, LabelData, fonts, image, layout_for, make_printer, pdf
from hardware.printers.label import DPIS, SIZES, LabelSize

WAYBILLS = [
    "SF1234567890123",
    "73123456789012",
    "JT0012345678901",
    "9400110200881234567890",
    "DPK123456789012",
]


def label(waybill: str, lang: str = "en") -> LabelData:
    caps = Captions("取件码", "尾号", "手机") if lang == "zh" else Captions()
    return LabelData(
        pickup_code="6-5-3002",
        carrier="SF",
        waybill=waybill,
        masked_phone="****5678",
        checked_in=date(2026, 11, 25),
        lang=lang,
        captions=caps,
    )


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STATION_CJK_FONT", "")
    fonts.cjk_font.cache_clear()
    image.font.cache_clear()
    yield
    fonts.cjk_font.cache_clear()
    image.font.cache_clear()


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("waybill", WAYBILLS)
def test_png_is_the_sticker_size_and_its_barcode_decodes(size: str, dpi: int, waybill: str) -> None:
    layout = layout_for(size, dpi, waybill)
    png = image.render_label(label(waybill), layout)
    img = Image.open(io.BytesIO(png))
    dims = LabelSize.parse(size)
    assert img.size == (round(dims.width_mm * dpi / 25.4), round(dims.height_mm * dpi / 25.4))
    assert round(img.info["dpi"][0]) == dpi
    assert layout.module >= 2 and layout.barcode.x >= 0 and layout.barcode.x + layout.barcode.w <= img.width
    found = zxingcpp.read_barcodes(img)
    assert [(r.text, r.format) for r in found] == [(waybill, zxingcpp.BarcodeFormat.Code128)]


def test_the_pickup_code_is_the_largest_text() -> None:
    layout = layout_for("40x30", 203, "SF1234567890123")
    others = [layout.caption, layout.carrier, layout.tail, layout.phone, layout.date]
    assert all(layout.code.h > box.h for box in others)
    # Nothing overlaps the bars.
    assert all(box.y + box.h <= layout.barcode.y for box in [layout.code, *others])


def test_a_waybill_too_long_for_two_dots_per_module_prints_as_text() -> None:
    long = "1Z999AA10123456784"  # 189 modules: more than 40 mm holds at 2 dots
    layout = layout_for("40x30", 203, long)
    assert not layout.fits and layout.module == 0
    assert layout_for("60x40", 203, long).fits
    img = Image.open(io.BytesIO(image.render_label(label(long), layout)))
    assert zxingcpp.read_barcodes(img) == []  # no half-width bars that would misscan


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_label_is_text_with_the_code(lang: str) -> None:
    data = pdf.render_label(label("SF1234567890123", lang), layout_for("50x30", 203, "SF1234567890123"))
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert round(float(page.mediabox.width) * 25.4 / 72) == 50
    text = page.extract_text()
    assert "6-5-3002" in text and "****5678" in text and "2026-11-25" in text
    assert ("取件码" if lang == "zh" else "Pickup code") in text


def test_pdf_documents_keep_chinese_and_every_row() -> None:
    rows = [[str(n), f"SF12345678901{n:02d}", f"1-1-10{n:02d}", "2026-11-20"] for n in range(1, 61)]
    doc = Document(
        kind="manifest",
        title="退件清单",
        meta=["批次：RB000001"],
        columns=["#", "运单号", "取件码", "入库日期"],
        rows=rows,
        footer=["件数：60"],
        barcode="RB000001",
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf.render_document(doc)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2 and "退件清单" in text and "件数：60" in text
    assert all(row[1] in text for row in rows)


def test_without_a_cjk_font_chinese_is_replaced_not_dropped_silently(no_cjk_font: None) -> None:
    assert fonts.cjk_font() is None
    assert fonts.printable("取件码 6-5", cjk=False) == "??? 6-5"
    png = image.render_label(label("SF1234567890123", "zh"), layout_for("40x30", 203, "SF1234567890123"))
    img = Image.open(io.BytesIO(png))
    assert [r.text for r in zxingcpp.read_barcodes(img)] == ["SF1234567890123"]
    text = pypdf.PdfReader(
        io.BytesIO(
            pdf.render_label(label("SF1234567890123", "zh"), layout_for("40x30", 203, "SF1234567890123"))
        )
    ).pages[0]
    assert "6-5-3002" in text.extract_text()
    assert "label_font" in fonts.CJK_MISSING


def test_factory_builds_each_language_and_rejects_unknowns(tmp_path: object) -> None:
    for name in ("tspl", "zpl", "escpos", "png", "pdf"):
        printer = make_printer({"language": name, "transport": "dummy", "size": "60x40", "dpi": 300})
        assert printer.render_label(label("SF1234567890123"))
        assert printer.can_print("label") and printer.can_print("receipt") == (name in ("escpos", "pdf"))
    with pytest.raises(ValueError, match="language"):
        make_printer({"language": "pcl"})
    with pytest.raises(ValueError, match="transport"):
        make_printer({"transport": "bluetooth"})
    with pytest.raises(ValueError, match="dpi"):
        make_printer({"dpi": 600})
    with pytest.raises(ValueError, match="size"):
        make_printer({"size": "big"})
    assert not make_printer({"language": "escpos", "jobs": ["receipt"]}).can_print("label")
