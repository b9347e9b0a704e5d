"""Every carrier's waybill scans from every label, decoded from the bytes a printer gets.

For each preset size, resolution and printer language, each carrier's sample waybill (valid for that
carrier in the shipped table) is rendered; TSPL, ZPL, ESC/POS and PDF bytes are drawn by the test-side
printers in `label_sim`, PDF pages by PDFium (`pdf_pages`; PNG is an image already), then decoded with zxing-cpp. The code must decode to
the waybill, keep its quiet zone (10 modules beside Code 128, 4 around a QR code) on the sticker, and
still decode with the print shifted 1 mm to either side (a feed offset).
"""

from __future__ import annotations

import io
from datetime import date

import label_sim
import pytest
import zxingcpp
from pdf_pages import render_page
from PIL import Image

from hardware.printers import Captions, LabelData, make_printer
from hardware.printers.label import DPIS, SIZES, LabelSize
from station_console.services.admin.setup import carrier_seed
from station_console.services.scan.detect import Detector


def gs1_check(digits: str) -> str:
    """GS1 mod-10: weights 3 and 1 from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return digits + str((10 - total % 10) % 10)


# Western numbers from the public tracking_number_data set (MIT); Chinese ones fit the table's shapes.
SAMPLES = [
    ("SF", "SF1234567890123"),
    ("ZTO", "73123456789012"),
    ("YTO", "YT1234567890123"),
    ("STO", "773123456789012"),
    ("STO", "43123456789012345"),
    ("YUNDA", "312345678901234"),
    ("YUNDA", "5123456789012"),
    ("JT", "JT0012345678901"),
    ("JD", "JDVA12345678901"),
    ("EMS", "1123456789012"),
    ("EMS", "PA12345678901"),
    ("EMS", "EA123456785CN"),
    ("DPK", "DPK123456789012"),
    ("CAINIAO", "621123456789012"),
    ("UPS", "1Z5R89390357567127"),
    ("UPS", "K1506235620"),
    ("FEDEX", "986578788855"),
    ("FEDEX", "9611020987654312345672"),
    ("USPS", "9400111206206406260787"),
    ("USPS", gs1_check("9205590164917312751089123")),  # 26 digits
    ("DHL", "73891051146"),
    ("DHL", "JVGL0999999990"),
    ("DHL", "GM9E44608A27984866BA2D"),
    ("DHL", "GM" + ("9E44608A27984866BA2D" * 2)[:38]),  # the longest shape the table allows
    ("AMAZON", "TBA000000000000"),
    ("AMAZON", "C1004444443"),
    ("S10", "RB123456785GB"),
]
FORMATS = ("tspl", "zpl", "png", "pdf")


def label(waybill: str, lang: str = "en") -> LabelData:
    caps = Captions("取件码", "运单尾号 {tail}", "手机") if lang == "zh" else Captions()
    return LabelData("6-5-3002", "J&T", waybill, "****5678", date(2026, 11, 25), lang, caps)


def test_every_carrier_in_the_table_has_a_valid_sample() -> None:
    detector = Detector.from_carriers(carrier_seed())
    assert {c for c, _ in SAMPLES} == set(detector.carriers)
    for carrier, waybill in SAMPLES:
        found = detector.detect(waybill, batch=carrier)
        assert found.error is None and found.waybill == waybill, (carrier, waybill, found.error)
        assert found.best is not None and found.best.carrier == carrier, (carrier, waybill)


def picture(fmt: str, data: bytes, dpi: int, roll_dots: int = 0) -> Image.Image:
    if fmt == "tspl":
        return label_sim.tspl(data, dpi).image()
    if fmt == "zpl":
        return label_sim.zpl(data).image()
    if fmt == "escpos":
        return label_sim.escpos(data, roll_dots).image()
    if fmt == "pdf":
        return render_page(data, dpi)
    png = Image.open(io.BytesIO(data))
    assert png.mode == "1", f"a {png.mode} PNG: a thermal head prints dots, ink or paper"
    return png.convert("L")


def read(img: Image.Image) -> list[zxingcpp.Barcode]:
    """What a counter scanner reading Code 128 and QR finds (labels are printed upright, dark on light).

    The pictures are black and white at the printer's own dots (a 1-bit PNG; `label_sim` draws only ink
    and paper), so the decoder reads them at that resolution with a fixed threshold (there is no grey
    to adapt to), not from downscaled or inverted copies: half the decoding work, the same codes found."""
    formats = zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.Code128, zxingcpp.BarcodeFormat.QRCode])
    return zxingcpp.read_barcodes(
        img,
        formats=formats,
        try_rotate=False,
        try_downscale=False,
        try_invert=False,
        binarizer=zxingcpp.Binarizer.FixedThreshold,
    )


def _runs_left(row: bytes, x: int) -> int:
    """White pixels left of x up to the next ink or the sticker's edge."""
    n = 0
    while x - n - 1 >= 0 and row[x - n - 1] > 128:
        n += 1
    return n


def _grey(img: Image.Image, xy: tuple[int, int]) -> int:
    """One dot of a one-band ("L") picture, 0 ink to 255 paper."""
    value = img.getpixel(xy)
    assert isinstance(value, int)
    return value


def scan_problems(img: Image.Image, waybill: str, dpi: int) -> list[str]:
    """Why this label would not scan reliably (empty: it scans)."""
    found = read(img)
    if [r.text for r in found] != [waybill]:
        return [f"decoded {[r.text for r in found]}"]
    result = found[0]
    pos = result.position
    xs = [p.x for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)]
    ys = [p.y for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)]
    problems: list[str] = []
    width, height = img.size
    if result.format == zxingcpp.BarcodeFormat.Code128:
        y = (min(ys) + max(ys)) // 2
        row = img.crop((0, y, width, y + 1)).tobytes()  # one byte a dot ("L")
        left = min(xs)
        while left > 0 and row[left - 1] <= 128:
            left -= 1
        while row[left] > 128:
            left += 1
        right = max(xs)
        while right < width - 1 and row[right + 1] <= 128:
            right += 1
        while row[right] > 128:
            right -= 1
        runs, start = [], left
        for x in range(left + 1, right + 2):
            if x > right or (row[x] <= 128) != (row[start] <= 128):
                runs.append(x - start)
                start = x
        module = min(runs)
        if module < 2:
            problems.append(f"bars of {module} dot")
        quiet_left = _runs_left(row, left)
        quiet_right = _runs_left(row[::-1], width - 1 - right)
        if min(quiet_left, quiet_right) < 10 * module:
            problems.append(f"quiet zones {quiet_left}/{quiet_right} dots for {module}-dot modules")
    elif result.format == zxingcpp.BarcodeFormat.QRCode:
        left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
        ring = 0
        while _grey(img, (left + ring, top + 1)) <= 128:
            ring += 1
        module = max(1, round(ring / 7))  # the finder pattern's top edge is 7 modules
        pad = 4 * module
        if left - pad < 0 or top - pad < 0 or right + pad >= width or bottom + pad >= height:
            problems.append("QR quiet zone runs off the sticker")
        else:
            around = img.crop((left - pad, top - pad, right + pad + 1, bottom + pad + 1))
            # Blank the symbol (and a pixel of corner-position slack); what is left must be white.
            around.paste(255, (pad - 1, pad - 1, pad + (right - left) + 2, pad + (bottom - top) + 2))
            darkest = around.getextrema()[0]
            assert isinstance(darkest, int)  # one band ("L"): a lowest and a highest number
            if darkest <= 128:
                problems.append(f"ink in the QR quiet zone around {(left, top, right, bottom)}")
    else:
        problems.append(f"unexpected symbology {result.format}")
    shift = label_sim.dots(1, dpi)
    band = (0, max(0, min(ys) - 40), width, min(height, max(ys) + 40))
    for crop in ((shift, band[1], width, band[3]), (0, band[1], width - shift, band[3])):
        moved = [r.text for r in read(img.crop(crop))]
        if moved != [waybill]:
            problems.append(f"after a 1 mm shift decoded {moved}")
    return problems


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_carrier_scans_on_every_preset(fmt: str, size: str, dpi: int) -> None:
    printer = make_printer({"language": fmt, "transport": "dummy", "size": size, "dpi": dpi})
    problems = {}
    for carrier, waybill in SAMPLES:
        img = picture(fmt, printer.render_label(label(waybill)), dpi)
        expected = LabelSize.parse(size)
        assert img.size == (label_sim.dots(expected.width_mm, dpi), label_sim.dots(expected.height_mm, dpi))
        found = scan_problems(img, waybill, dpi)
        if found:
            problems[f"{carrier} {waybill}"] = found
    assert problems == {}


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("paper", [58, 80])
def test_every_carrier_scans_from_a_receipt_printer(paper: int, dpi: int) -> None:
    printer = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": paper, "dpi": dpi})
    problems = {}
    for carrier, waybill in SAMPLES:
        img = picture("escpos", printer.render_label(label(waybill)), dpi, printer.media.roll_dots)
        found = scan_problems(img, waybill, dpi)
        if found:
            problems[f"{carrier} {waybill}"] = found
    assert problems == {}


@pytest.mark.parametrize("dpi", DPIS)
def test_a_long_waybill_prints_whole_on_one_line_of_a_58_mm_roll(dpi: int) -> None:
    """40 characters (the longest the table allows) are more than font A's 32 on a 58 mm roll: the
    number goes in the smaller font B (42 a line) rather than broken after its 32nd character."""
    waybill = "GM" + ("9E44608A27984866BA2D" * 2)[:38]
    printer = make_printer({"language": "escpos", "transport": "dummy", "paper_mm": 58, "dpi": dpi})
    sheet = label_sim.escpos(printer.render_label(label(waybill)), printer.media.roll_dots)
    (code,) = sheet.codes
    below = [rect for rect in sheet.rects if rect[1] >= code.y + code.h]
    assert len(below) == 1, below  # one line of text under the code: the number, whole
    x, _y, w, h = below[0]
    assert (w, h) == (len(waybill) * 9, 17) and x >= 0 and x + w <= sheet.width
    assert [r.text for r in read(sheet.image())] == [waybill]
    assert scan_problems(sheet.image(), waybill, dpi) == []
