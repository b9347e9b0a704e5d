"""The Problems list reads the flagged parcels from their own index: never every parcel, nor every parcel
on the shelves or every one that left.

It lists flagged parcels on the shelves and parcels that left carrying a stocktake's flag; written as
an OR of the two, SQLite read the whole table and sorted it (0.2 s warm, 0.6 s cold at the bench's
million parcels, where the list of parcels on the shelves alone took under 1 ms).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from shelf_helpers import place, wb
from sqlalchemy import event

from station_console.services.core.station import Station
from station_console.services.exceptions import problems

_READS_PARCEL = re.compile(r"^(?:SEARCH|SCAN) parcel\b")
_BY_THE_FLAGS = re.compile(r"^SEARCH parcel USING (?:COVERING )?INDEX ix_parcel_problem \(status=\?")
# ANALYZE's figures of the parcel table's indexes as the bench's million parcels have them.
_BENCH_FIGURES = [
    ("uq_parcel_waybill_on_shelf", "1000000 1 1"),
    ("ix_parcel_code_left", "995000 1 1"),
    ("ix_parcel_written_off_at", "485 1"),
    ("ix_parcel_returned_at", "19802 1"),
    ("ix_parcel_picked_up", "974713 1 1 1 1 1 1 1"),
    ("uq_parcel_code_on_shelf", "5000 1"),
    ("ix_parcel_status_checked_in", "1000000 250000 1"),
    ("ix_parcel_day_carrier", "1000000 5525 691 296"),
    ("ix_parcel_phone_tail_status", "1000000 100 44"),
    ("ix_parcel_layer_status", "1000000 5556 1411"),
]


def _list_reads(station: Station) -> list[tuple[str, Any]]:
    """The statements `list_problems` runs that read the parcel table for its rows."""
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((sql, parameters))

    event.listen(station.engine, "before_cursor_execute", listen)
    try:
        listed = problems.list_problems(station)
    finally:
        event.remove(station.engine, "before_cursor_execute", listen)
    assert [row.waybill for row in listed] == [wb(4), wb(2)]
    return [(sql, p) for sql, p in seen if "FROM parcel" in sql and "problem_kind IS NOT NULL" in sql]


def _with_the_bench_figures(path: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("ANALYZE")
        conn.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'parcel'")
        conn.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('parcel', ?, ?)", _BENCH_FIGURES)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("figures", ["none", "bench"])
def test_the_problems_list_reads_only_the_flagged_parcels_index(station: Station, figures: str) -> None:
    for n in (1, 2, 3):
        place(station, wb(n), "2-2")
    problems.mark(station, wb(2), "damaged", "wet")
    place(station, wb(5), "2-2", status="picked_up")  # left, no flag: not listed
    found = station.now() - timedelta(hours=1)  # found at a stocktake after it left, not put back
    place(
        station, wb(4), "2-2", status="picked_up", problem_kind="put_back", problem_note="x", problem_at=found
    )
    path = station.engine.url.database
    assert path is not None
    if figures == "bench":
        _with_the_bench_figures(path)
    reads = _list_reads(station)
    assert reads, "the flagged parcels were not read"
    with sqlite3.connect(path) as conn:  # a connection of its own: it reads sqlite_stat1 afresh
        for sql, parameters in reads:
            plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]
            reads_parcel = [step for step in plan if _READS_PARCEL.match(step)]
            assert reads_parcel, plan
            # Each case of the list (flagged on the shelves; left with a stocktake's flag) seeks its
            # entries of the flagged parcels' index: the status index would read every parcel that left.
            assert all(_BY_THE_FLAGS.match(step) for step in reads_parcel), plan
