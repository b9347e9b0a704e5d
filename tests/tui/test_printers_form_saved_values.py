"""Settings > Printers: a printer's saved settings the form does not offer (counter.toml edited by hand)
are shown as saved, not as the previous printer's choice, and a save keeps them; a saved name with
hidden characters is shown written out, and a save asks for the name it should have."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static

from station_console.safe_text import visible
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from tui import quiet

FRONT = {"language": "tspl", "transport": "dummy", "target": "front", "size": "40x30", "dpi": 203}
HAND_EDITED = {**FRONT, "target": "odd", "dpi": 600, "cjk": "fancy"}


def chosen(screen: Any) -> dict[str, Any]:
    return {key: screen.query_one(f"#p-{key}", Select).value for key in ("language", "dpi", "cjk")}


def status(screen: Any) -> str:
    return str(screen.query_one("#printer-status", Static).render())


async def fill(pilot: Any, screen: Any, row: int, name: str) -> None:
    """Enter on the list's `row`: its printer, `name` as shown, in the form."""
    table = screen.query_one("#printer-list", DataTable)
    table.focus()
    table.move_cursor(row=row, animate=False)
    await quiet.press(pilot, "enter")
    await quiet.until(pilot, lambda: f"Printer {name} is in the form" in status(screen), what="filled")


@pytest.mark.first_mode("settings")
async def test_a_choice_not_offered_shows_as_saved_not_as_the_last_printer_s(app: StationApp) -> None:
    counter = CounterSettings(counter="test-counter", printers={"front": FRONT, "odd": HAND_EDITED})
    app.counter_settings = counter
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f8")
        screen: Any = app.screen
        await fill(pilot, screen, 0, "front")
        assert chosen(screen) == {"language": "tspl", "dpi": 203, "cjk": "resident"}
        await fill(pilot, screen, 1, "odd")
        # Shown as saved (the 203 and the printer's font were front's), and said.
        assert chosen(screen) == {"language": "tspl", "dpi": 600, "cjk": "fancy"}
        prompts = {value: str(prompt) for prompt, value in screen.query_one("#p-dpi", Select)._options}
        assert prompts[600] == "600 (saved; not a choice here)"
        assert "Not among the choices here: 600, fancy." in status(screen), status(screen)
        assert not screen.unsaved_edits()
        await quiet.press(pilot, "ctrl+s")  # kept, not changed to the form's choice behind the clerk ...
        await quiet.until(pilot, lambda: "= 600: use 203 or 300" in status(screen), what="refused")
        assert app.counter_settings == counter  # type: ignore[attr-defined]  # ... so said, and refused
        await fill(pilot, screen, 0, "front")  # a printer whose choices are offered: the extra choice goes
        assert chosen(screen) == {"language": "tspl", "dpi": 203, "cjk": "resident"}
        dpis = [value for _prompt, value in screen.query_one("#p-dpi", Select)._options]
        assert 600 not in dpis


@pytest.mark.first_mode("settings")
async def test_a_saved_name_with_hidden_characters_is_written_out_and_a_save_asks_for_a_name(
    app: StationApp,
) -> None:
    hidden = "\x1b[31mfront\u200b\u202e"
    counter = CounterSettings(counter="test-counter", printers={hidden: FRONT})
    app.counter_settings = counter
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f8")
        screen: Any = app.screen
        await fill(pilot, screen, 0, visible(hidden))
        name = screen.query_one("#p-name", Input).value
        assert name.isprintable() and "front" in name and "\\x1b" in name, ascii(name)
        assert "holds hidden characters" in status(screen)
        await quiet.press(pilot, "ctrl+s")
        assert "type the name it should have" in status(screen)
        assert app.counter_settings == counter  # type: ignore[attr-defined]
        field = screen.query_one("#p-name", Input)
        field.value = ""
        field.focus()
        await quiet.press(pilot, *"front")
        await quiet.press(pilot, "ctrl+s")
        await quiet.until(pilot, lambda: "Printer front saved" in status(screen), what="saved")
    assert set(app.counter_settings.printers) == {hidden, "front"}  # type: ignore[attr-defined]


@pytest.mark.first_mode("settings")
async def test_a_saved_name_too_long_is_refused_as_too_long_not_as_hidden_characters(app: StationApp) -> None:
    long = "front" * 9  # 45 printable characters: more than a printer's name may have, nothing hidden
    counter = CounterSettings(counter="test-counter", printers={long: FRONT})
    app.counter_settings = counter
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f8")
        screen: Any = app.screen
        await fill(pilot, screen, 0, long)
        assert screen.query_one("#p-name", Input).value == long
        assert "hidden characters" not in status(screen)
        await quiet.press(pilot, "ctrl+s")
        await quiet.until(pilot, lambda: "1 to 40 printable characters" in status(screen), what="refused")
        assert "hidden characters" not in status(screen)
        assert app.counter_settings == counter  # type: ignore[attr-defined]
