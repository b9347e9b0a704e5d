"""A dialog whose Enter says no has its no focused as it opens: an Enter typed right behind the key
that opened it (a hurried clerk, keys in the terminal's buffer) answers no, never the first button."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input

from db.models import DayClose
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.reports import ReportsScreen
from tui import quiet


@pytest.mark.first_mode("reports")
async def test_enter_right_behind_f12_closes_no_day(app: StationApp, station: Station) -> None:
    check_in(station, "SF1000000000001", batch="SF", phone="13812345678")
    station.clerk_role = "manager"
    async with app.run_test(size=(140, 45)) as pilot:
        await quiet.press(pilot, "f6")
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await quiet.burst(pilot, "f12", "enter")  # the question opens, then Enter before a breath
        assert app.screen is screen  # Cancel: no day closed, and no second question to say yes to
        with station.read() as session:
            assert list(session.exec(select(DayClose)).all()) == []


@pytest.mark.first_mode("settings")
async def test_enter_right_behind_a_mode_key_keeps_unsaved_settings_unsaved(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#st-station_name", Input).value = "Campus North"
        await quiet.burst(pilot, "f1", "enter")  # the question opens, then Enter before a breath
        assert app.screen is screen and app.current_mode == "settings"  # Stay: the edit kept, unsaid
        assert screen.query_one("#st-station_name", Input).value == "Campus North"
    station.forget_settings()
    assert station.settings().station_name != "Campus North"
