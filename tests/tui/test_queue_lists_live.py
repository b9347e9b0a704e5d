"""The queue lists follow other counters' work (two consoles on one database, walked side by side): a
parcel checked in here and handed out at the next counter takes its label off this counter's Print
queue, and a check-in there queues a customer message in the Outbox; each list said none of it until
the clerk pressed Ctrl+R. The clerk's cursor stays on the item it was on, so a key never lands on the
one that slid into its place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import DataTable

from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup.handover import confirm_pickup
from station_console.tui.app import StationApp
from station_console.tui.notify_worker import NotifyWorker
from station_console.tui.screens.outbox import OutboxScreen
from station_console.tui.screens.print_queue import PrintQueueScreen
from station_console.tui.screens.queue_list import QueueListScreen
from station_console.tui.widgets.plain import Table
from tui import quiet
from tui.other_counter import another_counter


def jobs_listed(table: DataTable[Any]) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


@pytest.mark.first_mode("settings")
async def test_a_label_whose_parcel_another_counter_handed_out_leaves_the_queue_keeping_the_cursor(
    app: StationApp, station: Station, db_url: str
) -> None:
    set_language("en")
    checked = [check_in(station, f"JT000000000000{n}", phone=f"1381234567{n}") for n in (1, 2, 3)]
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await quiet.press(pilot, "f8", "f10")  # from Settings (`first_mode`): printers, their queue
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        screen = app.screen
        assert isinstance(screen, PrintQueueScreen)
        table = screen.query_one(Table)
        assert len(jobs_listed(table)) == 3
        table.focus()
        await quiet.press(pilot, "down", "down")
        kept = table.cursor_key()
        assert kept == jobs_listed(table)[2]  # the newest label, under the clerk's cursor
        first = checked[0]
        confirm_pickup(other, [first.parcel_id], method="code", scanned=[first.waybill])
        await quiet.until(pilot, lambda: len(jobs_listed(table)) == 2, what="the handed-out label gone")
        await quiet.settle(pilot)
        assert table.cursor_key() == kept  # still on its job, one row higher now


async def test_the_outbox_lists_a_message_another_counter_s_check_in_queued_keeping_the_cursor(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_language("en")
    monkeypatch.setattr(NotifyWorker, "INTERVAL", 3600.0)  # nothing sent meanwhile: only the live view reads
    for n in (1, 2):
        check_in(station, f"JT000000000000{n}", phone=f"1381234567{n}")
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await app.push_screen(OutboxScreen())
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        table = app.screen.query_one(Table)
        assert len(jobs_listed(table)) == 2
        table.focus()
        await quiet.press(pilot, "down")
        kept = table.cursor_key()
        assert kept == jobs_listed(table)[1]
        check_in(other, "JT0000000000003", phone="13812345673")
        await quiet.until(pilot, lambda: len(jobs_listed(table)) == 3, what="counter-2's message listed")
        await quiet.settle(pilot)
        assert table.cursor_key() == kept  # still on its message, one row lower now


async def test_a_list_opened_after_other_counters_work_is_read_once(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened with changes heard before it (counted as unread), the list's own read has them: the live
    view's read due behind it asked for the whole list a second time."""
    monkeypatch.setattr(NotifyWorker, "INTERVAL", 3600.0)  # only the screen reads the outbox
    asked: list[str] = []
    read_list = QueueListScreen.read_list

    def counted(screen: QueueListScreen, read: Callable[[], object]) -> None:
        asked.append("read")
        read_list(screen, read)

    monkeypatch.setattr(QueueListScreen, "read_list", counted)
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        check_in(other, "JT0000000000003", phone="13812345673")
        await quiet.until(pilot, lambda: app.live_bridge.delivered > 0, what="counter-2's check-in heard")
        await app.push_screen(OutboxScreen())
        screen = app.screen
        assert isinstance(screen, OutboxScreen)
        await quiet.until(pilot, lambda: screen.query_one(Table).row_count == 1, what="the message listed")
        # Every read asked for is asked by now: the live view's timer gone, no worker still on its way.
        await quiet.until(
            pilot,
            lambda: screen._live_timer is None and all(w.is_finished for w in app.workers),
            what="the reads done",
        )
        await quiet.settle(pilot)
        assert asked == ["read"]
