"""An Enter typed into Check-in's scan field right before Ctrl+L is Check-in's: its scanner router
decides it is a person's only a moment later, and by then the lock's sign-in dialog is on top. Given to
whatever had the focus then, it submitted the sign-in's name field, and the focus went on to the PIN
with what the next clerk began typing in the name."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import console, wang_and_li


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


async def test_an_enter_on_checkin_decided_after_ctrl_l_does_not_reach_the_sign_in(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f1")
        assert isinstance(app.screen, CheckinScreen)
        # Back to back, as a clerk hurrying away: the router is still deciding the Enter as Ctrl+L locks.
        for key in ("enter", "ctrl+l", *"Li"):
            quiet.send_key(app, key)
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        name = app.screen.query_one("#signin-name", Input)
        assert name.value == "Li"
        assert app.focused is name  # not moved on to the PIN by Check-in's Enter
