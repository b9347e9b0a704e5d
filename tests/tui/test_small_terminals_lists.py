"""Small terminals (80x24, 100x30; the shelf map also 120x36), English and Chinese: the lists (the shelf map
and its layer list, the parcel list) show what a clerk reads them for, whole. The forms' checks are in
test_small_terminals.py. A failure names the size it was seen at."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rich.cells import cell_len
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from station_console.i18n import N_, _
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, return_batch_parcels, returns
from station_console.tui.app import StationApp
from station_console.tui.screens.shelves import LAYER_COLUMNS
from tui import quiet
from tui.checkin_driver import settle
from tui.shelf_data import place, wb
from tui.terminal_fit import (
    SIZES,
    SIZES_TO_80,
    SMALL,
    assert_apart,
    at_each_size,
    columns_in_view,
    console_in,
    shown_whole,
)


@SMALL
@pytest.mark.first_mode("shelves")
async def test_the_shelf_map_and_its_layer_list_stay_usable_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    async with console_in(app, lang, "f4") as pilot:
        screen = app.screen
        table = screen.query_one("#sh-map", DataTable)
        layer = screen.query_one("#sh-layer", DataTable)
        layers = [_("Layer {n}", n=n) for n in range(1, 6)]

        async def map_and_list_usable() -> None:
            regions = {name: shown_whole(app, screen.query_one(name)) for name in ("#sh-map", "#sh-layer")}
            assert_apart(regions)
            assert regions["#sh-map"].height >= 5  # the heading and two shelves
            assert regions["#sh-layer"].height >= 4
            # The layer list: a waybill, its carrier, code, check-in time, problem and size read whole
            # without scrolling (at 80 columns the location, the same on every row, cut the time off).
            assert columns_in_view(layer)[:6] == [_(N_(name)) for name in LAYER_COLUMNS[:6]]
            table.cursor_coordinate = Coordinate(0, 1)
            await settle(app, pilot)
            if app.size.width >= 100:
                assert columns_in_view(table) == [_("Shelf"), *layers]  # the whole map at a glance
            for n in range(1, 6):  # at 80 columns each layer is scrolled to, its shelf still in view
                table.cursor_coordinate = Coordinate(0, n)
                await settle(app, pilot)
                assert columns_in_view(table)[0] == _("Shelf")
                assert layers[n - 1] in columns_in_view(table)
            assert "1-5" in str(screen.query_one("#sh-layer-title").render())

        await at_each_size(app, pilot, map_and_list_usable, (*SIZES, (120, 36)))


@SMALL
@pytest.mark.first_mode("parcels")
async def test_the_parcel_list_shows_what_a_search_is_for_whole_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    """A search's answers without scrolling: the waybill, its status and problem, and what a clerk
    searches by, the code and the masked phone, each whole (at 80 columns in Chinese the phone was cut
    at "138****", after the location, check-in time and carrier)."""
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-2", status="written_off")
    place(station, wb(3), "1-3")
    problems.mark(station, wb(1), "wrong_address", "building C")
    async with console_in(app, lang, "f5") as pilot:
        table = app.screen.query_one("#pa-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 3, what="the parcels listed")

        async def answers_whole() -> None:
            wanted = [_(N_(name)) for name in ("Waybill", "Status", "Problem", "Code", "Phone")]
            assert columns_in_view(table)[:5] == wanted
            phone = [str(column.key.value) for column in table.ordered_columns].index("Phone")
            assert str(table.get_row_at(0)[phone]) == "138****5678"

        await at_each_size(app, pilot, answers_whole)


@SMALL
@pytest.mark.parametrize("written_off", [False, True], ids=["problem", "problem and written off"])
@pytest.mark.first_mode("parcels")
async def test_the_parcel_list_shows_the_check_in_time_at_80_columns_shorter_where_it_must(
    app: StationApp, station: Station, lang: str, written_off: bool
) -> None:
    """A problem parcel listed: at 80 columns in English the check-in time ("11-25 10:00" under "Checked
    in") was left out. Said shorter under "In" where it does not fit whole: the time for today's parcel,
    the day for an earlier one; whole where it fits (Chinese at 80, both at 120). A written-off parcel
    listed with it left no room even for the shorter time (80 cells against 78)."""
    if written_off:  # listed last, the newest first
        place(station, wb(3), "1-3", at=station.now() - timedelta(days=3), status="written_off")
    place(station, wb(1), "1-1", at=station.now() - timedelta(days=2))
    place(station, wb(2), "1-2")
    problems.mark(station, wb(1), "wrong_address", "building C")
    async with console_in(app, lang, "f5") as pilot:
        table = app.screen.query_one("#pa-table", DataTable)
        listed = 3 if written_off else 2
        await quiet.until(pilot, lambda: table.row_count == listed, what="the parcels listed")

        def times() -> tuple[str, list[str]]:
            keys = [str(column.key.value) for column in table.ordered_columns]
            assert "Checked in" in keys, keys
            column = table.ordered_columns[keys.index("Checked in")]
            assert column.label.plain in columns_in_view(table)
            # Nothing else hidden for it: every column but the carrier and the size shown whole.
            assert {*keys} >= {"Waybill", "Status", "Problem", "Code", "Phone", "Location"}, keys
            return column.label.plain, [str(table.get_row_at(n)[keys.index("Checked in")]) for n in (0, 1)]

        def location() -> str:
            keys = [str(column.key.value) for column in table.ordered_columns]
            return table.ordered_columns[keys.index("Location")].label.plain

        await quiet.resize(pilot, 120, 40)
        assert times() == (_(N_("Checked in")), ["11-25 10:00", "11-23 10:00"])
        assert location() == _(N_("Location"))
        await quiet.resize(pilot, 80, 24)
        if lang == "en":
            assert times() == ("In", ["10:00", "11-23"])
            # With the written-off parcel, the location's heading shorter too ("1-3" under it).
            assert location() == ("Shelf" if written_off else "Location")
        else:
            assert times() == ("入库时间", ["11-25 10:00", "11-23 10:00"])
            assert location() == "位置"


@pytest.mark.first_mode("shelves")
async def test_the_shelf_work_labels_read_whole_in_chinese_on_a_small_terminal(
    app: StationApp, station: Station, subtests: Any
) -> None:
    """A Chinese label breaks between any two characters (a closing bracket alone on its second line);
    each one fits its line (an English one wraps at a space, whole words). One console opens each
    screen in turn from the shelves, at the smallest size first as a new console would show it; each
    screen is a subtest of its own, and the next opens from the shelves whatever the one before left."""
    async with console_in(app, "zh", "f4") as pilot:
        shelves = app.screen
        for key in ("f8", "f9", "f11", "f12"):  # stocktake, returns, problems, edit shelves
            with subtests.test(msg=key):
                await quiet.resize(pilot, *SIZES[0], routers=False)
                quiet.send_key(app, key)
                await settle(app, pilot)
                assert app.screen is not shelves, f"{key} opened nothing"

                async def labels_whole() -> None:
                    labels = [w for w in app.screen.query(".field-label") if w.region.area]
                    assert labels
                    for label in labels:
                        text = str(label.render())
                        assert cell_len(text) <= label.content_region.width, (
                            f"{text!r} in {label.content_region.width}"
                        )

                await at_each_size(app, pilot, labels_whole)
            while app.screen is not shelves:
                app.pop_screen()
            await settle(app, pilot)


@pytest.mark.parametrize("row", [0, 9])  # the first shelf, the last (OV)
@pytest.mark.first_mode("shelves")
async def test_the_shelf_map_keeps_its_cursor_in_view_when_the_console_narrows(
    app: StationApp, station: Station, row: int
) -> None:
    async with console_in(app, "en", "f4", size=(160, 45)) as pilot:
        table = app.screen.query_one("#sh-map", DataTable)
        table.cursor_coordinate = Coordinate(row, 5)
        await settle(app, pilot)

        async def cursor_in_view() -> None:
            top = 2 * row  # each shelf two lines, under the heading
            seen = table.scrollable_content_region.height - 1
            assert table.scroll_y <= top and top + 2 <= table.scroll_y + seen, f"scrolled to {table.scroll_y}"
            assert _("Layer {n}", n=5) in columns_in_view(table)

        # the layer list goes below the map, then the map scrolls
        await at_each_size(app, pilot, cursor_in_view, ((120, 36), (80, 24)))


@SMALL
@pytest.mark.first_mode("shelves")
async def test_the_shelves_legend_keeps_its_fill_colours_on_one_line(
    app: StationApp, station: Station, lang: str
) -> None:
    """At 120x40 and 80x24 the legend's five fill colours read on one line, after what a cell says
    (at 80 columns a word wrap left "<30% 30%" on one line and "60% 80% 95%+" on the next)."""
    async with console_in(app, lang, size=SIZES_TO_80[0]) as pilot:

        async def check() -> None:
            legend = app.screen.query_one("#sh-legend")
            lines = [legend.render_line(y).text for y in range(legend.size.height)]
            (colours,) = [line for line in lines if "<30%" in line]
            assert all(label in colours for label in ("30%", "60%", "80%", "95%+")), lines
            assert "Fill" in " ".join(lines) or "占用" in " ".join(lines)

        await at_each_size(app, pilot, check, SIZES_TO_80)


@SMALL
@pytest.mark.first_mode("shelves")
async def test_the_return_batch_list_leaves_out_a_column_it_cannot_show_whole(
    app: StationApp, station: Station, lang: str
) -> None:
    """No column of a return batch's list is cut at the screen's edge: one that does not fit is left
    out, the waybill and why it goes back kept first (at 80 columns in Chinese the carrier, the batch's
    own and said above the list, was cut to "Z" at the edge; it is the first to go)."""
    place(station, wb(1), "1-1")
    problems.mark(station, wb(1), "refused", "not mine")
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1))
    async with console_in(app, lang, "f9", size=SIZES_TO_80[0]) as pilot:
        await quiet.press(pilot, *"JT", "enter")
        await settle(app, pilot)
        table = app.screen.query_one("#ret-items", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the batch listed")

        async def no_column_cut() -> None:
            await settle(app, pilot)
            widths = [column.get_render_width(table) for column in table.ordered_columns]
            assert sum(widths) <= table.scrollable_content_region.width, (
                [column.label.plain for column in table.ordered_columns],
                widths,
                table.scrollable_content_region.width,
            )
            assert columns_in_view(table)[:2] == [_("Waybill"), _("Problem")]
            if app.size.width >= 120:
                assert _("Phone") in columns_in_view(table)

        await at_each_size(app, pilot, no_column_cut, SIZES_TO_80)
