"""Keys typed right after an Enter go where that Enter sent the focus, not into the field it left."""

from __future__ import annotations

from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.signin import SignInScreen
from tui import quiet


def console(station: Station) -> StationApp:
    return StationApp(
        station, CounterSettings(counter="test-counter"), database_label="SQLite test", require_sign_in=True
    )


async def test_name_enter_and_pin_typed_in_one_go_sign_in(new_station: Station) -> None:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.act_as(new_station, None)
    app = console(new_station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        # Back to back, as a hurried clerk types ahead of a console still busy: nothing waits between.
        await quiet.burst(pilot, *"Wang", "enter", *"9071", "enter")
        await quiet.settle(pilot)  # the sign-in's worker answered
        assert not isinstance(app.screen, SignInScreen) and app.clerk_name == "Wang"


async def test_a_pin_typed_ahead_and_refused_never_shows_in_the_name_field(new_station: Station) -> None:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.act_as(new_station, None)
    app = console(new_station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        await quiet.burst(pilot, *"Wang", "enter", *"0000", "enter", *"12")
        name, pin = dialog.query_one("#signin-name", Input), dialog.query_one("#signin-pin", Input)
        await quiet.settle(pilot)
        assert "Wrong name or PIN" in str(dialog.query_one("#signin-error").render())
        assert name.value == "Wang"  # never the PIN, in clear
        assert app.focused is pin
