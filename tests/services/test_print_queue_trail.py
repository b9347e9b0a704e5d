"""A print job the clerk retries or cancels leaves its event in the audit trail (who, which job, for
which parcel, where, and how it stood); a cancelled job reads "cancelled", not "undone" as a label
withdrawn with its check-in does, and is never printed. A refused retry or cancel changes nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event
from station_helpers import events, snapshot
from test_print_order import CODES, RefusesOne, first_of_two_set_aside
from test_printing import add_parcel, dummy_printer, jobs

from db.models import EventKind
from station_console.errors import NotFound, PermissionDenied, Refused, StationError
from station_console.i18n import label_of, set_language
from station_console.services.checkin.transaction import check_in, undo_last
from station_console.services.core.station import Station
from station_console.services.people import audit_trail
from station_console.services.people.event_details import details_text
from station_console.services.printing import jobs as printing
from station_console.services.printing import queue_view, sending
from station_console.services.printing.queue_view import LABEL_LABELS
from station_console.services.shelves.lists import rows_now


def test_a_retried_and_a_cancelled_job_are_in_the_trail_with_how_they_stood(
    station: Station, clock: Any
) -> None:
    printer, transport = first_of_two_set_aside(station, clock)
    refused, printed = jobs(station)
    third = add_parcel(station, "SF1234567890102", CODES[2].decode())
    waiting = jobs(station)[2]
    assert queue_view.set_aside_jobs(station) == {refused.id}

    queue_view.retry_job(station, refused.id or 0)
    [retried] = events(station, EventKind.PRINT_JOB_RETRIED)
    assert retried.parcel_id == refused.parcel_id and retried.clerk_id == station.clerk_id
    assert retried.counter == station.counter
    assert retried.details == {
        "job": refused.id,
        "kind": "label",
        "code": CODES[0].decode(),
        "printer": None,
        "counter": "test-counter",
        "was": "failed",
        "set_aside": True,
    }
    queue_view.cancel_job(station, waiting.id or 0)
    [cancelled] = events(station, EventKind.PRINT_JOB_CANCELLED)
    assert cancelled.parcel_id == third and cancelled.clerk_id == station.clerk_id
    assert cancelled.details["job"] == waiting.id and cancelled.details["was"] == "queued"
    assert cancelled.details["set_aside"] is False and cancelled.details["code"] == CODES[2].decode()
    assert [j.status for j in jobs(station)] == ["queued", "printed", "discarded"]

    # The worker prints the retried job and never the cancelled one.
    transport.refused = b"nothing refused now"
    clock.advance(seconds=61)
    assert sending.process_queue(station, printer).printed == [refused.id]
    assert sending.claim(station, printer) == [] and order_sent_codes(transport) == [CODES[1], CODES[0]]
    assert [j.status for j in jobs(station)] == ["printed", "printed", "discarded"]
    assert audit_trail.verify(station).ok

    # As the trail shows them: the kind, the job's number, what it printed and how it stood.
    assert audit_trail.kind_label(EventKind.PRINT_JOB_CANCELLED) == "print job cancelled"
    assert details_text(EventKind.PRINT_JOB_RETRIED, retried.details) == (
        f"pickup code: {CODES[0].decode()}  was: failed  set aside  print job: #{refused.id}  "
        "printout: parcel label  counter: test-counter"
    )
    set_language("zh")
    assert audit_trail.kind_label(EventKind.PRINT_JOB_RETRIED) == "重试打印任务"
    assert audit_trail.kind_label(EventKind.PRINT_JOB_CANCELLED) == "取消打印任务"
    assert details_text(EventKind.PRINT_JOB_CANCELLED, cancelled.details) == (
        f"取件码：{CODES[2].decode()}  原状态：排队中  打印任务：#{waiting.id}  打印件：包裹标签  柜台：test-counter"
    )


def order_sent_codes(transport: RefusesOne) -> list[bytes]:
    return [next(code for code in CODES if code in sent) for sent in transport.sent]


def test_a_receipt_names_no_parcel_and_a_named_printer(station: Station) -> None:
    def work(session: Any) -> int:
        job = printing.queue_document(session, station, "receipt", {"parcels": []}, printer="till")
        return job.id or 0

    job_id = station.run(work)
    queue_view.cancel_job(station, job_id)
    [event] = events(station, EventKind.PRINT_JOB_CANCELLED)
    assert event.parcel_id is None
    assert event.details["kind"] == "receipt" and event.details["printer"] == "till"
    assert event.details["code"] is None


def nobody(station: Station) -> Station:
    return Station(engine=station.engine, counter=station.counter, clock=station.clock)


@pytest.mark.parametrize(
    ("attempt", "refusal"),
    [
        (lambda st, ids: queue_view.retry_job(st, ids["printed"]), "not_retryable"),
        (lambda st, ids: queue_view.cancel_job(st, ids["printed"]), "not_cancellable"),
        (lambda st, ids: queue_view.retry_job(st, ids["queued"]), "not_retryable"),
        (lambda st, ids: queue_view.cancel_job(st, ids["discarded"]), "not_cancellable"),  # c twice
        (lambda st, ids: queue_view.retry_job(st, ids["discarded"]), "not_retryable"),
        (lambda st, ids: queue_view.retry_job(st, 999), "not_found"),
        (lambda st, ids: queue_view.retry_job(nobody(st), ids["failed"]), "not_signed_in"),
        (lambda st, ids: queue_view.cancel_job(nobody(st), ids["failed"]), "not_signed_in"),
    ],
)
def test_a_refused_retry_or_cancel_changes_nothing_and_writes_no_event(
    station: Station, clock: Any, attempt: Callable[[Station, dict[str, int]], Any], refusal: str
) -> None:
    first_of_two_set_aside(station, clock)
    add_parcel(station, "SF1234567890102", CODES[2].decode())
    add_parcel(station, "SF1234567890103", CODES[3].decode())
    failed, printed, discarded, queued = (j.id or 0 for j in jobs(station))
    queue_view.cancel_job(station, discarded)
    ids = {"failed": failed, "printed": printed, "discarded": discarded, "queued": queued}
    before = snapshot(station)
    with pytest.raises((Refused, NotFound, PermissionDenied)) as refused:
        attempt(station, ids)
    assert isinstance(refused.value, StationError) and refused.value.code == refusal
    assert snapshot(station) == before


@pytest.mark.parametrize(
    ("lang", "cancelled", "withdrawn"), [("en", "cancelled", "withdrawn"), ("zh", "已取消", "已撤回")]
)
def test_a_cancelled_label_reads_cancelled_and_one_withdrawn_with_its_check_in_withdrawn(
    station: Station, lang: str, cancelled: str, withdrawn: str
) -> None:
    """A clerk's cancel, and a label withdrawn with its cause (here an undone check-in; a parcel that
    left the shelves, or a reprint, withdraw one too): the check-in's own row says "undone"."""
    kept = check_in(station, "SF1234567890100", phone="13812345678").parcel_id
    undone = check_in(station, "SF1234567890101", phone="13812345679").parcel_id
    queue_view.cancel_job(station, jobs(station)[0].id or 0)
    undo_last(station)  # withdraws the second label with its check-in
    assert [j.status for j in jobs(station)] == ["discarded", "cancelled"]
    set_language(lang)
    read = rows_now(station, [kept, undone]).labels
    assert [label_of(LABEL_LABELS, read[pid]) for pid in (kept, undone)] == [cancelled, withdrawn]


@pytest.mark.postgres_only
@pytest.mark.parametrize("step", ["cancel", "retry"])
def test_the_print_worker_claiming_a_job_as_a_clerk_steps_in_never_loses_either(
    station: Station, clock: Any, step: str
) -> None:
    """The counter's print worker claims the job (on its own connection, to its commit) after the clerk's
    cancel or retry read it and before it writes: the worker passes over the job the clerk holds, or the
    clerk finds it sending. Never a job sent to the printer that reads cancelled, nor two sends."""
    add_parcel(station, "SF1234567890100", CODES[0].decode())
    [job] = jobs(station)
    printer = dummy_printer()
    if step == "retry":  # a failed job, due again
        printer.transport.fail_next(1, "timeout")
        sending.process_queue(station, printer)
        clock.advance(seconds=61)
    main = threading.get_ident()
    claimed: list[list[int]] = []

    def claim_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.get_ident() == main and statement.startswith(("INSERT", "UPDATE")) and not claimed:
            worker = threading.Thread(target=lambda: claimed.append(sending.claim(station, printer)))
            worker.start()
            worker.join(timeout=60)

    event.listen(station.engine, "before_cursor_execute", claim_first)
    try:
        action = queue_view.cancel_job if step == "cancel" else queue_view.retry_job
        outcome = action(station, job.id or 0).status
    except Refused as exc:
        outcome = exc.code
    finally:
        event.remove(station.engine, "before_cursor_execute", claim_first)
    done, refused = ("discarded", "not_cancellable") if step == "cancel" else ("queued", "not_retryable")
    assert (claimed, outcome) in (([[]], done), ([[job.id]], refused))
    assert jobs(station)[0].status == ("sending" if claimed == [[job.id]] else done)
