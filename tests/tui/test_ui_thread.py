"""No database call on the UI thread: every statement a screen causes runs in a worker thread.

The engine is wrapped with a check of the calling thread (the Pilot runs the app on the main thread),
then each screen is opened by its key, as a clerk would, and left to do its first reads and its
periodic refreshes.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from station_console.services.core.station import Station
from station_console.tui.app import StationApp

# Every mode, by the key that opens it.
SCREENS = {
    "checkin": "f1",
    "pickup": "f2",
    "shelves": "f4",
    "parcels": "f5",
    "reports": "f6",
    "sendout": "f3",
    "settings": "ctrl+s",
}


@pytest.fixture
def ui_thread_statements(station: Station) -> Iterator[list[str]]:
    """Statements run on the main thread while the console runs, each with where it came from."""
    seen: list[str] = []

    def check(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            stack = traceback.extract_stack()
            where = [f for f in stack if "station_console/tui" in f.filename] or [
                f for f in stack if "station_console" in f.filename
            ]
            origin = where[-1] if where else None
            seen.append(
                f"{statement.split()[0]} at {origin.filename}:{origin.lineno}" if origin else statement
            )

    station.settings()  # the console's start reads them once, before the first screen
    event.listen(station.engine, "before_cursor_execute", check)
    yield seen
    event.remove(station.engine, "before_cursor_execute", check)


@pytest.mark.parametrize("mode", SCREENS)
async def test_a_screen_never_calls_the_database_on_the_ui_thread(
    app: StationApp, ui_thread_statements: list[str], mode: str
) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press(SCREENS[mode])
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_mode == mode
        await pilot.pause(3.5)  # one round of the periodic refreshes
        await app.workers.wait_for_complete()
    assert ui_thread_statements == [], ui_thread_statements


# Dialogs and sub-screens, by the keys that open them from their mode, and what is then typed or scanned.
DIALOGS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "checkin: batch picker": ("f1", "f7", ()),
    "checkin: phones to add": ("f1", "f9", ()),
    "shelves: move": ("f4", "f7", ()),
    "shelves: stocktake, a scan": ("f4", "f8", ("1", "enter", *"JT0000000000001", "enter")),
    "shelves: returns, a scan": ("f4", "f9", (*"JT", "enter", *"JT0000000000001", "enter")),
    "shelves: overdue": ("f4", "f10", ()),
    "shelves: problems": ("f4", "f11", ()),
    "audit trail": ("f1", "ctrl+t", ()),
    "pickup: a lookup": ("f2", None, (*"1-1-1001", "enter")),
}


@pytest.mark.parametrize("name", DIALOGS)
async def test_a_dialog_never_calls_the_database_on_the_ui_thread(
    app: StationApp, ui_thread_statements: list[str], name: str
) -> None:
    mode_key, dialog_key, typed = DIALOGS[name]

    async def press(*keys: str) -> None:
        await pilot.press(*keys)
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()

    async with app.run_test(size=(160, 45)) as pilot:
        await press(mode_key)
        mode_screen = app.screen
        if dialog_key is not None:
            await press(dialog_key)
            assert app.screen is not mode_screen, f"{name} did not open"
        for key in typed:
            await press(key)
        await pilot.pause(1.0)
        await app.workers.wait_for_complete()
    assert ui_thread_statements == [], ui_thread_statements
