"""A background pass that finds nothing due takes no write lock: the print queue's (every idle tick, and
after every check-in), the notification sender's (its reminders and its claim) and the carrier events'.
A write transaction for nothing made the next check-in wait behind it, or was itself refused (SQLite)
or kept waiting (PostgreSQL) while another counter wrote. What the read finds is looked at again in
the write: a job another console claimed meanwhile is not claimed twice."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

import pytest
from conftest import FakeClock
from notify_helpers import checkin
from pickup_helpers import configure, receive
from sqlalchemy import text
from sqlmodel import Session, select
from test_printing import add_parcel, dummy_printer, jobs

from db.models import CarrierEvent, CarrierEventStatus, JobStatus, Notification, NotificationStatus, PrintJob
from station_console.services import notify
from station_console.services.carrier_events import sender as event_sender
from station_console.services.core.station import Station
from station_console.services.notify import sender as notify_sender
from station_console.services.notify.channels import DummyChannel
from station_console.services.notify.reminders import queue_reminders
from station_console.services.printing import sending
from station_console.settings import EventTarget

T = TypeVar("T")
WAIT_S = 0.3  # how long a write waits for SQLite's lock here before it is refused
PATIENCE_S = 3.0  # a pass still running after this waited for the lock (PostgreSQL waits for good)
CLOSED_PORT = "http://127.0.0.1:9/"  # nothing listens: a send fails at once


@contextmanager
def another_counter_writing(station: Station, tables: str) -> Iterator[None]:
    """Another counter in the middle of a write: SQLite's one write lock taken, or on PostgreSQL the
    `tables` locked against every write and `FOR UPDATE` (plain reads go on)."""
    if station.engine.dialect.name == "sqlite":
        other = sqlite3.connect(str(station.engine.url.database), isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            yield
            other.execute("ROLLBACK")
        finally:
            other.close()
        return
    with station.engine.connect() as conn:
        conn.execute(text(f"LOCK TABLE {tables} IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            conn.rollback()


def beside_a_writer(station: Station, tables: str, run: Callable[[], T]) -> T:
    """`run()` while another counter writes; fails if it waited for the lock or was refused."""
    station.busy_wait_s = WAIT_S
    outcome: dict[str, Any] = {}

    def go() -> None:
        try:
            outcome["value"] = run()
        except BaseException as exc:  # noqa: BLE001  raised again on the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=go)
    with another_counter_writing(station, tables):
        thread.start()
        thread.join(PATIENCE_S)
        waited = thread.is_alive()
    thread.join()
    assert not waited, "the pass waited for the write lock"
    if "error" in outcome:
        raise outcome["error"]  # before: refused, the database busy
    return outcome["value"]  # type: ignore[no-any-return]


def test_a_print_pass_with_nothing_due_needs_no_write_lock(station: Station, clock: FakeClock) -> None:
    printer = dummy_printer()
    add_parcel(station, "SF1234567890101", "1-1-1001")
    printer.transport.fail_next(1, "offline")
    first = sending.process_queue(station, printer)  # the label failed: its next try is 5 s away
    assert first.failed and jobs(station)[0].status == JobStatus.FAILED

    again = beside_a_writer(station, "print_job", lambda: sending.process_queue(station, printer))
    assert again.printed == [] and again.failed == []
    assert jobs(station)[0].status == JobStatus.FAILED

    clock.advance(seconds=5)  # due again: the read first does not hide it
    assert sending.process_queue(station, printer).printed == [jobs(station)[0].id]


def test_a_label_held_past_its_wait_is_still_released_by_the_claim(
    station: Station, clock: FakeClock
) -> None:
    printer = dummy_printer()
    add_parcel(station, "SF1234567890101", "1-1-1001")

    def hold(session: Session) -> None:
        job = session.exec(select(PrintJob)).one()
        job.status = JobStatus.HELD
        session.add(job)

    station.run(hold)
    assert sending.claim(station, printer) == []  # held for its phone, not due
    clock.advance(seconds=station.settings().label_hold_s)
    assert sending.claim(station, printer) == [jobs(station)[0].id]


def test_notification_pass_with_nothing_due_needs_no_write_lock(station: Station, clock: FakeClock) -> None:
    configure(station, reminder_policy="amber")
    checkin(station, 1)  # its message waits for the grouping window: nothing due, no reminder either
    channel = DummyChannel()
    result = beside_a_writer(station, "notification", lambda: notify.run_once(station, channel))
    assert (result.messages, result.reminders, result.error) == (0, 0, None)

    clock.advance(seconds=station.settings().notify_group_window_s)
    assert notify.run_once(station, channel).messages == 1


def test_reminders_with_none_due_need_no_write_lock(station: Station, clock: FakeClock) -> None:
    configure(station, reminder_policy="red")
    checkin(station, 1)
    clock.advance(seconds=station.settings().notify_group_window_s)
    assert notify.run_once(station, DummyChannel()).messages == 1  # told; nothing overdue yet
    assert beside_a_writer(station, "notification", lambda: queue_reminders(station)) == 0
    clock.advance(days=30)
    assert queue_reminders(station) == 1


def away_receiver(station: Station, monkeypatch: pytest.MonkeyPatch) -> None:
    """ZTO's events go to a webhook nobody listens on: each send fails at once, to be retried."""
    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", "s3cret-for-zto")
    configure(station, carrier_event_targets={"ZTO": EventTarget(channel="webhook", url=CLOSED_PORT)})


def test_carrier_event_pass_with_nothing_due_needs_no_write_lock(
    station: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    away_receiver(station, monkeypatch)
    receive(station, 1)
    first = event_sender.run_once(station)  # the receiver is away: the event waits for its retry
    assert len(first.failed) == 1

    again = beside_a_writer(station, "carrier_event", lambda: event_sender.run_once(station))
    assert (again.sent, again.failed, again.errors) == ([], [], {})

    clock.advance(seconds=station.settings().carrier_event_backoff_s)
    assert event_sender.run_once(station).failed == first.failed  # due again, tried again


def claimed_first_by_another(
    station: Station, monkeypatch: pytest.MonkeyPatch, other: Callable[[], Any]
) -> None:
    """`station`'s next write begins only after `other()` ran: another console's claim falls between
    this claim's read and its write."""
    run = station.run

    def late(work: Callable[[Session], T]) -> T:
        monkeypatch.setattr(station, "run", run)
        other()
        return run(work)

    monkeypatch.setattr(station, "run", late)


def test_a_print_job_claimed_between_the_read_and_the_write_is_not_claimed_again(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    printer = dummy_printer()
    add_parcel(station, "SF1234567890101", "1-1-1001")
    twin = replace(station, _cached=None)  # the same counter's other print pass
    taken: list[int] = []
    claimed_first_by_another(station, monkeypatch, lambda: taken.extend(sending.claim(twin, printer)))
    assert sending.claim(station, printer) == []
    assert taken == [jobs(station)[0].id] and jobs(station)[0].status == JobStatus.SENDING


def test_a_message_claimed_between_the_read_and_the_write_is_not_claimed_again(
    station: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkin(station, 1)
    clock.advance(seconds=station.settings().notify_group_window_s)
    channel, twin = DummyChannel(), replace(station, _cached=None)
    taken: list[notify_sender.Group] = []
    claimed_first_by_another(station, monkeypatch, lambda: taken.extend(notify_sender.claim(twin, channel)))
    assert notify_sender.claim(station, channel) == []
    assert len(taken) == 1
    with station.read() as session:
        assert [n.status for n in session.exec(select(Notification)).all()] == [NotificationStatus.SENDING]


def test_an_event_claimed_between_the_read_and_the_write_is_not_claimed_again(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    away_receiver(station, monkeypatch)
    receive(station, 1)
    twin = replace(station, _cached=None)
    taken: list[event_sender.Claimed] = []

    def other() -> None:
        taken.extend(event_sender.claim(twin, event_sender.Channels(twin), event_sender.PassResult()))

    claimed_first_by_another(station, monkeypatch, other)
    assert event_sender.claim(station, event_sender.Channels(station), event_sender.PassResult()) == []
    assert len(taken) == 1
    with station.read() as session:
        assert [e.status for e in session.exec(select(CarrierEvent)).all()] == [CarrierEventStatus.SENDING]
