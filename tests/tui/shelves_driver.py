"""Shelves mode in a running console: opened by F4 from any mode, and each key's reads landed."""

from __future__ import annotations

from station_console.tui.app import StationApp
from tui import quiet


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """The keys' effects, and the reads they started in thread workers, have landed."""
    await quiet.settle(pilot)


async def open_shelves(app: StationApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await quiet.press(pilot, "f4")
    await settle(pilot)
    assert app.current_mode == "shelves"
