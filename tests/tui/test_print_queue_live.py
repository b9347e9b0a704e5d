"""Settings > Printers > Print queue follows other counters' work: a parcel checked in here and handed
out at the next counter takes its label off this counter's queue, and the list said it still waited
to print until the clerk pressed Ctrl+R (two consoles on one database, walked side by side). The
clerk's cursor stays on the job it was on, so `c` or `r` never lands on the one that slid into its
place."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable

from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup.handover import confirm_pickup
from station_console.tui.app import StationApp
from station_console.tui.screens.print_queue import PrintQueueScreen
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
