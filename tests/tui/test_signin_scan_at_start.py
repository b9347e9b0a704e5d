"""A parcel scanned into the first sign-in's PIN, as the console starts (the scanner still in the clerk's
hand): the PIN field does not take it, as over a lock. A numeric waybill stood in the PIN and its Enter
tried it as the clerk's PIN, a failure towards their lock-out; a few such scans locked the clerk out.
A PIN typed before the dialog was drawn (into the terminal, as the console started) arrives as fast as
a scan, and is the clerk's: it signs in, however long."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from db.models import Clerk, EventKind
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.station_opening import OPENING_WORKER
from tui import quiet
from tui.conftest import PersonPace
from tui.lock_driver import wang_and_li
from tui.signin_helpers import kinds

LONG_PIN = "73915046"  # eight digits: past the scanner's shortest code, typed ahead all the same
WAYBILL = "773012345678"


@pytest.fixture
def station(new_station: Station) -> Station:
    """Wang the manager and Li (PIN 1357, and Zhou with an eight-digit one); nobody signed in."""
    wang_and_li(new_station)
    clerks.add_clerk(new_station, "Zhou", LONG_PIN)
    clerks.act_as(new_station, None)
    return new_station


class Opening:
    """What `station` gives the console: the station, opened once the test lets it (`release`)."""

    def __init__(self, station: Station) -> None:
        self.release = threading.Event()
        self._station = station

    @property
    def station(self) -> Station:
        assert self.release.wait(30)
        return self._station

    @property
    def counter_settings(self) -> CounterSettings:
        return CounterSettings(counter="test-counter")


def console(opening: Opening) -> StationApp:
    """The console as `station` starts it: the sign-in drawn while the station opens."""
    app = StationApp(require_sign_in=True, opening=opening)
    app.key_bounce.clock = PersonPace()  # as every test console's: `PersonPace` types at its pace
    return app


def failed_tries(station: Station, name: str) -> int:
    with station.read() as session:
        return session.exec(select(Clerk).where(Clerk.name == name)).one().failed_sign_ins


def said(app: StationApp) -> str:
    return str(app.screen.query_one("#signin-error", Static).render())


async def scanned(pilot, code: str, leave_running: Collection[str]) -> None:  # type: ignore[no-untyped-def]
    """A wedge scanner's burst: the code's keys and Enter back to back, one arrival time."""
    at = time.monotonic()
    for key in [*code, "enter"]:
        quiet.send_key(pilot.app, key, at=at)
    await quiet.settle(pilot, leave_running=leave_running)


async def opened(pilot, app: StationApp, opening: Opening) -> None:  # type: ignore[no-untyped-def]
    opening.release.set()
    await quiet.until(pilot, lambda: app.station_open, what="opened")
    await quiet.settle(pilot)


@pytest.mark.parametrize("scanned_while", ["open", "opening"])
async def test_a_numeric_scan_into_the_first_sign_ins_pin_is_not_tried(
    station: Station, scanned_while: str
) -> None:
    """Li's name typed, then a 12-digit waybill scanned into the PIN, with the station open or still
    opening: taken back out, said (not quoted), nothing tried; Li's PIN typed then signs her in."""
    opening = Opening(station)
    app = console(opening)
    leave: Collection[str] = (OPENING_WORKER,) if scanned_while == "opening" else ()
    async with app.run_test(size=(80, 24)) as pilot:
        if scanned_while == "open":
            await opened(pilot, app, opening)
        else:
            await quiet.settle(pilot, leave_running=leave)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen) and app.station_open == (scanned_while == "open")
        pin = dialog.query_one("#signin-pin", Input)
        pace = PersonPace.of(app)
        await pace.press(pilot, *"Li", "enter", leave_running=leave)
        assert pin.has_focus
        await scanned(pilot, WAYBILL, leave)
        assert pin.value == "" and pin.has_focus
        assert "scan" in said(app) and WAYBILL not in said(app)
        if scanned_while == "opening":
            await opened(pilot, app, opening)
        assert app.screen is dialog and failed_tries(station, "Li") == 0
        await pace.press(pilot, *"1357", "enter")
        await quiet.until(pilot, lambda: app.clerk_name == "Li")
    assert failed_tries(station, "Li") == 0
    assert EventKind.SIGN_IN_FAILED not in kinds(station)


async def test_a_long_pin_typed_before_the_dialog_was_drawn_signs_in(station: Station) -> None:
    """Name, Enter, an eight-digit PIN, Enter, typed into the terminal as the console started: the keys
    come all at once (each Enter a newline, the terminal not raw yet), stamped before the dialog was
    drawn, and sign Zhou in once the station is open; nothing said of a scan."""
    opening = Opening(station)
    app = console(opening)
    typed = time.monotonic()  # as the terminal's first read stamps them, before the dialog is mounted
    async with app.run_test(size=(80, 24)) as pilot:
        for key in [*"Zhou", "ctrl+j", *LONG_PIN, "ctrl+j"]:
            quiet.send_key(app, key, at=typed)
        await quiet.settle(pilot, leave_running=(OPENING_WORKER,))
        assert said(app) == ""
        await opened(pilot, app, opening)
        await quiet.until(pilot, lambda: app.clerk_name == "Zhou")
    assert failed_tries(station, "Zhou") == 0


async def test_a_long_pin_typed_at_a_persons_pace_signs_in(station: Station) -> None:
    """The first sign-in's PIN field refuses a scan, not a clerk typing: eight digits and Enter at a
    person's pace sign in."""
    opening = Opening(station)
    app = console(opening)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app, opening)
        await PersonPace.of(app).press(pilot, *"Zhou", "enter", *LONG_PIN, "enter")
        await quiet.until(pilot, lambda: app.clerk_name == "Zhou")
    assert failed_tries(station, "Zhou") == 0


@pytest.fixture
def bare_station(new_station: Station) -> Station:
    """A new station: no clerk yet, the sign-in makes the first manager."""
    return new_station


def pin2(app: StationApp) -> Input:
    return app.screen.query_one("#signin-pin2", Input)


@pytest.mark.parametrize("scanned_while", ["open", "opening"])
async def test_a_scan_into_a_new_stations_second_pin_is_not_taken(
    bare_station: Station, scanned_while: str
) -> None:
    """Name, PIN, then a 12-digit waybill scanned into the PIN again (the station open, or still opening:
    its keys wait behind the PIN's Enter for the field): taken back out and said as in the PIN, not
    compared with the PIN ("The two PINs differ." and both emptied); the PIN typed again goes on."""
    opening = Opening(bare_station)
    app = console(opening)
    leave: Collection[str] = (OPENING_WORKER,) if scanned_while == "opening" else ()
    async with app.run_test(size=(80, 24)) as pilot:
        if scanned_while == "open":
            await opened(pilot, app, opening)
        else:
            await quiet.settle(pilot, leave_running=leave)
        pace = PersonPace.of(app)
        await pace.press(pilot, *"Wang", "enter", *"9071", "enter", leave_running=leave)
        await scanned(pilot, WAYBILL, leave)
        if scanned_while == "opening":
            await opened(pilot, app, opening)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen) and dialog.first_run
        assert pin2(app).value == "" and pin2(app).has_focus
        assert dialog.query_one("#signin-pin", Input).value == "9071"
        assert "scan" in said(app) and WAYBILL not in said(app)
        await pace.press(pilot, *"9071", "enter")
        assert app.focused is dialog.query_one("#signin-zone", Input) and said(app) == ""
        await pace.press(pilot, "enter", "enter")
        await quiet.until(pilot, lambda: app.clerk_name == "Wang")
    assert bare_station.clerk_role == "manager"


async def test_a_long_second_pin_typed_before_the_dialog_was_drawn_is_the_clerks(
    bare_station: Station,
) -> None:
    """Name, PIN and PIN again, eight digits each, typed into the terminal as the console started: all
    at once, stamped before the dialog was drawn, the second PIN goes into its field once the station
    is known to be new, not taken back as a scan."""
    opening = Opening(bare_station)
    app = console(opening)
    typed = time.monotonic()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in [*"Wang", "ctrl+j", *LONG_PIN, "ctrl+j", *LONG_PIN, "ctrl+j"]:
            quiet.send_key(app, key, at=typed)
        await quiet.settle(pilot, leave_running=(OPENING_WORKER,))
        await opened(pilot, app, opening)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen) and dialog.first_run
        assert pin2(app).value == LONG_PIN and said(app) == ""
        assert app.focused is dialog.query_one("#signin-zone", Input)
