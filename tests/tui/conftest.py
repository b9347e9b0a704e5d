"""Console test fixtures: an app on a fresh station, no cursor blink."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterator
from typing import Any

import pytest

from db.models import Role
from station_console.errors import DatabaseUnavailable
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin_writer
from tui import quiet


@pytest.fixture
def app(request: pytest.FixtureRequest, station: Station) -> StationApp:
    """The console on `station`, a manager signed in; at check-in, or in the mode a test marked
    `first_mode("pickup")` checks (its mode key then changes nothing, but Ctrl+S in Settings saves,
    so a Settings test does not press it to get there): a console starting at check-in
    built, laid out and drew the check-in screen, and restyled it on the way out, for a test that
    never looked at it (tests/tui took a quarter less CPU without). Check-in and the keys to each mode
    have tests of their own."""
    sign_in_manager(station)
    return console_on(request, station)


@pytest.fixture
def console(request: pytest.FixtureRequest, station: Station) -> StationApp:
    """The console on `station` as `app` builds it, with no clerk signed in: the test signs in its own."""
    return console_on(request, station)


def console_on(
    request: pytest.FixtureRequest, station: Station, *, require_sign_in: bool = False
) -> StationApp:
    """The test console on `station`; `require_sign_in`: asking for a clerk at start, as a counter's does."""
    app = StationApp(
        station,
        CounterSettings(counter="test-counter"),
        database_label="SQLite test",
        require_sign_in=require_sign_in,
        first_mode=first_mode(request),
    )
    app.key_bounce.clock = PersonPace()  # tests/tui/test_key_bounce.py sets its own
    return app


class PersonPace:
    """A person at a test console's keys, fast but no scanner. As the bounce guard's clock (every test
    console's), each key a second after the one before, so none repeats a dialog's answer (nor joins a
    scanner's burst); `type` sends a text's keys stamped 80 ms apart at the least, each key's answer (a
    search's matches) in before the next, for what reads the keys' own times (a name field's wedge
    decoder: at the machine's speed a name's keys and its Enter read as a scan)."""

    KEY_GAP = 0.08  # seconds between a person's stamped keys: well over a scanner's key gap

    def __init__(self) -> None:
        self.t = 0.0
        self._stamped = 0.0

    def __call__(self, event: object) -> float:
        if event is not None:
            self.t += 1.0
        return self.t

    @staticmethod
    def of(app: StationApp) -> PersonPace:
        """The pace the test console `app` was built with (`console_on`)."""
        pace = app.key_bounce.clock
        assert isinstance(pace, PersonPace), "a console built without a person's pace"
        return pace

    @property
    def stamped(self) -> float:
        """The arrival time the last key sent was stamped with (monotonic)."""
        return self._stamped

    async def type(self, pilot: Any, text: str) -> None:
        await self.press(pilot, *text)

    async def press(self, pilot: Any, *keys: str, leave_running: Collection[str] = ()) -> None:
        """`keys` (characters or key names: "enter") as `type` sends a text's (`leave_running` as for
        `quiet.settle`)."""
        for key in keys:
            self._stamped = max(time.monotonic(), self._stamped + self.KEY_GAP)
            quiet.send_key(pilot.app, key, at=self._stamped)
            await quiet.settle(pilot, leave_running=leave_running)


def first_mode(request: pytest.FixtureRequest) -> str | None:
    """The mode the test's `first_mode` marker names; None (check-in) without one."""
    marker = request.node.get_closest_marker("first_mode")
    return str(marker.args[0]) if marker else None


def sign_in_manager(station: Station, name: str = "Manager", pin: str = "0000") -> int:
    """Act as a manager clerk (row added directly: no audit event, a cheap hash), so screens need no sign-in."""
    from station_helpers import act_as_new_clerk

    return act_as_new_clerk(station, name, Role.MANAGER, pin)


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)


@pytest.fixture
def bells(app: StationApp, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The console's bell, counted instead of rung."""
    rung: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rung.append(1))
    return rung


@pytest.fixture
def first_scan_busy(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list[str]]]:
    """Check-in's first call waits for the event, then is refused (the database busy for a moment); the
    later ones check in. The event, and the waybills each call was given; a failed test leaves no writer
    thread waiting."""
    release = threading.Event()
    real = checkin_writer.check_in
    calls: list[str] = []

    def busy_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        if len(calls) == 1:
            assert release.wait(quiet.TIMEOUT)
            raise DatabaseUnavailable("The database is busy.", code="database_locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(checkin_writer, "check_in", busy_once)
    yield release, calls
    release.set()
