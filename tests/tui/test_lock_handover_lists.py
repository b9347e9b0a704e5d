"""Parcels' and Shelves' status lines handed over by a lock: a refused search is said to its clerk (the
same clerk signing back in finds it), and another clerk finds it gone and the list searched again; the
shelf map's count is the station's, read for whoever is signed in."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.parcels import ParcelsScreen
from station_console.tui.screens.shelves import ShelvesScreen
from tui import quiet
from tui.lock_driver import console, idle_lock, sign_in, wang_and_li
from tui.shelf_data import place, wb


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


def said(line: Static) -> str:
    return str(line.render())


async def signed_in_again(pilot, app: StationApp, name: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    """Locked by the idle clock (no key of the clerk's let go of a refusal), then `name` signs in."""
    screen = app.screen
    await idle_lock(pilot, app)
    await sign_in(pilot, name, pin)
    await quiet.until(pilot, lambda: app.clerk_name == name and app.screen is screen)
    await quiet.settle(pilot)


@pytest.mark.parametrize(
    ("lang", "refusal", "found"),
    [
        ("en", "Dates look like 2026-11-25.", "Page 1: 1 parcel"),
        ("zh", "日期格式如 2026-11-25。", "第 1 页：1 件"),
    ],
)
async def test_a_refused_search_goes_with_its_clerk_and_the_next_finds_the_list(
    station: Station, lang: str, refusal: str, found: str
) -> None:
    """Wang's date refused, then the field emptied without Enter: nothing typed is left for the hand-over
    to clear, and the refusal (over an empty list) stayed for Li as if said to Li."""
    set_language(lang)
    place(station, wb(1), "2-2")
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f5")
        await quiet.until(pilot, lambda: isinstance(app.screen, ParcelsScreen))
        await quiet.settle(pilot)
        screen = app.screen
        line = screen.query_one("#pa-status", Static)
        table = screen.query_one("#pa-table", DataTable)
        since = screen.query_one("#pa-since", Input)
        since.focus()
        since.value = "2026-13-01"
        await quiet.press(pilot, "enter")
        await quiet.settle(pilot)
        assert said(line) == refusal and table.row_count == 0
        since.value = ""
        await signed_in_again(pilot, app, "Wang", "9071")  # the same clerk finds it as left
        assert said(line) == refusal and table.row_count == 0
        await signed_in_again(pilot, app, "Li", "1357")
        assert said(line) == found and not line.has_class("-error")
        assert table.row_count == 1


async def test_the_shelf_maps_count_is_read_for_the_next_clerk_too(station: Station) -> None:
    """The count is the station's, not what Wang did: Li finds it as Wang did."""
    place(station, wb(1), "2-2")
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
        await quiet.settle(pilot)
        line = app.screen.query_one("#sh-status", Static)
        count = said(line)
        assert count.startswith("1 parcel on ")
        await signed_in_again(pilot, app, "Li", "1357")
        assert said(line) == count
