"""Ctrl+P: the signed-in clerk changes their own PIN in a form that stays open on a refusal."""

from __future__ import annotations

import time

import pytest
from sqlmodel import col, select
from textual.widgets import Input, Static

from db.models import EventKind, ParcelEvent
from station_console.errors import StationError
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.test_type_ahead import send_paste


@pytest.fixture
def station(new_station: Station) -> Station:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    clerks.add_clerk(new_station, "Li", "1357")
    clerks.act_as(new_station, None)
    clerks.sign_in(new_station, "Li", "1357")
    return new_station


def pin_changes(station: Station) -> list[dict]:
    with station.read() as session:
        events = session.exec(
            select(ParcelEvent)
            .where(ParcelEvent.kind == EventKind.CLERK_CHANGED)
            .order_by(col(ParcelEvent.id))
        ).all()
        return [e.details for e in events if (e.details or {}).get("change") == "pin"]


async def fill(pilot, app: StationApp, old: str, new: str, again: str) -> FormDialog:  # type: ignore[no-untyped-def]
    form = app.screen
    assert isinstance(form, FormDialog)
    for key, value in (("old", old), ("new", new), ("again", again)):
        form.query_one(f"#form-{key}", Input).value = value
    await quiet.press(pilot, "enter")
    await quiet.settle(pilot)
    return form


def refusal(form: FormDialog) -> str:
    return str(form.query_one("#form-refused", Static).render())


async def test_a_clerk_changes_their_own_pin_and_signs_in_with_it(station: Station) -> None:
    app = StationApp(station, CounterSettings(counter="test-counter"), require_sign_in=True)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+p")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        assert all(form.query_one(f"#form-{k}", Input).password for k in ("old", "new", "again"))

        await fill(pilot, app, "0000", "8642", "8642")
        assert app.screen is form and refusal(form) == "The current PIN is wrong."
        assert app.focused is form.query_one("#form-old", Input)
        await fill(pilot, app, "1357", "8642", "8643")
        assert app.screen is form and "differ" in refusal(form)
        await fill(pilot, app, "1357", "86", "86")
        assert app.screen is form and "4 to 12 digits" in refusal(form)
        assert pin_changes(station) == []
        assert clerks.authenticate(station, "Li", "1357").name == "Li"  # nothing changed

        await fill(pilot, app, "1357", "8642", "8642")
        assert not isinstance(app.screen, FormDialog)
        assert any("PIN is changed" in str(n.message) for n in app._notifications)
    assert [d["clerk"] for d in pin_changes(station)] == ["Li"]
    with pytest.raises(StationError, match="Wrong name or PIN."):
        clerks.authenticate(station, "Li", "1357")
    assert clerks.authenticate(station, "Li", "8642").name == "Li"


async def test_the_form_typed_as_a_person_would_goes_field_by_field_and_changes_the_pin(
    station: Station,
) -> None:
    """Current PIN, Enter: the cursor goes on to the new PIN and nothing is refused yet (Enter sent the
    half-typed form, which said "4 to 12 digits"). New, Enter, again, Enter: the PIN is changed."""
    app = StationApp(station, CounterSettings(counter="test-counter"), require_sign_in=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+p")
        form = app.screen
        assert isinstance(form, FormDialog)
        await quiet.press(pilot, *"1357", "enter")
        assert app.screen is form and app.focused is form.query_one("#form-new", Input)
        assert refusal(form) == "" and pin_changes(station) == []
        await quiet.press(pilot, *"8642", "enter")
        assert app.screen is form and app.focused is form.query_one("#form-again", Input)
        await quiet.press(pilot, *"8642", "enter")
        assert not isinstance(app.screen, FormDialog)
    assert [d["clerk"] for d in pin_changes(station)] == ["Li"]
    assert clerks.authenticate(station, "Li", "8642").name == "Li"


async def test_sign_in_takes_the_new_pin_and_refuses_the_old(station: Station) -> None:
    app = StationApp(station, CounterSettings(counter="test-counter"), require_sign_in=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+p")
        await quiet.settle(pilot)
        await fill(pilot, app, "1357", "8642", "8642")
        await quiet.press(pilot, "ctrl+l")
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await quiet.press(pilot, *"Li", "enter", *"1357", "enter")
        assert isinstance(app.screen, SignInScreen) and station.clerk_id is None
        assert "Wrong name or PIN." in str(app.screen.query_one("#signin-error", Static).render())
        await quiet.press(pilot, *"8642", "enter")
        assert not isinstance(app.screen, SignInScreen) and app.clerk_name == "Li"


def test_own_pin_is_anyone_signed_ins_and_refused_to_nobody(station: Station) -> None:
    from station_console.services.core.roles import ACTIONS, Need

    action = ACTIONS["change_own_pin"]
    assert action.need is Need.SIGNED_IN and "app.pin" in action.keys
    clerks.act_as(station, None)
    with pytest.raises(StationError) as refused:
        clerks.change_own_pin(station, "1357", "8642")
    assert refused.value.code == "not_signed_in"
    assert pin_changes(station) == []


def test_a_wrong_current_pin_says_so_and_counts_towards_the_lock_out(station: Station) -> None:
    """The clerk typed no name: "Wrong name or PIN" sent them looking at a name. The wrong PIN still
    counts as a sign-in's does, so guessing here locks the clerk out as guessing there would."""
    from db.models import Clerk

    with pytest.raises(StationError) as refused:
        clerks.change_own_pin(station, "0000", "8642")
    assert refused.value.message("en") == "The current PIN is wrong."
    assert refused.value.message("zh") == "当前 PIN 码不对。"
    assert refused.value.code == "bad_credentials"  # the form puts the cursor back in the current PIN
    with station.read() as session:
        assert session.exec(select(Clerk).where(Clerk.name == "Li")).one().failed_sign_ins == 1
    assert pin_changes(station) == []


async def test_a_pin_pasted_right_behind_the_enter_goes_where_the_refusal_puts_the_cursor(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PIN too short sent, a PIN pasted right behind its Enter while the service still weighs it: the
    paste went into New PIN again, the field focused then, and the refusal moved the cursor to New PIN,
    so the clerk's paste sat in a field they were no longer in. It waits for the answer, as keys do."""
    slow, asked, answer, answered = quiet.held(clerks.change_own_pin)
    monkeypatch.setattr(clerks, "change_own_pin", slow)
    app = StationApp(station, CounterSettings(counter="test-counter"), require_sign_in=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+p", *"1357", "enter", *"86", "enter", *"86")
        form = app.screen
        assert isinstance(form, FormDialog) and app.focused is form.query_one("#form-again", Input)
        at = time.monotonic()
        quiet.send_key(app, "enter", at=at)
        send_paste(app, "8642", at=at)
        await quiet.until(pilot, asked.is_set, what="the PIN change sent")
        await quiet.type_ahead_handed_over(pilot)  # past the type-ahead's own hold: the paste still waits
        assert app.type_ahead.keys_waiting
        answer.set()
        await quiet.until(pilot, lambda: "4 to 12 digits" in refusal(form), what="the short PIN refused")
        await quiet.settle(pilot)
        new = form.query_one("#form-new", Input)
        assert answered.is_set() and app.screen is form and app.focused is new
        assert new.value == "8642"  # over the refused PIN, which the focus selected
        assert form.query_one("#form-again", Input).value == "86"
    assert pin_changes(station) == []
