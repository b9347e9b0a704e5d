"""Console test fixtures: an app on a fresh station, no cursor blink."""

from __future__ import annotations

import pytest
from sqlmodel import Session

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
    from db.models import Clerk, Role
    from station_console.services.people.clerks import hash_pin

    def work(session: Session) -> int:
        row = Clerk(name=name, role=Role.MANAGER, pin_hash=hash_pin(pin, n=2**10), created_at=station.now())
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id

    station.clerk_id, station.clerk_role = station.run(work), Role.MANAGER
    return station.clerk_id


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)
