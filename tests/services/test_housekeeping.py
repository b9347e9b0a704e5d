"""The day close deletes print jobs and messages done with `finished_job_keep_days` ago (90 by default):
never one still waiting, retryable or listed for the clerk, nor one whose parcel is on the shelf or
left inside the period; counted in the close's event, once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from pydantic import ValidationError
from sqlmodel import col, select, update

from db.models import (
    EventKind,
    JobStatus,
    Notification,
    NotificationStatus,
    ParcelEvent,
    PrintJob,
)
from hardware.printers import DummyTransport, make_printer
from station_console.services import notify
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.notify.channels import DummyChannel
from station_console.services.people import audit_trail as auditlog
from station_console.services.people import clerks
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.printing import jobs as printing
from station_console.services.printing import order, queue_view, sending
from station_console.settings import StationSettings

if TYPE_CHECKING:
    from conftest import FakeClock

PHONE = "13812345678"


@pytest.fixture
def manager(new_station: Station) -> Station:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    return new_station


def _printer() -> Any:
    DummyTransport.forget_all()
    return make_printer({"language": "tspl", "transport": "dummy", "target": "p1"}, name="default")


def _arrive(station: Station, clock: FakeClock, waybill: str) -> int:
    """A parcel checked in with a phone, its label printed and its message sent."""
    parcel_id = check_in(station, waybill, phone=PHONE).parcel_id
    clock.advance(minutes=5)  # past the label's hold and the message's grouping window
    assert sending.process_queue(station, _printer()).printed
    assert notify.run_once(station, DummyChannel(), reminders=False).sent
    return parcel_id


def _leave(station: Station, parcel_id: int, waybill: str) -> None:
    confirm_pickup(station, [parcel_id], method="code", scanned=[waybill])


def _set(station: Station, model: Any, row_id: int, **values: Any) -> None:
    station.run(lambda session: session.execute(update(model).where(model.id == row_id).values(**values)))


def _jobs(station: Station) -> dict[int | None, str]:
    with station.read() as session:
        return {j.id: j.status for j in session.exec(select(PrintJob).order_by(col(PrintJob.id))).all()}


def _messages(station: Station) -> dict[int | None, str]:
    with station.read() as session:
        rows = session.exec(select(Notification).order_by(col(Notification.id))).all()
        return {n.id: n.status for n in rows}


def _document(station: Station) -> int:
    """A receipt for no parcel, queued."""
    job = station.run(lambda s: printing.queue_document(s, station, "receipt", {"parcels": []}))
    assert job.id is not None
    return job.id


def _of(station: Station, model: Any, parcel_id: int) -> list[int]:
    with station.read() as session:
        return list(session.exec(select(model.id).where(model.parcel_id == parcel_id)).all())


def _closed_details(station: Station) -> list[dict[str, Any]]:
    with station.read() as session:
        rows = session.exec(
            select(ParcelEvent).where(ParcelEvent.kind == EventKind.DAY_CLOSED).order_by(col(ParcelEvent.id))
        ).all()
        return [dict(e.details) for e in rows]


def test_the_close_deletes_only_what_is_done_with_past_the_keep_period(
    manager: Station, clock: FakeClock
) -> None:
    gone = _arrive(manager, clock, "SF1234567890123")
    _leave(manager, gone, "SF1234567890123")
    shelf = _arrive(manager, clock, "JT1234567890123")  # still on the shelf 91 days on
    # Left long ago, yet not done with: an interrupted label (the print queue lists it for the clerk)
    # and a message the sender still tries.
    stuck = _arrive(manager, clock, "YT1234567890123")
    [stuck_job], [stuck_message] = _of(manager, PrintJob, stuck), _of(manager, Notification, stuck)
    _leave(manager, stuck, "YT1234567890123")
    _set(manager, PrintJob, stuck_job, status=JobStatus.INTERRUPTED)
    # A document for no parcel that never printed: it waits for a printer.
    waiting = _document(manager)
    # A message given up for good, of a parcel that left long ago: done with, as its printed label is.
    given_up = _arrive(manager, clock, "SF1234567890125")
    [given_up_message] = _of(manager, Notification, given_up)
    _leave(manager, given_up, "SF1234567890125")
    _set(manager, Notification, given_up_message, status=NotificationStatus.FAILED, next_attempt_at=None)
    clock.advance(days=89)
    recent = _arrive(manager, clock, "SF1234567890124")  # left two days before the close: kept
    _leave(manager, recent, "SF1234567890124")
    clock.advance(days=2)
    # Set after the last sending pass, which would have withdrawn it (its parcel left).
    _set(manager, Notification, stuck_message, status=NotificationStatus.FAILED, next_attempt_at=clock.now)
    old_jobs = {*_of(manager, PrintJob, gone), *_of(manager, PrintJob, given_up)}
    old_messages = {*_of(manager, Notification, gone), given_up_message}
    assert len(old_jobs) == 2 and len(old_messages) == 2
    before_jobs, before_messages = _jobs(manager), _messages(manager)

    close_day(manager, early=True)
    after_jobs, after_messages = _jobs(manager), _messages(manager)
    assert set(before_jobs) - set(after_jobs) == old_jobs
    assert set(before_messages) - set(after_messages) == old_messages
    assert after_jobs[stuck_job] == "interrupted" and after_jobs[waiting] == "queued"
    assert after_messages[stuck_message] == "failed"
    assert _of(manager, PrintJob, shelf) and _of(manager, PrintJob, recent)
    assert _of(manager, Notification, shelf) and _of(manager, Notification, recent)
    [details] = _closed_details(manager)
    assert (details["print_jobs_deleted"], details["messages_deleted"]) == (2, 2)

    clock.advance(days=1)  # the next day's close: nothing more is old enough
    close_day(manager, early=True)
    details = _closed_details(manager)[1]
    assert (details["print_jobs_deleted"], details["messages_deleted"]) == (0, 0)
    assert (_jobs(manager), _messages(manager)) == (after_jobs, after_messages)
    assert auditlog.verify(manager).ok


def test_a_printed_job_behind_a_failed_one_stays_while_that_one_waits(
    manager: Station, clock: FakeClock
) -> None:
    """The printer printing past a failed job is what sets that job aside for the clerk."""
    first, second = _document(manager), _document(manager)
    _set(manager, PrintJob, first, status=JobStatus.FAILED, attempts=3, updated_at=clock.now)
    _set(manager, PrintJob, second, status=JobStatus.PRINTED, printed_at=clock.now, printer="default")
    assert queue_view.set_aside_jobs(manager) == {first}
    clock.advance(days=91)

    close_day(manager, early=True)
    assert _jobs(manager) == {first: "failed", second: "printed"}
    assert queue_view.set_aside_jobs(manager) == {first}  # still aside: it does not hold the queue
    queue_view.cancel_job(manager, first)  # the clerk takes it off the queue
    clock.advance(days=1)
    close_day(manager, early=True)
    assert _jobs(manager) == {}
    assert _closed_details(manager)[1]["print_jobs_deleted"] == 2


@pytest.mark.parametrize("attempts", [0, 2])
@pytest.mark.parametrize("status", list(JobStatus))
def test_the_close_keeps_a_printed_job_behind_exactly_the_jobs_the_queue_takes_for_failed(
    manager: Station, clock: FakeClock, status: JobStatus, attempts: int
) -> None:
    """The close's query and the print queue's `has_failed` say the same of every state a job can be in."""
    first, second = _document(manager), _document(manager)
    _set(manager, PrintJob, first, status=status, attempts=attempts, updated_at=clock.now)
    _set(manager, PrintJob, second, status=JobStatus.PRINTED, printed_at=clock.now, printer="default")
    with manager.read() as session:
        failed = order.has_failed(session.get_one(PrintJob, first))
    clock.advance(days=91)

    close_day(manager, early=True)
    assert (second in _jobs(manager)) is failed


def test_the_keep_period_is_a_setting_of_at_least_a_week(manager: Station, clock: FakeClock) -> None:
    from station_console.services.admin.settings import save_station_settings

    assert StationSettings().finished_job_keep_days == 90
    with pytest.raises(ValidationError):
        StationSettings(finished_job_keep_days=6)
    new = manager.settings().model_copy(update={"finished_job_keep_days": 7})
    manager.run(lambda session: save_station_settings(session, manager, new))
    gone = _arrive(manager, clock, "SF1234567890123")
    _leave(manager, gone, "SF1234567890123")
    clock.advance(days=7)
    close_day(manager, early=True)
    assert _of(manager, PrintJob, gone) == [] and _of(manager, Notification, gone) == []
