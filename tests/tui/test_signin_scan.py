"""A parcel scanned while the console is locked: the sign-in's name and PIN fields do not take it (a
waybill stood in the name field as a name, its Enter moving on to the PIN; a numeric one in the PIN
field was tried as a PIN, a failure towards the clerk's lock-out). The clerk is told, the code not
quoted (the sign-in is the counter's, whoever comes next), and signs in as before."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from db.models import EventKind, ParcelEvent
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.app import StationApp
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.conftest import PersonPace
from tui.lock_driver import console, idle_lock, toasts, wang_and_li


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


def said(app: object) -> str:
    return str(app.screen.query_one("#signin-error", Static).render())  # type: ignore[attr-defined]


def pins_tried(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each PIN the sign-in tries, in turn: a wrong one counts towards the clerk's lock-out."""
    tried: list[str] = []
    real = clerks.sign_in

    def counted(station: Station, name: str, pin: str) -> Any:
        tried.append(pin)
        return real(station, name, pin)

    monkeypatch.setattr(clerks, "sign_in", counted)
    return tried


async def locked(pilot: Any, app: StationApp) -> SignInScreen:
    """The console up, then left alone until it locks: its sign-in dialog."""
    await quiet.settle(pilot)
    await idle_lock(pilot, app)
    dialog = app.screen
    assert isinstance(dialog, SignInScreen)
    return dialog


def event_kinds(station: Station) -> list[str]:
    with station.read() as session:
        return [e.kind for e in session.exec(select(ParcelEvent))]


async def test_a_scan_under_the_idle_lock_is_neither_a_name_nor_a_pin(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await locked(pilot, app)
        name, pin = dialog.query_one("#signin-name", Input), dialog.query_one("#signin-pin", Input)
        await quiet.burst(pilot, *"SF1234567890123", "enter")
        assert name.value == "" and name.has_focus
        assert "scan" in said(app) and "SF1234567890123" not in said(app)
        await PersonPace.of(app).press(pilot, *"Li", "enter")
        assert pin.has_focus
        await quiet.burst(pilot, *"9876543210123", "enter")
        assert app.screen is dialog and pin.value == "" and pin.has_focus
        assert "9876543210123" not in said(app)
        await PersonPace.of(app).press(pilot, *"1357", "enter")
        await quiet.until(pilot, lambda: app.clerk_name == "Li")
    kinds = event_kinds(station)
    assert EventKind.SIGN_IN_FAILED not in kinds and EventKind.SIGNED_IN in kinds


@pytest.mark.parametrize("name", ["preset", "typed"])
async def test_a_numeric_scan_into_the_locked_pin_tries_no_sign_in(
    station: Station, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name in (preset by the dialog, or typed by the clerk), the cursor in the PIN: a numeric
    waybill scanned there would be a PIN, and its Enter a failed try towards Li's lock-out."""
    tried = pins_tried(monkeypatch)
    app = console(station)
    if name == "preset":
        show = app.show_sign_in
        monkeypatch.setattr(app, "show_sign_in", lambda name="", **how: show("Li", **how))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await locked(pilot, app)
        name_field, pin = dialog.query_one("#signin-name", Input), dialog.query_one("#signin-pin", Input)
        if name == "typed":
            await PersonPace.of(app).press(pilot, *"Li", "enter")
        assert name_field.value == "Li" and pin.has_focus
        await quiet.burst(pilot, *"9876543210123", "enter")
        assert app.screen is dialog and pin.value == "" and pin.has_focus and tried == []
        assert "scan" in said(app)
        await PersonPace.of(app).press(pilot, *"1357", "enter")
        await quiet.until(pilot, lambda: app.clerk_name == "Li")
    assert tried == ["1357"]
    kinds = event_kinds(station)
    assert EventKind.SIGN_IN_FAILED not in kinds and EventKind.SIGNED_IN in kinds


async def test_a_scan_into_the_locked_pin_is_not_said_as_a_wrong_pin(station: Station) -> None:
    """A waybill with letters scanned into the PIN field: taken back and said as a scan, and only so. Its
    keys, as they came, were also told "This field takes digits only." and "at most 12 characters",
    toasts about a PIN nobody typed beside the line saying it was a scan; a letter the clerk types in
    the PIN is still told so."""
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await locked(pilot, app)
        await PersonPace.of(app).press(pilot, *"Li", "enter")
        await quiet.burst(pilot, *"YT4761751318266", "enter")
        await quiet.settle(pilot)
        pin = dialog.query_one("#signin-pin", Input)
        assert pin.value == "" and "scan" in said(app)
        assert toasts(app) == [], "the scan's keys were told as a PIN's"
        await PersonPace.of(app).press(pilot, "x")
        await quiet.until(pilot, lambda: toasts(app) == ["This field takes digits only."])


async def test_a_scan_right_behind_a_pin_digit_is_no_pin(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A numeric waybill scanned a moment (under the scanner's split-scan wait) after a PIN digit typed:
    the decoder reads it as a scan whose head may be that digit, not a whole one. Its keys stayed in the
    PIN and its Enter tried them as Li's PIN, a failure towards her lock-out."""
    tried = pins_tried(monkeypatch)
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await locked(pilot, app)
        pace = PersonPace.of(app)
        await pace.press(pilot, *"Li", "enter", "1")
        pin = dialog.query_one("#signin-pin", Input)
        assert pin.value == "1"
        # 0.2 s after the digit (a person's pace, well under the 0.4 s split-scan wait), the scanner's keys.
        at = max(time.monotonic(), pace.stamped) + 0.2
        for key in [*"9876543210123", "enter"]:
            quiet.send_key(app, key, at=at)
        await quiet.settle(pilot)
        assert app.screen is dialog and tried == [] and pin.has_focus
        assert pin.value == "" and "scan" in said(app)
        await pace.press(pilot, *"1357", "enter")
        await quiet.until(pilot, lambda: app.clerk_name == "Li")
    assert tried == ["1357"]
