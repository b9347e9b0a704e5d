"""Times in a list that may hold another day's rows say that day: Send-out's last sends, the Outbox's
next try and this business day's pickups (which can begin the evening before, after an early close).
A bare `21:05` read as today's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session
from textual.widgets import DataTable

from db.models import Parcel, ParcelStatus, Role
from station_console.services import notify
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.notify.channels import ChannelError, DummyChannel
from station_console.tui.app import StationApp
from station_console.tui.screens.outbox import OutboxScreen
from station_console.tui.screens.sendout import SendoutScreen
from tui import quiet
from tui.sendout_driver import counter_app, until

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the test station's zone
D, NEXT = date(2026, 11, 25), date(2026, 11, 26)  # the test clock's day, and the next


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def a_send(station: Station, waybill: str) -> None:
    from station_console.services.sendout import accept, inspection, payments
    from station_console.services.sendout.weighing import Weight

    accept.accept(
        station,
        carrier="SF",
        party=accept.Party("Zhang San", "13712345678", "passport", "E12345678", id_seen=True),
        recipient=accept.Recipient("Wang Wu", "13987654321", "新疆"),
        parcel=accept.Parcel("books"),
        checked=inspection.current(station).ids,
        weight=Weight(1250, manual=False, device="dummy"),
        payment=payments.Payment("qr", "TX1"),
        waybill=waybill,
    )


@pytest.mark.first_mode("sendout")
async def test_a_send_of_another_day_says_its_date(app: StationApp, station: Station, clock: Any) -> None:
    """The last 50 sends come from any day: yesterday's reads `11-24 18:30`, today's `10:00` (the time
    shows where the panel has room, here at 160 columns); at 120, 100 and 80 the table still fits its
    panel, its waybill and status whole."""
    clock.now = local(date(2026, 11, 24), 18, 30)
    a_send(station, "SF1234567890123")
    clock.now = local(D, 10)
    a_send(station, "SF1234567890124")
    app = counter_app(station)
    async with app.run_test(size=(160, 40)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SendoutScreen)
        table = app.screen.query_one("#so-sends", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await quiet.settle(pilot)
        assert [str(table.get_row_at(r)[table.get_column_index("time")]).strip() for r in (0, 1)] == [
            "10:00",
            "11-24 18:30",
        ]
        for width, height in ((120, 40), (100, 30), (80, 24)):
            await quiet.resize(pilot, width, height, routers=False)
            await until(pilot, lambda w=width: app.size.width == w)
            await quiet.settle(pilot)
            assert {"waybill", "status"} <= {str(c.key.value) for c in table.ordered_columns}, width
            assert table.virtual_size.width <= table.scrollable_content_region.width, width


async def test_a_next_try_on_another_day_says_its_date(app: StationApp, station: Station, clock: Any) -> None:
    """A message that failed at 23:59:50 tries again after midnight: its next try reads `11-26 00:00`,
    not a bare time the clerk takes for today's."""
    clock.now = local(D, 23, 55)
    check_in(station, "73" + "1" * 12, batch="ZTO", phone="13812345678")
    clock.now = local(D, 23, 59).replace(second=50)
    channel = DummyChannel()
    channel.fail_with = [ChannelError("gateway timeout", permanent=False)]
    notify.run_once(station, channel)
    (note,) = notify.list_outbox(station, status="failed")
    assert note.next_attempt_at is not None
    due = note.next_attempt_at.astimezone(SHANGHAI)
    assert due.date() == NEXT  # the backoff carries it past midnight
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(OutboxScreen())
        await quiet.settle(pilot)
        table: DataTable[str] = app.screen.query_one(DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the failed message listed")
        assert str(table.get_row_at(0)[6]) == f"{due:%m-%d %H:%M}"


def picked_up_here(station: Station, parcel_id: int, at: datetime) -> None:
    def work(session: Session) -> None:
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None
        parcel.status, parcel.picked_up_at = ParcelStatus.PICKED_UP, at
        parcel.picked_up_counter, parcel.pickup_method = station.counter, "code"
        session.add(parcel)

    station.run(work)


@pytest.mark.first_mode("pickup")
async def test_a_pickup_of_the_evening_before_says_its_date(
    app: StationApp, station: Station, clock: Any
) -> None:
    """The day closed early at 20:00; a pickup at 21:05 belongs to the next business day, so the next
    morning's list of this day's pickups holds it: it reads `11-25 21:05`, the morning's `09:30`."""
    clock.now = local(D, 9)
    first = check_in(station, "73" + "1" * 12, batch="ZTO", phone="13812345678")
    second = check_in(station, "73" + "2" * 12, batch="ZTO", phone="13987654321")
    clock.now = local(D, 20)
    assert station.clerk_role == Role.MANAGER
    close_day(station, D, early=True)
    picked_up_here(station, first.parcel_id, local(D, 21, 5))
    picked_up_here(station, second.parcel_id, local(NEXT, 9, 30))
    clock.now = local(NEXT, 10)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        table = app.screen.query_one("#pk-recent", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 2, what="the two pickups listed")
        assert [str(table.get_row_at(r)[0]) for r in (0, 1)] == ["09:30", "11-25 21:05"]
        assert table.virtual_size.width <= table.scrollable_content_region.width  # whole at 80 columns
