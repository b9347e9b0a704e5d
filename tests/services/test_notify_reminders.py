"""Reminders: per carrier age, one per parcel per business day, a daily cap."""

from __future__ import annotations

from checkin_helpers import configure
from conftest import FakeClock
from notify_helpers import checkin
from sqlmodel import Session, select

from db.models import Carrier, Notification
from station_console.services import notify
from station_console.services.core.station import Station
from station_console.services.notify.channels import DummyChannel


def reminders(station: Station) -> list[Notification]:
    with station.read() as session:
        return list(session.exec(select(Notification).where(Notification.kind == "reminder")).all())


def test_a_parcel_past_amber_is_reminded_once_a_day(station: Station, clock: FakeClock) -> None:
    code = checkin(station, 1).pickup_code
    channel = DummyChannel()
    clock.advance(seconds=121)
    notify.run_once(station, channel)  # the check-in message
    clock.advance(hours=47)
    assert notify.run_once(station, channel).reminders == 0  # ZTO amber: 48 h
    clock.advance(hours=1)
    result = notify.run_once(station, channel)
    assert result.reminders == 1 and result.messages == 1
    assert channel.sent[-1].kind == "reminder" and code in channel.sent[-1].body
    assert "Reminder" in channel.sent[-1].body and "提醒" in channel.sent[-1].body
    clock.advance(hours=3)  # same business day (Asia/Shanghai)
    assert notify.run_once(station, channel).reminders == 0
    clock.advance(hours=24)
    assert notify.run_once(station, channel).reminders == 1
    assert len(reminders(station)) == 2 and len(channel.sent) == 3
    # One message per parcel and day, under a key that says so (a second queuing would clash on it).
    assert all(r.idempotency_key.startswith(f"reminder-{r.parcel_id}-") for r in reminders(station))


def test_the_daily_cap_holds_and_oldest_parcels_go_first(station: Station, clock: FakeClock) -> None:
    configure(station, reminder_daily_cap=2)
    for n in range(4):
        checkin(station, n, phone=f"1380000000{n}")
        clock.advance(minutes=1)
    channel = DummyChannel()
    clock.advance(seconds=121)
    notify.run_once(station, channel)
    clock.advance(hours=49)
    assert notify.run_once(station, channel).reminders == 2
    assert sorted(m.to for m in channel.sent if m.kind == "reminder") == ["13800000000", "13800000001"]
    clock.advance(hours=1)
    assert notify.run_once(station, channel).reminders == 0  # cap reached for today
    clock.advance(hours=24)
    assert notify.run_once(station, channel).reminders == 2


def test_policy_follows_each_carrier_and_can_be_off(station: Station, clock: FakeClock) -> None:
    def slow_zto(session: Session) -> None:
        carrier = session.exec(select(Carrier).where(Carrier.code == "ZTO")).one()
        carrier.red_hours = 100
        session.add(carrier)

    station.run(slow_zto)
    configure(station, reminder_policy="red")
    checkin(station, 1)
    channel = DummyChannel()
    clock.advance(hours=99)
    assert notify.run_once(station, channel).reminders == 0
    clock.advance(hours=2)
    assert notify.run_once(station, channel).reminders == 1
    configure(station, reminder_policy="off")
    clock.advance(days=1)
    assert notify.run_once(station, channel).reminders == 0


def test_a_parcel_with_its_message_still_waiting_is_not_reminded(station: Station, clock: FakeClock) -> None:
    checkin(station, 1)
    clock.advance(hours=49)
    assert notify.queue_reminders(station) == 0  # the check-in message has not gone out yet
