"""Console test fixtures: an app on a fresh station, no cursor blink."""

from __future__ import annotations

import pytest

from db.models import Role
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp


@pytest.fixture
def app(station: Station) -> StationApp:
    sign_in_manager(station)
    console = StationApp(station, CounterSettings(counter="test-counter"), database_label="SQLite test")
    return console


def sign_in_manager(station: Station, name: str = "Manager", pin: str = "0000") -> int:
    """Act as a manager clerk (row added directly: no audit event, a cheap hash), so screens need no sign-in."""
    from station_helpers import act_as_new_clerk

    return act_as_new_clerk(station, name, Role.MANAGER, pin)


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)
