"""Keys typed right after an Enter go where that Enter sent the focus, not into the field it left."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sqlmodel import select
from textual import events, on
from textual.app import ComposeResult
from textual.widgets import Input

from db.models import EventKind, ParcelEvent, Recipient
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import CounterSettings
from station_console.tui import type_ahead
from station_console.tui.app import StationApp
from station_console.tui.screens.base import Dialog
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.widgets.wedge import arrival_time
from tui import quiet
from tui.pickup_driver import one_parcel_served, statuses
from tui.quiet import until
from tui.recipients_driver import open_recipients, people


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
        assert name.value == "Wang"  # never the PIN, in clear
        # Typed on behind the Enter: in the PIN field, kept or emptied with it by the refusal, by when the
        # answer came (the refusal's line goes once the PIN is typed again, so the trail says it came).
        assert app.focused is pin and pin.value in ("", "12")
        with new_station.read() as session:
            failed = session.exec(
                select(ParcelEvent).where(ParcelEvent.kind == EventKind.SIGN_IN_FAILED)
            ).all()
        assert [e.details.get("name") for e in failed] == ["Wang"]


class NoteDialog(Dialog[str]):
    """A dialog whose field's Enter closes it, as a reason or a note does."""

    def compose(self) -> ComposeResult:
        yield Input(id="note")

    @on(Input.Submitted, "#note")
    def _given(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


@pytest.mark.first_mode("pickup")
async def test_an_enter_bouncing_on_a_dialog_it_closed_never_reaches_the_screen_below(
    station: Station, console: StationApp
) -> None:
    async with one_parcel_served(station, console) as (clerk, screen, parcel):
        answers: list[str | None] = []
        console.push_screen(NoteDialog(), answers.append)
        await until(clerk.pilot, lambda: isinstance(console.focused, Input) and console.focused.id == "note")
        # The Enter bounces before the dialog has answered it (a console still busy): held behind it,
        # it is the same press, not the clerk's Enter on Pickup, which would hand the parcel over.
        clerk.clock.t += 1.0
        clerk.clock.step, clerk.clock.idle = 0.25, 1.0  # the router hears a person's keys
        console.key_bounce.clock = arrival_time  # the keys' own times, as at the counter
        await quiet.burst(clerk.pilot, "x", "enter", "enter")
        assert answers == ["x"] and console.screen is screen
        assert statuses(station) == {parcel.waybill: "on_shelf"}


@pytest.mark.first_mode("pickup")
async def test_a_key_typed_behind_the_enter_that_closed_a_dialog_reaches_the_screen_below(
    station: Station, console: StationApp
) -> None:
    async with one_parcel_served(station, console) as (clerk, screen, _parcel):
        answers: list[str | None] = []
        console.push_screen(NoteDialog(), answers.append)
        await until(clerk.pilot, lambda: isinstance(console.focused, Input) and console.focused.id == "note")
        clerk.clock.t += 1.0
        clerk.clock.step, clerk.clock.idle = 0.25, 1.0
        console.key_bounce.clock = arrival_time
        await quiet.burst(clerk.pilot, "x", "enter", "y")
        assert answers == ["x"] and screen.query_one("#pk-query", Input).value == "y"


async def test_keys_released_by_the_fallback_all_arrive_though_passing_one_on_waits(
    new_station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Released when the answer never reports back (a dialog the Enter closed): from the app's queue,
    never from the timer's own task, which stopping the timer would cancel half-way through the keys."""
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.act_as(new_station, None)
    app = console(new_station)
    monkeypatch.setattr(type_ahead.TypeAhead, "_follow", lambda self, pumps, hold: None)  # only the timer
    real = app.type_ahead.pass_on

    async def slow(event: events.Key | events.Paste) -> None:
        await asyncio.sleep(0.001)  # a key whose handling awaits something
        await real(event)

    app.type_ahead.pass_on = slow
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.burst(pilot, *"Wang", "enter", *"9071", "enter")
        await quiet.until(pilot, lambda: not isinstance(app.screen, SignInScreen), what="signed in")
        assert app.clerk_name == "Wang"


def send_paste(app: StationApp, text: str, *, at: float) -> None:
    """A bracketed paste from the terminal, as the driver delivers it, arriving at `at` (monotonic)."""
    paste = events.Paste(text)
    paste.time = at
    paste.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(paste)


@pytest.mark.first_mode("settings")
async def test_a_paste_right_behind_an_enter_goes_to_the_field_the_enter_leads_to(
    app: StationApp, station: Station
) -> None:
    """Id, Enter and the name pasted at once in the directory's Add form: the paste went into the id
    field (`00999[red]赵[/]六`) and the save was refused for want of a name. It waits with the keys."""
    async with app.run_test(size=(120, 40)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f9")
        form = app.screen
        assert isinstance(form, FormDialog) and app.focused is form.query_one("#form-external_id", Input)
        at = time.monotonic()
        for key in "00999":
            quiet.send_key(app, key, at=at)
        quiet.send_key(app, "enter", at=at)
        send_paste(app, "[red]赵[/]六", at=at)
        quiet.send_key(app, "x", at=at)  # typed on after the paste: behind it, in the same field
        await quiet.settle(pilot)
        assert form.query_one("#form-external_id", Input).value == "00999"
        assert form.query_one("#form-name", Input).value == "[red]赵[/]六x"
        await quiet.press(pilot, "ctrl+s")
        await quiet.until(pilot, lambda: app.screen is not form, what="the form saved and closed")
    with station.read() as session:
        assert [(r.external_id, r.name) for r in session.exec(select(Recipient))] == [
            ("00999", "[red]赵[/]六x")
        ]


@pytest.mark.first_mode("settings")
async def test_a_paste_behind_an_enter_waits_for_it_on_a_console_slower_than_the_longest_hold(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F8, Enter and a name pasted at once on the directory: the form opened, the Enter in its id field
    led on to Preferred name, but the machine stalled as the Enter passed the form (a console busy,
    the computer shared) and the hold's fallback let the paste go first: it went into the id. The
    fallback is for an answer that can no longer come (a dialog closed), not for one still on its way."""
    people(station)
    stalled: list[str] = []

    def stalls(form: FormDialog[Any], event: events.Key) -> None:
        if event.key == "enter" and not stalled:
            stalled.append(event.key)
            time.sleep(type_ahead.LONGEST_HOLD + 0.1)  # the whole console waits, as on a loaded machine

    # The form has no key handler of its own (its OK has): this one sees the Enter as it passes the form.
    monkeypatch.setattr(FormDialog, "on_key", stalls, raising=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_recipients(app, pilot)
        directory_screen = app.screen
        await quiet.until(pilot, lambda: getattr(directory_screen, "current", None) is not None, what="shown")
        at = time.monotonic()
        quiet.send_key(app, "f8", at=at)
        quiet.send_key(app, "enter", at=at)
        send_paste(app, "王五", at=at)
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog) and stalled == ["enter"]
        assert form.query_one("#form-external_id", Input).value == ""
        preferred = form.query_one("#form-preferred_name", Input)
        assert app.focused is preferred and preferred.value == "王五"
