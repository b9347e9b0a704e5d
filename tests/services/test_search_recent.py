"""A waybill-tail search's first page reads the shelves and recent parcels only, in order.

No index finds a waybill by its last digits: the first page reads the newest `RECENT_IDS` parcels by id
range, and below them only what an index finds (parcels on the shelves, the whole waybill). Its rows
stay a newest-first run of the whole answer; the next page reads the older history.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from shelf_helpers import place
from sqlalchemy import event

from station_console.services.core.station import Station
from station_console.services.shelves import text_match
from station_console.services.shelves.search import Page, Query, search

TAIL = "77123"


@pytest.fixture
def history(station: Station, clock) -> Station:
    """Ten parcels ending in TAIL (ids oldest first) between others: 1 on the shelves and old, the
    rest gone, and the newest one on the shelves."""
    old = clock.now - timedelta(days=40)
    for n in range(30):
        status = "on_shelf" if n in (2, 29) else "picked_up"
        tail = TAIL if n % 3 == 2 else f"{n:05d}"
        place(station, f"JT00000{n:03d}{tail}", f"1-{n % 3 + 1}", status=status, at=old + timedelta(days=n))
    return station


def pages(station: Station, text: str, limit: int) -> list[Page]:
    out = [search(station, Query(text=text), limit=limit)]
    while out[-1].next_before_id is not None:
        out.append(search(station, Query(text=text), limit=limit, before_id=out[-1].next_before_id))
    return out


def waybills(found: list[Page]) -> list[str]:
    return [row.waybill for page in found for row in page.rows]


def test_without_the_bound_a_tail_finds_every_match_on_one_page(history: Station) -> None:
    (page,) = pages(history, TAIL, 50)
    assert len(page.rows) == 10 and not page.recent_only
    assert [r.id for r in page.rows] == sorted((r.id for r in page.rows), reverse=True)


def test_the_first_page_reads_recent_parcels_and_the_shelves_then_the_history(
    history: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = waybills(pages(history, TAIL, 50))
    monkeypatch.setattr(text_match, "RECENT_IDS", 5)
    first, *older = pages(history, TAIL, 50)
    # Down to the parcel on the shelves from 40 days ago, the oldest match: every match, in order.
    assert [r.waybill for r in first.rows] == everything and first.rows[-1].status == "on_shelf"
    assert first.recent_only and first.next_before_id == first.rows[-1].id
    assert [page.rows for page in older] == [[]]


def test_a_tail_matching_only_old_parcels_is_found_on_the_next_page(
    station: Station, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, "JT0000000099881", "1-1", status="picked_up", at=clock.now - timedelta(days=90))
    for n in range(8):
        place(station, f"JT00000001{n:05d}", "1-2", at=clock.now - timedelta(days=8 - n))
    monkeypatch.setattr(text_match, "RECENT_IDS", 5)
    first = search(station, Query(text="99881"))
    assert first.rows == [] and first.recent_only and first.next_before_id is not None
    older = search(station, Query(text="99881"), before_id=first.next_before_id)
    assert [r.waybill for r in older.rows] == ["JT0000000099881"] and older.next_before_id is None
    # The whole waybill is found on the first page however old it is.
    assert [r.waybill for r in search(station, Query(text="JT0000000099881")).rows] == ["JT0000000099881"]


def test_paging_across_the_recent_boundary_keeps_every_match_once_in_order(
    history: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = waybills(pages(history, TAIL, 50))
    monkeypatch.setattr(text_match, "RECENT_IDS", 4)
    for limit in (1, 2, 3, 50):
        assert waybills(pages(history, TAIL, limit)) == everything, limit


def test_a_page_full_within_the_recent_parcels_pages_on_by_its_last_row(
    history: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_match, "RECENT_IDS", 20)
    first = search(history, Query(text=TAIL), limit=2)
    assert len(first.rows) == 2 and first.next_before_id == first.rows[-1].id and not first.recent_only


_WHOLE_TABLE = re.compile(r"^SCAN parcel$")


@pytest.mark.sqlite_only
def test_a_first_page_by_tail_never_reads_the_whole_parcel_table(
    history: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_match, "RECENT_IDS", 5)
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((sql, parameters))

    event.listen(history.engine, "before_cursor_execute", listen)
    try:
        search(history, Query(text=TAIL))
    finally:
        event.remove(history.engine, "before_cursor_execute", listen)
    path = history.engine.url.database
    assert path is not None
    plans: list[str] = []
    with sqlite3.connect(path) as conn:
        for sql, parameters in seen:
            if sql.lstrip().upper().startswith("SELECT") and "parcel" in sql:
                plans += [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]
    assert not [p for p in plans if _WHOLE_TABLE.match(p)], plans
    assert any("INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in p or "(rowid>?)" in p for p in plans), plans
    assert any("ix_parcel_status_checked_in" in p for p in plans), plans
