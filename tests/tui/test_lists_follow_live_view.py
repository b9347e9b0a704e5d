"""Parcels (F5) and Problems (Shelves > F11) follow other counters' work as the shelf map does: a
check-in elsewhere showed in neither until the list was searched again, and a problem resolved
elsewhere stayed listed (F8 on it then said it was not flagged). The clerk's filters and cursor stay;
a burst of changes reads the list once, not once a change."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.shelves import search
from station_console.tui.app import StationApp
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens import parcels
from station_console.tui.screens.parcels_table import ParcelsTable
from station_console.tui.screens.problems import ProblemsScreen
from tui import quiet
from tui.other_counter import another_counter
from tui.shelf_data import place, wb


def listed(table: DataTable[Any], column: int = 0) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


def under_cursor(table: ParcelsTable) -> str:
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    return table.waybills[str(key)]


async def listening(pilot: Any, app: StationApp) -> None:
    await quiet.settle(pilot)
    await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")


@pytest.mark.first_mode("parcels")
async def test_parcels_shows_another_counters_check_in_keeping_filter_and_cursor(
    app: StationApp, station: Station, db_url: str
) -> None:
    for n in (1, 2, 3):
        place(station, wb(n), "2-2")
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await quiet.press(pilot, "f5")
        await listening(pilot, app)
        screen = app.screen
        screen.query_one("#pa-carrier", Input).value = "JT"
        screen.query_one("#pa-carrier", Input).focus()
        await quiet.press(pilot, "enter")
        table = screen.query_one("#pa-table", ParcelsTable)
        assert table.row_count == 3
        table.focus()
        await quiet.press(pilot, "down")
        assert under_cursor(table) == wb(2)
        check_in(other, "73100000000001")  # a ZTO parcel: not the JT the clerk filtered for
        jt = check_in(other, "JT0000000000008")
        await quiet.until(pilot, lambda: table.row_count == 4, what="counter-2's JT check-in listed")
        await quiet.settle(pilot)
        assert "JT0000000000008" in table.waybills.values() and str(jt.parcel_id) in table.waybills
        assert not any(w.startswith("731") for w in table.waybills.values())  # the filter kept
        assert under_cursor(table) == wb(2)  # the clerk's parcel, one row lower now
        assert screen.query_one("#pa-carrier", Input).value == "JT"
        assert wb(2) in str(screen.query_one("#pa-events", Static).render())


@pytest.mark.first_mode("parcels")
async def test_a_burst_of_changes_reads_the_page_once(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, wb(1), "2-2")
    reads: list[object] = []

    def counted(*args: Any, **kwargs: Any) -> search.Page:
        reads.append(args)
        return search.search(*args, **kwargs)

    monkeypatch.setattr(parcels, "search", counted)
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        await quiet.settle(pilot)
        first = len(reads)
        for _ in range(20):  # twenty notices, as a bag checked in at the next counter brings
            app.screen.post_message(LiveBridge.Changed(kinds=frozenset({"checked_in"}), counters=frozenset()))
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: len(reads) > first, what="the page read again")
        await quiet.settle(pilot)
        assert len(reads) - first <= 2, len(reads) - first


async def in_problems(pilot: Any, app: StationApp) -> ProblemsScreen:
    app.push_screen(ProblemsScreen())
    await listening(pilot, app)
    screen = app.screen
    assert isinstance(screen, ProblemsScreen)
    return screen


def waybill_under_cursor(table: DataTable[Any]) -> str:
    return str(table.get_row_at(table.cursor_row)[0])


@pytest.mark.first_mode("shelves")
async def test_problems_drops_a_parcel_resolved_elsewhere_keeping_the_cursor(
    app: StationApp, station: Station, db_url: str
) -> None:
    for n in (1, 2, 3):
        place(station, wb(n), "1-1")
        problems.mark(station, wb(n), "damaged", "wet")
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        screen = await in_problems(pilot, app)
        table = screen.query_one("#pr-table", DataTable)
        rows = listed(table)
        assert sorted(rows) == [wb(1), wb(2), wb(3)]
        table.focus()
        await quiet.press(pilot, "down", "down")
        chosen = waybill_under_cursor(table)
        gone = rows[0]  # above the clerk's row
        problems.resolve(other, gone, "dried")
        await quiet.until(pilot, lambda: table.row_count == 2, what="the resolved parcel gone")
        await quiet.settle(pilot)
        assert gone not in listed(table)
        assert waybill_under_cursor(table) == chosen and table.has_focus


@pytest.mark.first_mode("shelves")
async def test_the_parcel_under_the_cursor_resolved_elsewhere_is_not_resolved_again_by_f8(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The chosen row gone, another parcel slid under the cursor: a hurried F8 would resolve a parcel
    the clerk never chose. It is said, and the focus goes to the parcel field."""
    for n in (1, 2):
        place(station, wb(n), "1-1")
        problems.mark(station, wb(n), "damaged", "wet")
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        screen = await in_problems(pilot, app)
        table = screen.query_one("#pr-table", DataTable)
        table.focus()
        await quiet.settle(pilot)
        chosen = waybill_under_cursor(table)
        problems.resolve(other, chosen, "dried")
        await quiet.until(pilot, lambda: table.row_count == 1, what="the resolved parcel gone")
        await quiet.settle(pilot)
        said = str(screen.query_one("#pr-status", Static).render())
        assert said == f"{chosen} is no longer on the list: choose again.", said
        await quiet.press(pilot, "f8")
        still = [p.waybill for p in problems.list_problems(station)]
        assert len(still) == 1 and chosen not in still  # F8 resolved nothing
        status = str(screen.query_one("#pr-status", Static).render())
        assert status == "Scan the parcel, or choose it in the list.", status
        assert screen.query_one("#pr-parcel", Input).has_focus


@pytest.mark.first_mode("shelves")
async def test_the_parcel_under_the_cursor_handed_out_here_in_pickup_is_not_said_as_another_counters(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The clerk hands the chosen parcel out in Pickup (F2) and comes back: the list, read again for
    another counter's check-in heard meanwhile, said it "changed at another counter"."""
    ids = {wb(n): place(station, wb(n), "1-1") for n in (1, 2)}
    for waybill in ids:
        problems.mark(station, waybill, "damaged", "wet")
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        screen = await in_problems(pilot, app)
        table = screen.query_one("#pr-table", DataTable)
        table.focus()
        await quiet.settle(pilot)
        chosen = waybill_under_cursor(table)
        await quiet.press(pilot, "f2")
        confirm_pickup(station, [ids[chosen]], method="code", scanned=[chosen])  # handed out at this counter
        heard = app.live_bridge.delivered
        check_in(other, "73100000000001")
        await quiet.until(pilot, lambda: app.live_bridge.delivered > heard, what="another counter heard")
        await quiet.press(pilot, "f4")
        await quiet.until(pilot, lambda: table.row_count == 1, what="the handed-out parcel gone")
        await quiet.settle(pilot)
        assert app.screen is screen
        said = str(screen.query_one("#pr-status", Static).render())
        assert said == f"{chosen} is no longer on the list: choose again.", said
        assert screen.query_one("#pr-parcel", Input).has_focus


@pytest.mark.first_mode("shelves")
async def test_a_parcel_handed_out_here_in_pickup_leaves_problems_at_a_one_counter_station(
    app: StationApp, station: Station
) -> None:
    """A station with one counter: the clerk hands a flagged parcel out in Pickup (F2) and comes back.
    Only another counter's work was read again here, so the list kept the parcel "on shelf" long after
    it left, and F8 on it was refused as not flagged."""
    ids = {wb(n): place(station, wb(n), "1-1") for n in (1, 2)}
    for waybill in ids:
        problems.mark(station, waybill, "damaged", "wet")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await in_problems(pilot, app)
        table = screen.query_one("#pr-table", DataTable)
        table.focus()
        await quiet.settle(pilot)
        chosen = waybill_under_cursor(table)
        await quiet.press(pilot, "f2")
        heard = app.live_bridge.own_heard
        confirm_pickup(station, [ids[chosen]], method="code", scanned=[chosen])  # handed out at this counter
        await quiet.until(
            pilot, lambda: app.live_bridge.own_heard > heard, what="this counter's pickup heard"
        )
        await quiet.press(pilot, "f4")
        await quiet.until(pilot, lambda: table.row_count == 1, what="the handed-out parcel gone")
        await quiet.settle(pilot)
        assert chosen not in listed(table)
        said = str(screen.query_one("#pr-status", Static).render())
        assert said == f"{chosen} is no longer on the list: choose again.", said


@pytest.mark.first_mode("shelves")
async def test_a_pickup_here_heard_just_after_coming_back_reads_problems_again(
    app: StationApp, station: Station
) -> None:
    """A hurried clerk is back on Problems before the live view has heard their own pickup (it polls):
    heard with Problems in front, it is read there too."""
    ids = {wb(n): place(station, wb(n), "1-1") for n in (1, 2)}
    for waybill in ids:
        problems.mark(station, waybill, "damaged", "wet")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await in_problems(pilot, app)
        table = screen.query_one("#pr-table", DataTable)
        await quiet.settle(pilot)
        gone = listed(table)[0]
        heard = app.live_bridge.own_heard
        confirm_pickup(station, [ids[gone]], method="code", scanned=[gone])  # as if made in Pickup just now
        await quiet.until(
            pilot, lambda: app.live_bridge.own_heard > heard, what="this counter's pickup heard"
        )
        await quiet.until(pilot, lambda: table.row_count == 1, what="the handed-out parcel gone")
        assert gone not in listed(table)
