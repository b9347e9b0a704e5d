"""Keys typed right behind a key that opens a screen (Settings' F10 Clerks), back to back, reach the
field that screen focuses first: the F10's action runs only once the key has passed up to the app, and
`Zhao` typed behind it went to Settings' section list, where it was lost."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.tui.app import StationApp
from station_console.tui.screens.clerk_admin import ClerkAdminScreen
from tui import quiet


@pytest.mark.parametrize("keys", [("f10",), ("enter", "f10")], ids=["f10", "enter-f10"])
@pytest.mark.first_mode("settings")
async def test_a_name_typed_right_behind_f10_on_settings_goes_into_the_clerks_name_field(
    app: StationApp, keys: tuple[str, ...]
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.burst(pilot, *keys, *"Zhao")
        screen = app.screen
        assert isinstance(screen, ClerkAdminScreen)
        name = screen.query_one("#c-name", Input)
        assert name.value == "Zhao" and app.focused is name
