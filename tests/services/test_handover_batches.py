"""Courier handover batches: live expected/received/missing/extra counts, the close, the receipt's content,
missing parcels as problems until they arrive."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
from pickup_helpers import as_clerk, events, zto
from prealert_helpers import ZH_HEADINGS, sign_in, write_csv, zh_rows
from sqlmodel import col, select

from db.models import PreAlert, PrintJob
from hardware.printers import DummyTransport, make_printer
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in, undo_last
from station_console.services.core.station import Station
from station_console.services.exceptions.problems import mark
from station_console.services.people.clerks import act_as
from station_console.services.prealerts import batches
from station_console.services.prealerts.importer import import_file
from station_console.services.prealerts.listing import list_prealerts, not_received
from station_console.services.printing import sending
from station_console.settings import CounterSettings

PDF_COUNTER = CounterSettings(
    printers={"office": {"language": "pdf", "transport": "dummy", "target": "office"}}
)


@pytest.fixture
def expected(station: Station, tmp_path: Path) -> Station:
    """Four ZTO parcels pre-alerted (1-4), one SF parcel pre-alerted (another carrier's batch)."""
    sign_in(station, "importer")
    import_file(station, write_csv(tmp_path / "zto.csv", ZH_HEADINGS, zh_rows([1, 2, 3, 4])))
    import_file(station, write_csv(tmp_path / "sf.csv", ["waybill", "carrier"], [["SF1234567890123", "SF"]]))
    return station


def test_the_batch_counts_as_the_courier_hands_over(expected: Station) -> None:
    clerk = as_clerk(expected, "ann")
    batch = batches.open_batch(clerk, "zto", "  张师傅 ")
    assert (batch.carrier, batch.courier_name, batch.counts()) == (
        "ZTO",
        "张师傅",
        {"expected": 4, "received": 0, "missing": 4, "extra": 0, "other_carrier": 0, "damaged": 0},
    )
    check_in(clerk, zto(1), courier_batch=batch.id)
    check_in(clerk, zto(2), courier_batch=batch.id)
    check_in(clerk, zto(9), courier_batch=batch.id)  # not pre-alerted: extra
    check_in(clerk, zto(3))  # checked in outside the batch: no longer expected in it
    now = batches.get(clerk, batch.id)
    assert now.counts() == {
        "expected": 3,
        "received": 2,
        "missing": 1,
        "extra": 1,
        "other_carrier": 0,
        "damaged": 0,
    }
    assert (now.missing, now.extra) == ([zto(4)], [zto(9)])
    undo_last(clerk)  # the outside check-in is undone: expected here again
    assert batches.get(clerk, batch.id).missing == [zto(3), zto(4)]
    mark(clerk, zto(2), "damaged", "box crushed")
    assert batches.get(clerk, batch.id).damaged == [(zto(2), "box crushed")]
    assert [b.id for b in batches.list_batches(clerk)] == [batch.id]
    assert events(clerk, "courier_batch_opened")[-1].details["courier"] == "张师傅"


def test_a_pasted_coloured_courier_name_keeps_no_trace_of_its_colour_codes(expected: Station) -> None:
    clerk = as_clerk(expected, "ann")
    batch = batches.open_batch(clerk, "ZTO", "\x1b[31m王师傅\x1b[0m \u200b[bold]x[/]")
    assert batch.courier_name == "王师傅 [bold]x[/]"  # markup is data: kept as typed
    closed = batches.close_batch(clerk, batch.id, "\x1b]0;title\x07李师傅", print_receipt=False)
    assert closed.courier_name == "李师傅"


def test_a_courier_name_past_its_column_is_refused_with_the_limit_not_cut(expected: Station) -> None:
    clerk = as_clerk(expected, "ann")
    with pytest.raises(Refused) as refused:
        batches.open_batch(clerk, "ZTO", "王" * 65)
    assert refused.value.code == "too_long" and "64" in str(refused.value)
    assert batches.list_batches(clerk) == []  # nothing opened
    batch = batches.open_batch(clerk, "ZTO", "王" * 64)  # as long as the column: taken whole
    assert batch.courier_name == "王" * 64
    with pytest.raises(Refused, match="64"):
        batches.close_batch(clerk, batch.id, "李" * 65, print_receipt=False)
    assert batches.get(clerk, batch.id).courier_name == "王" * 64  # nothing changed


def test_closing_fixes_the_pre_alerts_and_missing_ones_become_problems(expected: Station) -> None:
    clerk = as_clerk(expected, "ann")
    batch = batches.open_batch(clerk, "ZTO")
    for n in (1, 2):
        check_in(clerk, zto(n), courier_batch=batch.id)
    with pytest.raises(Refused) as no_name:
        batches.close_batch(clerk, batch.id, "  ", print_receipt=False)
    assert no_name.value.code == "courier_required"
    closed = batches.close_batch(clerk, batch.id, "李师傅", print_receipt=False)
    assert closed.status == "closed" and closed.counts()["missing"] == 2
    with expected.read() as session:
        states = {p.waybill: (p.status, p.batch_id) for p in session.exec(select(PreAlert)).all()}
    assert states[zto(1)] == ("received", batch.id) and states[zto(4)] == ("not_received", batch.id)
    assert states["SF1234567890123"] == ("expected", None)  # another carrier's: untouched
    assert [(r.waybill, r.courier) for r in not_received(clerk)] == [(zto(4), "李师傅"), (zto(3), "李师傅")]
    with pytest.raises(Refused) as again:
        batches.close_batch(clerk, batch.id, "李师傅", print_receipt=False)
    assert again.value.code == "courier_batch_closed"
    with pytest.raises(Refused) as late_scan:
        check_in(clerk, zto(5), courier_batch=batch.id)
    assert late_scan.value.code == "courier_batch_closed"

    late = check_in(clerk, zto(3))  # it turns up with the next courier: no longer a problem
    assert late.prealerted and late.masked_phone == "170****5678-0003"
    assert events(clerk, "checked_in")[-1].details["prealert_status"] == "not_received"
    assert [r.waybill for r in not_received(clerk)] == [zto(4)]
    assert batches.get(clerk, batch.id).counts() == closed.counts()  # the closed batch keeps its figures
    done = events(clerk, "courier_batch_closed")[-1].details
    assert (done["courier"], done["received"], done["missing"]) == ("李师傅", 2, 2)
    next_batch = batches.open_batch(clerk, "ZTO")
    assert batches.get(clerk, next_batch.id).expected == 0  # closed pre-alerts are no longer expected


def test_the_receipt_lists_what_the_courier_signs_for(expected: Station) -> None:
    clerk = as_clerk(expected, "ann")
    batch = batches.open_batch(clerk, "ZTO", "王师傅")
    for n in (1, 2, 3):
        check_in(clerk, zto(n), courier_batch=batch.id)
    check_in(clerk, zto(7), courier_batch=batch.id)
    mark(clerk, zto(2), "damaged", "wet corner")
    with pytest.raises(Refused) as no_printer:
        batches.close_batch(clerk, batch.id, counter_settings=CounterSettings())
    assert no_printer.value.code == "no_printer" and batches.get(clerk, batch.id).status == "open"
    labels_only = CounterSettings(printer={"name": "label", "language": "tspl", "transport": "dummy"})
    with pytest.raises(Refused) as refused:
        batches.close_batch(clerk, batch.id, counter_settings=labels_only)
    assert "print a courier handover receipt" in refused.value.message("en")
    assert "快递员交接单" in refused.value.message("zh") and "退件清单" not in refused.value.message("zh")

    closed = batches.close_batch(clerk, batch.id, counter_settings=PDF_COUNTER)
    with expected.read() as session:
        job = session.get(PrintJob, closed.receipt_job_id)
    assert job is not None and job.kind == "manifest" and job.payload["courier"] == "王师傅"

    DummyTransport.forget_all()
    pdf = make_printer(
        {"language": "pdf", "transport": "dummy", "target": "office", "jobs": ["manifest"]}, name="office"
    )
    assert sending.process_queue(clerk, pdf, lang="en").printed == [job.id]
    text = pypdf.PdfReader(io.BytesIO(pdf.transport.sent[0])).pages[0].extract_text()
    for expected_text in (
        "Courier handover receipt",
        f"HB{batch.id:06d}",
        "Courier: 王师傅",
        "Received: 4 parcels",
        "Pre-alerted 4 · arrived 3 · missing 1 · extra 1 · damaged 1",
        f"{zto(4)} missing",
        f"{zto(7)} extra: not pre-alerted",
        f"{zto(2)} damaged: wet corner",
        "Courier signature",
    ):
        assert expected_text in text, expected_text
    assert zto(1) not in text  # received as expected: counted, not listed

    receipt = make_printer(
        {"language": "escpos", "transport": "dummy", "target": "roll", "jobs": ["manifest"]}, name="roll"
    )
    set_language("zh")  # reprinted by a clerk in Chinese: the copy prints in Chinese
    batches.reprint_receipt(clerk, batch.id, PDF_COUNTER)
    assert sending.process_queue(clerk, receipt, lang="zh").printed
    out = receipt.transport.sent[0]
    for needle in ("快递员交接单", "王师傅", "快递员签字"):
        assert needle.encode("gb18030") in out, needle
    assert zto(4).encode() in out and zto(7).encode() in out


UPS = "1Z5R89390357567127"  # a valid UPS number (its check digit holds)


def test_another_carriers_parcel_in_the_bag_is_listed_apart_not_counted_as_this_carriers(
    expected: Station,
) -> None:
    """A UPS parcel in the ZTO courier's bag, checked in as UPS (the clerk's "use UPS"): the batch, its
    receipt and the panel list it apart, with its carrier; ZTO's received and extra are ZTO's parcels."""
    from station_console.tui.screens.checkin_batch import panel_text

    clerk = as_clerk(expected, "ann")
    batch = batches.open_batch(clerk, "ZTO", "王师傅")
    check_in(clerk, zto(1), courier_batch=batch.id)
    check_in(clerk, zto(7), courier_batch=batch.id)  # ZTO's, not pre-alerted: extra
    check_in(clerk, UPS, batch="ZTO", carrier="UPS", phone="13800138000", courier_batch=batch.id)
    live = batches.get(clerk, batch.id)
    assert (live.received, live.extra, live.other_carrier) == ([zto(1)], [zto(7)], [(UPS, "UPS")])
    assert (live.counts()["extra"], live.counts()["other_carrier"]) == (1, 1)
    assert live.to_json()["other_carrier"] == [{"waybill": UPS, "carrier": "UPS", "carrier_name": "UPS"}]
    assert panel_text(live, []).plain.splitlines()[1:] == ["UPS: 1 parcel, another carrier's"]

    closed = batches.close_batch(clerk, batch.id, counter_settings=PDF_COUNTER)
    assert closed.other_carrier == [(UPS, "UPS")]
    DummyTransport.forget_all()
    pdf = make_printer(
        {"language": "pdf", "transport": "dummy", "target": "office", "jobs": ["manifest"]}, name="office"
    )
    assert sending.process_queue(clerk, pdf, lang="en").printed == [closed.receipt_job_id]
    text = pypdf.PdfReader(io.BytesIO(pdf.transport.sent[0])).pages[0].extract_text()
    for said in (
        "Received: 2 ZTO Express parcels",
        "UPS: 1 parcel, another carrier's",
        "Pre-alerted 4 · arrived 1 · missing 3 · extra 1 · damaged 0",
        f"{zto(7)} extra: not pre-alerted",
        f"{UPS} UPS: another carrier's",
    ):
        assert said in text, said
    assert "Received: 3" not in text and f"{UPS} extra" not in text

    roll = make_printer(
        {"language": "escpos", "transport": "dummy", "target": "roll", "jobs": ["manifest"]}, name="roll"
    )
    set_language("zh")  # reprinted by a clerk in Chinese: the copy prints in Chinese
    batches.reprint_receipt(clerk, batch.id, PDF_COUNTER)
    assert sending.process_queue(clerk, roll, lang="zh").printed
    out = roll.transport.sent[0].decode("gb18030", "replace")
    assert "实收中通快递：2 件" in out and "UPS：1 件，其他快递公司的" in out, out
    assert f"{UPS} UPS：其他快递" in out and "多出 1" in out  # the note wraps on the roll


DHL = "3318810025"  # a valid DHL Express number (tracking_number_data's test numbers)


def test_another_carrier_is_named_as_the_receipt_names_carriers_not_by_its_code(expected: Station) -> None:
    """A DHL parcel in the ZTO courier's bag: the panel, the JSON and the receipt name DHL by its display
    name in their language (DHL Express / DHL快递), as they name ZTO; the JSON keeps the code beside it."""
    from station_console.tui.screens.checkin_batch import panel_text

    clerk = as_clerk(expected, "ann")
    batch = batches.open_batch(clerk, "ZTO", "王师傅")
    check_in(clerk, DHL, batch="ZTO", carrier="DHL", phone="13800138000", courier_batch=batch.id)
    live = batches.get(clerk, batch.id)
    assert panel_text(live, []).plain.splitlines()[1:] == ["DHL Express: 1 parcel, another carrier's"]
    assert live.to_json()["other_carrier"] == [
        {"waybill": DHL, "carrier": "DHL", "carrier_name": "DHL Express"}
    ]
    set_language("zh")
    assert panel_text(live, []).plain.splitlines()[1:] == ["DHL快递：1 件，其他快递公司的"]
    assert live.to_json()["other_carrier"][0]["carrier_name"] == "DHL快递"
    set_language("en")

    closed = batches.close_batch(clerk, batch.id, counter_settings=PDF_COUNTER)
    DummyTransport.forget_all()
    pdf = make_printer(
        {"language": "pdf", "transport": "dummy", "target": "office", "jobs": ["manifest"]}, name="office"
    )
    assert sending.process_queue(clerk, pdf, lang="en").printed == [closed.receipt_job_id]
    text = pypdf.PdfReader(io.BytesIO(pdf.transport.sent[0])).pages[0].extract_text()
    assert (
        "DHL Express: 1 parcel, another carrier's" in text and f"{DHL} DHL Express: another carrier's" in text
    )
    roll = make_printer(
        {"language": "escpos", "transport": "dummy", "target": "roll", "jobs": ["manifest"]}, name="roll"
    )
    set_language("zh")  # reprinted by a clerk in Chinese: the copy prints in Chinese
    batches.reprint_receipt(clerk, batch.id, PDF_COUNTER)
    assert sending.process_queue(clerk, roll, lang="zh").printed
    out = roll.transport.sent[0].decode("gb18030", "replace")
    assert "DHL快递：1 件，其他快递公司的" in out and "DHL快递：其他快递" in out, out  # the line, the row


def test_a_receipt_stored_before_other_carriers_were_named_reprints_their_codes(station: Station) -> None:
    """A receipt closed when another carrier's parcel was kept by its code alone still says the code."""
    from station_console.services.printing.courier_receipt import handover_document, handover_payload

    old = {
        "label": "HB000001",
        "carrier": "ZTO",
        "carrier_names": {"en": "ZTO Express", "zh": "中通快递"},
        "courier": "王师傅",
        "counter": "c1",
        "closed_at": station.now().isoformat(),
        "counts": {"expected": 0, "received": 0, "missing": 0, "extra": 1, "other_carrier": 1, "damaged": 0},
        "missing": [],
        "extra": [zto(7)],
        "other_carrier": [{"waybill": DHL, "carrier": "DHL"}],
        "damaged": [],
    }
    doc = handover_document(station, handover_payload(old), "en")
    assert "DHL: 1 parcel, another carrier's" in doc.meta and [DHL, "DHL: another carrier's"] in doc.rows


def test_a_receipt_closed_before_other_carriers_were_told_apart_reads_as_it_printed(station: Station) -> None:
    """A batch's stored result from before `other_carrier` counted every parcel in the bag: its reprint
    still says so, not a count it never printed."""
    from station_console.services.printing.courier_receipt import handover_document, handover_payload

    old = {
        "label": "HB000001",
        "carrier": "ZTO",
        "carrier_names": {"en": "ZTO Express", "zh": "中通快递"},
        "courier": "王师傅",
        "counter": "c1",
        "closed_at": station.now().isoformat(),
        "counts": {"expected": 2, "received": 1, "missing": 1, "extra": 2, "damaged": 0},
        "missing": [zto(2)],
        "extra": [zto(7), UPS],
        "damaged": [],
    }
    doc = handover_document(station, handover_payload(old), "en")
    assert "Received: 3 parcels" in doc.meta and not any("another carrier" in m for m in doc.meta)
    assert [UPS, "extra: not pre-alerted"] in doc.rows


def test_batches_refuse_what_is_not_there(station: Station) -> None:
    act_as(station, None)
    with pytest.raises(PermissionDenied):
        batches.open_batch(station, "ZTO")  # nobody signed in
    sign_in(station)
    with pytest.raises(NotFound):
        batches.open_batch(station, "NOPE")
    with pytest.raises(NotFound):
        batches.get(station, 999)
    with pytest.raises(NotFound):
        check_in(station, zto(1), courier_batch=999)
    with station.read() as session:
        assert session.exec(select(PreAlert).order_by(col(PreAlert.id))).all() == []


def test_a_counter_whose_clock_is_behind_still_receives_the_pre_alert(expected: Station) -> None:
    from dataclasses import replace

    from conftest import FakeClock

    late = FakeClock(expected.now() - timedelta(minutes=5))  # another PC, five minutes slow
    other = replace(as_clerk(expected, "bo", counter="counter-2"), clock=late)
    batch = batches.open_batch(other, "ZTO")
    check_in(other, zto(1), courier_batch=batch.id)
    check_in(other, zto(2))  # outside the batch, same slow clock
    view = batches.get(expected, batch.id)
    assert (view.received, view.missing) == ([zto(1)], [zto(3), zto(4)])
    assert {r.waybill: r.state for r in list_prealerts(expected)}[zto(2)] == "received"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_batch_with_nothing_pre_alerted_counts_what_came(station: Station, lang: str) -> None:
    """Nothing pre-alerted, two parcels brought: the receipt, the panel and the command line say two
    received and nothing pre-alerted ("arrived 0 · missing 0 · extra 2" read as if nothing came), the
    receipt once (a row a parcel said "extra: not pre-alerted" down the whole bag)."""
    from station_console.i18n import set_language
    from station_console.services.printing.courier_receipt import handover_document, handover_payload
    from station_console.tui.screens.checkin_batch import panel_text

    clerk = as_clerk(station, "ann")
    batch = batches.open_batch(clerk, "ZTO", "王师傅")
    for n in (1, 2):
        check_in(clerk, zto(n), courier_batch=batch.id)
    set_language(lang)
    panel = panel_text(batches.get(clerk, batch.id), []).plain
    batches.close_batch(clerk, batch.id, counter_settings=PDF_COUNTER)
    doc = handover_document(clerk, handover_payload(batches.receipt_of(clerk, batch.id)), lang)
    said = {
        "en": ("Received: 2 parcels", "Nothing pre-alerted · damaged 0", "received 2 · nothing pre-alerted"),
        "zh": ("实收：2 件", "无预到货 · 破损 0", "已到 2 · 无预到货"),
    }[lang]
    assert said[0] in doc.meta and said[1] in doc.meta, doc.meta
    assert said[2] in panel, panel
    assert not any("extra 2" in line or "多出 2" in line for line in [*doc.meta, panel])
    # Nor a row a parcel saying it was not pre-alerted: the counts line says it once.
    assert doc.rows == [] and doc.columns == [], doc.rows


def test_a_batch_left_open_at_this_counter_can_be_taken_up_again(expected: Station) -> None:
    """A second courier's batch opened before the first was closed: the first stays open, listed among
    this counter's open batches and taken up again; another counter's batch is neither listed nor taken,
    and a closed one is refused."""
    clerk = as_clerk(expected, "ann")
    first = batches.open_batch(clerk, "ZTO", "Wu")
    second = batches.open_batch(clerk, "SF", "Li")
    elsewhere = batches.open_batch(as_clerk(expected, "bo", counter="counter-2"), "ZTO", "Zhao")
    assert [b.id for b in batches.open_here(clerk)] == [second.id, first.id]  # newest first
    check_in(clerk, zto(1), courier_batch=first.id)
    again = batches.resume_batch(clerk, first.id)
    assert (again.carrier, again.courier_name, again.received) == ("ZTO", "Wu", [zto(1)])
    with pytest.raises(Refused) as there:
        batches.resume_batch(clerk, elsewhere.id)
    assert there.value.code == "courier_batch_elsewhere"
    batches.close_batch(clerk, second.id, counter_settings=PDF_COUNTER)
    with pytest.raises(Refused) as closed:
        batches.resume_batch(clerk, second.id)
    assert closed.value.code == "courier_batch_closed"
    assert [b.id for b in batches.open_here(clerk)] == [first.id]
    with pytest.raises(NotFound):
        batches.resume_batch(clerk, 999)
    act_as(clerk, None)
    with pytest.raises(PermissionDenied):
        batches.resume_batch(clerk, first.id)


def test_a_receipt_of_a_wrong_or_open_batch_is_said_before_any_printer(expected: Station) -> None:
    clerk = as_clerk(expected, "ann")
    with pytest.raises(NotFound) as missing:
        batches.reprint_receipt(clerk, 999, CounterSettings())  # no printer on this counter either
    assert "HB000999" in missing.value.message("en")
    batch = batches.open_batch(clerk, "ZTO", "王师傅")
    with pytest.raises(Refused) as still_open:
        batches.reprint_receipt(clerk, batch.id, CounterSettings())
    assert still_open.value.code == "courier_batch_open"


def test_saving_a_receipt_asks_the_role_its_reprint_asks(
    expected: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handover receipt, printed again or saved as a PDF, is one action of the roles table (`handover
    receipt` under "receive a courier's batch"): a role that may not reprint it may not save it either."""
    from dataclasses import replace

    from station_console.services.core import roles

    clerk = as_clerk(expected, "ann")
    batch = batches.open_batch(clerk, "ZTO", "王师傅")
    batches.close_batch(clerk, batch.id, counter_settings=PDF_COUNTER)
    # The action made a manager's alone: whichever role the table gives it, both ask the same.
    monkeypatch.setitem(
        roles.ACTIONS, "courier_batch", replace(roles.ACTIONS["courier_batch"], need=roles.Need.MANAGER)
    )
    with pytest.raises(PermissionDenied):
        batches.reprint_receipt(clerk, batch.id, PDF_COUNTER)
    with pytest.raises(PermissionDenied):
        batches.save_receipt_pdf(clerk, batch.id, "en", tmp_path / "receipt.pdf")
    assert not (tmp_path / "receipt.pdf").exists()
