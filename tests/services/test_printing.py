"""The print queue: stored jobs, a printer that fails and recovers, nothing lost, nothing printed twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from held_sends import HeldSend, stopped_mid_send
from shelf_helpers import as_manager
from sqlmodel import Session, col, select

from db.models import Carrier, EventKind, JobStatus, Layer, Parcel, ParcelEvent, PrintJob, ReturnBatch, Shelf
from hardware.printers import DummyTransport, make_printer
from hardware.printers.transports import PrinterError
from station_console.errors import DatabaseUnavailable, NotFound, PermissionDenied, Refused
from station_console.i18n import N_, set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.exceptions.problems import write_off
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.undo import undo_pickup
from station_console.services.printing import jobs as printing
from station_console.services.printing import queue_view, render, sending
from station_console.services.shelves.search import find_parcel_id
from station_console.settings import CounterSettings
from station_console.stored_messages import stored_text


def parcel_at(session: Session, parcel_id: int) -> Parcel:
    parcel = session.get(Parcel, parcel_id)
    assert parcel is not None
    return parcel


def add_parcel(
    station: Station,
    waybill: str,
    code: str,
    *,
    carrier: str = "SF",
    tail: str | None = "5678",
    queue: bool = True,
) -> int:
    """A parcel on shelf 1 layer 1, inserted directly (the check-in service is tested elsewhere)."""

    def work(session: Session) -> int:
        carrier_row = session.exec(select(Carrier).where(Carrier.code == carrier)).one()
        shelf = session.exec(select(Shelf).where(Shelf.label == "1")).one()
        layer = session.exec(select(Layer).where(Layer.shelf_id == shelf.id, Layer.label == "1")).one()
        assert carrier_row.id is not None
        parcel = Parcel(
            waybill=waybill,
            carrier_id=carrier_row.id,
            status="on_shelf",
            shelf_id=shelf.id,
            layer_id=layer.id,
            pickup_code=code,
            phone_tail=tail,
            masked_phone=f"138****{tail}" if tail else None,
            phone_full=f"1380013{tail}" if tail else None,
            checked_in_at=station.now(),
            business_day=station.business_day(session=session),
        )
        session.add(parcel)
        session.flush()
        if queue:
            printing.queue_label(session, station, parcel)
        assert parcel.id is not None
        return parcel.id

    return station.run(work)


def jobs(station: Station) -> list[PrintJob]:
    with station.read() as session:
        return list(session.exec(select(PrintJob).order_by(col(PrintJob.id))).all())


def dummy_printer(name: str = "p1", language: str = "tspl") -> Any:
    DummyTransport.forget_all()
    return make_printer({"language": language, "transport": "dummy", "target": name}, name="default")


def test_queue_label_joins_the_callers_transaction(station: Station) -> None:
    def work(session: Session) -> None:
        carrier = session.exec(select(Carrier).where(Carrier.code == "ZTO")).one()
        assert carrier.id is not None
        parcel = Parcel(
            waybill="73123456789012",
            carrier_id=carrier.id,
            pickup_code="1-1-1001",
            checked_in_at=station.now(),
            business_day=station.business_day(session=session),
        )
        session.add(parcel)
        job = printing.queue_label(session, station, parcel)
        assert job.id is not None and job.parcel_id == parcel.id and job.counter == "test-counter"
        raise RuntimeError("check-in failed after queueing")

    with pytest.raises(RuntimeError):
        station.run(work)
    assert jobs(station) == []  # rolled back with the caller


def test_a_label_prints_once_with_the_parcel_as_it_is(station: Station) -> None:
    pid = add_parcel(station, "SF1234567890123", "1-1-1001")
    printer = dummy_printer()
    result = sending.process_queue(station, printer, lang="en")
    [job] = jobs(station)
    assert result.printed == [job.id] and job.status == "printed" and job.printed_at == station.now()
    sent = printer.transport.sent
    # 40x30 at 203 dpi: an SF waybill's bars cannot keep their quiet zones, so it is a QR code.
    assert (
        len(sent) == 1 and b'"1-1-1001"' in sent[0] and b'QRCODE 223,126,M,3,A,0,"SF1234567890123"' in sent[0]
    )
    assert b"****5678" in sent[0] and b"13800135678" not in sent[0] and b"138****" not in sent[0]
    # A second pass finds nothing to do.
    assert sending.process_queue(station, printer).printed == []
    assert len(sent) == 1
    assert render.label_data_for(station, pid, "zh").captions.code == "取件码"


def test_the_label_and_the_receipt_caption_the_waybill_tail_as_the_waybills(station: Station) -> None:
    """尾号 alone is what a clerk calls a phone's last four: on a label with no phone, "尾号 0167" read as
    the customer's. The waybill's last four say whose they are, on the label and on the pickup receipt."""
    pid = add_parcel(station, "SF1234567890167", "1-1-1001", tail=None, queue=False)
    assert render.label_data_for(station, pid, "zh").tail_text == "运单尾号 0167"
    assert render.label_data_for(station, pid, "en").tail_text == "Waybill 0167"
    job = station.run(lambda s: printing.queue_receipt(s, station, [pid]))
    receipt = render.receipt_document(station, job.payload, "zh")
    assert receipt.columns[-1] == "运单号" and receipt.rows == [["1-1-1001", "顺丰速运", "****0167"]]


def test_an_unplugged_printer_loses_nothing_and_prints_each_label_once(station: Station, clock: Any) -> None:
    ids = [add_parcel(station, f"SF12345678901{n:02d}", f"1-1-10{n:02d}") for n in range(3)]
    printer = dummy_printer()
    transport = printer.transport
    transport.fail_next(5, "offline")

    first = sending.process_queue(station, printer)
    assert first.printed == [] and first.printer_state == "offline" and "offline" in (first.error or "")
    states = {j.parcel_id: (j.status, j.attempts) for j in jobs(station)}
    # One attempt is spent on the first job; the others go back to waiting, untried.
    assert states == {ids[0]: ("failed", 1), ids[1]: ("queued", 0), ids[2]: ("queued", 0)}
    assert "offline" in (jobs(station)[0].last_error or "")

    # Still offline: the queue waits for its oldest job's backoff; nothing behind it is tried.
    second = sending.process_queue(station, printer)
    assert second.failed == [] and transport.failures == 4
    for _ in range(4):
        clock.advance(seconds=61)
        sending.process_queue(station, printer)
    assert transport.failures == 0 and transport.sent == []
    assert [(j.status, j.attempts) for j in jobs(station)] == [("failed", 5), ("queued", 0), ("queued", 0)]

    clock.advance(seconds=61)  # the printer is back
    done = sending.process_queue(station, printer)
    assert sorted(done.printed) == [j.id for j in jobs(station)]
    assert all(j.status == "printed" for j in jobs(station))
    codes = sorted(next(c for c in (b"1-1-1000", b"1-1-1001", b"1-1-1002") if c in s) for s in transport.sent)
    assert codes == [b"1-1-1000", b"1-1-1001", b"1-1-1002"]  # each exactly once
    clock.advance(seconds=600)
    assert sending.process_queue(station, printer).printed == [] and len(transport.sent) == 3


def test_a_crash_mid_send_is_never_reprinted_automatically(station: Station, clock: Any) -> None:
    add_parcel(station, "SF1234567890123", "1-1-1001")
    printer = dummy_printer()
    [claimed] = sending.claim(station, printer)  # the process dies here, after the claim
    assert jobs(station)[0].status == "sending"
    assert sending.process_queue(station, printer).printed == []  # not stale yet: left alone
    clock.advance(minutes=3)
    result = sending.process_queue(station, printer)
    [job] = jobs(station)
    assert result.interrupted == [claimed] and result.printed == [] and printer.transport.sent == []
    assert job.status == JobStatus.INTERRUPTED and "reprint" in (job.last_error or "")
    queue_view.retry_job(station, claimed)  # the clerk saw no sticker
    assert sending.process_queue(station, printer).printed == [claimed]


def test_reprint_replaces_unsent_labels_and_is_audited(station: Station) -> None:
    pid = add_parcel(station, "SF1234567890123", "1-1-1001")
    job = queue_view.reprint(station, pid)
    assert [(j.id, j.status) for j in jobs(station)][-1] == (job.id, "queued")
    assert [j.status for j in jobs(station)] == ["cancelled", "queued"]
    with station.read() as session:
        event = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.LABEL_REPRINTED)).one()
    assert (
        event.parcel_id == pid and event.details["job_id"] == job.id and event.details["cancelled_jobs"] == 1
    )
    printer = dummy_printer()
    assert sending.process_queue(station, printer).printed == [job.id]
    assert len(printer.transport.sent) == 1
    with pytest.raises(NotFound):
        queue_view.reprint(station, 9999)


def test_reprint_refuses_a_parcel_that_left(station: Station) -> None:
    pid = add_parcel(station, "SF1234567890123", "1-1-1001", queue=False)

    def hand_over(s: Session) -> None:
        parcel_at(s, pid).status = "picked_up"

    station.run(hand_over)
    with pytest.raises(Refused) as err:
        queue_view.reprint(station, pid)
    assert err.value.code == "not_on_shelf" and jobs(station) == []


def test_cancel_jobs_for_parcel_leaves_printed_ones(station: Station) -> None:
    pid = add_parcel(station, "SF1234567890123", "1-1-1001")
    sending.process_queue(station, dummy_printer())
    station.run(lambda s: printing.queue_label(s, station, parcel_at(s, pid)))
    assert station.run(lambda s: printing.cancel_jobs_for_parcel(s, pid)) == 1
    assert [j.status for j in jobs(station)] == ["printed", "cancelled"]


def test_a_label_still_waiting_when_its_parcel_leaves_is_withdrawn(station: Station) -> None:
    """The printer was off while parcels were checked in, picked up and written off: printed later,
    those labels would be stray stickers with pickup codes on the counter. The one on the shelf prints."""
    picked, gone, kept = (
        check_in(station, f"SF12345678901{n:02d}", phone=f"138001356{n:02d}") for n in range(3)
    )
    confirm_pickup(station, [picked.parcel_id], method="code", scanned=[picked.waybill])
    write_off(as_manager(station), gone.waybill, "lost in the back room")
    assert [j.status for j in jobs(station)] == ["cancelled", "cancelled", "queued"]
    assert sending.process_queue(station, dummy_printer()).printed == [kept.label_job]


def test_an_undone_pickup_queues_the_label_its_parcel_left_without(station: Station) -> None:
    """Handed out by mistake before its label printed, and put back: it has no sticker, so its label is
    queued again. One whose label printed gets none (it still wears it)."""
    unlabelled = check_in(station, "SF1234567890100", hold_label=True)  # its label waits for a phone
    labelled = check_in(station, "SF1234567890101", phone="13800135678")
    assert sending.process_queue(station, dummy_printer()).printed == [labelled.label_job]
    for parcel in (unlabelled, labelled):
        confirm_pickup(station, [parcel.parcel_id], method="code", scanned=[parcel.waybill])
    for parcel in (unlabelled, labelled):
        undo_pickup(as_manager(station), parcel.parcel_id)
    assert [(j.parcel_id, j.status) for j in jobs(station)] == [
        (unlabelled.parcel_id, "cancelled"),
        (labelled.parcel_id, "printed"),
        (unlabelled.parcel_id, "queued"),
    ]


def test_jobs_of_other_counters_and_printers_are_left_alone(station: Station) -> None:
    add_parcel(station, "SF1234567890123", "1-1-1001")
    other = replace(station, counter="counter-2", _cached=None)  # the same clerk at another counter
    add_parcel(other, "SF1234567890124", "1-1-1002")
    pid = add_parcel(station, "SF1234567890125", "1-1-1003", queue=False)
    station.run(lambda s: printing.queue_label(s, station, parcel_at(s, pid), printer="zebra"))
    result = sending.process_queue(station, dummy_printer())
    assert len(result.printed) == 1
    assert [j.status for j in jobs(station)] == ["printed", "queued", "queued"]


def test_receipts_wait_for_a_printer_that_can_print_them(station: Station) -> None:
    a = add_parcel(station, "SF1234567890123", "1-1-1001", queue=False)
    b = add_parcel(station, "JT1234567890123", "1-1-1002", carrier="JT", queue=False)
    set_language("zh")  # the receipt prints in the language it was asked in, not the sender's
    job = station.run(lambda s: printing.queue_receipt(s, station, [a, b]))
    assert [p["code"] for p in job.payload["parcels"]] == ["1-1-1001", "1-1-1002"]
    assert sending.process_queue(station, dummy_printer("labels", "tspl")).printed == []
    receipt = dummy_printer("receipts", "escpos")
    assert sending.process_queue(station, receipt, lang="en").printed == [job.id]
    out = receipt.transport.sent[0]
    assert "取件凭条".encode("gb18030") in out and b"1-1-1002" in out and "极兔速递".encode("gb18030") in out


def test_manifest_lists_the_batch_and_prints_as_pdf(station: Station) -> None:
    import io

    import pypdf

    pid = add_parcel(station, "SF1234567890123", "1-1-1001", queue=False)

    def make_batch(session: Session) -> int:
        carrier = session.exec(select(Carrier).where(Carrier.code == "SF")).one()
        assert carrier.id is not None
        batch = ReturnBatch(carrier_id=carrier.id, created_at=station.now())
        session.add(batch)
        session.flush()
        assert batch.id is not None
        parcel_at(session, pid).return_batch_id = batch.id
        return batch.id

    batch_id = station.run(make_batch)
    station.run(lambda s: printing.queue_manifest(s, station, batch_id))
    # A day heads the check-in column (screens head theirs 入库时间: they show a date and time).
    (job,) = jobs(station)
    manifest = render.manifest_document(station, job.payload, "zh")
    day = station.run(lambda s: parcel_at(s, pid).business_day.isoformat())
    assert manifest.columns[3] == "入库日期" and manifest.rows[0][3] == day
    printer = dummy_printer("office", "pdf")
    assert len(sending.process_queue(station, printer, lang="en").printed) == 1
    text = pypdf.PdfReader(io.BytesIO(printer.transport.sent[0])).pages[0].extract_text()
    assert "Return manifest" in text and "SF1234567890123" in text and f"RB{batch_id:06d}" in text
    with pytest.raises(NotFound):
        station.run(lambda s: printing.queue_manifest(s, station, 999))


def test_a_job_that_cannot_be_drawn_does_not_block_the_rest(station: Station) -> None:
    station.run(
        lambda s: s.add(
            PrintJob(kind="receipt", counter="test-counter", payload={"bad": 1}, created_at=station.now())
        )
    )
    add_parcel(station, "SF1234567890123", "1-1-1001")
    printer = dummy_printer("r", "escpos")
    result = sending.process_queue(station, printer)
    assert len(result.failed) == 1 and len(result.printed) == 1 and result.printer_state == "ready"
    stored = jobs(station)[0].last_error
    assert stored_text(stored, "en").startswith("This job cannot be drawn: ")
    assert stored_text(stored, "zh").startswith("无法生成此打印任务：")


def test_the_queue_prints_while_nobody_is_signed_in(station: Station) -> None:
    """Printing what a clerk queued is a background duty: the console locks, the labels still print
    (and `station label`, a person asking to see one, still needs a sign-in)."""
    pid = add_parcel(station, "SF1234567890123", "1-1-1001")
    nobody = replace(station, clerk_id=None, clerk_role=None)
    printer = dummy_printer()
    result = sending.process_queue(nobody, printer, lang="en")
    assert len(result.printed) == 1 and [j.status for j in jobs(station)] == ["printed"]
    assert b'"1-1-1001"' in printer.transport.sent[0]
    with pytest.raises(PermissionDenied):
        render.label_data_for(nobody, pid, "en")


def test_a_pass_that_stops_on_a_bug_leaves_no_job_sending(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claimed jobs a pass did not finish go back to waiting, not stuck as sending until they go stale."""
    for n in range(3):
        add_parcel(station, f"SF12345678901{n:02d}", f"1-1-10{n:02d}")
    printer = dummy_printer()
    drawn: list[int] = []
    real = render.render_job

    def render_then_break(station: Station, job: PrintJob, printer: Any, lang: str) -> bytes:
        drawn.append(job.id or 0)
        if len(drawn) == 2:
            raise RuntimeError("a bug while drawing")
        return real(station, job, printer, lang)

    monkeypatch.setattr(render, "render_job", render_then_break)
    with pytest.raises(RuntimeError):
        sending.process_queue(station, printer, lang="en")
    assert [j.status for j in jobs(station)] == ["printed", "queued", "queued"]
    monkeypatch.setattr(render, "render_job", real)
    assert len(sending.process_queue(station, printer, lang="en").printed) == 2
    assert len(printer.transport.sent) == 3  # each label once


def test_a_printed_label_whose_record_failed_is_not_printed_again(
    station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The printer took the label but the database refused to record it: the label is on the counter,
    so the job must not go back to waiting (the next pass would print it again); it is left sending,
    shown as interrupted once stale, for the clerk to reprint only if no sticker came out."""
    for n in range(2):
        add_parcel(station, f"SF12345678901{n:02d}", f"1-1-10{n:02d}")
    printer = dummy_printer()
    real = sending._finish

    def refuse_the_record(station: Station, job_id: int, *, error: Any, printer: str = "") -> None:
        raise DatabaseUnavailable(N_("The database is locked by another program."))

    monkeypatch.setattr(sending, "_finish", refuse_the_record)
    with pytest.raises(DatabaseUnavailable):
        sending.process_queue(station, printer, lang="en")
    monkeypatch.setattr(sending, "_finish", real)
    assert [j.status for j in jobs(station)] == ["sending", "queued"]
    assert len(sending.process_queue(station, printer, lang="en").printed) == 1
    clock.advance(minutes=3)
    assert sending.process_queue(station, printer, lang="en").interrupted == [jobs(station)[0].id]
    assert len(printer.transport.sent) == 2  # each label once


def test_printer_for_reads_the_counter_settings() -> None:
    settings = CounterSettings(
        printer={"language": "zpl", "transport": "file", "target": "/tmp/x.zpl"},
        printers={"receipt": {"language": "escpos", "transport": "dummy"}},
    )
    assert printing.printer_for(settings).language.name == "zpl"
    assert printing.printer_for(settings, "receipt").name == "receipt"
    assert [p.name for p in printing.counter_printers(settings).printers] == ["default", "receipt"]
    with pytest.raises(NotFound):
        printing.printer_for(settings, "nope")
    with pytest.raises(Refused):
        printing.printer_for(CounterSettings())
    with pytest.raises(Refused) as err:
        printing.printer_for(CounterSettings(printer={"language": "pcl"}))
    assert err.value.code == "bad_printer"


def test_printer_error_carries_a_code() -> None:
    exc = PrinterError("timeout", "out of paper")
    assert exc.code == "timeout" and str(exc) == "timeout: out of paper"
    assert timedelta(minutes=2) == sending.STALE_SENDING


@pytest.mark.parametrize(
    ("lang", "why"),
    [
        ("en", "receipts takes only receipt, list to sign"),
        ("zh", "receipts 只接受 凭条、签字清单"),
    ],
)
def test_a_printer_that_takes_other_kinds_names_them_by_their_labels(
    station: Station, lang: str, why: str
) -> None:
    counter = CounterSettings(
        printers={"receipts": {"language": "escpos", "transport": "dummy", "jobs": ["receipt", "manifest"]}}
    )
    set_language(lang)
    with pytest.raises(Refused) as err:
        queue_view.queue_test_print(station, counter, printer="receipts")
    assert why in err.value.message(lang) and "manifest" not in err.value.message(lang)


def test_a_test_print_is_a_sample_label_on_the_chosen_printer(station: Station) -> None:
    counter = CounterSettings(
        printers={
            "default": {"language": "zpl", "transport": "dummy"},
            "receipts": {"language": "escpos", "transport": "dummy", "jobs": ["receipt"]},
        }
    )
    with pytest.raises(Refused) as err:
        queue_view.queue_test_print(station, counter, printer="receipts")
    assert err.value.code == "cannot_print" and "takes only receipt" in err.value.message("en")
    with pytest.raises(NotFound):
        queue_view.queue_test_print(station, counter, printer="nope")
    assert jobs(station) == []
    job = queue_view.queue_test_print(station, counter, printer="default")
    printer = dummy_printer("t", "zpl")
    assert sending.process_queue(station, printer, lang="en").printed == [job.id]
    sent = printer.transport.sent[0]
    assert b"^FD8-8-8888^FS" in sent and b"^FDTEST^FS" in sent


def test_find_parcel_id_prefers_the_shelf_and_forgives_typing(station: Station) -> None:
    """The one finder a reprint uses too (shelves/search.py): code or waybill, typed any way."""
    pid = add_parcel(station, "SF1234567890123", "1-1-1001", queue=False)
    assert find_parcel_id(station, "１－１－０１００１") == pid
    assert find_parcel_id(station, " sf1234567890123 ") == pid
    with pytest.raises(NotFound) as err:
        find_parcel_id(station, "1-1-1002")
    assert err.value.code == "no_parcel"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_job_of_a_kind_without_its_own_sentence_is_refused_in_words(lang: str) -> None:
    """A manifest checked without saying which document it is, or a waybill label: a refusal, not a KeyError."""
    from station_console.services.printing.printers import check_printable

    counter = CounterSettings(
        printers={"default": {"language": "zpl", "transport": "dummy", "jobs": ["label"]}}
    )
    set_language(lang)
    for kind in ("manifest", "waybill"):
        with pytest.raises(Refused) as err:
            check_printable(counter, kind)
        assert err.value.code == "cannot_print" and "default" in err.value.message(lang)


def test_a_pass_stopped_while_printing_prints_that_label_and_leaves_the_rest_queued(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console quitting: the label in hand is printed and marked; the others wait, no attempt
    counted, and the next pass prints each once."""
    for n in range(4):
        add_parcel(station, f"SF12345678901{n:02d}", f"1-1-10{n:02d}")
    printer = dummy_printer()
    held = HeldSend()
    send = printer.transport.send

    def slow(data: bytes) -> None:
        held.hold()
        send(data)

    monkeypatch.setattr(printer.transport, "send", slow)
    result = stopped_mid_send(
        held, lambda going: sending.process_queue(station, printer, lang="en", should_continue=going)
    )
    assert len(result.printed) == 1 and len(printer.transport.sent) == 1
    assert [(j.status, j.attempts) for j in jobs(station)] == [("printed", 0)] + [("queued", 0)] * 3
    assert len(sending.process_queue(station, printer, lang="en").printed) == 3
    assert len(printer.transport.sent) == 4
