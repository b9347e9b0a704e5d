"""Shelves mode: the shelf map, a layer's parcels, a move from the map (stocktakes: test_stocktake_begin_screen.py,
test_stocktake_scans_and_close.py; overdue, problems and returns: test_overdue_and_returns_screens.py)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.dom import DOMNode
from textual.widgets import DataTable, Input
from textual.widgets.data_table import ColumnKey, RowKey

from db.models import Role
from station_console.i18n import N_, _, set_language
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.tui.app import StationApp
from station_console.tui.screens import shelves
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves, settle
from tui.terminal_fit import columns_in_view


@pytest.mark.first_mode("shelves")
async def test_the_map_shows_each_layer_with_its_counts(app: StationApp, station: Station, clock) -> None:
    place(station, wb(1), "1-1", at=clock.now - timedelta(hours=60))
    place(station, wb(2), "1-1")
    problems.mark(station, wb(2), "damaged", "wet")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        table = app.screen.query_one("#sh-map", DataTable)
        assert table.row_count == 10  # shelves 1-8, F, OV
        first = str(table.get_cell_at(table.cursor_coordinate))
        assert "1-1 4/40" in first and "⚠1" in first and "!1" in first
        layer = app.screen.query_one("#sh-layer", DataTable)
        assert layer.row_count == 2
        flagged = [str(c) for c in layer.get_row(wb(2))]
        assert any("damaged" in c for c in flagged)
        await quiet.press(pilot, "right")  # layer 1-2: empty
        await settle(pilot)
        assert layer.row_count == 0
        await quiet.press(pilot, "left", "enter")  # open 1-1's parcels
        await settle(pilot)
        assert layer.has_focus


@pytest.mark.first_mode("shelves")
async def test_the_layers_carrier_column_holds_the_widest_short_name(
    app: StationApp, station: Station
) -> None:
    from station_helpers import act_as_new_clerk

    from station_console.services.scan.carriers import update_carrier

    act_as_new_clerk(station, "Boss", Role.MANAGER, "9071")
    update_carrier(station, "JT", {"short_name": "极兔速递快运"})  # 12 cells, wider than the heading
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        layer = app.screen.query_one("#sh-layer", DataTable)
        await quiet.until(pilot, lambda: layer.row_count == 1, what="the layer's parcels")
        carrier = layer.columns[ColumnKey("Carrier")]
        assert carrier.width == 12 and str(layer.get_row(wb(1))[1]) == "极兔速递快运"
        assert not carrier.auto_width  # set from the layer's rows: the same rows read again never reflow


@pytest.mark.first_mode("shelves")
async def test_the_maps_zones_read_in_chinese(app: StationApp, station: Station) -> None:
    set_language("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        table = app.screen.query_one("#sh-map", DataTable)
        shelves = [str(table.get_cell(key, "shelf")) for key in ("1", "F", "OV")]
        assert shelves == ["1 主区", "F 地堆", "OV 溢出区"]


@pytest.mark.first_mode("shelves")
async def test_move_from_the_map(app: StationApp, station: Station) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "enter")  # focus the layer's parcels, first row selected
        await settle(pilot)
        await quiet.press(pilot, "f7")
        await settle(pilot)
        assert app.screen.query_one("#move-parcel", Input).value == wb(1)
        await quiet.press(pilot, *"2-3", "enter")
        await settle(pilot)
        assert app.screen.query_one("#sh-map", DataTable)  # back on the map
        cell = str(
            app.screen.query_one("#sh-map", DataTable).get_cell_at(
                app.screen.query_one("#sh-map", DataTable).cursor_coordinate
            )
        )
        assert "1-1 0/40" in cell
    from tui.shelf_data import location_of

    assert location_of(station, wb(1)) == "2-3"


@pytest.mark.first_mode("shelves")
async def test_the_map_is_read_once_each_time_the_screen_comes_back(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back from a move (which changed the map), or from a screen that changed nothing, or from another
    mode: one read of the map each time, none while the screen is away."""
    place(station, wb(1), "1-1")
    asked: Counter[str] = Counter()
    run_worker = DOMNode.run_worker

    def counted(node: DOMNode, *args: Any, **kwargs: Any) -> Any:
        asked[str(kwargs.get("group"))] += 1
        return run_worker(node, *args, **kwargs)

    monkeypatch.setattr(DOMNode, "run_worker", counted)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        assert asked["call-map"] == 1 and asked["call-layer"] == 1
        await quiet.press(pilot, "enter", "f7")  # move 1-1's parcel
        await quiet.press(pilot, *"2-3", "enter")
        await settle(pilot)
        assert asked["call-map"] == 2
        assert "1-1 0/40" in str(app.screen.query_one("#sh-map", DataTable).get_cell_at(Coordinate(0, 1)))
        await quiet.press(pilot, "f9", "escape")  # returns, nothing returned
        await settle(pilot)
        assert asked["call-map"] == 3
        await quiet.press(pilot, "f1")
        await settle(pilot)
        assert asked["call-map"] == 3
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert asked["call-map"] == 4


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("shelves")
async def test_a_layers_problem_reads_whole_beside_the_map_and_below_it(
    app: StationApp, station: Station, lang: str
) -> None:
    """Beside the map at 160 columns the list cut its Problem column ("Probl"): each column is now as
    wide as what the layer holds, and one that would not fit whole (the phone, then the size) is left
    out, at 160 and at 80 columns (the list below the map) alike."""
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-1")
    problems.mark(station, wb(2), "unreadable", "torn")  # "label unreadable": the longest label
    set_language(lang)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        layer = app.screen.query_one("#sh-layer", DataTable)
        await quiet.until(pilot, lambda: layer.row_count == 2, what="the layer's parcels")
        for width, height in ((160, 45), (80, 24), (160, 45)):
            await quiet.resize(pilot, width, height)
            every = [column.label.plain for column in layer.ordered_columns]
            assert columns_in_view(layer) == every, (width, every)  # none cut at the edge
            assert every[:5] == [_(N_(name)) for name in shelves.LAYER_COLUMNS[:5]], width
            problem = layer.get_row(wb(2))[4]
            assert _(N_("label unreadable")) in str(problem)  # whole, wrapped where it must
            lines = problem.wrap(app.console, layer.ordered_columns[4].width)
            assert layer.rows[RowKey(wb(2))].height == len(lines), width
