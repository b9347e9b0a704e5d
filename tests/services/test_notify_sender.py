"""The outbox sender: grouping, backoff, give-up, crash recovery, resend; with a recording channel."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkin_helpers import configure
from conftest import FakeClock
from held_sends import HeldSend, stopped_mid_send
from notify_helpers import checkin
from sqlmodel import col, select

from db.models import EventKind, Notification, NotificationStatus, ParcelEvent
from hardware.messages import Message as Text
from station_console.errors import NotFound, Refused
from station_console.services import notify
from station_console.services.checkin.transaction import undo_last
from station_console.services.core.station import Station
from station_console.services.notify import sender
from station_console.services.notify.channels import FILE_NAME, ChannelError, DummyChannel, FileChannel
from station_console.stored_messages import stored_text, to_store


def rows(station: Station) -> list[Notification]:
    with station.read() as session:
        return list(session.exec(select(Notification).order_by(col(Notification.id))).all())


def test_three_parcels_in_the_window_go_out_as_one_message(station: Station, clock: FakeClock) -> None:
    codes = [checkin(station, n).pickup_code for n in range(3)]
    clock.advance(seconds=60)
    other = checkin(station, 9, phone="13987654321").pickup_code
    channel = DummyChannel()
    assert notify.run_once(station, channel).messages == 0  # nobody's window has passed yet
    clock.advance(seconds=61)
    result = notify.run_once(station, channel)
    assert result.messages == 1 and len(result.sent) == 3
    (message,) = channel.sent
    assert message.to == "13812345678"
    assert all(code in message.body for code in codes) and other not in message.body
    assert "3" in message.subject
    clock.advance(seconds=60)
    notify.run_once(station, channel)
    assert [m.to for m in channel.sent] == ["13812345678", "13987654321"]
    assert {r.status for r in rows(station)} == {NotificationStatus.SENT}
    with station.read() as session:
        events = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.NOTIFIED)).all()
    assert len(events) == 4


def test_a_parcel_checked_in_after_its_group_went_out_gets_its_own_message(
    station: Station, clock: FakeClock
) -> None:
    checkin(station, 1)
    clock.advance(seconds=121)
    channel = DummyChannel()
    notify.run_once(station, channel)
    later = checkin(station, 2).pickup_code
    clock.advance(seconds=121)
    notify.run_once(station, channel)
    assert len(channel.sent) == 2 and channel.sent[1].codes == (later,)


def test_transient_failures_back_off_then_give_up_with_the_error(station: Station, clock: FakeClock) -> None:
    configure(station, notify_max_attempts=3, notify_backoff_s=30)
    checkin(station, 1)
    clock.advance(seconds=121)
    channel = DummyChannel()
    channel.fail_with = [ChannelError("gateway down 13812345678")] * 3
    result = notify.run_once(station, channel)
    assert result.failed and result.error and "13812345678" not in result.error  # masked
    (row,) = rows(station)
    assert row.status == NotificationStatus.FAILED and row.attempts == 1
    assert row.next_attempt_at == clock.now + sender.backoff(station.settings(), 1)
    assert notify.run_once(station, channel).messages == 0  # not due yet
    clock.advance(seconds=31)
    notify.run_once(station, channel)
    clock.advance(seconds=61)
    result = notify.run_once(station, channel)
    (row,) = rows(station)
    assert result.gave_up == [row.id]
    assert row.attempts == 3 and row.next_attempt_at is None and "gateway down" in (row.last_error or "")
    clock.advance(hours=5)
    assert notify.run_once(station, channel).messages == 0 and channel.sent == []


def test_a_permanent_refusal_is_not_retried(station: Station, clock: FakeClock) -> None:
    checkin(station, 1)
    checkin(station, 2, phone="13987654321")
    clock.advance(seconds=121)
    channel = DummyChannel()
    channel.fail_with = [ChannelError("HTTP 400 bad number", permanent=True)]
    result = notify.run_once(station, channel)
    assert len(result.gave_up) == 1 and result.messages == 1  # the next recipient still went out


def test_crash_between_mark_and_send_never_sends_twice_on_a_plain_channel(
    station: Station, clock: FakeClock
) -> None:
    checkin(station, 1)
    clock.advance(seconds=121)
    channel = DummyChannel()
    groups = sender.claim(station, channel)  # committed "sending" ...
    assert len(groups) == 1
    channel.send(sender.message_for(station, groups[0]))  # ... sent, then the process dies before marking
    assert notify.run_once(station, channel).messages == 0  # another sender within the lease: hands off
    clock.advance(minutes=11)
    result = notify.run_once(station, channel)
    assert result.recovered and result.messages == 0
    assert len(channel.sent) == 1
    (row,) = rows(station)
    assert row.status == NotificationStatus.FAILED and row.next_attempt_at is None
    assert "Interrupted" in (row.last_error or "")
    clock.advance(days=1)
    notify.run_once(station, channel)
    assert len(channel.sent) == 1  # never resent without a clerk


def test_crash_on_an_idempotent_channel_resends_with_the_same_key(station: Station, clock: FakeClock) -> None:
    checkin(station, 1)
    clock.advance(seconds=121)
    channel = DummyChannel(idempotent=True)
    (group,) = sender.claim(station, channel)  # claimed; the process dies before the send
    clock.advance(minutes=11)
    result = notify.run_once(station, channel)
    assert result.recovered == group.ids and result.messages == 1
    assert channel.sent[0].idempotency_key == group.key


def test_resend_sends_a_failed_message_again_under_a_new_key(station: Station, clock: FakeClock) -> None:
    checkin(station, 1)
    clock.advance(seconds=121)
    channel = DummyChannel()
    channel.fail_with = [ChannelError("no", permanent=True)]
    notify.run_once(station, channel)
    (row,) = rows(station)
    again = notify.resend(station, row.id or 0)
    assert again.status == NotificationStatus.QUEUED and again.idempotency_key != row.idempotency_key
    notify.run_once(station, channel)
    assert channel.sent[0].idempotency_key == again.idempotency_key
    assert rows(station)[0].status == NotificationStatus.SENT
    with pytest.raises(NotFound):
        notify.resend(station, 10_000)
    checkin(station, 5, phone="13900000000")
    with pytest.raises(Refused) as refused:  # still queued: nothing to resend
        notify.resend(station, rows(station)[-1].id or 0)
    # Its state in the clerk's words, in either language, never the stored value.
    assert "is waiting: only failed" in refused.value.message("en")
    assert "状态为等待发送" in refused.value.message("zh")


def test_messages_of_parcels_that_left_are_cancelled_not_sent(station: Station, clock: FakeClock) -> None:
    checkin(station, 1)
    undo_last(station)
    checkin(station, 2)
    clock.advance(seconds=121)
    channel = DummyChannel()
    notify.run_once(station, channel)
    assert len(channel.sent) == 1
    assert [r.status for r in rows(station)] == [NotificationStatus.CANCELLED, NotificationStatus.SENT]


def test_a_tail_only_parcel_queues_nothing_and_a_channel_without_its_address_fails_it(
    station: Station, clock: FakeClock
) -> None:
    checkin(station, 1, phone="5678")
    assert rows(station) == []  # no number: nothing to send (the phone may come later, set_phone)
    checkin(station, 2, phone=None, email="ann@example.com")
    clock.advance(seconds=121)
    result = notify.run_once(station, DummyChannel(address="phone"))
    (row,) = rows(station)
    assert result.messages == 0 and row.status == NotificationStatus.FAILED and row.next_attempt_at is None
    assert "No address" in (row.last_error or "")


def test_file_channel_writes_each_message_to_the_named_file(
    station: Station, clock: FakeClock, tmp_path: Path
) -> None:
    checkin(station, 1)
    checkin(station, 2, phone="13987654321")
    clock.advance(seconds=121)
    assert station.settings().notify_channel == "file"  # the default
    result = notify.run_once(station)
    assert result.messages == 2
    path = FileChannel().path
    assert path.name == FILE_NAME and tmp_path in path.parents and path.stat().st_mode & 0o777 == 0o600
    text = path.read_text(encoding="utf-8")
    assert text.count("=== ") == 2 and "to 13812345678" in text and "to 13987654321" in text


def test_a_message_file_error_stored_before_reads_in_words(station: Station) -> None:
    stored = to_store(
        Text("Cannot write the message file {path}: {error}", path="/x", error="Is a directory")
    )
    assert stored_text(stored, "zh") == "无法写入消息文件 /x：Is a directory"


def test_listing_masks_recipients(station: Station, clock: FakeClock) -> None:
    checkin(station, 1)
    checkin(station, 2, phone=None, email="wang.fang@example.com")
    (email_row, phone_row) = notify.list_outbox(station)
    assert phone_row.recipient == "138****5678" and email_row.recipient == "w***@example.com"
    assert notify.list_outbox(station, status="sent") == []
    assert "13812345678" not in str([r.as_json() for r in notify.list_outbox(station)])


def test_a_pass_stopped_while_sending_sends_that_message_and_leaves_the_rest_queued(
    station: Station, clock: FakeClock
) -> None:
    """The console quitting: the message in hand goes out and is marked sent; the others wait, no
    attempt counted, for the next pass, which sends each once."""
    held = HeldSend()

    class Slow(DummyChannel):
        def send(self, message: notify.Message) -> None:
            held.hold()
            super().send(message)

    for n in range(5):
        checkin(station, n, phone=f"1381234567{n}")
    clock.advance(seconds=121)
    channel = Slow()
    result = stopped_mid_send(held, lambda going: notify.run_once(station, channel, should_continue=going))
    assert result.messages == 1 and held.held == 1 and len(channel.sent) == 1
    statuses = [r.status for r in rows(station)]
    assert statuses.count(NotificationStatus.SENT) == 1
    assert statuses.count(NotificationStatus.QUEUED) == 4 and all(r.attempts == 0 for r in rows(station))
    assert notify.run_once(station, channel).messages == 4
    assert sorted(m.to for m in channel.sent) == [f"1381234567{n}" for n in range(5)]
