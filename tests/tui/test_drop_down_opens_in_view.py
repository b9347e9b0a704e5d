"""A drop-down focused but scrolled out of its form's view (Home or PageUp at 80x24) that Enter opens
is brought into view with its list: Enter typed right behind the page key, or right behind the Esc that
closed a screen over the form (Textual hands that Enter to the field the closing gave the focus back
to), opened the list out of sight, and the clerk's keys went into a list nobody could see."""

from __future__ import annotations

import time
from typing import Any

import pytest
from textual.widgets import Input, Select
from textual.widgets._select import SelectOverlay

from station_console.tui import type_ahead
from station_console.tui.app import StationApp
from station_console.tui.screens.outbox import OutboxScreen
from tui import quiet
from tui.test_focus_in_view import shown_whole


async def terminator_paged_away(pilot: Any, app: StationApp) -> Select[str]:
    """Settings' scanner section at 80x24, its terminator drop-down focused, then Home: the form at its
    top, the drop-down focused below it, out of view."""
    screen: Any = app.screen
    await screen.show_section(next(n for n, s in enumerate(screen.sections) if s.key == "scanner"))
    select: Select[str] = screen.query_one("#ct-wedge_terminator", Select)
    select.focus()
    await quiet.settle(pilot)
    assert shown_whole(select)
    return select


def list_shown(app: StationApp, select: Select[str]) -> bool:
    overlay = select.query_one(SelectOverlay)
    return select.expanded and app.focused is overlay and overlay in app.screen._compositor.visible_widgets


@pytest.mark.first_mode("settings")
async def test_space_right_behind_home_opens_the_drop_down_in_view(app: StationApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        select = await terminator_paged_away(pilot, app)
        await quiet.burst(pilot, "home", "o", "space")
        assert shown_whole(select)
        assert list_shown(app, select)


@pytest.mark.first_mode("settings")
async def test_space_right_behind_the_esc_back_to_settings_opens_the_drop_down_in_view(
    app: StationApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        select = await terminator_paged_away(pilot, app)
        await quiet.press(pilot, "home")
        assert app.focused is select and not shown_whole(select)  # by design: Home leaves it there
        await quiet.press(pilot, "f11")
        assert isinstance(app.screen, OutboxScreen)
        await quiet.burst(pilot, "escape", "space")
        assert shown_whole(select)
        assert list_shown(app, select)


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize("key", ["end", "pagedown"])
async def test_a_page_key_right_behind_the_space_that_opens_the_drop_down_pages_its_list(
    app: StationApp, key: str
) -> None:
    """The key reached the drop-down before its list had the focus, and its form took it: the form
    scrolled to its end, away from the list that took the focus a moment later, open out of sight."""
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        select = await terminator_paged_away(pilot, app)
        await quiet.burst(pilot, "space", key)  # it holds a choice: Space opens it
        overlay = select.query_one(SelectOverlay)
        assert list_shown(app, select)
        assert shown_whole(select)
        if key == "end":  # the list's own key (a PageDown this early, before its layout, pages nothing)
            assert overlay.highlighted == overlay.option_count - 1


@pytest.mark.first_mode("sendout")
async def test_end_right_behind_the_enter_that_opens_send_outs_document_list_stays_in_it(
    app: StationApp,
) -> None:
    """Send-out's drop-downs pass their keys through the screen's scanner router, which holds a lone
    Enter for a scanner's gap: End typed behind it went to the form long before the list opened."""
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        select: Select[str] = app.screen.query_one("#so-idtype", Select)
        assert getattr(select, "router", None) is not None
        select.focus()
        await quiet.settle(pilot)
        assert shown_whole(select)
        await quiet.burst(pilot, "enter", "end")
        overlay = select.query_one(SelectOverlay)
        assert list_shown(app, select)
        assert shown_whole(select)
        assert overlay.highlighted == overlay.option_count - 1


@pytest.mark.first_mode("sendout")
async def test_a_scan_into_a_closed_drop_down_holds_no_key_behind_it(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan's Enter reaches the focused drop-down as the key that would open it, but the router takes
    it as the scan's end and nothing opens: the keys behind it (the clerk's Tab, the next scan) waited
    for a list that never came, until the longest hold."""
    monkeypatch.setattr(type_ahead, "LONGEST_HOLD", 30.0)  # a hold that ran to its end shows plainly
    async with app.run_test(size=(100, 30)) as pilot:
        await quiet.settle(pilot)
        select: Select[str] = app.screen.query_one("#so-idtype", Select)
        select.focus()
        await quiet.settle(pilot)
        at = time.monotonic()
        for key in [*"SF1234567890", "enter", "tab"]:
            quiet.send_key(app, key, at=at)
        await quiet.settle(pilot, timeout=5)  # held to the longest hold, it is not quiet by then
        assert app.screen.query_one("#so-waybill", Input).value == "SF1234567890"
        assert not select.expanded
        assert app.focused is not select  # the Tab went on, to the next field
