"""What the shelf map looks like with the demo week (pytest-textual-snapshot)."""

from __future__ import annotations

from typing import Any

from station_console.services.admin.demo import make_demo_week
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from tui import quiet
from tui.conftest import sign_in_manager


def test_shelf_map_with_the_demo_week(snap_compare: Any, new_station: Station) -> None:
    """A person should see: the legend of heat colours; a grid with one row per shelf (1-8, F floor, OV
    overflow) and one column per layer, each cell "SHELF-LAYER used/capacity" over "parcels fill%", its
    background from green (little used) to red (full), with a yellow ⚠n where parcels are overdue and a
    red !n where problem parcels sit; on the right the parcels of layer 1-1 (waybill, carrier, code,
    check-in time, problem flag in red, size, masked phone); and the total line at the
    bottom with parcels, layers, overdue and problem counts."""
    station = new_station  # the demo goes into a new station only: its manager signs in after
    make_demo_week(station, scale=0.3)
    sign_in_manager(station)
    app = StationApp(
        station, CounterSettings(counter="test-counter"), database_label="SQLite test", first_mode="shelves"
    )

    async def run_before(pilot: Any) -> None:
        await quiet.press(pilot, "f4")  # the map, then its layer: each answers from its thread worker

    assert snap_compare(app, terminal_size=(180, 40), run_before=run_before)
