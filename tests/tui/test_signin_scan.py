"""A parcel scanned while the console is locked: the sign-in's name and PIN fields do not take it (a
waybill stood in the name field as a name, its Enter moving on to the PIN; a numeric one in the PIN
field was tried as a PIN, a failure towards the clerk's lock-out). The clerk is told, the code not
quoted (the sign-in is the counter's, whoever comes next), and signs in as before."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from db.models import EventKind, ParcelEvent
from station_console.services.core.station import Station
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import console, idle_lock, wang_and_li


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


def said(app: object) -> str:
    return str(app.screen.query_one("#signin-error", Static).render())  # type: ignore[attr-defined]


async def test_a_scan_under_the_idle_lock_is_neither_a_name_nor_a_pin(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        await idle_lock(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        name, pin = dialog.query_one("#signin-name", Input), dialog.query_one("#signin-pin", Input)
        await quiet.burst(pilot, *"SF1234567890123", "enter")
        assert name.value == "" and name.has_focus
        assert "scan" in said(app) and "SF1234567890123" not in said(app)
        await quiet.press(pilot, *"Li", "enter")
        assert pin.has_focus
        await quiet.burst(pilot, *"9876543210123", "enter")
        assert app.screen is dialog and pin.value == "" and pin.has_focus
        assert "9876543210123" not in said(app)
        await quiet.press(pilot, *"1357", "enter")
        await quiet.until(pilot, lambda: app.clerk_name == "Li")
    with station.read() as session:
        kinds = [e.kind for e in session.exec(select(ParcelEvent))]
    assert EventKind.SIGN_IN_FAILED not in kinds and EventKind.SIGNED_IN in kinds
