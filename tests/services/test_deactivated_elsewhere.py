"""A clerk deactivated at another counter stops acting at theirs within a few seconds (core/standing.py):
each counter its own engine and Station, as two consoles in two processes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from conftest import FakeClock

from db.engine import create_station_engine
from db.models import Role
from station_console.errors import DEACTIVATED, PermissionDenied
from station_console.services.admin import catch_up
from station_console.services.admin.live import ChangeFeed
from station_console.services.core.standing import RECHECK_S
from station_console.services.core.station import Station
from station_console.services.people import clerks


@pytest.fixture
def other(station: Station, db_url: str, clock: FakeClock) -> Iterator[Station]:
    """The second counter: its own engine on the same database, the same test clock."""
    engine = create_station_engine(db_url)
    yield Station(engine=engine, counter="counter-2", clock=clock)
    engine.dispose()


@pytest.fixture
def station(new_station: Station) -> Station:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    clerks.add_clerk(new_station, "Li", "1357")
    clerks.add_clerk(new_station, "Zhao", "5813", role=Role.MANAGER)
    return new_station


def test_a_clerk_deactivated_elsewhere_is_refused_here_once_the_check_is_due(
    station: Station, other: Station, clock: FakeClock
) -> None:
    clerks.sign_in(other, "Li", "1357")
    assert [c.name for c in clerks.list_clerks(other)] == ["Li", "Wang", "Zhao"]
    clerks.deactivate(station, "Li")
    clock.advance(seconds=RECHECK_S / 3)
    clerks.list_clerks(other)  # read a moment ago: not read again at scanner speed
    clock.advance(seconds=RECHECK_S)
    with pytest.raises(PermissionDenied) as exc:
        clerks.list_clerks(other)
    assert exc.value.code == DEACTIVATED
    assert exc.value.message() == "Your account was deactivated by a manager: ask a manager."
    clerks.set_active(station, "Li", True)
    assert [c.name for c in clerks.list_clerks(other)] == ["Li", "Wang", "Zhao"]  # a refusal is not cached


def test_a_deactivated_manager_cannot_activate_themselves_again(
    station: Station, other: Station, clock: FakeClock
) -> None:
    clerks.sign_in(other, "Zhao", "5813")
    clerks.list_clerks(other)
    clerks.deactivate(station, "Zhao")
    clock.advance(seconds=RECHECK_S)
    with pytest.raises(PermissionDenied) as exc:
        clerks.set_active(other, "Zhao", True)
    assert exc.value.code == DEACTIVATED
    assert clerks.get_clerk(station, "Zhao").active is False
    with pytest.raises(PermissionDenied):
        clerks.unlock(other, "Li")


def test_a_clock_set_back_reads_the_row_again(station: Station, other: Station, clock: FakeClock) -> None:
    clerks.sign_in(other, "Li", "1357")
    clerks.list_clerks(other)
    clerks.deactivate(station, "Li")
    clock.advance(seconds=-60)
    with pytest.raises(PermissionDenied):
        clerks.list_clerks(other)


def test_the_live_view_hears_a_deactivation_and_reads_the_standing_again_at_once(
    station: Station, other: Station, clock: FakeClock
) -> None:
    """An idle console learns of it from its live view (SQLite's poll, PostgreSQL's NOTIFY alike), its
    standing read a moment ago read again without waiting for `RECHECK_S`."""
    clerks.sign_in(other, "Li", "1357")
    clerks.list_clerks(other)  # the standing read now: not due again for RECHECK_S
    feed = ChangeFeed(other.engine, poll_interval=0.05)
    try:
        clerks.add_clerk(station, "Sun", "2468")
        heard = _heard(feed)
        assert catch_up.standing_stale(heard)
        assert catch_up.standing_refusal(other) is None  # another clerk's change: Li still stands
        clerks.deactivate(station, "Li")
        heard = _heard(feed)
    finally:
        feed.close()
    assert catch_up.standing_stale(heard)
    refusal = catch_up.standing_refusal(other)
    assert refusal is not None and refusal.code == DEACTIVATED
    assert refusal.message() == "Your account was deactivated by a manager: ask a manager."


def _heard(feed: ChangeFeed) -> list[str]:
    """The kinds of the changes the feed hears next (the first within 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        changes = feed.wait(0.2)
        if changes:
            return [c.kind for c in changes]
    raise AssertionError("the live view heard nothing")
