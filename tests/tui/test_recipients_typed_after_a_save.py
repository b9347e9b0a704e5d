"""Settings > Recipients after a person's form saves, the cursor on the list: what the clerk types next
finds someone (a key typed on the list goes to the search box, which it starts again, as Tab back to it
would) rather than vanishing, and the next F12 acts on the person found, not on the one just saved."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.recipients_driver import open_recipients, people, text_of, until


async def the_search_and_its_list(app: StationApp, pilot: Any) -> tuple[Any, Input, DataTable[Any]]:
    """Recipients opened from Settings: the screen, its search box and its list."""
    await open_recipients(app, pilot)
    screen: Any = app.screen
    return screen, screen.query_one("#rc-search", Input), screen.query_one("#rc-table", DataTable)


@pytest.mark.first_mode("settings")
async def test_a_name_typed_on_the_list_after_a_save_is_searched_for(
    app: StationApp, station: Station
) -> None:
    """张三 found ("zs", Enter to the list), edited (F8) and saved: "ls" typed next to find 李四 went
    nowhere, the search still "zs", and F12 asked to deactivate 张三."""
    people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, search, table = await the_search_and_its_list(app, pilot)
        await quiet.press(pilot, "z", "s")
        await until(pilot, lambda: "张三" in text_of(app, "#rc-detail") and table.row_count == 1)
        await quiet.press(pilot, "enter")
        assert table.has_focus
        await quiet.press(pilot, "f8")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-room", Input).value = "777"
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: app.screen is screen and text_of(app, "#rc-status") == "Saved: 张三")
        await until(pilot, lambda: screen.current is not None and screen.reading is None)
        await quiet.settle(pilot)
        assert table.has_focus
        await quiet.press(pilot, "l", "s")
        assert search.value == "ls" and search.has_focus
        await until(pilot, lambda: "李四" in text_of(app, "#rc-detail") and table.row_count == 1)
        await until(pilot, lambda: screen.reading is None)
        await quiet.press(pilot, "f12")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog: Any = app.screen
        assert dialog.question == "Deactivate 李四?"


@pytest.mark.first_mode("settings")
async def test_keys_typed_fast_on_the_list_reach_the_search_in_order(
    app: StationApp, station: Station
) -> None:
    """Keys typed back to back while the focus moves from the list to the search keep their order, the
    first starting the search again, the list's own keys (arrows) still its own."""
    people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, search, table = await the_search_and_its_list(app, pilot)
        search.value = "zzz"
        table.focus()
        await until(pilot, lambda: table.has_focus and table.row_count == 0)
        search.value = ""
        await until(pilot, lambda: table.row_count == 3)
        table.focus()
        await quiet.press(pilot, "down")
        assert table.has_focus and table.cursor_row == 1
        await quiet.burst(pilot, "1", "2", "0", "3")
        assert search.value == "1203" and search.has_focus
        await until(pilot, lambda: "李四" in text_of(app, "#rc-detail") and table.row_count == 1)
