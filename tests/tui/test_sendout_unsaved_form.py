"""The send-out counter's filled form (F3) and the question before it is dropped: Esc for the next
sender, quitting, and the keys and scans that question does not take (the form itself:
test_sendout_screen.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from textual.widgets import Input, SelectionList, Static

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.unsaved import LeaveUnsaved
from station_console.tui.widgets.wedge import WedgeInput
from tui import quiet
from tui.sendout_driver import accept_send, at_sendout, fill, text_of, until


def form_values(screen: SendoutScreen) -> dict[str, str]:
    return {str(field.id): field.value for field in screen.query(WedgeInput)}


@pytest.mark.first_mode("sendout")
async def test_next_sender_asks_before_it_drops_a_filled_form(app: StationApp, station: Station) -> None:
    """Esc on a filled form asks (discard or stay, nothing to save: the send is the record); an empty
    form, or one just sent, clears at once."""
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "1.25"})
        typed = form_values(screen)
        await quiet.press(pilot, "escape")
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsaved))
        assert not app.screen.query("#unsaved-save")  # no Save: Discard or Stay
        await quiet.press(pilot, "enter")  # Stay has the focus
        await until(pilot, lambda: app.screen is screen)
        assert form_values(screen) == typed
        assert screen.query_one("#so-check", SelectionList).selected
        await quiet.press(pilot, "escape")
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsaved))
        await quiet.press(pilot, "ctrl+d")
        await until(pilot, lambda: app.screen is screen)
        assert (
            screen.query_one("#so-phone", Input).value == ""
            and screen.query_one("#so-weight", Input).value == ""
        )
        assert not screen.query_one("#so-check", SelectionList).selected
        await accept_send(pilot, screen, "SF1234567890123")  # sent: the form is empty again
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert app.screen is screen and "Ready" in text_of(screen, "#so-message")


async def test_quitting_asks_before_it_drops_a_filled_form_and_a_mode_key_keeps_it(
    app: StationApp, station: Station
) -> None:
    """The form stays as typed behind another mode (nothing asked); quitting would drop it: asked."""
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "1.25"})
        typed = form_values(screen)
        await quiet.press(pilot, "f2")
        await until(pilot, lambda: app.current_mode != "sendout")
        assert not isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "f3")
        await until(pilot, lambda: app.screen is screen)
        assert form_values(screen) == typed
        await quiet.press(pilot, "ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsaved))
        assert not app.screen.query("#unsaved-save")  # the send is the record: discard or stay
        await quiet.press(pilot, "escape")  # stay
        await until(pilot, lambda: app.screen is screen)
        assert app.is_running and form_values(screen) == typed
        await quiet.press(pilot, "ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsaved))
        await quiet.press(pilot, "ctrl+d")
        await until(pilot, lambda: not app.is_running)


def dialog_text(dialog: Any) -> str:
    """Every line of text `dialog` shows."""
    return "\n".join(str(line.render()) for line in dialog.query(Static))


async def test_keys_and_a_scan_the_discard_question_does_not_take_are_said_in_it(station: Station) -> None:
    """F4 and letters typed over 'changes not saved' were dropped without a sound, and a scan's Enter
    answered 'stay', the scan lost unseen: each is said in the question (with the bell), a scan (whole,
    split or from a device scanner) is said as not taken and answers nothing, and Enter still stays."""
    async with at_sendout(station) as (app, pilot, screen):
        rung: list[int] = []
        app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
        await fill(pilot, screen, **{"so-weight": "1.25"})
        typed = form_values(screen)
        await quiet.press(pilot, "escape")
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsaved))
        question = app.screen
        assert "does nothing" not in dialog_text(question)
        await quiet.press(pilot, "f4")
        await quiet.press(pilot, "x")
        assert "That key does nothing here: answer with a key below." in dialog_text(question)
        assert len(rung) == 2
        scan_said = "A scan came while this question is open: it was not taken. Answer, then scan again."
        await quiet.burst(pilot, *"SF1234567890123", "enter")  # right behind the x: refused as split
        assert (app.screen, scan_said in dialog_text(question), len(rung)) == (question, True, 3)
        assert isinstance(question, LeaveUnsaved) and question.router is not None
        start = time.monotonic() + 10  # a whole scan, well after the last keys
        clock = iter(start + 0.001 * n for n in range(100))
        question.router.clock = lambda _event: next(clock)
        await quiet.burst(pilot, *"SF1234567890124", "enter")
        assert (app.screen, question.router.scans, len(rung)) == (question, 1, 4)
        question.post_message(ScannerBridge.Scanned("SF1234567890125", "hid"))
        await quiet.settle(pilot)
        assert (app.screen, len(rung)) == (question, 5)
        question.router.clock = lambda _event: time.monotonic() + 20  # a person's Enter, seconds later
        await quiet.press(pilot, "enter")  # Stay has the focus
        await until(pilot, lambda: app.screen is screen)
        assert form_values(screen) == typed
