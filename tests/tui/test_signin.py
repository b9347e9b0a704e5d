"""Sign-in dialog: clerks sign in (a wrong PIN refused, a PIN typed into the name field), Ctrl+L locks and
switches, idle locks; the first run is test_signin_first_run.py."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from db.models import Clerk, EventKind, ParcelEvent
from station_console import name_limit
from station_console.errors import StationError
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.widgets.header import StationHeader
from tui import quiet
from tui.signin_helpers import console, drawn, header_text, kinds, type_into


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests sign in the clerks they make, from the first manager on."""
    return new_station


async def test_wrong_pin_is_refused_then_the_clerk_signs_in(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    clerks.act_as(station, None)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen) and not app.screen.first_run
        assert "not signed in" in " ".join(
            str(w.render()) for s in app.screen_stack for w in s.query("StationHeader Static")
        )
        await type_into(pilot, "li")
        await type_into(pilot, "0000")
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        assert "Wrong name or PIN." in str(dialog.query_one("#signin-error", Static).render())
        assert dialog.query_one("#signin-pin", Input).value == ""
        assert station.clerk_id is None
        await type_into(pilot, "1357")
        assert not isinstance(app.screen, SignInScreen)
        assert (app.clerk_name, station.clerk_role) == ("Li", "clerk")
        assert "Clerk: Li" in header_text(app)


async def test_a_pin_typed_into_the_name_field_goes_once_refused_and_a_name_stays(station: Station) -> None:
    """After a lock the focus is on the name field: a PIN typed there and refused would stay in view.
    A refused name of digits only goes, and the focus goes back to the name; a name typed stays."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.act_as(station, None)
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        await type_into(pilot, "9071")  # the PIN, in the name field
        await type_into(pilot, "")  # an empty PIN: not tried, nothing counted
        said = str(dialog.query_one("#signin-error", Static).render())
        assert said == "Type your name and PIN, then Enter."
        assert EventKind.SIGN_IN_FAILED not in kinds(station)
        name = dialog.query_one("#signin-name", Input)
        assert name.value == "" and app.focused is name
        assert "9071" not in drawn(app)
        await type_into(pilot, "Wang")
        await type_into(pilot, "1111")
        assert "Wrong name or PIN." in str(dialog.query_one("#signin-error", Static).render())
        assert name.value == "Wang" and app.focused is dialog.query_one("#signin-pin", Input)
        await type_into(pilot, "9071")
        assert app.clerk_name == "Wang"


async def test_ctrl_l_locks_and_switches_clerk(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    app = console(station)  # already signed in: no dialog
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)  # the name is read in a worker
        assert not isinstance(app.screen, SignInScreen) and app.clerk_name == "Wang"
        app.notify("Customer ZhangWei 138****5678")  # a toast quoting a customer, as pickups show
        await quiet.until(pilot, lambda: "ZhangWei" in drawn(app))
        assert "Check-in" in drawn(app)
        await quiet.press(pilot, "ctrl+l")
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen) and station.clerk_id is None
        # Locked: nothing of the screen behind (nor its toasts) is drawn around the dialog.
        locked = drawn(app)
        assert "ZhangWei" not in locked and "Check-in" not in locked and "Sign" in locked
        await quiet.press(pilot, "ctrl+l")  # a second lock does not stack dialogs
        assert sum(isinstance(s, SignInScreen) for s in app.screen_stack) == 1
        await type_into(pilot, "Li")
        await type_into(pilot, "1357")
        assert app.clerk_name == "Li"
        await quiet.settle(pilot)
        assert "Check-in" in drawn(app)  # the screen comes back as it was
        for header in app.screen.query(StationHeader):
            status = str(header.query_one("#hdr-status", Static).render())
            assert "Li" in status
            # A narrow terminal cuts the line's end: the devices' states come first, the database last.
            assert status.index("Printer:") < status.index("Clerk: Li") < status.index("DB:")
    assert kinds(station)[-2:] == [EventKind.SIGNED_OUT, EventKind.SIGNED_IN]


async def test_a_sign_in_answered_under_the_key_list_closes_with_it_as_the_list_closes(
    station: Station,
) -> None:
    """Ins right after the PIN's Enter: the key list goes over the dialog before the sign-in answers,
    which signs the clerk in and keeps its answer; closing the list closes the dialog too."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+l")
        await quiet.press(pilot, *"Li", "enter", *"1357")
        quiet.send_key(app, "enter")
        quiet.send_key(app, "insert")
        await quiet.settle(pilot)
        names = [type(s).__name__ for s in app.screen_stack]
        assert names[-2:] == ["SignInScreen", "KeysList"] and station.clerk_id is not None
        sign_in = app.screen_stack[-2]
        assert isinstance(sign_in, SignInScreen) and sign_in.answer_kept()
        await quiet.press(pilot, "escape")
        assert not app.signing_in and app.clerk_name == "Li"
        assert type(app.screen).__name__ == "CheckinScreen"


async def test_idle_console_locks_after_the_setting(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    app = console(station)
    now = [1000.0]
    app.idle_clock = lambda: now[0]
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        app._last_activity = now[0]
        now[0] += 9 * 60
        app.check_auto_lock()
        assert station.clerk_id is not None  # 9 of 10 minutes: still open
        await quiet.press(pilot, "a")  # a key resets the idle time
        now[0] += 9 * 60
        app.check_auto_lock()
        assert station.clerk_id is not None
        now[0] += 61
        app.check_auto_lock()
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen) and station.clerk_id is None and app.clerk_name is None
    with station.read() as session:
        last = session.exec(select(ParcelEvent).order_by(ParcelEvent.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and last.kind == EventKind.SIGNED_OUT and last.details == {"reason": "idle"}


async def test_the_locked_sign_ins_keys_line_starts_where_its_refusal_does(station: Station) -> None:
    """Once Shelves had been opened, its sheet's `.hint` padding moved the sign-in's keys line one
    column right of the refusal above it."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")  # Shelves' style sheet loaded
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+l")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        await type_into(pilot, "Wang")
        await type_into(pilot, "1111")
        error = dialog.query_one("#signin-error", Static)
        keys = dialog.query_one("#signin-keys", Static)
        assert "Wrong name or PIN." in str(error.render())
        assert keys.content_region.x == error.content_region.x


async def test_the_name_field_takes_the_clerk_services_limit(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name field held a limit of its own (64) beside the service's: changing one would leave the
    dialog refusing names the service takes, or taking names it refuses. Both read `name_limit`."""
    clerks.create_first_manager(station, "Wang", "9071")
    monkeypatch.setattr(name_limit, "NAME_MAX", 40)
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        assert dialog.query_one("#signin-name", Input).max_length == 40
    clerks.sign_in(station, "Wang", "9071")
    with pytest.raises(StationError) as refused:
        clerks.add_clerk(station, "x" * 41, "1357")
    assert "at most 40 characters" in refused.value.message()


async def test_enter_on_an_empty_pin_tries_nothing_so_a_wrong_pin_entered_twice_counts_once(
    station: Station,
) -> None:
    """A PIN refused is emptied, so an Enter pressed twice tried the empty PIN next, and an Enter on
    an empty PIN tried it too: each was a wrong PIN counted towards the clerk's lock-out. Now an empty
    name or PIN tries nothing and asks for them."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    clerks.act_as(station, None)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await type_into(pilot, "li")
        await type_into(pilot, "")  # Enter on the empty PIN
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        said = str(dialog.query_one("#signin-error", Static).render())
        assert said == "Type your name and PIN, then Enter."
        assert kinds(station).count(EventKind.SIGN_IN_FAILED) == 0
        await type_into(pilot, "0000")
        await type_into(pilot, "")  # Enter again behind the refusal
        assert "Wrong name or PIN." in str(dialog.query_one("#signin-error", Static).render())
        assert kinds(station).count(EventKind.SIGN_IN_FAILED) == 1
        with station.read() as session:
            li = session.exec(select(Clerk).where(Clerk.name == "Li")).one()
        assert li.failed_sign_ins == 1
        await type_into(pilot, "1357")
        assert (app.clerk_name, station.clerk_role) == ("Li", "clerk")
