"""The header at 80 columns in every mode, its longest name (Print queue, Send-out rules) beside a
printer's longest words: the counter's name stays whole and the line fits. Print queue beside a printer
not tried yet cut the counter at the line's end; the clerk's name, then the devices' words, give way."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from station_console.i18n import _, set_language
from station_console.services.core.station import Station
from station_console.services.printing.sending import PRINTER_STATES
from station_console.tui.print_worker import NOT_TRIED
from station_console.tui.widgets.header import StationHeader, label
from tui import quiet
from tui.conftest import console_on, sign_in_manager
from tui.drawn_text import drawn

SOURCES = Path(__file__).parents[2] / "station_console" / "tui"


def mode_titles() -> list[str]:
    """Every mode's and sub-screen's title, as the sources name them (`MODE_TITLE = N_("...")`)."""
    titles = set()
    for path in SOURCES.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if 'MODE_TITLE = N_("' in line:
                titles.add(line.split('N_("', 1)[1].split('")', 1)[0])
    assert "Print queue" in titles and len(titles) > 20
    return sorted(titles)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_at_80_columns_every_mode_keeps_the_counter_whole_beside_any_printer_words(
    station: Station, request: pytest.FixtureRequest, lang: str
) -> None:
    set_language(lang)
    sign_in_manager(station, "demo-manager", "2468")
    app = console_on(request, station)
    # The shortest, and the longest in English and in Chinese (无响应, 目标路径有误, 尚未试打).
    states = [PRINTER_STATES[s] for s in ("none", "timeout", "misconfigured")] + [NOT_TRIED]
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        header = app.screen.query_one(StationHeader)
        counter = f"{label(_('Counter'))}{app.station.counter}"
        for state in states:
            app.set_device_state("printer", state)
            for title in mode_titles():
                header.mode_title = title
                header.refresh_status()
                await pilot.pause()
                line = drawn(app, header).rstrip()
                assert line.endswith(counter), (title, state, line)
                assert _(title) in line and cell_len(line) <= 80, (title, state, line)
