"""Console test fixtures: an app on a fresh station, no cursor blink."""

from __future__ import annotations

import pytest

from station_console.services.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp


@pytest.fixture
def app(station: Station) -> StationApp:
    console = StationApp(station, CounterSettings(counter="test-counter"), database_label="SQLite test")
    return console


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)
