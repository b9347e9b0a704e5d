"""The console locking: the sign-in dialog covers it at once, and a screen's read still running then is
refused (nobody is signed in), not said over the dialog, and read again once the clerk is back."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import DataTable

from station_console.errors import StationError
from station_console.services.core import roles
from station_console.services.core.station import Station
from station_console.services.exceptions import overdue
from station_console.services.people import clerks
from station_console.tui.app import StationApp
from station_console.tui.screens.overdue import OverdueScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import sign_in
from tui.shelf_data import place, wb


@pytest.mark.first_mode("shelves")
async def test_a_read_the_lock_refused_is_not_said_over_the_sign_in_and_is_read_again(
    app: StationApp, station: Station, clock: Any, bells: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    held = threading.Event()
    real = overdue.overdue

    def slow(station: Station) -> Any:
        assert held.wait(quiet.TIMEOUT)
        return real(station)

    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await quiet.settle(pilot)
        monkeypatch.setattr(overdue, "overdue", slow)
        await quiet.press(pilot, "f10", leave_running=["run"])  # its read (a call's worker, "run") waits
        assert isinstance(app.screen, OverdueScreen)
        await quiet.press(pilot, "ctrl+l", leave_running=["run"])
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        held.set()  # the read goes on, as nobody
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert [n.message for n in app._notifications] == [] and bells == []
        await sign_in(pilot, "Manager", "0000")
        await quiet.settle(pilot)
        assert isinstance(app.screen, OverdueScreen)
        assert app.screen.query_one("#od-table", DataTable).row_count == 1


@pytest.mark.first_mode("shelves")
async def test_a_refusal_the_lock_caused_arriving_after_the_sign_in_is_not_said_and_is_read_again(
    app: StationApp, station: Station, clock: Any, bells: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read runs while the console is locked and is refused; its refusal comes only once the clerk
    has signed in again (a slow thread): still the lock's, so it is read again and nothing said."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    locked, back = threading.Event(), threading.Event()
    real = overdue.overdue

    def slow(station: Station) -> Any:
        assert locked.wait(quiet.TIMEOUT)
        try:
            return real(station)
        except StationError:
            assert back.wait(quiet.TIMEOUT)  # refused as nobody; its answer comes after the sign-in
            raise

    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await quiet.settle(pilot)
        monkeypatch.setattr(overdue, "overdue", slow)
        await quiet.press(pilot, "f10", leave_running=["run"])
        await quiet.press(pilot, "ctrl+l", leave_running=["run"])
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        locked.set()
        await sign_in(pilot, "Manager", "0000", leave_running=["run"])
        await quiet.until(pilot, lambda: isinstance(app.screen, OverdueScreen), what="signed in again")
        back.set()
        await quiet.settle(pilot)
        assert [n.message for n in app._notifications] == [] and bells == []
        assert app.screen.query_one("#od-table", DataTable).row_count == 1


@pytest.mark.first_mode("shelves")
async def test_a_manager_read_the_lock_refused_is_not_said_as_a_role_and_is_read_again(
    app: StationApp, station: Station, clock: Any, bells: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody signed in fails a manager's read with the role sentence ("Only a manager..."): it is
    the lock's refusal all the same."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    held = threading.Event()
    real = overdue.overdue

    def managers(station: Station) -> Any:
        assert held.wait(quiet.TIMEOUT)
        roles.require_manager(station, "close_day")  # a read only a manager may make
        return real(station)

    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await quiet.settle(pilot)
        monkeypatch.setattr(overdue, "overdue", managers)
        await quiet.press(pilot, "f10", leave_running=["run"])
        await quiet.press(pilot, "ctrl+l", leave_running=["run"])
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        held.set()
        await quiet.settle(pilot)
        assert [n.message for n in app._notifications] == [] and bells == []
        await sign_in(pilot, "Manager", "0000")
        await quiet.settle(pilot)
        assert isinstance(app.screen, OverdueScreen)
        assert [n.message for n in app._notifications] == [] and bells == []
        assert app.screen.query_one("#od-table", DataTable).row_count == 1


async def test_the_sign_in_covers_the_screen_as_the_lock_key_is_pressed_however_slow_the_database(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = threading.Event()
    real = clerks.needs_first_manager

    def held(station: Station) -> bool:
        assert slow.wait(quiet.TIMEOUT)
        return real(station)

    monkeypatch.setattr(clerks, "needs_first_manager", held)
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.settle(pilot)
        try:
            await quiet.press(pilot, "ctrl+l", leave_running=["ask"])
            await quiet.press(pilot, "f6", leave_running=["ask"])  # nobody signed in: no key reaches a mode
            assert isinstance(app.screen, SignInScreen)
            assert app.current_mode == "checkin"
        finally:
            slow.set()
        await quiet.settle(pilot)
        assert sum(isinstance(s, SignInScreen) for s in app.screen_stack) == 1
