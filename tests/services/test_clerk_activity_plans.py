"""A clerk's activity reads their newest events from the (clerk_id, at) index in its own order, and
their counts by kind from that index alone.

Ordered by id alone, SQLite either sorted every event of the clerk (no ANALYZE figures, as a station
has: 0.7 s for a busy clerk's 500,000 events at the bench's million parcels) or, with the bench's
figures, walked the whole trail from its newest event for a clerk who did little (0.1 s at 2,000,000).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import audit_trail, clerks

if TYPE_CHECKING:
    from conftest import FakeClock


@pytest.fixture
def busy(new_station: Station, clock: FakeClock) -> Station:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    clerks.add_clerk(new_station, "Li", "1357")
    for n in range(6):
        clock.advance(minutes=3)
        check_in(new_station, f"SF12345678901{n:02d}", phone="13812345678")
    return new_station


def _event_reads(station: Station, *, counts: bool = False, day: Any = None) -> list[tuple[str, Any]]:
    """The statements `clerk_activity` runs that read the audit trail (with `counts`: its counts by
    kind)."""
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((sql, parameters))

    event.listen(station.engine, "before_cursor_execute", listen)
    try:
        audit_trail.clerk_activity(station, "Wang", day=day)
    finally:
        event.remove(station.engine, "before_cursor_execute", listen)
    shape = "GROUP BY" if counts else "ORDER BY"
    return [(sql, p) for sql, p in seen if "FROM parcel_event" in sql and shape in sql]


def _plan(path: str, sql: str, parameters: Any) -> list[str]:
    with sqlite3.connect(path) as conn:  # a connection of its own: it reads sqlite_stat1 afresh
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]


def _with_the_bench_figures(path: str) -> None:
    """ANALYZE's figures as the bench's million parcels have them: four clerks share 2,000,000 events."""
    with sqlite3.connect(path) as conn:
        conn.execute("ANALYZE")
        conn.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'parcel_event'")
        conn.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('parcel_event', ?, ?)",
            [
                ("ix_event_parcel", "1995000 2 1 1"),
                ("ix_event_day_kind_parcel", "1995000 11023 2830 1"),
                ("ix_event_clerk_at", "1995000 498750 1"),
            ],
        )


@pytest.mark.sqlite_only
@pytest.mark.parametrize("figures", ["none", "bench"])
@pytest.mark.parametrize("lately", [True, False])
def test_a_clerks_newest_events_are_read_in_the_index_order(
    busy: Station, figures: str, lately: bool
) -> None:
    path = busy.engine.url.database
    assert path is not None
    if figures == "bench":
        _with_the_bench_figures(path)
    reads = _event_reads(busy, day=None if lately else busy.business_day())
    assert reads, "the newest events were not read"
    for sql, parameters in reads:
        plan = _plan(path, sql, parameters)
        assert any("ix_event_clerk_at" in step for step in plan), plan
        assert not any(step.startswith("USE TEMP B-TREE FOR ORDER BY") for step in plan), plan


def test_the_newest_event_comes_first(busy: Station, clock: FakeClock) -> None:
    clock.advance(minutes=3)
    check_in(busy, "SF1234567890199", phone="13812345678")
    entries = audit_trail.clerk_activity(busy, "Wang").entries
    assert entries[0].waybill == "SF1234567890199"
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("figures", ["none", "bench"])
@pytest.mark.parametrize("lately", [True, False])
def test_a_clerks_counts_by_kind_are_read_from_the_index_alone(
    busy: Station, figures: str, lately: bool
) -> None:
    """Without a day (`station audit activity`), the counts read every event of the clerk: from the
    (clerk_id, at) index, each row was then looked up in the table for its kind (0.2 s for a busy
    clerk on a big database). The index carries the kind: the table is not read."""
    path = busy.engine.url.database
    assert path is not None
    if figures == "bench":
        _with_the_bench_figures(path)
    reads = _event_reads(busy, counts=True, day=None if lately else busy.business_day())
    assert reads, "the counts were not read"
    for sql, parameters in reads:
        plan = _plan(path, sql, parameters)
        assert any("COVERING INDEX ix_event_clerk_at" in step for step in plan), plan
