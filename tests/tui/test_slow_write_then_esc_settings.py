"""Esc while a write is on its way, on the screens opened from Settings (a parcel linked to a person, a
test print queued, the scanner's settings written): the screen or dialog left, and the answer went with
it (the scan test's settings written, never put to use at this console). It now stays, saying the answer
comes first; Esc then goes back. Built as test_slow_write_then_esc.py."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import matching
from station_console.tui.app import StationApp
from station_console.tui.screens import printers, scan_test
from tui import quiet
from tui.recipients_driver import open_recipients, people, text_of, until
from tui.test_slow_write_then_esc import Held, esc_waits_for_the_answer, short_fail_safe

__all__ = ["short_fail_safe"]  # autouse here too

pytestmark = pytest.mark.first_mode("settings")


async def test_esc_during_a_slow_link_keeps_who_is_this_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    people(station)
    check_in(station, "JT0000000000001", recipient_name="张 三", phone="5678")
    held = Held(monkeypatch, matching, "link")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f11")
        await until(pilot, lambda: app.screen.query_one("#who-matches", OptionList).option_count > 0)
        options = app.screen.query_one("#who-matches", OptionList)
        options.focus()
        options.highlighted = 0
        quiet.send_key(app, "enter")
        await esc_waits_for_the_answer(
            app,
            pilot,
            held,
            lambda: text_of(app, "#who-status"),
            lambda: "is now matched" in text_of(app, "#who-status"),
        )


async def test_esc_during_a_slow_test_print_stays_on_printers_until_it_is_said(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Held(monkeypatch, printers, "queue_test_print")
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f8")
        assert isinstance(app.screen, printers.PrintersScreen)
        quiet.send_key(app, "f7")
        await esc_waits_for_the_answer(
            app,
            pilot,
            held,
            lambda: text_of(app, "#printer-status"),
            # No printer set up at this counter: the refusal is the answer said.
            lambda: text_of(app, "#printer-status") == "No printer is configured on this counter.",
        )


async def test_esc_during_a_slow_scanner_settings_save_stays_until_they_are_in_use(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Held(monkeypatch, scan_test, "change_counter_settings")
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f9")
        assert isinstance(app.screen, scan_test.ScanTestScreen)
        quiet.send_key(app, "ctrl+s")
        await esc_waits_for_the_answer(
            app,
            pilot,
            held,
            lambda: text_of(app, "#st-status"),
            lambda: text_of(app, "#st-status") == "Wedge settings saved.",
        )
