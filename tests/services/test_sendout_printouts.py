"""Send-out printouts through the print queue: the waybill label in every language and size (its
barcode decoded back with a real decoder), the sender's receipt on 58 and 80 mm rolls, the manifest."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sendout_helpers import FULL_NUMBERS, jobs, send, sf, staff
from sqlmodel import Session, select

from db.models import Send, Sender
from hardware.printers import make_printer, pdf
from hardware.printers.label import LabelSize, mm_to_dots
from hardware.printers.roll_table import roll_table
from hardware.printers.textfit import columns
from hardware.sendprint import layout as wl
from hardware.sendprint import waybill
from station_console.services.core.station import Station
from station_console.services.printing import sending
from station_console.services.sendout import drawing, handover, printouts
from station_console.services.sendout.payments import Payment

PT_PER_MM = 72 / 25.4
pytestmark = pytest.mark.sqlite_only  # rendering, not storage: once is enough


@pytest.fixture
def accepted(station: Station) -> tuple[Station, int]:
    from hardware.printers.transports import DummyTransport

    DummyTransport.forget_all()  # named dummies are shared: start each test empty
    staff(station)
    return station, send(station, waybill="SF1234567890123", label_printer="waybill").send_id


def printed(station: Station, config: dict[str, object], name: str) -> list[bytes]:
    printer = make_printer({**config, "transport": "dummy", "target": name}, name=name)
    result = sending.process_queue(station, printer, lang="en")
    assert result.failed == [], [j.last_error for j in jobs(station)]
    return list(printer.transport.sent)  # type: ignore[attr-defined]


def no_full_numbers(text: str) -> None:
    for number in FULL_NUMBERS:
        assert number not in text


def decode(png: bytes) -> list[tuple[str, str]]:
    img = Image.open(io.BytesIO(png))
    return [(r.text, r.format.name) for r in zxingcpp.read_barcodes(img)]


@pytest.mark.parametrize("size", wl.SIZES)
@pytest.mark.parametrize("dpi", [203, 300])
def test_the_waybill_label_png_decodes_with_quiet_zones(
    accepted: tuple[Station, int], size: str, dpi: int
) -> None:
    station, _ = accepted
    (png,) = printed(station, {"language": "png", "size": size, "dpi": dpi, "jobs": ["waybill"]}, "waybill")
    img = Image.open(io.BytesIO(png))
    dims = LabelSize.parse(size)
    assert img.size == (round(dims.width_mm * dpi / 25.4), round(dims.height_mm * dpi / 25.4))
    assert decode(png) == [("SF1234567890123", "Code128")]
    data = drawing.waybill_data(station, 1, "en")
    bars = wl.layout_for(size, dpi, data).bars
    assert bars is not None and bars.module >= 2
    quiet = wl.QUIET_MODULES * bars.module
    assert bars.box.x >= quiet and bars.box.x + bars.box.w + quiet <= img.width
    # Nothing is drawn in the quiet zones beside the bars.
    strip = img.convert("L").crop((bars.box.x - quiet, bars.box.y, bars.box.x, bars.box.y + bars.box.h))
    assert strip.getextrema() == (255, 255)


def test_tspl_and_zpl_use_the_printers_own_code128_with_whole_dot_modules(
    accepted: tuple[Station, int],
) -> None:
    station, _ = accepted
    (tspl,) = printed(station, {"language": "tspl", "size": "76x130", "jobs": ["waybill"]}, "waybill")
    text = tspl.decode("gb18030")
    assert text.startswith("SIZE 76 mm,130 mm\r\n") and text.rstrip().endswith("PRINT 1,1")
    match = re.search(r'BARCODE (\d+),(\d+),"128M",(\d+),0,0,(\d),(\d),"!104SF1!099234567890123"', text)
    assert match is not None
    x, module = int(match.group(1)), int(match.group(4))
    assert module >= 2 and x >= 10 * module and "139****4321" in text
    no_full_numbers(text)
    printouts.reprint(station, 1, "waybill", label_printer="zebra")
    (zpl,) = printed(station, {"language": "zpl", "size": "100x150", "jobs": ["waybill"]}, "zebra")
    ztext = zpl.decode("utf-8")
    assert "^BY4^BCN" in ztext and ">:SF1>5234567890123" in ztext and ztext.strip().endswith("^XZ")
    no_full_numbers(ztext)


def test_the_pdf_label_is_the_label_size_with_its_text(accepted: tuple[Station, int]) -> None:
    station, _ = accepted
    (blob,) = printed(station, {"language": "pdf", "size": "100x150", "jobs": ["waybill"]}, "waybill")
    page = PdfReader(io.BytesIO(blob)).pages[0]
    assert (
        round(float(page.mediabox.width) * 25.4 / 72),
        round(float(page.mediabox.height) * 25.4 / 72),
    ) == (100, 150)
    text = page.extract_text()
    assert "SF1234567890123" in text and "139****4321" in text and "138****5678" in text
    no_full_numbers(text)


def test_a_code_too_wide_for_the_label_becomes_a_qr_code() -> None:
    data = printouts_data("AB12CD34EF56GH78IJ90KL12MN34OP56QR78ST")
    layout = wl.layout_for("76x130", 203, data)
    assert layout.bars is None and layout.qr is not None and layout.qr.cell >= 2
    png = waybill.render("png", "76x130", 203, data)
    assert decode(png) == [(data.waybill, "QRCode")]
    tspl = waybill.render("tspl", "76x130", 203, data).decode("gb18030")
    assert f'QRCODE {layout.qr.x},{layout.qr.y},M,{layout.qr.cell},A,0,"{data.waybill}"' in tspl


@pytest.mark.parametrize("size", ["100x150", "76x130"])
@pytest.mark.parametrize("dpi", [203, 300])
def test_a_long_address_is_printed_whole_and_clear_of_the_rest(size: str, dpi: int) -> None:
    """The courier delivers to what the label says: a 51-character address, the common long kind, is
    printed whole on both label sizes (not cut with "…" after 36 characters), and no text box of the
    label overlaps another or leaves the label."""
    address = "广东省深圳市南山区科技园南区深南大道10000号腾讯滨海大厦南塔28楼2801室前台转交张三先生收"
    layout = wl.layout_for(size, dpi, replace(printouts_data("SF1000000000017"), address=address))
    texts = [item for item in layout.items if isinstance(item, wl.Text)]
    lines = [t.text for t in texts if t.text and t.text in address]
    assert "".join(lines) == address
    boxes = [t.box for t in texts]
    for n, a in enumerate(boxes):
        assert a.x >= 0 and a.y >= 0 and a.x + a.w <= layout.width and a.y + a.h <= layout.height
        for b in boxes[n + 1 :]:
            apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
            assert apart, f"{a} overlaps {b}"


def printouts_data(number: str) -> wl.WaybillData:
    return wl.WaybillData(
        carrier="X",
        waybill=number,
        sort_code="北京",
        recipient_name="W*",
        recipient_phone="****4321",
        address="somewhere",
        sender_name="Z*",
        sender_phone="****5678",
        weight="1 kg",
        details="1 pcs",
        date="2026-11-25",
        station="S",
    )


def test_a_sticker_printer_cannot_take_a_waybill(accepted: tuple[Station, int]) -> None:
    station, _ = accepted
    printer = make_printer(
        {"language": "tspl", "size": "40x30", "transport": "dummy", "jobs": ["waybill"]}, name="waybill"
    )
    result = sending.process_queue(station, printer)
    assert len(result.failed) == 1 and printer.transport.sent == []  # type: ignore[attr-defined]
    assert "76x130" in (jobs(station)[1].last_error or "")


@pytest.mark.parametrize(("paper", "chars"), [(58, 32), (80, 48)])
def test_the_receipt_fits_its_roll(accepted: tuple[Station, int], paper: int, chars: int) -> None:
    """The roll's width is its `paper_mm`, as for a pickup receipt (an 80 mm roll printed the send
    receipt 32 columns wide, a 58 mm receipt on wide paper)."""
    station, send_id = accepted
    (blob,) = printed(station, {"language": "escpos", "paper_mm": paper, "jobs": ["receipt"]}, f"roll{chars}")
    text = blob.decode("latin-1")
    assert "Send receipt" in text and "SF1234567890123" in text and "138****5678" in text
    assert "ID checked: Resident ID card" in text and "****002X" in text
    assert "Total: 44.00 CNY" in text  # 26.00 for the first kg to 新疆 + 18.00 for the next
    assert b"\x1dk" in blob  # GS k: the printer's own barcode
    no_full_numbers(text)
    plain = re.sub(r"\x1b.|\x1d.|[\x00-\x09\x0b-\x1f]", "", text)
    assert (
        max(len(line) for line in plain.split("\n") if "Send receipt" not in line) == chars
    )  # "Charge  Amount"


def test_roll_tables_wrap_the_widest_column() -> None:
    charge = [["Additional 0.2 kg in 1 step of 1 kg at 18.00", "18.00"]]
    lines = roll_table(["Charge", "Amount"], charge, ["L", "R"], 32)
    assert all(columns(line) <= 32 for line in lines) and lines[1].endswith("18.00")
    manifest = roll_table(
        ["#", "Waybill", "kg", "Pieces", "Destination"],
        [["1", "SF1234567890123", "3.45", "2", "新疆"]],
        ["R", "L", "R", "R", "L"],
        32,
    )
    assert any("SF1234567890123" in line.split() for line in manifest), manifest  # was "SF1234/567890/123"


def test_a_send_out_rolls_barcode_has_white_fed_above_it(accepted: tuple[Station, int]) -> None:
    """The send-out rolls had a renderer of their own, which printed the waybill's bars right under the
    line above them; every roll's code has at least 1 mm of white above it."""
    station, _ = accepted
    (blob,) = printed(station, {"language": "escpos", "paper_mm": 58, "jobs": ["receipt"]}, "roll58")
    bars = blob.index(b"\x1dk")  # GS k: the printer's own Code 128
    before = blob[blob.rindex(b"\n", 0, bars) + 1 : bars]  # the commands after the line above it
    fed = sum(m[0] for m in re.findall(rb"\x1bJ(.)", before, flags=re.S))  # ESC J n: n dots of paper
    assert fed >= mm_to_dots(1, 203), before


def test_the_receipt_as_pdf(accepted: tuple[Station, int]) -> None:
    station, _ = accepted
    (blob,) = printed(station, {"language": "pdf", "jobs": ["receipt"]}, "pdfroll")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(blob)).pages)
    assert "Send receipt" in text and "First 1 kg" in text and "44.00" in text
    no_full_numbers(text)


def test_the_pdf_receipts_charges_stand_in_from_the_paper_edge_as_its_text_does(
    accepted: tuple[Station, int],
) -> None:
    """The charges table ran from margin to margin, out past the text on both sides and almost at the
    roll's right edge: its borders are where the text lines start and end, the sums to the right."""
    station, send_id = accepted
    blob = pdf.render_document(drawing.receipt_document(station, send_id, "en"))
    page = PdfReader(io.BytesIO(blob)).pages[0]
    content = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    cells = [
        [float(v) / PT_PER_MM for v in found]
        for found in re.findall(r"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re S", content)
    ]
    starts: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        starts.setdefault(text.strip(), (cm[4] + tm[4] * cm[0]) / PT_PER_MM)

    page.extract_text(visitor_text=visit)
    text_left = starts["Counter: test-counter"]
    left, right = min(x for x, *_ in cells), max(x + w for x, _, w, _ in cells)
    assert abs(left - text_left) < 0.05 and abs((80 - right) - text_left) < 0.05, (left, right)
    # The sums right-aligned under their heading (left-aligned, both began at the column's start).
    assert starts["26.00"] > starts["Amount"] + 1


def test_a_collection_manifest_and_a_courier_receipt_never_share_a_batch_code(
    accepted: tuple[Station, int],
) -> None:
    """The first send-out handover and the first courier batch received at check-in are both batch 1:
    the two papers a courier signs carried the same code (HB000001) and the same barcode."""
    from station_console.services.prealerts import batches as courier_batches

    station, _ = accepted
    received = courier_batches.open_batch(station, "ZTO", courier_name="Wang")
    collected = handover.scan(station, handover.open_batch(station, "SF"), "SF1234567890123").batch
    handover.close_batch(station, collected.batch_id, courier_name="Chen")
    assert received.id == collected.batch_id == 1
    manifest = drawing.manifest_document(station, collected.batch_id, "en")
    assert manifest.barcode == "SB000001" and "Batch: SB000001" in manifest.meta
    assert manifest.barcode != received.label


def test_the_manifest_lists_every_parcel_and_flags_the_missing(accepted: tuple[Station, int]) -> None:
    station, _ = accepted
    send(station, waybill=sf(2))
    batch_id = handover.scan(station, handover.open_batch(station, "SF"), "SF1234567890123").batch_id
    handover.close_batch(station, batch_id, courier_name="Chen")
    config: dict[str, object] = {"language": "pdf", "jobs": ["manifest"]}
    (blob,) = printed(station, config, "a4")
    reader = PdfReader(io.BytesIO(blob))
    text = "".join(p.extract_text() for p in reader.pages)
    assert round(float(reader.pages[0].mediabox.width) * 25.4 / 72) == 210
    assert "Handover manifest" in text and "SF1234567890123" in text and "Courier: Chen" in text
    assert "NOT collected, still at the counter: 1" in text and sf(2) in text
    assert "Courier signature" in text and "Total weight: 1.2 kg" in text
    assert "Carrier: SF Express" in text  # the courier reads the carrier's name, not "SF"
    station.run(lambda s: printouts.queue_manifest(s, station, batch_id))
    (escpos,) = printed(station, {"language": "escpos", "size": "80x80", "jobs": ["manifest"]}, "roll")
    assert b"SB000001" in escpos and sf(2).encode() in escpos


def test_the_manifest_prints_while_the_console_is_locked(accepted: tuple[Station, int]) -> None:
    """The queue drains as a background duty, nobody signed in: the manifest the closing clerk queued
    still prints, though reading the batch at the screen needs a sign-in."""
    from station_console.services.people import clerks

    station, _ = accepted
    batch_id = handover.scan(station, handover.open_batch(station, "SF"), "SF1234567890123").batch_id
    handover.close_batch(station, batch_id, courier_name="Chen")
    clerks.act_as(station, None)
    (blob,) = printed(station, {"language": "pdf", "jobs": ["manifest"]}, "a4")
    assert "SF1234567890123" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(blob)).pages)


def test_a_chinese_printout_says_its_weights_and_money_in_chinese(accepted: tuple[Station, int]) -> None:
    """A Chinese waybill label read "3.45 kg" next to "（计费 4 千克）", and a Chinese receipt "合计：44.00
    CNY" (the tariff's code); English keeps "kg" and "CNY"."""
    station, send_id = accepted
    label = drawing.waybill_data(station, send_id, "zh").weight
    assert "千克" in label and "kg" not in label, label
    assert "kg" in drawing.waybill_data(station, send_id, "en").weight
    assert "合计：44.00 元" in drawing.receipt_document(station, send_id, "zh").footer
    assert "Total: 44.00 CNY" in drawing.receipt_document(station, send_id, "en").footer
    send(station, waybill=sf(2))
    batch_id = handover.scan(station, handover.open_batch(station, "SF"), "SF1234567890123").batch_id
    handover.close_batch(station, batch_id, courier_name="Chen")
    manifest = drawing.manifest_document(station, batch_id, "zh")
    said = " ".join([*manifest.columns, *manifest.footer])
    assert "千克" in said and "kg" not in said, said


def test_the_receipt_says_the_weight_the_freight_is_for(accepted: tuple[Station, int]) -> None:
    """1.2 kg is priced as 2 kg (the first kg and one more): the receipt said "Chargeable weight 1.2 kg"
    ("计费重量 1.2 千克") above those two sums."""
    station, send_id = accepted
    en = [row[0] for row in drawing.receipt_document(station, send_id, "en").rows]
    zh = [row[0] for row in drawing.receipt_document(station, send_id, "zh").rows]
    assert "Weighed 1.2 kg, charged as 2 kg" in en, en
    assert "实重 1.2 千克，按 2 千克计费" in zh, zh


def test_a_typed_in_weight_is_one_message_each_language_spaces_its_own_way(station: Station) -> None:
    """A Chinese receipt read "重量：1.2 千克 （手工录入）", a half-width space glued before a
    full-width bracket; English keeps its space before "(typed in)". The payment reference, too."""
    staff(station)
    send_id = send(station, payment=Payment("account", reference="ACME")).send_id
    zh = drawing.receipt_document(station, send_id, "zh")
    assert "重量：1.2 千克（手工录入）" in zh.meta, zh.meta
    assert "付款方式：月结（ACME）" in zh.footer, zh.footer
    en = drawing.receipt_document(station, send_id, "en")
    assert "Weight: 1.2 kg (typed in)" in en.meta, en.meta
    assert any(line.endswith(" (ACME)") for line in en.footer), en.footer


@pytest.mark.parametrize(("lang", "name"), [("en", "SF Express"), ("zh", "顺丰速运")])
def test_the_waybill_and_receipt_name_the_carrier_in_their_language(
    accepted: tuple[Station, int], lang: str, name: str
) -> None:
    """The courier and the sender read the carrier's name, not its short name "SF"."""
    station, send_id = accepted
    assert drawing.waybill_data(station, send_id, lang).carrier == name
    said = {"en": f"Carrier: {name}", "zh": f"快递公司：{name}"}[lang]
    assert said in drawing.receipt_document(station, send_id, lang).meta


@pytest.mark.parametrize(
    ("fields", "en", "zh"),
    [
        # A refusal recorded with no recipient's phone typed, its receipt printed again.
        ({"recipient_masked_phone": ""}, "To: Wang Wu, 新疆", "收件人：Wang Wu，新疆"),
        # Past the real-name period the recipient's name is blanked; the masked phone stays.
        ({"recipient_name": ""}, "To: 139****4321, 新疆", "收件人：139****4321，新疆"),
        ({"recipient_name": "", "recipient_masked_phone": ""}, "To: 新疆", "收件人：新疆"),
    ],
)
def test_the_receipt_leaves_out_an_empty_name_or_phone_with_its_space(
    accepted: tuple[Station, int], fields: dict[str, str], en: str, zh: str
) -> None:
    """ "To: {name} {phone}, {destination}" with an empty phone printed "Wang Wu , 新疆" ("Wang Wu ，新疆"
    in Chinese): a stray space before the comma, and with no name a line starting with a space."""
    station, send_id = accepted

    def blank(session: Session) -> None:
        row = session.get(Send, send_id)
        assert row is not None
        for name, value in fields.items():
            setattr(row, name, value)
        session.add(row)

    station.run(blank)
    for lang, line in (("en", en), ("zh", zh)):
        meta = drawing.receipt_document(station, send_id, lang).meta
        to = [m for m in meta if m.startswith(("To:", "收件人："))]
        assert to == [line], meta
    assert "Sender: Zhang San 138****5678" in drawing.receipt_document(station, send_id, "en").meta


def test_the_receipt_names_a_sender_whose_name_was_purged_by_the_phone_alone(
    accepted: tuple[Station, int],
) -> None:
    station, send_id = accepted

    def purge(session: Session) -> None:
        sender = session.exec(select(Sender)).one()
        sender.name = ""
        session.add(sender)

    station.run(purge)
    assert "Sender: 138****5678" in drawing.receipt_document(station, send_id, "en").meta
    assert "寄件人：138****5678" in drawing.receipt_document(station, send_id, "zh").meta


def test_the_receipt_label_and_manifest_say_the_same_chargeable_weight(accepted: tuple[Station, int]) -> None:
    """1.2 kg priced as 2 kg: the receipt said "charged as 2 kg" while the label said no chargeable
    weight and the handover manifest "chargeable 1.2 kg"; every paper names the weight priced."""
    station, send_id = accepted
    receipt = [row[0] for row in drawing.receipt_document(station, send_id, "en").rows]
    assert "Weighed 1.2 kg, charged as 2 kg" in receipt, receipt
    assert drawing.waybill_data(station, send_id, "en").weight == "1.2 kg (chargeable 2 kg)"
    batch_id = handover.scan(station, handover.open_batch(station, "SF"), "SF1234567890123").batch_id
    handover.close_batch(station, batch_id, courier_name="Chen")
    footer = drawing.manifest_document(station, batch_id, "en").footer
    assert "Total weight: 1.2 kg (chargeable 2 kg)" in footer, footer


def ink(layout: wl.WaybillLayout, item: wl.Text) -> tuple[int, int, int, int]:
    """Where `item` puts black on the label: the PNG renderer drawing it alone."""
    drawn = waybill.label_image(replace(layout, items=(item,))).convert("L")
    box = Image.eval(drawn, lambda v: 255 - v).getbbox()
    assert box is not None, item
    return box


@pytest.mark.parametrize("size", wl.SIZES)
@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_texts_side_by_side_on_the_label_keep_a_gap(
    accepted: tuple[Station, int], size: str, dpi: int, lang: str
) -> None:
    """At 100x150 and 300 dpi "Recipient's signature: ________" ran straight into the station's name:
    their boxes touched and each text filled its own. Texts on one row stand at least 1 mm apart."""
    station, send_id = accepted
    data = replace(drawing.waybill_data(station, send_id, lang), station="Parcel Station")
    layout = wl.layout_for(size, dpi, data)
    drawn = [
        (item.text, ink(layout, item)) for item in layout.items if isinstance(item, wl.Text) and item.text
    ]
    assert any(text == data.station for text, _ in drawn) and any(
        text == data.caption("sign") for text, _ in drawn
    )
    for n, (a_text, a) in enumerate(drawn):
        for b_text, b in drawn[n + 1 :]:
            if a[1] < b[3] and b[1] < a[3]:  # on one row
                gap = max(b[0] - a[2], a[0] - b[2])
                assert gap >= mm_to_dots(1, dpi), f"{a_text!r} and {b_text!r} are {gap} dots apart"
