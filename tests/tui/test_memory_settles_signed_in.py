"""The console's memory settles a second time once a clerk is signed in and the first mode screen is
drawn (`station_console.settle_signed_in`): what the opening, the sign-in and that screen made is kept
out of later full collections, garbage collected first; once, not at a later sign-in or mode."""

from __future__ import annotations

import pytest

import station_console
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.signin_helpers import console, type_into


@pytest.fixture
def station(new_station: Station) -> Station:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    clerks.act_as(new_station, None)
    return new_station


async def test_memory_settles_once_when_the_signed_in_clerks_first_screen_is_drawn(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = console(station)
    settled: list[tuple[str, str, int | None, bool]] = []

    class Collector:
        """Records each call and what the console showed then (a real freeze would keep this test
        session's objects, this app among them, out of every later collection)."""

        @staticmethod
        def collect() -> int:
            settled.append(("collect", type(app.screen).__name__, station.clerk_id, app.screen.is_mounted))
            return 0

        @staticmethod
        def freeze() -> None:
            settled.append(("freeze", type(app.screen).__name__, station.clerk_id, app.screen.is_mounted))

    # This test session settled at its start (conftest.py); this console settles as a new process would.
    monkeypatch.setattr(station_console, "_settled_signed_in", False, raising=False)
    monkeypatch.setattr(station_console, "gc", Collector)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.station_open
        assert settled == []  # the station is open, nobody is signed in yet
        await type_into(pilot, "Wang")
        await type_into(pilot, "9071")
        await quiet.settle(pilot)
        wang = station.clerk_id
        assert wang is not None and isinstance(app.screen, CheckinScreen)
        # Garbage collected first, then what is alive set aside, with check-in up for the clerk.
        assert settled == [("collect", "CheckinScreen", wang, True), ("freeze", "CheckinScreen", wang, True)]
        await quiet.press(pilot, "ctrl+l")  # a lock, a sign-in again, another mode: nothing more
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await type_into(pilot, "Wang")
        await type_into(pilot, "9071")
        await quiet.press(pilot, "f2")
        await quiet.settle(pilot)
        assert station.clerk_id == wang and app.current_mode == "pickup"
        assert len(settled) == 2


async def test_a_console_given_a_signed_in_station_settles_once_its_devices_start(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed in before the console started (`--clerk`, the bench): asked as the devices start, the
    check-in screen already up."""
    calls: list[str] = []

    class Collector:
        @staticmethod
        def collect() -> int:
            calls.append("collect")
            return 0

        @staticmethod
        def freeze() -> None:
            calls.append("freeze")

    monkeypatch.setattr(station_console, "_settled_signed_in", False, raising=False)
    monkeypatch.setattr(station_console, "gc", Collector)
    clerks.sign_in(station, "Wang", "9071")
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        assert calls == ["collect", "freeze"]
