"""A lock handed to another clerk: what the last one was typing on a screen opened over a mode (Problems,
Returns, Recipients) goes, as it does on Check-in, Pickup and Send-out; what shows the station (an open
return batch) stays; the same clerk finds it all as left."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import Input, Select

from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.tui.screens.overdue import OverdueScreen
from station_console.tui.screens.problems import ProblemsScreen
from station_console.tui.screens.returns import ReturnsScreen
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.sendout_handover import HandoverScreen
from station_console.tui.screens.shelves import ShelvesScreen
from tui import quiet
from tui.lock_driver import console, idle_lock, sign_in, wang_and_li
from tui.shelf_data import place, wb
from tui.toasts_shown import shown


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


async def open_over_shelves(pilot, app, key: str, kind: type) -> object:  # type: ignore[no-untyped-def]
    await quiet.settle(pilot)
    await quiet.press(pilot, "f4")
    await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
    await quiet.press(pilot, key)
    await quiet.until(pilot, lambda: isinstance(app.screen, kind))
    await quiet.settle(pilot)
    return app.screen


async def returns_showing_zto(pilot, app) -> ReturnsScreen:  # type: ignore[no-untyped-def]
    """Returns over Shelves, ZTO's open batch shown (typed and Enter)."""
    screen = await open_over_shelves(pilot, app, "f9", ReturnsScreen)
    assert isinstance(screen, ReturnsScreen)
    await quiet.press(pilot, *"ZTO", "enter")
    await quiet.until(pilot, lambda: screen.current_batch is not None)
    return screen


async def handed_to_li(pilot, app, screen: ReturnsScreen) -> None:  # type: ignore[no-untyped-def]
    """The console locked and Li signing in after Wang, on `screen`."""
    await idle_lock(pilot, app)
    await sign_in(pilot, "Li", "1357")
    await quiet.settle(pilot)
    assert app.clerk_name == "Li" and app.screen is screen


@pytest.mark.parametrize(("who", "pin", "kept"), [("Wang", "9071", True), ("Li", "1357", False)])
async def test_a_half_typed_problem_is_kept_for_its_clerk_and_cleared_for_another(
    station: Station, who: str, pin: str, kept: bool
) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_over_shelves(pilot, app, "f11", ProblemsScreen)
        assert isinstance(screen, ProblemsScreen)
        screen.query_one("#pr-parcel", Input).value = "JT00"
        screen.query_one("#pr-kind", Select).value = "damaged"
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await idle_lock(pilot, app)
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        assert app.screen is screen and app.clerk_name == who
        typed = (screen.query_one("#pr-parcel", Input).value, screen.query_one("#pr-kind", Select).value)
        if kept:
            assert typed == ("JT00", "damaged")
        else:
            assert typed[0] == "" and screen.query_one("#pr-kind", Select).is_blank()
            assert "Closed what was typed on Problems, left open by Wang." in said


async def test_an_open_return_batch_stays_and_the_courier_typed_for_it_goes(station: Station) -> None:
    batch = returns.open_batch(station, "ZTO")
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await returns_showing_zto(pilot, app)
        screen.query_one("#ret-signer", Input).value = "Zhao Liu"
        screen.query_one("#ret-scan", Input).value = "7300"
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await handed_to_li(pilot, app, screen)
        assert screen.current_batch is not None and screen.current_batch.id == batch.id
        assert screen.query_one("#ret-carrier", Input).value == "ZTO"  # the station's open batch
        assert (
            screen.query_one("#ret-signer", Input).value == screen.query_one("#ret-scan", Input).value == ""
        )
        assert "Closed what was typed on Returns, left open by Wang." in said


async def test_a_carrier_typed_over_the_batch_shown_goes_and_the_batch_names_its_own(
    station: Station,
) -> None:
    """A batch shown and another carrier typed over its own for a next batch: that typing goes for
    another clerk, and the field names the batch shown again."""
    batch = returns.open_batch(station, "ZTO")
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await returns_showing_zto(pilot, app)
        carrier = screen.query_one("#ret-carrier", Input)
        carrier.value = "JT"
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await handed_to_li(pilot, app, screen)
        assert screen.current_batch is not None and screen.current_batch.id == batch.id
        assert carrier.value == "ZTO"
        assert "Closed what was typed on Returns, left open by Wang." in said


@pytest.mark.parametrize(("who", "pin", "kept"), [("Wang", "9071", True), ("Li", "1357", False)])
async def test_parcels_selected_on_overdue_are_kept_for_their_clerk_and_dropped_for_another(
    station: Station, clock: Any, who: str, pin: str, kept: bool
) -> None:
    """Selected by Wang, the next clerk's F7 (remind) or F9 (to a return batch) would act on parcels
    they never chose; Wang, back, finds them selected."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    place(station, wb(2), "1-1", at=clock.now - timedelta(days=9))
    app = console(station)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        screen = await open_over_shelves(pilot, app, "f10", OverdueScreen)
        assert isinstance(screen, OverdueScreen)
        await quiet.until(pilot, lambda: len(screen.rows) == 2)
        await quiet.press(pilot, "space")
        await quiet.until(pilot, lambda: "Selected: 1" in str(screen.query_one("#od-summary").render()))
        chosen = set(screen.chosen)
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await idle_lock(pilot, app)
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        assert app.screen is screen and app.clerk_name == who
        summary = str(screen.query_one("#od-summary").render())
        if kept:
            assert screen.chosen == chosen and "Selected: 1" in summary
        else:
            assert screen.chosen == set() and "Selected: 0" in summary
            assert "Closed the parcels selected on Overdue, left open by Wang." in said


@pytest.mark.parametrize(("who", "pin", "kept"), [("Wang", "9071", True), ("Li", "1357", False)])
async def test_a_courier_name_and_scan_typed_on_the_send_out_handover_go_for_another_clerk(
    station: Station, who: str, pin: str, kept: bool
) -> None:
    """The courier's name typed for the manifest, and a waybill half typed, stayed on the Handover
    screen for the next clerk, whose batch the name would sign."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f3")
        await quiet.until(pilot, lambda: isinstance(app.screen, SendoutScreen))
        await quiet.press(pilot, "f12")
        await quiet.until(pilot, lambda: isinstance(app.screen, HandoverScreen))
        screen = app.screen
        await quiet.settle(pilot)
        screen.query_one("#ho-courier", Input).value = "张师傅"
        screen.query_one("#ho-scan", Input).value = "YT12"
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await idle_lock(pilot, app)
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        assert app.screen is screen and app.clerk_name == who
        typed = (screen.query_one("#ho-courier", Input).value, screen.query_one("#ho-scan", Input).value)
        if kept:
            assert typed == ("张师傅", "YT12")
        else:
            assert typed == ("", "")
            assert "Closed what was typed on Handover, left open by Wang." in said
