"""Settings' form driven by a test: a bad value saved from another section, and the section a field is in."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from station_console.tui.app import StationApp
from tui import quiet


async def saved_with(app: StationApp, pilot, section: int, field: str, bad: str) -> str:  # type: ignore[no-untyped-def]
    """The status line after `bad` is typed into `field` of `section` and Settings is saved from the
    first section."""
    screen: Any = app.screen
    await screen.show_section(section)
    app.screen.query_one(f"#{field}", Input).value = bad
    await screen.show_section(0)
    await screen.action_save()
    await quiet.settle(pilot)
    return str(app.screen.query_one("#settings-status", Static).render())


def section_of(app: StationApp, field: str) -> int:
    screen: Any = app.screen
    return next(i for i, s in enumerate(screen.sections) if field in s.station + s.counter)
