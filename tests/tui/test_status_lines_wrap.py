"""Settings', Printers' and Clerks' status lines at 80x24: what was saved or refused wraps and is read
whole (Settings' line cut a refusal at the 80th column, Printers' and Clerks' at the second line)."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from textual.widgets import Input, Select, Static

from station_console.i18n import set_language
from station_console.services.people import clerks
from station_console.tui.app import StationApp
from tui import quiet
from tui.drawn_text import reads_whole
from tui.settings_driver import saved_with
from tui.settings_driver import section_of as _section_of

pytestmark = pytest.mark.first_mode("settings")


async def test_a_settings_refusal_reads_whole_at_80_columns(app: StationApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        station = _section_of(app, "timezone")
        said = await saved_with(app, pilot, station, "st-timezone", "Mars/Olympus")
        assert cell_len(said) > 78  # longer than the line: it must wrap to be read
        reads_whole(app, app.screen.query_one("#settings-status", Static))


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_printers_sentence_of_three_lines_reads_whole_at_80_columns(
    app: StationApp, lang: str
) -> None:
    set_language(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f8")
        screen: Any = app.screen
        status = screen.query_one("#printer-status", Static)
        screen.query_one("#p-name", Input).value = "small"
        screen.query_one("#p-transport", Select).value = "dummy"
        screen.save_printer()
        await quiet.until(pilot, lambda: "Code 128" in str(status.render()), what="the scanner's codes said")
        await quiet.settle(pilot)  # laid out with the sentence a thread gave it
        said = reads_whole(app, status)
        assert "Code 128" in said and cell_len(said) > 2 * 78


async def test_a_clerks_sentence_of_three_lines_reads_whole_at_80_columns(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug's calm line names the log file in full: the path is what the manager passes on."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(clerks, "add_clerk", broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f10")
        await quiet.press(pilot, *"Wang", "enter", *"4826", "enter")
        said = reads_whole(app, app.screen.query_one("#clerk-status", Static))
        assert said.startswith("An unexpected error happened") and len(said) > 2 * 78
