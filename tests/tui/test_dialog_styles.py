"""A dialog looks the same whichever screens the clerk opened before it: the rules shared by every
dialog live in app.tcss, and a screen's sheet (loaded once that screen opens, then applied to every
screen) styles only its own dialogs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Static

import station_console.tui
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_dialogs import BatchPicker
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.shelves import ShelvesScreen
from tui import quiet
from tui.checkin_driver import start


async def batch_picker_box(app: StationApp, pilot: Any) -> tuple[Region, Any]:
    """F7's carrier picker opened at check-in: its box's region and border, then closed."""
    await quiet.press(pilot, "f7")
    await quiet.until(pilot, lambda: isinstance(app.screen, BatchPicker))
    await quiet.settle(pilot)
    box = app.screen.query_one(".dialog")
    seen = (box.region, box.styles.border)
    await quiet.press(pilot, "escape")
    assert not isinstance(app.screen, BatchPicker)
    return seen


async def test_a_check_in_dialog_is_the_same_size_before_and_after_shelves_was_opened(
    app: StationApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        before = await batch_picker_box(app, pilot)
        await quiet.press(pilot, "f4")
        assert isinstance(app.screen, ShelvesScreen)  # its sheet, shelves.tcss, is loaded now
        await quiet.press(pilot, "f1")
        after = await batch_picker_box(app, pilot)
        assert after == before
        assert before[0].width == 60


@pytest.mark.first_mode("shelves")
async def test_a_reason_asked_before_any_screen_with_its_own_sheet_is_as_wide_as_ever(
    app: StationApp,
) -> None:
    """A reason is typed on one long line: its box is 70 wide, by one rule in app.tcss (three screens'
    sheets each carried a copy of it)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, ShelvesScreen)
        app.push_screen(ReasonDialog("Why?"))
        await quiet.until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await quiet.settle(pilot)
        assert app.screen.query_one(".dialog").region.width == 70


SCREEN_SHEETS = sorted((Path(station_console.tui.__file__).parent / "screens").glob("*.tcss"))


class ClassProbes(Screen[None]):
    """A screen loading no sheet of its own: one line per class name any screen's sheet mentions."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        for name in self.names:
            yield Static(name, name=name, classes=name)


def looks(screen: Screen[Any]) -> dict[str, tuple[Any, ...]]:
    return {
        str(probe.name): (probe.size, probe.styles.padding, probe.styles.color, probe.styles.background)
        for probe in screen.query(Static)
    }


async def test_no_screens_sheet_styles_a_class_on_another_screen() -> None:
    """A screen's sheet (CSS_PATH) is applied to every screen once that screen has opened: Shelves'
    bare `.hint` and `.error` padded the sign-in's keys line and turned the Clerks screen's refusal red
    on red. A class rule in a screen's sheet names the screen (or an id) it is for, so a screen that
    loads none of them looks the same after every one of them was loaded."""
    names = sorted(
        {name for sheet in SCREEN_SHEETS for name in re.findall(r"\.([a-z][\w-]*)", sheet.read_text())}
    )
    assert {"hint", "error", "form-row", "field-label"} <= set(names)
    app: App[None] = App()
    async with app.run_test(size=(120, 60)) as pilot:
        await app.push_screen(ClassProbes(names))
        await pilot.pause()
        before = looks(app.screen)
        for sheet in SCREEN_SHEETS:  # as each screen's opening does (`App._load_screen_css`)
            app.stylesheet.read(sheet)
        app.stylesheet.reparse()
        app.stylesheet.update(app)
        await pilot.pause()
        after = looks(app.screen)
        assert sorted(name for name, look in after.items() if before[name] != look) == []
