"""Shelves mode in a running console: opened by F4 from any mode, a stocktake begun from its map, and each
key's reads landed."""

from __future__ import annotations

from textual.widgets import Input

from station_console.tui.app import StationApp
from tui import quiet


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """The keys' effects, and the reads they started in thread workers, have landed."""
    await quiet.settle(pilot)


async def open_shelves(app: StationApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await quiet.press(pilot, "f4")
    await settle(pilot)
    assert app.current_mode == "shelves"


async def begin_stocktake_typed(app: StationApp, pilot, scope: str) -> None:  # type: ignore[no-untyped-def]
    """The shelf map opened, F8's stocktake asked for `scope` typed over the one offered, and Enter."""
    await open_shelves(app, pilot)
    await quiet.press(pilot, "f8")
    await settle(pilot)
    app.screen.query_one("#st-scope", Input).value = scope
    await quiet.press(pilot, "enter")
    await settle(pilot)
