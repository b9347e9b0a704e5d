"""A key a field binds itself (Ctrl+U, Backspace) acts in turn with what comes right behind it: its action
runs only once the key has bubbled up to the app, and a paste or keys typed behind it reached the
field first, so Ctrl+U then a paste cleared the paste."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.checkin_driver import settle, start, type_slowly
from tui.recipients_driver import open_recipients
from tui.test_type_ahead import send_paste


async def test_ctrl_u_then_a_paste_in_checkins_scan_field_keeps_the_paste(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await type_slowly(pilot, clock, *"OLD1")
        scan = screen.query_one("#scan", Input)
        await settle(app, pilot)
        assert scan.value == "OLD1"
        at = time.monotonic()
        quiet.send_key(app, "ctrl+u", at=at)
        send_paste(app, "SF1234567890123", at=at)
        await settle(app, pilot)
        assert scan.value == "SF1234567890123"


async def test_ctrl_u_then_a_paste_in_checkins_phone_field_keeps_the_paste(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        phone = screen.query_one("#phone", Input)
        phone.focus()
        await type_slowly(pilot, clock, *"139")
        await settle(app, pilot)
        assert app.focused is phone and phone.value == "139"
        at = time.monotonic()
        quiet.send_key(app, "ctrl+u", at=at)
        send_paste(app, "13812345678", at=at)
        await settle(app, pilot)
        assert phone.value == "13812345678"


@pytest.mark.first_mode("pickup")
async def test_ctrl_u_then_a_paste_in_pickups_code_field_keeps_the_paste(app: StationApp) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        await quiet.settle(pilot)
        field = app.focused
        assert isinstance(field, Input)
        await quiet.press(pilot, *"A-01")
        await quiet.settle(pilot)
        assert field.value == "A-01"
        at = time.monotonic()
        quiet.send_key(app, "ctrl+u", at=at)
        send_paste(app, "B-02-3", at=at)
        await quiet.settle(pilot)
        assert app.focused is field and field.value == "B-02-3"


@pytest.mark.first_mode("settings")
async def test_keys_typed_right_behind_ctrl_u_and_backspace_in_a_plain_field_land_after_them(
    app: StationApp,
) -> None:
    """The directory's Add form (a plain field, no scanner router): Ctrl+U, a name typed at once, then
    Backspace and a letter at once. Each key behind a bound key went in first and was then cut."""
    async with app.run_test(size=(120, 40)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f9")
        form = app.screen
        assert isinstance(form, FormDialog)
        field = form.query_one("#form-external_id", Input)
        assert app.focused is field
        await quiet.press(pilot, *"777")
        at = time.monotonic()
        for key in ["ctrl+u", *"00999", "backspace", "8"]:
            quiet.send_key(app, key, at=at)
        await quiet.settle(pilot)
        assert field.value == "00998"
