"""Sign-in dialog on a new station's first run: the first manager made (hours, time zone, PINs typed
wrong and again, Enters typed before the console took the terminal) and signed in."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from db.models import EventKind
from station_console.errors import StationError
from station_console.i18n import N_
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.signin_helpers import console, header_text, kinds, type_into


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests sign in the clerks they make, from the first manager on."""
    return new_station


async def test_first_run_creates_the_manager_and_signs_in(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.first_run
        await quiet.press(pilot, "f2")  # mode keys do not get past the dialog
        assert isinstance(app.screen, SignInScreen)
        await type_into(pilot, "Wang")
        await type_into(pilot, "9071")
        await type_into(pilot, "9091")
        assert "differ" in str(app.screen.query_one("#signin-error", Static).render())
        assert clerks.needs_first_manager(station)
        await type_into(pilot, "9071")
        await type_into(pilot, "9071")
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)  # the station's time zone and hours come next
        zone = dialog.query_one("#signin-zone", Input)
        assert zone.value == station.settings().timezone and app.focused is zone  # the machine's, or init's
        zone.value = "Mars/Olympus"
        await type_into(pilot, "")
        await type_into(pilot, "")
        assert "Unknown time zone" in str(dialog.query_one("#signin-error", Static).render())
        assert clerks.needs_first_manager(station)  # checked before anything was created
        zone.value = "Europe/Berlin"
        await type_into(pilot, "")
        dialog.query_one("#signin-hours", Input).value = "08:00-20:00"
        await type_into(pilot, "")
        assert not isinstance(app.screen, SignInScreen)
        assert app.clerk_name == "Wang" and station.clerk_role == "manager"
        assert "Wang" in header_text(app)
    station.forget_settings()
    assert (station.settings().timezone, station.settings().opening_hours) == ("Europe/Berlin", "08:00-20:00")
    assert kinds(station) == [EventKind.CLERK_CHANGED, EventKind.SIGNED_IN, EventKind.SETTINGS_CHANGED]


async def test_a_first_manager_made_before_a_busy_database_refused_the_sign_in_signs_in_on_retry(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager was written, then the sign-in found the database busy: Enter again signs in as that
    manager (every retry was refused: "The station already has clerks"), and no second manager is made."""
    real, tries = clerks.sign_in, []

    def busy_once(*args: object) -> object:
        tries.append(args)
        if len(tries) == 1:
            raise StationError(N_("The database is busy; try again"), code="busy")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(clerks, "sign_in", busy_once)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        for text in ("Wang", "9071", "9071", "", ""):
            await type_into(pilot, text)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        assert "busy" in str(dialog.query_one("#signin-error", Static).render())
        assert not clerks.needs_first_manager(station)  # the manager was written before the refusal
        dialog.query_one("#signin-pin", Input).value = "9071"
        dialog.query_one("#signin-pin2", Input).value = "9071"
        dialog.query_one("#signin-hours", Input).focus()
        await type_into(pilot, "")
        assert not isinstance(app.screen, SignInScreen), str(
            dialog.query_one("#signin-error", Static).render()
        )
        assert app.clerk_name == "Wang" and station.clerk_role == "manager"
    assert [c.name for c in clerks.list_clerks(station)] == ["Wang"]


async def test_first_run_hours_typed_wrong_put_the_clerk_back_in_the_hours_field(station: Station) -> None:
    """Hours refused: the focus goes to the hours (the zone was right), so what is typed next corrects
    them; it went to the zone field, and the corrected hours were typed over the zone."""
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        for text in ("Wang", "9071", "9071", ""):
            await type_into(pilot, text)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        hours = dialog.query_one("#signin-hours", Input)
        hours.value = "25:00-07:30"
        await type_into(pilot, "")
        assert "09:00-21:00" in str(dialog.query_one("#signin-error", Static).render())
        assert app.focused is hours and clerks.needs_first_manager(station)
        hours.value = ""
        await type_into(pilot, "08:00-20:00")
        assert not isinstance(app.screen, SignInScreen)
    station.forget_settings()
    assert station.settings().opening_hours == "08:00-20:00"


async def test_first_run_empty_time_zone_asks_for_one(station: Station) -> None:
    """An emptied zone field reads as a zone to type, not "Unknown time zone : ...", with the field to
    type it in focused."""
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        for text in ("Wang", "9071", "9071"):
            await type_into(pilot, text)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        zone = dialog.query_one("#signin-zone", Input)
        zone.value = "  "
        await type_into(pilot, "")
        await type_into(pilot, "")
        said = str(dialog.query_one("#signin-error", Static).render())
        assert said == "Type the station's time zone, a name like Asia/Shanghai."
        assert app.focused is zone and clerks.needs_first_manager(station)


async def test_first_run_enters_typed_before_the_console_took_the_terminal_move_on(station: Station) -> None:
    """Keys typed as the console starts reach the terminal's line discipline before the console takes it
    raw: each Enter is turned into a newline (ctrl+j), which the fields ignored, so name, PIN and PIN
    again all landed in the name field. On the sign-in a newline is an Enter."""
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, *"Wang", "ctrl+j", *"9071", "ctrl+j", *"9071", "ctrl+j")
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        assert dialog.query_one("#signin-name", Input).value == "Wang"
        assert dialog.query_one("#signin-pin2", Input).value == "9071"
        assert app.focused is dialog.query_one("#signin-zone", Input)
        await quiet.press(pilot, "ctrl+j", "ctrl+j")
        assert not isinstance(app.screen, SignInScreen)
        assert app.clerk_name == "Wang" and station.clerk_role == "manager"


async def test_first_run_refusal_goes_when_the_field_it_is_about_is_typed_in(station: Station) -> None:
    """ "The two PINs differ." stayed up while the PINs were typed again (and "Unknown time zone" while the
    zone was put right): a refusal goes once a field it is about changes, not when another does, and not
    as the dialog empties the PINs itself."""
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        for text in ("Wang", "9071", "9091"):
            await type_into(pilot, text)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        line = dialog.query_one("#signin-error", Static)
        assert str(line.render()) == "The two PINs differ."  # the PINs emptied by the dialog: still said
        assert app.focused is dialog.query_one("#signin-pin", Input)
        await quiet.press(pilot, "9")
        assert str(line.render()) == ""
        await quiet.press(pilot, *"071", "enter")
        await type_into(pilot, "9071")
        zone = dialog.query_one("#signin-zone", Input)
        zone.value = "Mars/Olympus"
        await type_into(pilot, "")
        await type_into(pilot, "")
        assert "Unknown time zone" in str(line.render()) and app.focused is zone
        dialog.query_one("#signin-hours", Input).value = "08:00-20:00"  # another field: the line stays
        await quiet.settle(pilot)
        assert "Unknown time zone" in str(line.render())
        zone.value = ""
        await quiet.press(pilot, *"Asia/Shanghai")
        assert str(line.render()) == ""
        for field in ("#signin-pin", "#signin-pin2"):
            dialog.query_one(field, Input).value = "1234"
        dialog.query_one("#signin-hours", Input).focus()
        await type_into(pilot, "")
        assert "too easy" in str(line.render()) and app.focused is dialog.query_one("#signin-pin", Input)
        await quiet.press(pilot, "9")
        assert str(line.render()) == ""
        assert clerks.needs_first_manager(station)  # nothing written on the way
