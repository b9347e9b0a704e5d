"""A drop-down's keys given back in one go (the wedge router deciding held keys were a person's: Enter,
Tab, Tab): Enter opens the list and asks for its focus, which Textual hands over a moment later, after
the Tabs took the focus past the list. The list lost the focus to the second Tab, got it back from
that late hand-over, and then closed for the focus it had lost: it held the focus unseen, the clerk's
keys going into a list nobody could see."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from station_console.tui.app import StationApp
from tui import quiet


def given_back(app: StationApp, *keys: str) -> None:
    """The keys posted to the focused widget all at once, as the wedge router replays held keys."""
    target = app.focused
    assert target is not None
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)  # bubbles up to the app's key bindings (Tab), as a replayed key does
        event._set_forwarded()
        target.post_message(event)


@pytest.mark.first_mode("settings")
async def test_a_closed_drop_down_list_never_takes_the_focus_asked_for_as_it_opened(app: StationApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f10")  # Clerks, in Settings already (`first_mode`)
        role = app.screen.query_one("#c-role", Select)
        role.focus()
        await quiet.settle(pilot)
        given_back(app, "space", "tab", "tab")
        await asyncio.sleep(0)
        await quiet.settle(pilot)
        # The list asked for the focus as it opened and got it after both Tabs: open, shown, holding it.
        overlay = role.query_one(SelectOverlay)
        assert app.focused is overlay and role.expanded
        assert overlay in app.screen._compositor.visible_widgets
        await quiet.press(pilot, "escape")  # the clerk's own key closes it, the field keeping the focus
        assert not role.expanded and app.focused is role
