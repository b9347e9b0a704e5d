"""Settings > Printers: Enter on a printer in the list puts its settings in the form, so changing one
setting is that one change and Ctrl+S, not the name and every field typed again (a field left at the
form's default saved over the printer's own: a 300 dpi printer saved at 203)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static

from station_console.settings import CounterSettings, load_counter_settings
from station_console.tui.app import StationApp
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet

BACK = {
    "language": "zpl",
    "transport": "dummy",
    "target": "back-room",
    "size": "60x40",
    "dpi": 300,
    "gap_mm": 3.5,
    "paper_mm": 80,
    "cjk": "bitmap",
}
FRONT = {"language": "tspl", "transport": "dummy", "target": "front", "size": "40x30", "dpi": 203}


def form(screen: Any) -> dict[str, Any]:
    typed, chosen = ("name", "size", "target", "gap"), ("language", "transport", "dpi", "paper", "cjk")
    return {
        key: screen.query_one(f"#p-{key}", Input if key in typed else Select).value for key in typed + chosen
    }


async def on_the_back_printer(app: StationApp, pilot: Any) -> Any:
    """F8, then the list reached by the keyboard alone, the cursor on "back"."""
    await quiet.press(pilot, "f8")
    screen = app.screen
    table = screen.query_one("#printer-list", DataTable)
    await quiet.press(pilot, "shift+tab")  # from the form's first field back round to the list
    assert screen.focused is table
    await quiet.press(pilot, "down")
    assert table.cursor_row == 1
    return screen


@pytest.fixture
def two_printers(app: StationApp) -> StationApp:
    app.counter_settings = CounterSettings(
        counter="test-counter", printers={"front": FRONT, "back": BACK}, printer={"name": "front", **FRONT}
    )
    return app


@pytest.mark.first_mode("settings")
async def test_enter_on_a_printer_puts_its_settings_in_the_form_and_one_change_saves_it(
    two_printers: StationApp,
) -> None:
    app = two_printers
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await on_the_back_printer(app, pilot)
        await quiet.press(pilot, "enter")
        assert form(screen) == {
            "name": "back",
            "language": "zpl",
            "transport": "dummy",
            "size": "60x40",
            "dpi": 300,
            "target": "back-room",
            "gap": "3.5",
            "paper": 80,
            "cjk": "bitmap",
        }
        assert screen.focused is screen.query_one("#p-name", Input)
        status = screen.query_one("#printer-status", Static)
        assert "Printer back is in the form" in str(status.render())
        assert not screen.unsaved_edits()  # as saved: leaving asks nothing
        await quiet.press(pilot, "ctrl+s")
        assert "Nothing changed" in str(status.render())
        gap = screen.query_one("#p-gap", Input)
        gap.focus()
        gap.value = ""
        await quiet.press(pilot, "4")
        await quiet.press(pilot, "ctrl+s")
        await quiet.until(pilot, lambda: "Printer back saved" in str(status.render()), what="saved")
    assert load_counter_settings().printers["back"] == {**BACK, "gap_mm": 4.0}


@pytest.mark.first_mode("settings")
async def test_enter_on_a_printer_over_edits_not_saved_asks_first_and_stay_keeps_them(
    two_printers: StationApp,
) -> None:
    app = two_printers
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f8")
        screen = app.screen
        screen.query_one("#p-name", Input).value = "counter-2"  # a new printer half typed
        await quiet.press(pilot, "shift+tab", "down", "enter")
        assert isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "escape")  # stay
        assert app.screen is screen and form(screen)["name"] == "counter-2"
        await quiet.press(pilot, "enter")
        assert isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "ctrl+d")  # discard: the printer's settings come
        await quiet.settle(pilot)
        assert app.screen is screen and form(screen)["name"] == "back"


@pytest.mark.first_mode("settings")
async def test_a_hand_edited_choice_the_form_does_not_offer_is_said_as_it_fills(app: StationApp) -> None:
    """counter.toml edited by hand to 600 dpi: the form has no such choice: said as the form fills, not
    found out from the labels (shown as saved and kept: `test_printers_form_saved_values.py`)."""
    app.counter_settings = CounterSettings(counter="test-counter", printers={"back": {**BACK, "dpi": 600}})
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f8")
        await quiet.press(pilot, "shift+tab", "enter")
        screen = app.screen
        said = str(screen.query_one("#printer-status", Static).render())
        assert form(screen)["name"] == "back" and form(screen)["language"] == "zpl"
        assert "Not among the choices here: 600." in said, said
