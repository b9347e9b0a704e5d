"""Keys typed right behind the Enter (or F8) that confirms a stocktake's close (or sends a shelf move): the close's answer leaves
the screen, so they wait for it and then go to what is on top, the shelf map. A paste typed right behind
the Enter went into the closing stocktake's scan field; the close then took the field away and the
scan was lost without a word.

The close is held at its service's seam until the paste has arrived, so it is on its way however fast
the machine is."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.shelves import moves
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys
from station_console.tui.screens.shelves import ShelvesScreen
from station_console.tui.screens.stocktake import StocktakeScreen
from station_console.tui.screens.stocktake_close_dialog import CloseDialog
from tui import quiet
from tui.lock_driver import open_move_dialog
from tui.shelf_data import location_of, place, wb
from tui.shelves_driver import open_shelves, settle
from tui.test_type_ahead import send_paste
from tui.toasts_shown import shown


def held_until(released: threading.Event, real: Callable[..., Any]) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        if not released.wait(quiet.TIMEOUT):
            raise TimeoutError("the test never let the close go on")
        return real(*args, **kwargs)

    return slow


def passed_on_pastes(app: StationApp, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """From now on, the screen on top as each paste is given on by the type-ahead."""
    pasted: list[object] = []
    to_focus = app.type_ahead.pass_on

    async def seen(event: Any) -> None:
        if isinstance(event, events.Paste):
            pasted.append(type(app.screen))
        await to_focus(event)

    monkeypatch.setattr(app.type_ahead, "pass_on", seen)
    return pasted


async def _closing(app: StationApp, pilot: Any, station: Station) -> StocktakeScreen:
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-1")  # not scanned: the close offers to mark it missing, its tick box focused
    await open_shelves(app, pilot)
    await quiet.press(pilot, "f8", "enter")  # a stocktake of layer 1-1
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, StocktakeScreen)
    screen.query_one("#st-scan", Input).value = wb(1)
    await quiet.press(pilot, "enter")
    await settle(pilot)
    await quiet.press(pilot, "f8")
    await quiet.until(pilot, lambda: isinstance(app.screen, CloseDialog), what="the close's dialog")
    await settle(pilot)
    return screen


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize("confirm", ["enter", "f8"])
async def test_a_paste_right_behind_the_close_waits_for_it_and_goes_to_the_shelves(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, confirm: str
) -> None:
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", quiet.TIMEOUT)  # the paste waits for the answer
    released = threading.Event()
    monkeypatch.setattr(stocktake_close, "close", held_until(released, stocktake_close.close))
    async with app.run_test(size=(80, 24)) as pilot:
        take = await _closing(app, pilot, station)
        toasts = shown(app)
        pasted = passed_on_pastes(app, monkeypatch)
        quiet.send_key(app, confirm)
        send_paste(app, "75448446353387", at=time.monotonic())
        await quiet.until(pilot, lambda: not isinstance(app.screen, CloseDialog), what="the dialog closed")
        await quiet.type_ahead_handed_over(pilot)
        scan = take.query_one("#st-scan", Input)
        assert scan.value == "", "the paste went into the closing stocktake"
        assert app.type_ahead.keys_waiting, "the paste did not wait for the close"
        released.set()
        await quiet.until(pilot, lambda: app.screen is not take, what="the close left")
        await quiet.hold_ran_out(pilot, leave_running=())
        assert stocktake.view(station, 1).status == "closed"
        assert toasts[0].startswith("Stocktake 1 closed")
        assert pasted == [ShelvesScreen]  # given on once the close had left, to the screen on top


@pytest.mark.first_mode("shelves")
async def test_a_paste_right_behind_a_moves_enter_waits_for_it_and_goes_to_the_shelves(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Move dialog's Enter sends the move, whose answer closes the dialog: a paste right behind it
    went into the dialog's target field and was lost with the dialog."""
    place(station, wb(1), "1-1")
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", quiet.TIMEOUT)  # the paste waits for the answer
    released = threading.Event()
    monkeypatch.setattr(moves, "move_parcel", held_until(released, moves.move_parcel))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_move_dialog(pilot, app, wb(1), "1-2")
        await settle(pilot)
        target = dialog.query_one("#move-target", Input)
        target.focus()
        await settle(pilot)
        pasted = passed_on_pastes(app, monkeypatch)
        quiet.send_key(app, "enter")
        send_paste(app, "75448446353387", at=time.monotonic())
        await quiet.until(pilot, lambda: dialog.calling("move"), what="the move sent")
        await quiet.type_ahead_handed_over(pilot)
        assert target.value == "1-2", "the paste went into the closing dialog"
        assert app.type_ahead.keys_waiting, "the paste did not wait for the move"
        released.set()
        await quiet.until(pilot, lambda: app.screen is not dialog, what="the move closed the dialog")
        await quiet.hold_ran_out(pilot, leave_running=())
        assert location_of(station, wb(1)) == "1-2"
        # The target field's scanner router takes it back behind the Enter first; at last it is given on
        # once the dialog has closed, to the screen on top.
        assert pasted[-1] is ShelvesScreen
