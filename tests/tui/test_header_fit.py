"""The header at 80 columns: what a clerk needs (the mode, the devices, the clerk, the counter) shown
whole; the database, then the station's name, give way, and come back on a wider terminal."""

from __future__ import annotations

import pytest

from station_console.i18n import _, set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.widgets.header import StationHeader, label
from tui import quiet
from tui.conftest import console_on, sign_in_manager
from tui.drawn_text import drawn


def header_line(app: StationApp) -> str:
    return drawn(app, app.screen.query_one(StationHeader))


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_at_80_columns_the_header_keeps_the_clerk_and_counter_whole(app: StationApp, lang: str) -> None:
    """In Chinese the line read '… 店员：demo-clerk  柜台：coun…': the counter cut, the database gone,
    the station's name kept. Now the name and the database give way to what the clerk needs."""
    set_language(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        clerk = app.clerk_name or _("not signed in")
        line = header_line(app)
        for part in (
            _("Check-in"),
            f"{label(_('Scanner'))}{_('wedge')}",
            f"{label(_('Printer'))}{_('none')}",
            f"{label(_('Clerk'))}{clerk}",
            f"{label(_('Counter'))}{app.station.counter}",
        ):
            assert part in line, (part, line)
        assert "…" not in line and _("Parcel Station") not in line and label(_("DB")) not in line
        await pilot.resize_terminal(160, 40)  # wider: the name and the database come back, whole
        await quiet.settle(pilot)
        line = header_line(app)
        assert f"{_('Parcel Station')}  ·  {_('Check-in')}" in line
        assert f"{label(_('DB'))}{app.database_label}" in line and "…" not in line


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("clerk", ["demo-manager", "Ouyang " * 9], ids=["demo-manager", "long-name"])
async def test_at_80_columns_a_long_clerks_name_leaves_the_counter_whole(
    station: Station, request: pytest.FixtureRequest, lang: str, clerk: str
) -> None:
    """The demo's own manager, "demo-manager", at 80 columns: the line read '… Clerk: demo-manager
    Counter: test-cou…', the counter cut at the edge. The parts now stand one space apart and, when
    that is not enough, the clerk's name is cut (an ellipsis saying so); the counter is whole."""
    set_language(lang)
    clerk = clerk.strip()
    sign_in_manager(station, clerk, "2468")
    app = console_on(request, station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        line = header_line(app).rstrip()
        assert line.endswith(f"{label(_('Counter'))}{app.station.counter}"), line
        assert f"{label(_('Clerk'))}{clerk[:8]}" in line and _("Check-in") in line, line
        if len(clerk) > 20:
            assert "…" in line, line
