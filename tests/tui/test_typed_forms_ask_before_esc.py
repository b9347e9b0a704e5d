"""Forms where a clerk types words ask before Esc drops them: Returns' recall note (F10) and the refusal
at inspection (F11) closed at once, the note or reason typed lost without a word. Stay keeps it;
Discard closes the form and nothing is written."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.exceptions import problems, returns
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet
from tui.conftest import PersonPace
from tui.sendout_driver import at_sendout, fill, sends, until
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves, settle


@pytest.mark.first_mode("shelves")
async def test_esc_on_the_recall_form_with_a_note_typed_asks_first(app: StationApp, station: Station) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9", *"JT", "enter")
        await settle(pilot)
        await quiet.press(pilot, "f10")  # nothing refused nor highlighted: the form asks which parcel
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-ref", Input).value = wb(1)
        form.query_one("#form-note", Input).value = "the sender, by phone"
        await quiet.press(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "escape")  # stay
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#form-note", Input).value == "the sender, by phone"
        await quiet.press(pilot, "escape", "ctrl+d")  # discard: closed, nothing recalled
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog | LeaveUnsaved)
        assert "Not returned: no parcel was recalled." in str(app.screen.query_one("#ret-status").render())
    (batch,) = returns.list_batches(station, status="open")
    assert batch.count == 0 and problems.list_problems(station) == []


@pytest.mark.first_mode("sendout")
async def test_esc_on_the_refusal_with_a_reason_typed_asks_first(app: StationApp, station: Station) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen)
        await quiet.press(pilot, "f11")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#form-reason", Input).value = "smells of petrol"
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "escape")  # stay
        await quiet.settle(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#form-reason", Input).value == "smells of petrol"
        # Discard, at a person's pace: Esc right after the Esc that answered Stay, then Ctrl+D more than a
        # scanner's gap behind it (the Esc was taken as Stay's bounce and dropped, on a test console
        # timing keys by the machine's clock). Closed, nothing refused.
        at = time.monotonic()
        quiet.send_key(app, "escape", at=at)
        await quiet.settle(pilot)
        quiet.send_key(app, "ctrl+d", at=max(time.monotonic(), at + PersonPace.KEY_GAP))
        await until(pilot, lambda: not isinstance(app.screen, FormDialog | LeaveUnsaved))
        assert app.screen is screen
    assert sends(station) == []


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize("form", ["refusal", "send-out"])
async def test_keys_typed_behind_the_esc_that_asks_answer_the_question(
    app: StationApp, station: Station, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc and Ctrl+D in one go, the question slow to come up (a loaded machine): the Ctrl+D waits for
    the question and discards, on a form that asks through `leave` (the refusal) and on Send-out's own."""
    shown = LeaveUnsaved.on_mount

    async def slow_to_show(question: LeaveUnsaved) -> None:
        # Longer than a hold lasts on its own (`LONGEST_HOLD`): up once the hold's timer has come due,
        # however late a loaded machine gets there (it runs on the app's queue, behind the mount).
        console: StationApp = question.app  # type: ignore[assignment]
        timer, loop = console.type_ahead._timer, asyncio.get_running_loop()
        await quiet.until(
            None, lambda: timer is None or timer.cancelled() or timer.when() < loop.time(), what="the hold"
        )
        await asyncio.sleep(0)  # the loop's next round runs the timer's callback, now due
        await asyncio.sleep(0)
        shown(question)

    monkeypatch.setattr(LeaveUnsaved, "on_mount", slow_to_show)
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen)
        if form == "refusal":
            await quiet.press(pilot, "f11")
            await quiet.settle(pilot)
            app.screen.query_one("#form-reason", Input).value = "smells of petrol"
        await quiet.burst(pilot, "escape", "ctrl+d")
        await until(pilot, lambda: app.screen is screen)
        await quiet.settle(pilot)
        # The refusal's discard leaves the send-out form as typed; send-out's own clears it.
        assert screen.unsaved_edits() is (form == "refusal")
    assert sends(station) == []
