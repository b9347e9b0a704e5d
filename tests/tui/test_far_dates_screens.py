"""A day far from now typed into the console's date fields (Reports' day, Parcels' from and to): refused
with the command line's sentence, nothing else changed. Reports' 0001-01-01 overflowed its bounds in the
worker ("An unexpected error happened") and left the screen on that day, where F7 overflowed on the UI
thread; Parcels took 9999-12-31 as a day to search."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.reports import ReportsScreen
from tui import quiet
from tui.shelf_data import place, wb

REFUSAL = "Use a date from 2000-01-01 to 2999-12-31."
REFUSAL_ZH = "请使用 2000-01-01 至 2999-12-31 之间的日期。"


async def _settled_report(pilot: object, screen: ReportsScreen) -> None:
    await quiet.settle(pilot)
    await quiet.until(pilot, lambda: screen.report is not None)


@pytest.mark.parametrize(
    ("typed", "lang"), [("0001-01-01", "en"), ("1999-12-31", "en"), ("0001-01-01", "zh")]
)
@pytest.mark.first_mode("reports")
async def test_reports_refuses_a_day_outside_the_calendar_and_stays_on_its_day(
    app: StationApp, station: Station, typed: str, lang: str
) -> None:
    set_language(lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "f6")
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await _settled_report(pilot, screen)
        today = screen.day
        assert today is not None
        field = screen.query_one("#rp-day", Input)
        field.focus()
        field.value = ""
        await quiet.press(pilot, *typed, "enter")
        await quiet.settle(pilot)
        shown = str(screen.query_one("#rp-status", Static).render())
        assert (REFUSAL_ZH if lang == "zh" else REFUSAL) in shown
        assert "unexpected" not in shown.lower()
        assert screen.day == today and screen.report is not None
        assert screen.report["date"] == today.isoformat()
        screen.query_one("#rp-table", DataTable).focus()
        await quiet.press(pilot, "f7")  # the day before the one shown, not before the one refused
        await quiet.settle(pilot)
        assert app.screen is screen and screen.day == today  # no earlier day: the station's first is today


@pytest.mark.parametrize("field_id", ["#pa-since", "#pa-until"])
@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
@pytest.mark.first_mode("parcels")
async def test_parcels_refuses_a_search_day_outside_the_calendar(
    app: StationApp, station: Station, field_id: str, typed: str
) -> None:
    place(station, wb(1), "2-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        screen = app.screen
        table = screen.query_one("#pa-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1)
        field = screen.query_one(field_id, Input)
        field.focus()
        await quiet.press(pilot, *typed, "enter")
        await quiet.settle(pilot)
        assert str(screen.query_one("#pa-status").render()) == REFUSAL
        assert table.row_count == 0
