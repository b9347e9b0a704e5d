"""Send-out's reads for the sender's form, answering after the clerk cleared it for the next sender (a
slow database): the sender looked up by phone and the carrier a scanned waybill names go nowhere, never
into the next sender's empty form. The service is held at the function the worker calls."""

from __future__ import annotations

from typing import Any

import pytest
from security.helpers import accept_send
from textual.widgets import Input, Select

from station_console.services.core.station import Station
from station_console.services.sendout import senders
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens import sendout_waybill
from station_console.tui.screens.sendout import READY, SendoutScreen
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet
from tui.sendout_driver import at_sendout, text_of, until

HELD = ["run"]  # the held call's worker, left running while the clerk clears the form


async def next_sender(app: StationApp, pilot: Any, screen: SendoutScreen) -> None:
    """Esc, and Discard for the form typed: the next sender's empty form."""
    await quiet.press(pilot, "escape", leave_running=HELD)
    await until(pilot, lambda: isinstance(app.screen, LeaveUnsaved))
    await quiet.press(pilot, "ctrl+d", leave_running=HELD)
    await until(pilot, lambda: app.screen is screen)


@pytest.mark.first_mode("sendout")
async def test_a_sender_found_after_the_form_was_cleared_fills_nothing(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter on a returning sender's phone, then Esc for the next sender before the lookup answers:
    Zhang San's name and document type stay out of the next sender's form, and the line still asks
    for the next phone."""
    accept_send(station, "SF1234567890123")  # Zhang San, 13712345678, a resident ID
    slow, asked, answer, answered = quiet.held(senders.find_sender)
    monkeypatch.setattr(senders, "find_sender", slow)
    async with at_sendout(station) as (app, pilot, screen):
        phone = screen.query_one("#so-phone", Input)
        phone.focus()
        phone.value = "13712345678"
        quiet.send_key(app, "enter")  # not `press`: it would wait for the lookup held here
        await quiet.until(pilot, asked.is_set, what="no lookup")
        await next_sender(app, pilot, screen)
        answer.set()
        await quiet.until(pilot, answered.is_set, what="the lookup never answered")
        await quiet.settle(pilot)
        assert screen.query_one("#so-name", Input).value == ""
        assert screen.query_one("#so-idtype", Select).is_blank()
        assert text_of(screen, "#so-message") == READY
        assert not screen.unsaved_edits()


@pytest.mark.first_mode("sendout")
async def test_a_carrier_detected_after_the_form_was_cleared_is_not_chosen(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pre-printed SF waybill scanned, then Esc for the next sender before its carrier is detected:
    the next sender's carrier stays unchosen; their own scan chooses it as usual."""
    async with at_sendout(station) as (app, pilot, screen):
        detector = sendout_waybill.get_detector(station)
        slow, asked, answer, answered = quiet.held(detector.detect)
        monkeypatch.setattr(detector, "detect", slow)
        monkeypatch.setattr(sendout_waybill, "get_detector", lambda _station: detector)
        screen.post_message(ScannerBridge.Scanned("SF1234567890124", "dummy"))
        await quiet.until(pilot, asked.is_set, what="no detection")
        await next_sender(app, pilot, screen)
        answer.set()
        await quiet.until(pilot, answered.is_set, what="the detection never answered")
        await quiet.settle(pilot)
        assert screen.query_one("#so-carrier", Select).is_blank()
        assert not screen.unsaved_edits()
        asked.clear()
        screen.post_message(ScannerBridge.Scanned("SF1234567890124", "dummy"))
        await until(pilot, lambda: screen.query_one("#so-carrier", Select).value == "SF")
