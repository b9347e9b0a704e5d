"""What the Reports mode tests (test_reports_screen.py, test_reports_day_close.py) share: three parcels
checked in, the mode opened on its report, the console let settle."""

from __future__ import annotations

from textual.widget import Widget

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.reports import ReportsScreen
from tui import quiet


def seed(station: Station) -> None:
    check_in(station, "SF1000000000001", batch="SF", phone="13812345678")
    check_in(station, "73100000000001", batch="ZTO", phone="5678")
    check_in(station, "73100000000002", batch="ZTO", phone="5679")


async def open_reports(app: StationApp, pilot: object) -> ReportsScreen:
    await quiet.press(pilot, "f6")  # which day it is, then its report: each from a worker
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


async def settle(app: StationApp, pilot: object) -> None:
    await quiet.settle(pilot)


def said(widget: Widget) -> str:
    """What a line says, read as text: the no-break spaces that hold its clauses whole as spaces."""
    return str(widget.render()).replace("\u00a0", " ")
