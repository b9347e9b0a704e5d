"""The console as `station` starts it: the sign-in dialog first, the station opened in a worker meanwhile.

The clerk types the name and PIN while the database opens; a sign-in asked for before it is open goes
ahead once it is; a new station's fields appear then, keeping what was typed; a station that cannot be
opened closes the console with the reason `station` always gave, and no traceback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from textual.widgets import Input, Static

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.station_opening import OPENING_WORKER
from station_console.tui.type_ahead import TypeAhead
from tui import quiet


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests make their clerks themselves."""
    return new_station


@pytest.fixture
def wang(station: Station) -> tuple[Callable[[], Station], threading.Event]:
    """A station whose manager Wang (PIN 9071) is not signed in, opened the slow way (`held`)."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.act_as(station, None)
    return held(station)


class Opening:
    """What `station` gives the console (its CliApp): the station and the counter settings, read in
    the console's worker; `open` stands for opening the database."""

    def __init__(self, open: Callable[[], Station]) -> None:
        self.open = open

    @property
    def station(self) -> Station:
        return self.open()

    @property
    def counter_settings(self) -> CounterSettings:
        return CounterSettings(counter="test-counter")


def held(station: Station) -> tuple[Callable[[], Station], threading.Event]:
    """A way to open `station` that waits until the test lets it go (a slow disk, a big database)."""
    release = threading.Event()

    def opening() -> Station:
        assert release.wait(30)
        return station

    return opening, release


def console(opening: Callable[[], Station]) -> StationApp:
    return StationApp(require_sign_in=True, opening=Opening(opening))


OPENING = (OPENING_WORKER,)  # left running: the test holds the station's opening until it lets it go


async def settled(app: StationApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Until the station is open (or could not be) and what followed is done: the opening worker
    starts after the dialog's first refresh, so waiting for workers alone may come before it."""
    await quiet.until(
        pilot, lambda: not app.is_running or app.station_open or app.open_failure is not None, what="opened"
    )
    if app.open_failure is not None:
        return  # the console is closing: its workers are cancelled, there is nothing more to wait for
    await quiet.settle(pilot)  # signing in starts one more worker


def text_of(app: StationApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_clerk_signs_in_while_the_station_opens(
    station: Station, wang: tuple[Callable[[], Station], threading.Event]
) -> None:
    opening, release = wang
    app = console(opening)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot, leave_running=OPENING)
        assert isinstance(app.screen, SignInScreen) and not app.station_open
        assert "Opening the database" in text_of(app, "#signin-status")
        await quiet.press(pilot, "f1", leave_running=OPENING)  # mode keys do not get past the dialog
        await quiet.press(pilot, *"Wang", "enter", *"9071", "enter", leave_running=OPENING)
        assert isinstance(app.screen, SignInScreen) and station.clerk_id is None
        assert "Signing in once the database is open" in text_of(app, "#signin-status")
        release.set()
        await settled(app, pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert (app.clerk_name, station.clerk_role, app.current_mode) == ("Wang", "manager", "checkin")
        assert type(app.screen).__name__ == "CheckinScreen"
        assert not any(type(s).__name__ == "StartScreen" for s in app.screen_stack)


async def test_a_wrong_pin_typed_while_opening_is_refused_once_open(
    station: Station, wang: tuple[Callable[[], Station], threading.Event]
) -> None:
    opening, release = wang
    app = console(opening)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot, leave_running=OPENING)
        await quiet.press(pilot, *"Wang", "enter", *"1111", "enter", leave_running=OPENING)
        release.set()
        await settled(app, pilot)
        assert isinstance(app.screen, SignInScreen) and station.clerk_id is None
        assert "Wrong name or PIN." in text_of(app, "#signin-error")
        assert app.screen.query_one("#signin-pin", Input).value == ""


async def test_a_new_station_asks_for_the_manager_once_open_keeping_what_was_typed(station: Station) -> None:
    opening, release = held(station)
    app = console(opening)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot, leave_running=OPENING)
        await quiet.press(pilot, *"Wang", "enter", *"9071", "enter", leave_running=OPENING)
        assert not app.screen.query("#signin-pin2")  # not known to be new yet
        release.set()
        await settled(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen) and dialog.first_run
        assert "create the manager" in text_of(app, "#signin-title")
        assert dialog.query_one("#signin-name", Input).value == "Wang"
        assert app.focused is dialog.query_one("#signin-pin2", Input)
        assert dialog.query_one("#signin-zone", Input).value == station.settings().timezone
        await quiet.press(pilot, *"9071", "enter", "enter", "enter")
        await settled(app, pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert (app.clerk_name, station.clerk_role) == ("Wang", "manager")


async def test_a_new_stations_second_pin_typed_while_it_opens_goes_to_its_own_field(station: Station) -> None:
    """Name, PIN, PIN again, Enter after each, typed in one go while the database opens: the second PIN
    waits for its field, which comes once the station is known to be new; it ran on into the first."""
    opening, release = held(station)
    app = console(opening)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot, leave_running=OPENING)
        keys = [*"Wang", "enter", *"9071", "enter", *"9071", "enter"]
        await quiet.press(pilot, *keys, leave_running=OPENING)
        release.set()
        await settled(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen) and dialog.first_run
        pins = [dialog.query_one(f"#signin-{name}", Input).value for name in ("name", "pin", "pin2")]
        assert pins == ["Wang", "9071", "9071"]
        assert app.focused is dialog.query_one("#signin-zone", Input)  # the second PIN's Enter taken
        assert not str(dialog.query_one("#signin-error", Static).render()).strip()
        await quiet.press(pilot, "enter", "enter")
        await settled(app, pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert (app.clerk_name, station.clerk_role) == ("Wang", "manager")


async def test_a_new_station_opened_right_behind_the_pins_enter_keeps_the_second_pin_for_its_field(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The station known to be new after the PIN's Enter was answered, before the keys behind it go
    on: they wait for the second PIN's field all the same. They went on into the first PIN's."""
    release = TypeAhead._release

    async def opened_first(type_ahead: TypeAhead, hold: int) -> None:
        app: StationApp = type_ahead.app
        if not app.station_open and getattr(app.screen, "_asked_while_opening", False):
            app._station_opened(station, CounterSettings(counter="test-counter"), True)
        await release(type_ahead, hold)

    monkeypatch.setattr(StationApp, "load_station", lambda app: None)  # opened as the keys go on
    monkeypatch.setattr(TypeAhead, "_release", opened_first)
    app = console(lambda: station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, *"Wang", "enter")
        await quiet.burst(pilot, *"9071", "enter", *"9071", "enter")  # typed on, in one go
        dialog = app.screen
        assert isinstance(dialog, SignInScreen) and dialog.first_run
        pins = [dialog.query_one(f"#signin-{name}", Input).value for name in ("pin", "pin2")]
        assert pins == ["9071", "9071"]
        assert app.focused is dialog.query_one("#signin-zone", Input)  # the second PIN's Enter taken


async def test_a_clerk_given_on_the_command_line_goes_straight_to_check_in(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")

    def opening() -> Station:  # `station --clerk Wang --pin 9071`: the opening signs in
        clerks.sign_in(station, "Wang", "9071")
        return station

    app = console(opening)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(app, pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert (app.clerk_name, app.current_mode) == ("Wang", "checkin")


async def test_keys_typed_at_the_dialog_a_command_line_sign_in_closes_are_not_held_for_ever(
    station: Station,
) -> None:
    """A name and PIN typed at the dialog while `station --clerk` signs in as it opens: the dialog is
    closed for the command line's clerk, and what is typed on check-in reaches it. The keys waited for
    the closed dialog to let them go, which it never did: every key after was held."""
    clerks.create_first_manager(station, "Wang", "9071")
    release = threading.Event()

    def opening() -> Station:
        assert release.wait(30)
        clerks.sign_in(station, "Wang", "9071")
        return station

    app = console(opening)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot, leave_running=OPENING)
        await quiet.press(pilot, *"Wang", "enter", *"9071", "enter", leave_running=OPENING)
        release.set()
        await settled(app, pilot)
        assert not isinstance(app.screen, SignInScreen) and app.current_mode == "checkin"
        field = app.focused
        assert isinstance(field, Input)
        await quiet.press(pilot, *"Li")
        assert field.value.endswith("Li")


async def test_a_station_that_cannot_open_closes_the_console_with_the_reason() -> None:
    def opening() -> Station:
        raise Refused(
            N_("The database was made by a newer station-console (schema {revision}); update this one."),
            code="database_too_new",
            revision="9999_future",
        )

    app = console(opening)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(app, pilot)
    assert app.return_code == 1
    assert app.open_failure == (
        "The database was made by a newer station-console (schema 9999_future); update this one."
    )


async def test_a_bug_while_opening_is_one_line_and_the_log(station: Station) -> None:
    def opening() -> Station:
        raise KeyError("boom")

    app = console(opening)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(app, pilot)
    assert app.return_code == 1
    assert app.open_failure is not None and "details were written to" in app.open_failure
    assert "boom" not in app.open_failure and "Traceback" not in app.open_failure
