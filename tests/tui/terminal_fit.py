"""Checking that a screen fits a small terminal: the console in a language at a size, resized to each
size in turn, a widget whole on screen and clear of the others, and a dialog's widgets walked by Tab, each
whole inside the dialog's box (tests/tui/test_small_terminal*.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable

from station_console.i18n import set_language
from station_console.tui.app import StationApp
from tui import quiet
from tui.checkin_driver import settle, start

SIZES = ((80, 24), (100, 30))
SIZES_TO_80 = ((120, 40), (80, 24))  # the console's usual size, then the smallest
# Each test runs in both languages, and at each of SIZES in each.
SMALL = pytest.mark.parametrize("lang", ["en", "zh"])


@asynccontextmanager
async def console_in(
    app: StationApp, lang: str, *keys: str, size: tuple[int, int] = SIZES[0]
) -> AsyncIterator[Any]:
    """The console in `lang` at `size`, started in its first mode (check-in unless the test is marked
    `first_mode`), then `keys` pressed in turn."""
    set_language(lang)
    async with app.run_test(size=size) as pilot:
        if app.current_mode == "checkin":
            await start(app, pilot)  # the scanner's clock too
        else:
            await settle(app, pilot)
        for key in keys:
            quiet.send_key(app, key)
            await settle(app, pilot)
        yield pilot


async def at_each_size(
    app: StationApp,
    pilot: Any,
    check: Callable[[], Awaitable[None]],
    sizes: tuple[tuple[int, int], ...] = SIZES,
) -> None:
    """`check` with the console resized to each of `sizes` in turn; a failure names the size."""
    for width, height in sizes:
        if (app.size.width, app.size.height) != (width, height):
            await quiet.resize(pilot, width, height, routers=False)
        assert (app.size.width, app.size.height) == (width, height)
        try:
            await check()
        except AssertionError as failed:
            raise AssertionError(f"at {width}x{height}: {failed}") from failed


def shown_whole(app: StationApp, widget: Widget) -> Region:
    """The widget's region, asserted to lie whole inside the screen."""
    region = widget.region
    assert region.area, f"{widget!r} is not shown"
    screen = Region(0, 0, *app.size)
    assert screen.contains_region(region), f"{widget!r} at {region} is cut off by the {app.size} screen"
    return region


def assert_apart(named: dict[str, Region]) -> None:
    items = list(named.items())
    for n, (a, ra) in enumerate(items):
        for b, rb in items[n + 1 :]:
            assert not ra.overlaps(rb), f"{a} {ra} overlaps {b} {rb}"


def in_the_dialog(app: StationApp, box: Widget, fixed: list[Widget], widget: Widget) -> Region:
    """The widget's region, asserted whole inside the screen and the dialog's `box`, and clear of the
    dialog's `fixed` parts (its title and buttons, which do not scroll with the fields)."""
    region = shown_whole(app, widget)
    assert box.content_region.contains_region(region), f"{widget!r} is cut off by the dialog"
    for part in fixed:
        if part is not widget:
            assert not region.overlaps(shown_whole(app, part)), f"{widget!r} at {region} is under {part!r}"
    return region


def dialog_box(dialog: Widget) -> Widget:
    """The dialog's box: what the screen of a dialog holds."""
    (box,) = dialog.children
    return box


async def walked_by_tab(
    app: StationApp, pilot: Any, order: list[str], fixed: list[Widget], box: Widget | None = None
) -> None:
    """The open dialog's widgets `order` (ids), each reached by Tab from the first and shown whole in
    the dialog (its `box`, if it holds more than that), clear of its `fixed` parts, when focused."""
    dialog = app.screen
    dialog.query_one(f"#{order[0]}").focus()
    for n, name in enumerate(order):
        if n:
            quiet.send_key(app, "tab")
        await settle(app, pilot)
        focused = app.focused
        assert focused is not None and focused.id == name, f"Tab reached {focused!r}, not #{name}"
        in_the_dialog(app, box or dialog_box(dialog), fixed, focused)


def columns_in_view(table: DataTable[Any]) -> list[str]:
    """The labels of the table's columns shown whole, the fixed ones and those scrolled into view."""
    fixed = sum(c.get_render_width(table) for c in table.ordered_columns[: table.fixed_columns])
    left, right = table.scroll_x + fixed, table.scroll_x + table.scrollable_content_region.width
    shown, x = [], 0
    for n, column in enumerate(table.ordered_columns):
        width = column.get_render_width(table)
        if n < table.fixed_columns or (x >= left and x + width <= right):
            shown.append(column.label.plain)
        x += width
    return shown
