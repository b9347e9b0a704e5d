"""The unsaved-edits question's Save (`LeaveUnsaved`) sends the screen's save and leaves once it is
saved: keys and a paste typed right behind it wait for that answer, then go where the cursor is by then,
on the screen left to. Given at once they went into the form still saving, which its answer then closed
with them in it, unsaid (and counted as saved). The save is held like a slow database (`quiet.held`)."""

from __future__ import annotations

import time
from functools import partial

import pytest
from textual.widgets import Input, Select

from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys, printers
from station_console.tui.screens.settings import SettingsScreen
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet
from tui.test_mode_key_over_screens import fail_safes_run_out, ran_out_times
from tui.test_type_ahead import send_paste


@pytest.mark.first_mode("settings")
async def test_keys_and_a_paste_behind_the_questions_save_go_to_the_screen_left_to(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, asked, answer, answered = quiet.held(printers.change_counter_settings)
    monkeypatch.setattr(printers, "change_counter_settings", slow)
    async with app.run_test(size=(160, 50)) as pilot:
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        timezone = settings.query_one("#st-timezone", Input)
        timezone.focus()
        await quiet.settle(pilot)
        typed_before = timezone.value
        await quiet.press(pilot, "f8")
        screen = app.screen
        assert isinstance(screen, printers.PrintersScreen)
        name = screen.query_one("#p-name", Input)
        screen.query_one("#p-transport", Select).value = "dummy"
        name.focus()
        await quiet.press(pilot, *"small")
        await quiet.press(pilot, "escape")
        assert isinstance(app.screen, LeaveUnsaved)
        at = time.monotonic()
        quiet.send_key(app, "ctrl+s", at=at)  # Save, then leave
        quiet.send_key(app, "r", at=at + 0.08)
        send_paste(app, "SF8494976000021", at=at + 0.1)
        await quiet.until(pilot, asked.is_set, what="the printer's save")
        await quiet.type_ahead_handed_over(pilot)  # past the type-ahead's own hold: the keys still wait
        assert app.type_ahead.keys_waiting
        assert name.value == "small", "typed into the form leaving"
        answer.set()
        await quiet.until(pilot, answered.is_set, what="the save")
        await quiet.settle(pilot)
        assert app.screen is settings and not screen.is_attached
        assert app.counter_settings.printers["small"]["transport"] == "dummy"
        assert name.value == "small"  # what was saved, nothing typed behind the Save lost with it
        assert app.focused is timezone and timezone.value.endswith("rSF8494976000021")
        assert timezone.value != typed_before


@pytest.mark.first_mode("settings")
async def test_keys_behind_the_questions_save_wait_for_a_save_slower_than_the_keys_fail_safe(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save slower than the held keys' fail-safe (a busy database): the keys behind the Save still
    wait for it, however long, and go to the screen left to. Let go by the fail-safe, they went into
    the form still saving, which its answer then closed with them in it."""
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)
    slow, asked, answer, answered = quiet.held(printers.change_counter_settings)
    monkeypatch.setattr(printers, "change_counter_settings", slow)
    async with app.run_test(size=(160, 50)) as pilot:
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        timezone = settings.query_one("#st-timezone", Input)
        timezone.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "f8")
        screen = app.screen
        assert isinstance(screen, printers.PrintersScreen)
        name = screen.query_one("#p-name", Input)
        screen.query_one("#p-transport", Select).value = "dummy"
        name.focus()
        await quiet.press(pilot, *"small")
        await quiet.press(pilot, "escape")
        assert isinstance(app.screen, LeaveUnsaved)
        ran_out = fail_safes_run_out(app, monkeypatch)
        at = time.monotonic()
        quiet.send_key(app, "ctrl+s", at=at)  # Save, then leave
        quiet.send_key(app, "r", at=at + 0.08)
        await quiet.until(pilot, asked.is_set, what="the printer's save")
        for times in (1, 2):  # the fail-safe ran out, and again: the key still waits
            await quiet.until(pilot, partial(ran_out_times, ran_out, times), what="the fail-safe ran out")
            assert name.value == "small", "typed into the form leaving"
            assert app.screen is screen and app.type_ahead.keys_waiting
        answer.set()
        await quiet.until(pilot, answered.is_set, what="the save")
        await quiet.settle(pilot)
        assert app.screen is settings and not screen.is_attached
        assert name.value == "small" and app.focused is timezone and timezone.value.endswith("r")
