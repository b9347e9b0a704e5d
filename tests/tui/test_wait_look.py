""" "Still on its way" has one look wherever a way out waits for a write's answer: it read plain on a
screen's status line, red on Move's line (its refusal's style), italic on the shelf editor's and plain on
the missing phones dialog's. Each keeps its own place for it; the words look alike on all: the theme's
warning colour, in italics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rich.style import Style
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.services.shelves import edits, moves
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin_dialogs
from station_console.tui.screens.checkin_dialogs import MissingPhones
from station_console.tui.screens.problems import ProblemsScreen
from station_console.tui.screens.shelf_dialogs import MoveDialog, ShelfEditScreen
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves
from tui.test_slow_write_then_esc import Held, short_fail_safe

__all__ = ["short_fail_safe"]  # autouse here too

WAITS = "One moment"


def look_of(line: Widget) -> tuple[str | None, bool, bool]:
    """How the wait's words are drawn on `line`: their colour (hex), bold, italic."""
    for strip in line.render_lines(Region(0, 0, line.outer_size.width, line.outer_size.height)):
        for text, style, _control in strip:
            if WAITS in text and isinstance(style, Style):
                color = style.color.triplet.hex if style.color and style.color.triplet else None
                return color, bool(style.bold), bool(style.italic)
    raise AssertionError(f"the wait is not drawn on {line!r}")


async def waits_on(app: StationApp, pilot: Any, held: Held, line: Callable[[], Widget]) -> tuple[Any, ...]:
    """Esc while `held` is on its way: the look of the wait on `line`, then the write let go."""
    await quiet.until(pilot, held.asked.is_set)
    quiet.send_key(app, "escape")
    try:
        await quiet.until(pilot, lambda: "still on its way" in str(line().render()), what="the wait said")
        await pilot.pause()  # drawn
        return look_of(line())
    finally:
        held.released.set()
        await quiet.settle(pilot)


def the_look(app: StationApp) -> tuple[str | None, bool, bool]:
    return app.theme_variables["warning"].lower(), False, True


@pytest.mark.first_mode("shelves")
async def test_the_wait_looks_alike_on_a_status_line_and_on_move_s_and_the_editor_s_lines(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, wb(1), "1-1")
    flag = Held(monkeypatch, problems, "mark")
    move = Held(monkeypatch, moves, "move_parcel")
    edit = Held(monkeypatch, edits, "edit_layer")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#pr-parcel", Input).value = wb(1)
        screen.query_one("#pr-kind", Select).value = "damaged"
        screen.query_one("#pr-note", Input).value = "wet"
        quiet.send_key(app, "f7")
        on_status_line = await waits_on(app, pilot, flag, lambda: screen.query_one("#pr-status"))
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)

        dialog = MoveDialog(parcel=wb(1), source="1-1")
        app.push_screen(dialog)
        await quiet.settle(pilot)
        dialog.query_one("#move-target", Input).value = "2-3"
        dialog.query_one("#move-target", Input).focus()
        quiet.send_key(app, "enter")
        on_move = await waits_on(app, pilot, move, lambda: dialog.query_one("#move-error"))

        await app.push_screen(ShelfEditScreen("1-1"))
        await quiet.settle(pilot)
        editor = app.screen
        editor.query_one("#edit-capacity", Input).value = "30"
        quiet.send_key(app, "f7")
        in_editor = await waits_on(app, pilot, edit, lambda: editor.query_one("#edit-result"))
        assert {"status line": on_status_line, "Move": on_move, "editor": in_editor} == dict.fromkeys(
            ("status line", "Move", "editor"), the_look(app)
        )


async def test_the_wait_looks_the_same_on_the_missing_phones_dialog(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_in(station, "JT0000000000001", batch="JT")
    held = Held(monkeypatch, checkin_dialogs, "set_phone_for")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = MissingPhones(station)
        app.push_screen(dialog)
        await quiet.settle(pilot)
        assert dialog.query_one("#missing-table", DataTable).row_count == 1
        await quiet.press(pilot, *"13812345678")
        quiet.send_key(app, "enter")
        assert await waits_on(app, pilot, held, lambda: dialog.query_one("#missing-message")) == the_look(app)
