"""The current mode's own key (F4 on Shelves) on a screen opened over the mode's first (Returns,
Stocktake, Overdue over the shelf map; Send-out's handover; Settings' Printers): back to that first
screen, each screen over it left as its own Esc leaves it (Stocktake pauses, Returns waits for a close
on its way). The key did nothing there, and the clerk, sure of being on the shelf map, pressed its next
key (F8, stocktake) on the screen still on top: Returns' "courier signed".

Not on a dialog: its own keys answer it. Unsaved edits on a screen left are saved or discarded first, as
switching modes asks. Settings' own key is not this: inside Settings, Ctrl+S saves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from station_console.tui.screens.base import ModeScreen


def back_to_first(app: Any, leave: Callable[[list[Screen[Any]], Callable[[], object]], None]) -> None:
    """`leave(screens, then)`: the app's way out of screens with unsaved edits (`StationApp._leave`)."""
    if len(app.screen_stack) < 2 or not isinstance(app.screen, ModeScreen):
        return  # on the first screen already, or a question is up
    leave(list(app.screen_stack[1:]), lambda: app.call_later(_each_back, app))


async def _each_back(app: Any) -> None:
    while len(app.screen_stack) > 1:
        top = app.screen
        action = esc_action(top) if isinstance(top, ModeScreen) else None
        if action is None:
            return
        await top.run_action(action)
        if app.screen is top:
            return  # it stays for now (a pause or a close on its way): what its Esc said stands


def esc_action(screen: Screen[Any]) -> str | None:
    """What Esc does on `screen` (its Back), None if it has no Esc of its own."""
    for binding in screen._bindings.key_to_bindings.get("escape", []):
        return binding.action
    return None
