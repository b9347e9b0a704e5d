"""The app's own keys pressed twice at a person's pace (a bounce the guard let through, a clerk's second
Enter while the first is checked): the sign-in at start signs in once, even a new station's first
manager; Ctrl+T opens one audit trail."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import Input

from db.models import EventKind, ParcelEvent
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.app import StationApp
from station_console.tui.screens.clerk_activity import ClerkActivityScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.conftest import console_on

TIMEOUT = 30.0


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: nobody signed in."""
    return new_station


@pytest.fixture
def app(request: pytest.FixtureRequest, station: Station) -> StationApp:
    """The console asking for a clerk at start; its keys a second apart: the bounce guard holds none back."""
    return console_on(request, station, require_sign_in=True)


def held_sign_in(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[str]]:
    """`clerks.sign_in` waits until the test lets it go (a busy database); each call's name is kept."""
    release, calls = threading.Event(), []
    real = clerks.sign_in

    def slow(station: Station, name: str, pin: str) -> Any:
        calls.append(name)
        assert release.wait(TIMEOUT)
        return real(station, name, pin)

    monkeypatch.setattr(clerks, "sign_in", slow)
    return release, calls


def signed_in_events(station: Station) -> int:
    with station.read() as session:
        return len(session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.SIGNED_IN)).all())


async def enter_twice_then_answer(
    app: StationApp, pilot: Any, release: threading.Event, calls: list[str]
) -> None:
    """Enter, and Enter again while the first is checked; then the answer."""
    await pilot.press("enter")
    await quiet.until(pilot, lambda: len(calls) == 1)
    await pilot.press("enter")
    assert isinstance(app.screen, SignInScreen)
    release.set()
    await quiet.until(pilot, lambda: not isinstance(app.screen, SignInScreen))
    await quiet.settle(pilot)


async def test_enter_twice_at_the_sign_in_signs_in_once(
    station: Station, app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.act_as(station, None)
    release, calls = held_sign_in(monkeypatch)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await quiet.press(pilot, *"Wang", "enter", *"9071")
        await enter_twice_then_answer(app, pilot, release, calls)
        assert (app.clerk_name, app.current_mode, type(app.screen).__name__) == (
            "Wang",
            "checkin",
            "CheckinScreen",
        )
    assert calls == ["Wang"] and signed_in_events(station) == 1


async def test_enter_twice_creating_a_new_stations_manager_creates_and_signs_in_once(
    station: Station, app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second Enter would create the manager again: refused, the dialog left saying so, and every
    try after it refused the same way, the manager made by the first never signed in."""
    release, calls = held_sign_in(monkeypatch)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen.first_run)
        await quiet.press(pilot, *"Wang", "enter", *"9071", "enter", *"9071", "enter", "enter")
        assert app.focused is app.screen.query_one("#signin-hours", Input)
        await enter_twice_then_answer(app, pilot, release, calls)
        assert (app.clerk_name, station.clerk_role, app.current_mode) == ("Wang", "manager", "checkin")
    assert calls == ["Wang"] and signed_in_events(station) == 1


async def test_ctrl_t_twice_opens_one_audit_trail(station: Station, app: StationApp) -> None:
    """Held by Textual: the app's keys do not reach past the dialog the first one opened."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.burst(pilot, "ctrl+t", "ctrl+t")
        await quiet.press(pilot, "ctrl+t")
        assert [type(s) for s in app.screen_stack[1:]] == [ClerkActivityScreen]
        await quiet.press(pilot, "escape")
        assert type(app.screen).__name__ == "CheckinScreen"
