"""Guessing lock-out: too many failed lookups lock one clerk's lookups for a while, with one audit event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import FakeClock
from pickup_helpers import as_clerk, events, receive

from db.models import EventKind
from station_console.errors import NotFound, Refused
from station_console.services.core.station import Station
from station_console.services.pickup import guard
from station_console.services.pickup import handover as pickup
from station_console.settings import StationSettings


def fail(station: Station, n: int) -> None:
    for i in range(n):
        with pytest.raises(NotFound):
            pickup.lookup(station, f"8-5-{9000 + i}")


def test_five_failures_do_not_lock(station: Station) -> None:
    a = receive(station, 1, phone="13812345678")
    fail(station, 5)
    assert pickup.lookup(station, a.pickup_code).rows
    assert events(station, EventKind.LOOKUP_LOCKED) == []


def test_the_sixth_failure_locks_the_counter_until_the_lock_expires(
    station: Station, clock: FakeClock
) -> None:
    a = receive(station, 1, phone="13812345678")
    fail(station, 5)
    clock.advance(seconds=10)
    with pytest.raises(Refused) as info:
        pickup.lookup(station, "8-5-9999")
    assert info.value.code == "lookup_locked" and info.value.params["count"] == 60
    # Each refusal ends in its full stop, as Pickup's own lines do. Whose lock it is, when it ends on the
    # station's clock (the line stays up: "60 seconds" alone goes stale on it), and that nobody has to
    # unlock it (a clerk locked out by wrong PINs waits for a manager; this lock does not).
    assert (info.value.message("en"), info.value.message("zh")) == (
        "Nothing found for 8-5-9999. Too many failed lookups: your lookups are locked until 10:01:10"
        " (60 seconds). The lock ends by itself.",
        "未找到 8-5-9999。查询失败次数过多：您的查询已锁定至 10:01:10（60 秒），到时自动解锁。",
    )
    clock.advance(seconds=30)
    with pytest.raises(Refused) as info:  # even a correct code waits: the guesser might have found one
        pickup.lookup(station, a.pickup_code)
    assert info.value.code == "lookup_locked" and info.value.params["count"] == 30
    assert (info.value.message("en"), info.value.message("zh")) == (
        "Too many failed lookups: your lookups are locked until 10:01:10 (30 more seconds)."
        " The lock ends by itself.",
        "查询失败次数过多：您的查询已锁定至 10:01:10（还剩 30 秒），到时自动解锁。",
    )
    with pytest.raises(Refused):
        pickup.lookup(station, "8-5-9998")
    assert len(events(station, EventKind.LOOKUP_LOCKED)) == 1  # once per lock
    other_counter = as_clerk(station, "li", counter="counter-2")
    assert pickup.lookup(other_counter, a.pickup_code).rows  # the lock is the clerk's, not the station's
    clock.advance(seconds=31)
    assert [r.waybill for r in pickup.lookup(station, a.pickup_code).rows] == [a.waybill]


def test_failures_spread_over_more_than_the_window_do_not_lock(station: Station, clock: FakeClock) -> None:
    a = receive(station, 1)
    for _ in range(8):
        fail(station, 1)
        clock.advance(seconds=13)  # at most 5 inside any 60 s
    assert pickup.lookup(station, a.pickup_code).rows


def test_a_pasted_list_of_guesses_counts_each_miss(station: Station) -> None:
    a = receive(station, 1)
    codes = ", ".join([a.pickup_code] + [f"8-5-{9000 + n}" for n in range(6)])
    with pytest.raises(Refused) as info:
        pickup.lookup(station, codes)
    assert info.value.code == "lookup_locked"
    assert len(events(station, EventKind.LOOKUP_LOCKED)) == 1


def test_lock_until_reads_the_failure_times() -> None:
    settings = StationSettings.model_validate(
        {"lookup_fail_limit": 2, "lookup_fail_window_s": 10, "lookup_lock_s": 30}
    )
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    at = [t0 + timedelta(seconds=s) for s in (0, 4, 9)]
    assert guard.lock_until(at[:2], settings) is None
    assert guard.lock_until(at, settings) == at[2] + timedelta(seconds=30)
    spread = [t0 + timedelta(seconds=s) for s in (0, 6, 12)]
    assert guard.lock_until(spread, settings) is None


def test_a_refused_lookup_never_echoes_a_full_phone_number(station) -> None:  # type: ignore[no-untyped-def]
    import pytest as _pytest

    from station_console.errors import StationError
    from station_console.services.pickup.lookup import lookup

    with _pytest.raises(StationError) as refused:
        lookup(station, "13812345678")
    assert "13812345678" not in refused.value.message()
    assert "138****5678" in refused.value.message()
