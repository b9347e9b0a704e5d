"""Keys typed right behind a form's Ctrl+S wait for the save's answer (`holds_keys`).

The carrier form's save closes the form: a paste right behind Ctrl+S went into the form's field and
was lost with it. Settings' save stays on its screen, but its answer takes what the fields hold then as
saved: a letter typed right behind Ctrl+S went into the field first, and counted as saved though it
never was (leaving asked nothing about it, and it was lost).

Each save is held at its service's seam until the keys have arrived, so it is on its way however fast
the machine is."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys, carrier_editor, settings
from station_console.tui.screens.carrier_editor import CarrierEditorScreen, CarrierForm
from station_console.tui.screens.settings import SettingsScreen
from tui import quiet
from tui.test_carrier_editor import carrier, open_editor
from tui.test_stocktake_close_type_ahead import held_until, passed_on_pastes
from tui.test_type_ahead import send_paste

pytestmark = pytest.mark.first_mode("settings")


async def test_a_paste_right_behind_the_carrier_forms_save_waits_for_it_and_goes_to_the_table(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", quiet.TIMEOUT)  # the paste waits for the answer
    released = threading.Event()
    monkeypatch.setattr(carrier_editor, "add_carrier", held_until(released, carrier_editor.add_carrier))
    async with app.run_test(size=(140, 48)) as pilot:
        table = await open_editor(app, pilot)
        await quiet.press(pilot, "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        form.query_one("#cf-code", Input).value = "XHKD"
        form.query_one("#cf-name_zh", Input).value = "小红快递"
        name = form.query_one("#cf-name_en", Input)
        name.value = "Xiaohong"
        name.focus()
        await quiet.settle(pilot)
        pasted = passed_on_pastes(app, monkeypatch)
        quiet.send_key(app, "ctrl+s")
        send_paste(app, "75448446353387", at=time.monotonic())
        await quiet.until(pilot, lambda: form.calling("save"), what="the save sent")
        await quiet.type_ahead_handed_over(pilot)
        assert name.value == "Xiaohong", "the paste went into the closing form"
        assert app.type_ahead.keys_waiting, "the paste did not wait for the save"
        released.set()
        await quiet.until(pilot, lambda: app.screen is table, what="the save closed the form")
        await quiet.hold_ran_out(pilot, leave_running=())
        assert pasted == [CarrierEditorScreen]  # given on once the form had closed, to the table
    saved = carrier(station, "XHKD")
    assert saved is not None and saved.name_en == "Xiaohong"


async def test_a_letter_typed_right_behind_settings_save_is_an_edit_still_to_save(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", quiet.TIMEOUT)  # the letter waits for it
    released = threading.Event()
    monkeypatch.setattr(
        settings, "change_counter_settings", held_until(released, settings.change_counter_settings)
    )
    async with app.run_test(size=(160, 50)) as pilot:
        screen: Any = app.screen
        assert isinstance(screen, SettingsScreen)
        name = screen.query_one("#st-station_name", Input)
        name.focus()
        await quiet.settle(pilot)
        name.value = "Campus South"
        name.cursor_position = len(name.value)  # no longer all selected, as the focus left it
        await quiet.settle(pilot)
        quiet.send_key(app, "ctrl+s")
        quiet.send_key(app, "x")
        await quiet.until(pilot, lambda: screen.calling("save"), what="the save sent")
        await quiet.type_ahead_handed_over(pilot)
        assert name.value == "Campus South", "the letter went into the field before the save was answered"
        released.set()
        await quiet.until(pilot, lambda: not screen.calling("save"), what="the save answered")
        await quiet.hold_ran_out(pilot, leave_running=())
        assert name.value == "Campus Southx"  # typed after the save: in the field, not lost
        assert screen.unsaved_edits(), "the letter typed after the save counted as saved"
    assert station.settings().station_name == "Campus South"
