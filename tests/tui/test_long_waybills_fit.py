"""A long waybill (a USPS number of 22 characters, a 30-character code) in the lists a clerk reads at the
counter, at 80x24 and 120x40, English and Chinese: every column reads whole, the waybill by its end after
an ellipsis where the row is wider than the screen (a clerk matches its last digits). At 80 columns in
Chinese check-in's label state read "等" for "等待手机号", cut at the screen's edge; at Pickup the check-in
time and the days stored were pushed past it."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable

from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from tui import quiet
from tui.checkin_driver import scan, settle
from tui.shelf_data import place
from tui.terminal_fit import SIZES_TO_80, SMALL, at_each_size, console_in

USPS = "9400111206206406260787"  # 22 characters
LONG = "SF1234567890ABCDEFGHIJKLMN1234"  # 30
TAIL = 7  # the last characters a cut waybill still shows: more than the 4 a clerk matches


def drawn(app: StationApp, table: DataTable[Any]) -> list[str]:
    """The table's lines as the terminal shows them."""
    region = table.region
    lines = app.screen._compositor.render_strips()[region.y : region.bottom]
    return [line.crop(region.x, region.right).text for line in lines]


def assert_reads_whole(app: StationApp, table: DataTable[Any], gives_way: str = "waybill") -> None:
    """No column past the table's edge, each heading whole, and each cell of the rows in view whole in
    its row's line, but for `gives_way`'s: whole, or its end after an ellipsis."""
    columns = table.ordered_columns
    widths = [column.get_render_width(table) for column in columns]
    assert sum(widths) <= table.scrollable_content_region.width, (
        [column.label.plain for column in columns],
        widths,
        table.scrollable_content_region.width,
    )
    header, *lines = drawn(app, table)
    for column in columns:
        assert column.label.plain in header, (column.label.plain, header)
    assert table.row_count
    for n in range(table.row_count):
        line = lines[n]
        for column, cell in zip(columns, table.get_row_at(n), strict=True):
            text = str(cell)
            if column.key.value == gives_way and text not in line:
                cut = [word[1:] for word in line.split() if word.startswith("…")]
                assert cut and text.endswith(cut[0]) and len(cut[0]) >= TAIL, (text, line)
            else:
                assert text in line, (column.label.plain, text, line)


@SMALL
async def test_checkin_s_list_reads_whole_with_a_long_waybill(app: StationApp, lang: str) -> None:
    async with console_in(app, lang) as pilot:
        screen = app.screen
        assert isinstance(screen, CheckinScreen) and screen.router is not None
        clock = screen.router.clock
        for code in (USPS, "JT0000000000001"):
            await scan(pilot, clock, code)  # type: ignore[arg-type]
        await settle(app, pilot)
        table = screen.query_one("#ci-table", DataTable)

        async def whole() -> None:
            await settle(app, pilot)
            assert_reads_whole(app, table)
            if app.size.width >= 120:
                assert USPS in "".join(drawn(app, table))  # room for all of it

        await at_each_size(app, pilot, whole, SIZES_TO_80)


@SMALL
@pytest.mark.first_mode("pickup")
async def test_pickup_s_list_reads_whole_with_long_waybills(
    app: StationApp, station: Station, lang: str
) -> None:
    place(station, USPS, "1-1", carrier="USPS")
    place(station, LONG, "1-2", carrier="SF")
    async with console_in(app, lang) as pilot:
        await quiet.press(pilot, *"5678", "enter")  # the phone tail both share
        table = app.screen.query_one("#pk-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 2, what="the customer's parcels listed")

        async def whole() -> None:
            await settle(app, pilot)
            assert_reads_whole(app, table)
            if app.size.width >= 120:
                assert LONG in "".join(drawn(app, table))

        await at_each_size(app, pilot, whole, SIZES_TO_80)


@SMALL
@pytest.mark.first_mode("parcels")
async def test_the_parcel_list_reads_whole_with_long_waybills(
    app: StationApp, station: Station, lang: str
) -> None:
    """Parcels (F5), a problem parcel among them: at 80 columns the location and the check-in time were
    cut at the edge ("Locat", "入库时") until the clerk scrolled sideways."""
    place(station, USPS, "1-1", carrier="USPS")
    place(station, LONG, "1-2", carrier="SF")
    problems.mark(station, LONG, "wrong_address", "building C")
    async with console_in(app, lang) as pilot:
        table = app.screen.query_one("#pa-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 2, what="the parcels listed")

        async def whole() -> None:
            await settle(app, pilot)
            assert_reads_whole(app, table, gives_way="Waybill")
            if app.size.width >= 120:
                assert LONG in "".join(drawn(app, table))

        await at_each_size(app, pilot, whole, SIZES_TO_80)
