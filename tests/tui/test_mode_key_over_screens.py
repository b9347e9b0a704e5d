"""A mode's own key on every screen opened over the mode's first goes back to that first screen, each
screen left as its Esc leaves it (`tui/mode_key.py`): Shelves' six (F4), Send-out's handover (F3, in
test_courier_closes_ask.py) and Returns opened from Overdue. Inside Settings, Ctrl+S is the save, on
each of its screens too: it saves there or says there is nothing to save, and never leaves. A question
up over one of those screens is answered by its own keys: the mode key does nothing behind it."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from textual.screen import Screen

from station_console.services.core.station import Station
from station_console.services.exceptions import returns, stocktake
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys
from station_console.tui.screens import stocktake as stocktake_screen
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.delivery import DeliveryScreen
from station_console.tui.screens.overdue import OverdueScreen
from station_console.tui.screens.problems import ProblemsScreen
from station_console.tui.screens.returns import ReturnsScreen
from station_console.tui.screens.shelf_dialogs import ShelfEditScreen
from station_console.tui.screens.shelves import ShelvesScreen
from station_console.tui.screens.stocktake import StocktakeScreen
from tui import quiet
from tui.conftest import PersonPace
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves, settle
from tui.test_courier_closes_ask import jt_batch_with_one_signed
from tui.test_returns_after_close import two_recalled

SHELF_WORK: list[tuple[str, type[Screen[None]]]] = [
    ("f8", StocktakeScreen),
    ("f9", ReturnsScreen),
    ("f10", OverdueScreen),
    ("f11", ProblemsScreen),
    ("f12", ShelfEditScreen),
    ("ctrl+d", DeliveryScreen),
]


def on_the_shelf_map(app: StationApp) -> bool:
    return (
        app.current_mode == "shelves" and isinstance(app.screen, ShelvesScreen) and len(app.screen_stack) == 1
    )


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize(("key", "screen"), SHELF_WORK, ids=[k for k, _s in SHELF_WORK])
async def test_f4_over_each_shelf_screen_goes_back_to_the_map(
    app: StationApp, station: Station, key: str, screen: type[Screen[None]]
) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, key)
        await settle(pilot)
        assert type(app.screen) is screen and len(app.screen_stack) == 2
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert on_the_shelf_map(app)
        await quiet.press(pilot, "f4")  # on the map itself: nothing
        await settle(pilot)
        assert on_the_shelf_map(app)


@pytest.mark.first_mode("shelves")
async def test_f4_over_a_stocktake_under_way_pauses_it_and_goes_back(
    app: StationApp, station: Station
) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StocktakeScreen) and app.screen.take is not None
        take_id = app.screen.take.id
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert on_the_shelf_map(app)
        assert stocktake.view(station, take_id).status == "paused"


@pytest.mark.first_mode("shelves")
async def test_f4_behind_a_yes_no_over_returns_does_nothing(app: StationApp, station: Station) -> None:
    """The close's Yes/No up over Returns: F4 neither closes the question nor goes back behind it; the
    question still answers, and the batch is as its answer leaves it."""
    two_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot:
        batch = await jt_batch_with_one_signed(app, pilot, station)
        returns_screen = app.screen
        await quiet.press(pilot, "f8")
        await settle(pilot)
        asking = app.screen
        assert isinstance(asking, ConfirmDialog)
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert app.screen is asking and app.screen_stack[-2] is returns_screen
        assert returns.get(station, batch.id).status == "open"
        await quiet.press(pilot, "n")
        await settle(pilot)
        assert app.screen is returns_screen and returns.get(station, batch.id).status == "open"
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert on_the_shelf_map(app)


@pytest.mark.first_mode("shelves")
async def test_f4_over_returns_opened_from_overdue_goes_back_to_the_map(
    app: StationApp, station: Station, clock: Any
) -> None:
    """Overdue's F9 puts Returns in its place: F4 there leaves no Overdue behind to come back through."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))  # a return candidate
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10", "f8", "f9")
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [ShelvesScreen, ReturnsScreen]
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert on_the_shelf_map(app)


@pytest.mark.first_mode("shelves")
async def test_f4_behind_a_yes_no_over_overdue_does_nothing(
    app: StationApp, station: Station, clock: Any
) -> None:
    """Overdue's F9 on a parcel not yet a return candidate asks first: F4 leaves the question up, and
    its No leaves the clerk on Overdue with no batch started."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(hours=80))  # red, not a return candidate
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10", "f9")
        await settle(pilot)
        asking = app.screen
        assert isinstance(asking, ConfirmDialog)
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert app.screen is asking and isinstance(app.screen_stack[-2], OverdueScreen)
        await quiet.press(pilot, "n")
        await settle(pilot)
        assert isinstance(app.screen, OverdueScreen) and returns.list_batches(station) == []
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert on_the_shelf_map(app)


# Each screen opened from Settings (its keys, then the print queue over Printers), and whether it has a
# save of its own for Ctrl+S (Printers', the scan test's, Clerks' form) or says there is nothing to save.
SETTINGS_SCREENS: list[tuple[tuple[str, ...], str, bool]] = [
    (("f7",), "CarrierEditorScreen", False),
    (("f8",), "PrintersScreen", True),
    (("f8", "f10"), "PrintQueueScreen", False),
    (("f9",), "ScanTestScreen", True),
    (("f10",), "ClerkAdminScreen", True),
    (("f11",), "OutboxScreen", False),
    (("f12",), "RecipientsScreen", False),
    (("ctrl+o",), "CarrierEventsScreen", False),
    (("ctrl+f",), "SendoutRulesScreen", False),
    (("ctrl+g",), "PrealertsScreen", False),
]


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize(
    ("keys", "name", "saves"), SETTINGS_SCREENS, ids=[n for _k, n, _s in SETTINGS_SCREENS]
)
async def test_ctrl_s_on_each_settings_screen_saves_there_or_says_nothing_to_save(
    app: StationApp, keys: tuple[str, ...], name: str, saves: bool
) -> None:
    notes: list[str] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, *keys)
        await settle(pilot)
        opened, stack = app.screen, list(app.screen_stack)
        assert type(opened).__name__ == name and len(stack) == 1 + len(keys)
        app.notify = lambda message, *a, **k: notes.append(str(message))  # type: ignore[method-assign]
        await quiet.press(pilot, "ctrl+s")
        await settle(pilot)
        assert app.screen is opened and app.screen_stack == stack
        assert ("Nothing to save on this screen." in notes) is not saves


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize("leave", ["f4", "escape"])
async def test_f8_right_behind_the_way_out_of_a_stocktake_is_the_maps(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, leave: str
) -> None:
    """F4 (or Esc) pauses the stocktake on a worker, and its answer leaves the screen: F8 pressed right
    behind, meant for the shelf map's stocktake, reached the stocktake still on top and opened its close
    (a busy database: the pause took a moment). It waits for the pause, and the map takes it."""
    slow_pause, _asked, written, _answered = quiet.held(stocktake_screen.stocktake.pause)
    monkeypatch.setattr(stocktake_screen.stocktake, "pause", slow_pause)
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        paused = app.screen
        assert isinstance(paused, StocktakeScreen) and paused.take is not None
        await PersonPace.of(app).press(pilot, leave, "f8", leave_running=["run"])
        assert app.screen is paused  # the pause on its way
        written.set()
        await settle(pilot)
        assert stocktake.view(station, paused.take.id).status == "paused"
        assert [type(s) for s in app.screen_stack] == [ShelvesScreen, StocktakeScreen]
        assert app.screen is not paused  # the map's F8: a stocktake to begin


@pytest.mark.first_mode("shelves")
async def test_f8_behind_the_way_out_waits_for_a_pause_slower_than_the_keys_fail_safe(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pause slower than the held keys' fail-safe (a busy database): the F8 behind Esc still waits for
    it, however long, and goes to the map once the stocktake has left. Let go by the fail-safe, it reached
    the stocktake still on top and opened its close."""
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)
    slow_pause, _asked, written, _answered = quiet.held(stocktake_screen.stocktake.pause)
    monkeypatch.setattr(stocktake_screen.stocktake, "pause", slow_pause)
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        paused = app.screen
        assert isinstance(paused, StocktakeScreen) and paused.take is not None
        ran_out = fail_safes_run_out(app, monkeypatch)
        await PersonPace.of(app).press(pilot, "escape", "f8", leave_running=["run"])
        for times in (1, 2):  # the fail-safe ran out, and again: the F8 still waits
            await quiet.until(pilot, partial(ran_out_times, ran_out, times), what="the fail-safe ran out")
            await quiet.settle(pilot, leave_running=["run"])
            assert app.screen is paused and app.type_ahead.keys_waiting
        written.set()
        await settle(pilot)
        assert stocktake.view(station, paused.take.id).status == "paused"
        assert [type(s) for s in app.screen_stack] == [ShelvesScreen, StocktakeScreen]
        assert app.screen is not paused  # the map's F8: a stocktake to begin


def ran_out_times(ran_out: list[int], times: int) -> bool:
    return ran_out[0] >= times


def fail_safes_run_out(app: StationApp, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, how many times a held keys' fail-safe timer has run out (one count, in a list)."""
    ran_out = [0]
    hold_ran_out = calls_held_keys.HeldKeysBehindCalls._hold_ran_out

    def counted(screen: Any, tag: str, hold: int) -> None:
        ran_out[0] += 1
        hold_ran_out(screen, tag, hold)

    monkeypatch.setattr(calls_held_keys.HeldKeysBehindCalls, "_hold_ran_out", counted)
    return ran_out
