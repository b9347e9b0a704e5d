"""Customers are always told: a phone added later, a code that changes; never a number that is not one.

Also the label a console check-in holds for the phone typed after the scan."""

from __future__ import annotations

import pytest
from checkin_helpers import configure, pick_up, wb
from conftest import FakeClock
from sqlmodel import col, select

from db.models import CodeHold, JobStatus, LookupFailure, Notification, PrintJob
from station_console.errors import NotFound, Refused
from station_console.services import notify
from station_console.services.checkin.late_phone import set_phone
from station_console.services.checkin.transaction import check_in, undo_last
from station_console.services.core.station import Station
from station_console.services.notify.channels import DummyChannel
from station_console.services.pickup.lookup import lookup
from station_console.services.printing import render, sending
from station_console.services.shelves import slots
from station_console.services.shelves.lists import rows_now
from station_console.services.shelves.moves import move_parcel


def notes(station: Station, parcel_id: int | None = None) -> list[tuple[str, str]]:
    with station.read() as session:
        query = select(Notification).order_by(col(Notification.id))
        if parcel_id is not None:
            query = query.where(Notification.parcel_id == parcel_id)
        return [(n.kind, n.status) for n in session.exec(query).all()]


def label_jobs(station: Station, parcel_id: int) -> list[str]:
    with station.read() as session:
        query = select(PrintJob.status).where(PrintJob.parcel_id == parcel_id).order_by(col(PrintJob.id))
        return list(session.exec(query).all())


def send_all(station: Station, clock: FakeClock, channel: DummyChannel) -> None:
    clock.advance(seconds=station.settings().notify_group_window_s + 1)
    notify.run_once(station, channel)


def test_a_parcel_without_a_number_queues_no_message(station: Station) -> None:
    quick = check_in(station, wb(1))
    tail_only = check_in(station, wb(2), phone="5678")
    assert notes(station, quick.parcel_id) == [] and notes(station, tail_only.parcel_id) == []


def test_a_phone_added_later_is_told_exactly_once(station: Station, clock: FakeClock) -> None:
    channel = DummyChannel()
    result = check_in(station, wb(1))
    assert set_phone(station, result.parcel_id, "138 1234 5678") == "138****5678"
    assert notes(station, result.parcel_id) == [("checkin", "queued")]
    set_phone(station, result.parcel_id, "13812345678")  # typed again: the waiting message will do
    assert notes(station, result.parcel_id) == [("checkin", "queued")]
    send_all(station, clock, channel)
    set_phone(station, result.parcel_id, "13812345678")  # the same number again: already told
    assert notes(station, result.parcel_id) == [("checkin", "sent")]
    assert [m.to for m in channel.sent] == ["13812345678"]
    assert result.pickup_code in channel.sent[0].body


def test_a_corrected_number_is_told_again(station: Station, clock: FakeClock) -> None:
    channel = DummyChannel()
    result = check_in(station, wb(1), phone="13812345678")
    send_all(station, clock, channel)
    set_phone(station, result.parcel_id, "13987654321")  # the clerk typed the wrong one at first
    send_all(station, clock, channel)
    assert [m.to for m in channel.sent] == ["13812345678", "13987654321"]


def test_a_split_scan_head_is_never_a_number_to_message(station: Station) -> None:
    result = check_in(station, wb(1))
    with pytest.raises(Refused) as refused:
        set_phone(station, result.parcel_id, "7739100")
    assert refused.value.code == "phone_invalid"
    assert notes(station) == []


def test_a_console_check_in_holds_its_label_for_the_phone(station: Station, clock: FakeClock) -> None:
    first = check_in(station, wb(1), hold_label=True)
    assert label_jobs(station, first.parcel_id) == [JobStatus.HELD]
    set_phone(station, first.parcel_id, "5678")  # the phone prints it at once
    assert label_jobs(station, first.parcel_id) == [JobStatus.QUEUED]
    second = check_in(station, wb(2), hold_label=True)
    third = check_in(station, wb(3), hold_label=True)  # the next scan prints the one before
    assert label_jobs(station, second.parcel_id) == [JobStatus.QUEUED]
    assert label_jobs(station, third.parcel_id) == [JobStatus.HELD]
    with_phone = check_in(station, wb(4), phone="13812345678", hold_label=True)
    assert label_jobs(station, with_phone.parcel_id) == [JobStatus.QUEUED]  # nothing to wait for


class Recorder:
    name = "test"

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def can_print(self, kind: str) -> bool:
        return True

    def send(self, data: bytes, about: tuple[str, ...] = ()) -> None:
        self.sent.append(data)


def test_a_held_label_prints_after_its_wait_without_the_phone(
    station: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "render_job", lambda *args: b"label")
    result = check_in(station, wb(1), hold_label=True)
    printer = Recorder()
    assert sending.process_queue(station, printer).printed == []
    clock.advance(seconds=station.settings().label_hold_s + 1)  # nobody typed a phone (or the console died)
    assert len(sending.process_queue(station, printer).printed) == 1
    assert label_jobs(station, result.parcel_id) == [JobStatus.PRINTED]


def test_a_held_label_reads_queued_once_its_wait_is_over(station: Station, clock: FakeClock) -> None:
    """With no printer attached nothing moves the job on: the screen must not say "waiting for phone"
    for ever."""
    result = check_in(station, wb(1), hold_label=True)
    assert rows_now(station, [result.parcel_id]).labels == {result.parcel_id: JobStatus.HELD}
    clock.advance(seconds=station.settings().label_hold_s + 1)
    assert rows_now(station, [result.parcel_id]).labels == {result.parcel_id: JobStatus.QUEUED}
    assert label_jobs(station, result.parcel_id) == [
        JobStatus.HELD
    ]  # a read: the row is the printer's to move


def test_an_undone_check_in_cancels_its_held_label(station: Station) -> None:
    result = check_in(station, wb(1), hold_label=True)
    undo_last(station)
    assert label_jobs(station, result.parcel_id) == [JobStatus.CANCELLED]


def test_a_new_code_after_the_message_went_is_told_and_the_old_one_still_answers(
    station: Station, clock: FakeClock
) -> None:
    channel = DummyChannel()
    result = check_in(station, wb(1), phone="13812345678")
    send_all(station, clock, channel)
    moved = move_parcel(station, wb(1), "2-4")
    assert moved.code_changed and moved.old_code == result.pickup_code
    assert notes(station, result.parcel_id) == [("checkin", "sent"), ("code_changed", "queued")]
    notify.run_once(station, channel)  # a changed code does not wait for a group window
    message = channel.sent[-1]
    assert result.pickup_code in message.body and str(moved.pickup_code) in message.body
    assert "changed" in message.subject
    # The customer comes with the old code: it finds the parcel and says where it went.
    found = lookup(station, result.pickup_code)
    assert [r.parcel_id for r in found.rows] == [result.parcel_id]
    assert found.moved == ((result.pickup_code, moved.pickup_code),)
    with station.read() as session:
        assert session.exec(select(LookupFailure)).all() == []  # not a failed guess
        assert not slots.code_is_free(session, result.pickup_code, clock.now)
    clock.advance(days=station.settings().code_cooldown_days + 1)
    with station.read() as session:  # held as long as the parcel waits, not only the cooldown
        assert not slots.code_is_free(session, result.pickup_code, clock.now)
    pick_up(station, result.parcel_id)
    with pytest.raises(NotFound):
        lookup(station, result.pickup_code)  # it left: the old code finds nothing now
    with station.read() as session:
        hold = session.get(CodeHold, result.pickup_code)
        assert hold is not None and hold.until > clock.now  # and is not reissued for the cooldown


def test_a_move_before_the_message_went_needs_no_second_message(station: Station, clock: FakeClock) -> None:
    channel = DummyChannel()
    result = check_in(station, wb(1), phone="13812345678")
    moved = move_parcel(station, wb(1), "2-4")
    move_parcel(station, wb(1), "3-1")  # twice, even
    assert notes(station, result.parcel_id) == [("checkin", "queued")]
    send_all(station, clock, channel)
    (message,) = channel.sent
    assert (
        moved.old_code is not None and moved.old_code not in message.body and "3-1-" in message.body
    )  # the code it has now


def test_two_moves_after_the_message_tell_one_change(station: Station, clock: FakeClock) -> None:
    channel = DummyChannel()
    result = check_in(station, wb(1), phone="13812345678")
    send_all(station, clock, channel)
    move_parcel(station, wb(1), "2-4")
    final = move_parcel(station, wb(1), "3-1")  # before the first change went out
    assert [k for k, _s in notes(station, result.parcel_id)] == ["checkin", "code_changed"]
    notify.run_once(station, channel)
    assert str(final.pickup_code) in channel.sent[-1].body
    assert result.pickup_code in channel.sent[-1].body  # "... is now ...": the code they hold


def test_keeping_the_code_on_a_move_tells_nobody(station: Station, clock: FakeClock) -> None:
    configure(station, move_policy="keep_code")
    channel = DummyChannel()
    result = check_in(station, wb(1), phone="13812345678")
    send_all(station, clock, channel)
    move_parcel(station, wb(1), "2-4")
    assert notes(station, result.parcel_id) == [("checkin", "sent")]
