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
from hardware.printers.label import DPIS, PRESETS, SIZES, LabelSize, LabelSizeError, Media, preset_for

WAYBILLS = [
    "SF1234567890123",
    "73123456789012",
    "JT0012345678901",
    "9400110200881234567890",
    "DPK123456789012",
]


def label(waybill: str, lang: str = "en") -> LabelData:
    caps = Captions("取件码", "运单尾号 {tail}", "手机") if lang == "zh" else Captions()
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
def test_png_is_the_sticker_size_at_its_dpi(size: str, dpi: int) -> None:
    png = image.render_label(label(WAYBILLS[0]), Media(LabelSize.parse(size), dpi))
    img = Image.open(io.BytesIO(png))
    dims = LabelSize.parse(size)
    assert img.size == (round(dims.width_mm * dpi / 25.4), round(dims.height_mm * dpi / 25.4))
    assert round(img.info["dpi"][0]) == dpi


SIZES_TO_CHECK = [*SIZES, "45x35", "80x60", "100x120", "35x26", "120x200"]


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("size", SIZES_TO_CHECK)
def test_nothing_is_drawn_off_the_label_and_nothing_overlaps(size: str, dpi: int) -> None:
    for waybill in [*WAYBILLS, "1Z5R89390357567127", "GM9E44608A27984866BA2D9E44608A27984866BA2"]:
        layout = layout_for(size, dpi, waybill)
        boxes = layout.boxes()
        for name, box in boxes.items():
            assert box.x >= 0 and box.y >= 0, (size, dpi, waybill, name, box)
            assert box.right <= layout.width and box.bottom <= layout.height, (size, dpi, waybill, name, box)
            assert box.w > 0 and box.h > 0, (size, dpi, waybill, name, box)
        named = [(n, b) for n, b in boxes.items() if n != "symbol"]
        for i, (a_name, a) in enumerate(named):
            for b_name, b in named[i + 1 :]:
                apart = a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y
                assert apart, (size, dpi, waybill, a_name, a, b_name, b)
        sym = layout.symbol
        assert sym.module >= 2
        if sym.is_qr:
            assert layout.dots(0.33) <= sym.module, "QR cells under 0.33 mm do not read on thermal paper"


@pytest.mark.parametrize("size", SIZES)
def test_the_pickup_code_is_the_largest_text_and_bars_are_not_taller_than_useful(size: str) -> None:
    layout = layout_for(size, 203, "73123456789012")
    others = [layout.caption, layout.carrier, layout.tail, layout.phone, layout.date]
    assert all(layout.code.h > box.h for box in others)
    assert layout.symbol.kind == "code128"
    assert layout.dots(5) <= layout.symbol.box.h <= layout.dots(30)
    # Text grows with the sticker: the big presets are not small text in a corner.
    assert layout.code.h >= layout.height // 7


def test_bars_that_do_not_fit_with_their_quiet_zones_become_a_qr_code() -> None:
    ups = "1Z5R89390357567127"  # 200 modules with its quiet zones: more than 40 mm holds at 2 dots
    small = layout_for("40x30", 203, ups)
    assert small.symbol.kind == "qr" and small.symbol.module >= 3
    wide = layout_for("60x40", 203, ups).symbol
    assert wide.kind == "code128" and wide.module >= 2
    assert wide.box.x >= 10 * wide.module and wide.box.right <= 480 - 10 * wide.module
    img = Image.open(io.BytesIO(image.render_label(label(ups), Media(LabelSize(40, 30), 203))))
    assert [(r.text, r.format) for r in zxingcpp.read_barcodes(img)] == [(ups, zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.parametrize(
    ("size", "reason"),
    [
        ("30x20", "too small"),
        ("25x60", "too small"),
        ("300x300", "not a sticker"),
        ("40x500", "not a sticker"),
    ],
)
def test_sizes_that_cannot_be_laid_out_are_refused_clearly(size: str, reason: str) -> None:
    with pytest.raises(LabelSizeError, match=reason):
        layout_for(size, 203, "SF1234567890123")
    with pytest.raises(ValueError, match=reason):
        make_printer({"size": size})


def test_a_custom_size_is_the_preset_it_holds_scaled() -> None:
    assert preset_for(LabelSize(100, 150)) is PRESETS["100x150"]
    bigger = preset_for(LabelSize(80, 60))  # holds 70x50: scaled by min(80/70, 60/50)
    base = PRESETS["70x50"]
    assert bigger.code == pytest.approx(base.code * 80 / 70, abs=0.01)
    smaller = preset_for(LabelSize(36, 27))  # 90% of 40x30
    assert smaller.row == pytest.approx(PRESETS["40x30"].row * 0.9, abs=0.01)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_label_is_text_with_the_code(lang: str) -> None:
    data = pdf.render_label(label("SF1234567890123", lang), Media(LabelSize(50, 30), 203))
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
    png = image.render_label(label("SF1234567890123", "zh"), Media(LabelSize(40, 30), 203))
    img = Image.open(io.BytesIO(png))
    assert [r.text for r in zxingcpp.read_barcodes(img)] == ["SF1234567890123"]
    text = pypdf.PdfReader(
        io.BytesIO(pdf.render_label(label("SF1234567890123", "zh"), Media(LabelSize(40, 30), 203)))
    ).pages[0]
    assert "6-5-3002" in text.extract_text()
    assert "label_font" in fonts.CJK_MISSING
    # Chinese a TSPL printer draws from our font falls back to English; its own font needs none of ours.
    from station_console.services.printing.render import needs_cjk_fallback

    assert needs_cjk_fallback("zh", make_printer({"language": "tspl", "cjk": "bitmap"}))
    assert not needs_cjk_fallback("zh", make_printer({"language": "tspl"}))


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


def test_paper_settings_come_from_the_printer_entry() -> None:
    printer = make_printer({"language": "tspl", "gap_mm": 3.5, "size": "50x30", "dpi": 300, "cjk": "bitmap"})
    assert printer.media == Media(LabelSize(50, 30), 300, gap_mm=3.5, paper_mm=58, cjk="bitmap")
    assert b"GAP 3.5 mm,0 mm\r\n" in printer.render_label(label("SF1234567890123"))
    assert printer.cjk_bitmap and not make_printer({"language": "tspl"}).cjk_bitmap
    assert make_printer({"language": "escpos", "paper_mm": 80}).media.roll_dots == 576
    assert make_printer({"language": "escpos"}).media.roll_dots == 384
    for bad, key in (
        ({"gap_mm": "wide"}, "gap_mm"),
        ({"gap_mm": -1}, "gap_mm"),
        ({"paper_mm": 76}, "paper_mm"),
        ({"cjk": "guess"}, "cjk"),
        ({"dpi": "fine"}, "dpi"),
    ):
        with pytest.raises(ValueError, match=key):
            make_printer(bad)
