"""Keys typed right behind Ctrl+L, back to back, go to the sign-in dialog's name field, even when the
Ctrl+L itself was held behind an Enter a form had not answered yet: on a mode's own screen (Settings'
form) they were handed out as the lock pushed the dialog, before it had the focus, and nobody was
signed in."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from station_console.services.core.station import Station
from station_console.tui.screens.clerk_admin import ClerkAdminScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import console, open_from_settings, wang_and_li

SIGN_IN_AS_LI = ("ctrl+l", *"Li", "enter", *"1357", "enter")


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


async def test_a_sign_in_typed_behind_ctrl_l_held_behind_enter_on_clerks_signs_the_clerk_in(
    station: Station,
) -> None:
    """Over Settings, a screen's bound key (Ctrl+L) already held what came behind it."""
    app = console(station)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_from_settings(pilot, app, "f10", ClerkAdminScreen)
        table = screen.query_one("#clerk-list", DataTable)
        table.move_cursor(row=table.get_row_index("Wang"))  # F7 asks to deactivate Wang, not Li
        await quiet.burst(pilot, *"Zhao", "enter", *"5836", "enter", "f7", *SIGN_IN_AS_LI)
        await quiet.until(pilot, lambda: app.clerk_name == "Li", what="Li signed in")
        assert not isinstance(app.screen, SignInScreen)


async def test_a_sign_in_typed_behind_ctrl_l_held_behind_enter_on_settings_signs_the_clerk_in(
    station: Station,
) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+s")
        app.screen.query_one("#st-currency", Input).focus()
        await quiet.settle(pilot)
        await quiet.burst(pilot, "enter", *SIGN_IN_AS_LI)
        await quiet.until(pilot, lambda: app.clerk_name == "Li", what="Li signed in")
        assert not isinstance(app.screen, SignInScreen)
