"""Shelves: the parcel the clerk highlighted in a layer's list stays highlighted, by its waybill, when the
layer is read again because the map changed (another counter checked a parcel in, moved one, picked one
up): the live re-read emptied the list before reading the layer again, and the highlight jumped to the
first row."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from station_console.services.core.station import Station
from station_console.services.shelves.moves import move_parcel
from station_console.tui.app import StationApp
from station_console.tui.live_bridge import LiveBridge
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves, settle


def highlighted(layer: DataTable[object]) -> str:
    return str(layer.coordinate_to_cell_key(layer.cursor_coordinate).row_key.value)


async def read_again_live(pilot: object, app: StationApp) -> None:
    """What the live bridge says when another counter changed parcels: the map is read again."""
    app.screen.post_message(
        LiveBridge.Changed(kinds=frozenset({"parcel"}), counters=frozenset({"counter-2"}))
    )
    await settle(pilot)


@pytest.mark.first_mode("shelves")
async def test_the_highlighted_parcel_stays_highlighted_across_a_live_reread(
    app: StationApp, station: Station
) -> None:
    for n in (1, 2, 3):
        place(station, wb(n), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        layer = app.screen.query_one("#sh-layer", DataTable)
        await quiet.until(pilot, lambda: layer.row_count == 3, what="the layer's parcels")
        await quiet.press(pilot, "enter", "down", "down")  # into the list, onto the third parcel
        assert layer.has_focus and highlighted(layer) == wb(3)
        place(station, wb(4), "1-2")  # checked in elsewhere: the map changes, this layer does not
        await read_again_live(pilot, app)
        await quiet.until(pilot, lambda: layer.row_count == 3, what="the layer read again")
        assert highlighted(layer) == wb(3)
        move_parcel(station, wb(1), "1-2")  # a parcel above it moved away: its row is one up now
        await read_again_live(pilot, app)
        await quiet.until(pilot, lambda: layer.row_count == 2, what="the layer read again")
        assert highlighted(layer) == wb(3) and layer.cursor_row == 1
        assert layer.has_focus


@pytest.mark.first_mode("shelves")
async def test_a_highlighted_parcel_gone_leaves_the_highlight_on_the_row_nearest(
    app: StationApp, station: Station
) -> None:
    for n in (1, 2, 3):
        place(station, wb(n), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        layer = app.screen.query_one("#sh-layer", DataTable)
        await quiet.until(pilot, lambda: layer.row_count == 3, what="the layer's parcels")
        await quiet.press(pilot, "enter", "down")
        assert highlighted(layer) == wb(2)
        move_parcel(station, wb(2), "1-2")  # the highlighted one moved away
        await read_again_live(pilot, app)
        await quiet.until(pilot, lambda: layer.row_count == 2, what="the layer read again")
        assert highlighted(layer) == wb(3)  # the row that took its place, not the first


@pytest.mark.first_mode("shelves")
async def test_a_layer_emptied_then_filled_again_does_not_jump_back_to_the_old_parcel(
    app: StationApp, station: Station
) -> None:
    for n in (1, 2, 3):
        place(station, wb(n), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        layer = app.screen.query_one("#sh-layer", DataTable)
        await quiet.until(pilot, lambda: layer.row_count == 3, what="the layer's parcels")
        await quiet.press(pilot, "enter", "down", "down")
        assert layer.has_focus and highlighted(layer) == wb(3)
        for n in (1, 2, 3):  # the whole layer moved away elsewhere: the list is empty
            move_parcel(station, wb(n), "1-2")
        await read_again_live(pilot, app)
        await quiet.until(pilot, lambda: layer.row_count == 0, what="the layer read empty")
        for n in (1, 2, 3):  # and back again: nothing was highlighted in the empty list
            move_parcel(station, wb(n), "1-1")
        await read_again_live(pilot, app)
        await quiet.until(pilot, lambda: layer.row_count == 3, what="the layer filled again")
        assert layer.cursor_row == 0 and highlighted(layer) == wb(1)
