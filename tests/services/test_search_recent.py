"""A waybill-tail search's first page reads the shelves and recent parcels only, in order.

No index finds a waybill by its last digits: the first page reads the newest `RECENT_IDS` parcels by id
range, and below them only what an index finds (parcels on the shelves, the whole waybill). Its rows
stay a newest-first run of the whole answer; the next page reads the older history. A search with
dates reads its days whole instead, through the business-day index, unless they hold more than
`DATED_PARCELS` parcels.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
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


def plans_of(station: Station, query: Query, before_id: int | None = None) -> list[str]:
    """SQLite's query plan of every parcel read `search` makes for `query`."""
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((sql, parameters))

    event.listen(station.engine, "before_cursor_execute", listen)
    try:
        search(station, query, before_id=before_id)
    finally:
        event.remove(station.engine, "before_cursor_execute", listen)
    path = station.engine.url.database
    assert path is not None
    plans: list[str] = []
    with sqlite3.connect(path) as conn:
        for sql, parameters in seen:
            if sql.lstrip().upper().startswith("SELECT") and "parcel" in sql:
                plans += [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]
    return plans


@pytest.mark.sqlite_only
def test_a_first_page_by_tail_never_reads_the_whole_parcel_table(
    history: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_match, "RECENT_IDS", 5)
    plans = plans_of(history, Query(text=TAIL))
    assert not [p for p in plans if _WHOLE_TABLE.match(p)], plans
    assert any("INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in p or "(rowid>?)" in p for p in plans), plans
    assert any("ix_parcel_status_checked_in" in p for p in plans), plans


@pytest.mark.sqlite_only
def test_an_older_page_by_tail_reads_the_waybill_index_not_the_table(
    history: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F8 on a tail walked every parcel below the first page (about 270 ms at the bench's 1,000,000):
    the parcels holding the text come off the waybill index, a twentieth of the table, and only they are
    read. Many of them, the page walks the table as before (they fill it soon); the pages are the same."""
    monkeypatch.setattr(text_match, "RECENT_IDS", 5)
    first = search(history, Query(text=TAIL), limit=50)
    assert first.recent_only and first.next_before_id is not None
    plans = plans_of(history, Query(text=TAIL), before_id=first.next_before_id)
    assert any("COVERING INDEX uq_parcel_waybill_on_shelf" in p for p in plans), plans
    assert not [p for p in plans if _WHOLE_TABLE.match(p) or "(rowid<?)" in p], plans
    everything = waybills(pages(history, TAIL, 2))
    assert len(everything) == 10
    for many in (0, 3):  # every candidate past the limit: the walk
        monkeypatch.setattr(text_match, "OLDER_CANDIDATES", many)
        assert waybills(pages(history, TAIL, 2)) == everything, many


@pytest.mark.sqlite_only
def test_a_dated_first_page_reads_its_days_by_their_index(
    history: Station,
    clock,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(text_match, "RECENT_IDS", 5)
    today = history.business_day(clock.now)
    days = Query(text=TAIL, since=today - timedelta(days=35), until=today - timedelta(days=30))
    plans = plans_of(history, days)
    assert not [p for p in plans if _WHOLE_TABLE.match(p) or "parcel USING INTEGER PRIMARY KEY" in p], plans
    # Counted from the index alone, then read through it: neither the shelves nor the recent parcels.
    assert any("COVERING INDEX ix_parcel_day_carrier" in p for p in plans), plans
    assert any(re.match(r"SEARCH parcel USING INDEX ix_parcel_day_carrier", p) for p in plans), plans
    assert not any("ix_parcel_status_checked_in" in p for p in plans), plans


def old_and_recent(station: Station, clock) -> date:  # type: ignore[no-untyped-def]
    """One parcel ending in 99881, 90 days old and gone, under eight recent ones: its business day."""
    place(station, "JT0000000099881", "1-1", status="picked_up", at=clock.now - timedelta(days=90))
    for n in range(8):
        place(station, f"JT00000001{n:05d}", "1-2", at=clock.now - timedelta(days=8 - n))
    return search(station, Query(text="JT0000000099881")).rows[0].business_day


@pytest.mark.parametrize("since_days, until_days", [(-1, 1), (-1, None), (None, 1)])
def test_a_tail_in_old_dates_is_found_on_the_first_page(
    station: Station,
    clock,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    since_days: int | None,
    until_days: int | None,
) -> None:
    """Dates given to look at old parcels: the first page reads those days, not the recent parcels,
    and says nothing of older ones (an empty page "recent only" had the match on the next)."""
    day = old_and_recent(station, clock)
    monkeypatch.setattr(text_match, "RECENT_IDS", 5)
    query = Query(
        text="99881",
        since=None if since_days is None else day + timedelta(days=since_days),
        until=None if until_days is None else day + timedelta(days=until_days),
    )
    first = search(station, query)
    assert [r.waybill for r in first.rows] == ["JT0000000099881"]
    assert not first.recent_only and first.next_before_id is None


def test_recent_dates_read_whole_say_nothing_of_older_parcels(
    history: Station,
    clock,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """The last twelve days hold one match (11 days old): the page is the whole answer, not "recent
    only" (it read down to the old parcel on the shelves, then said older ones may match)."""
    monkeypatch.setattr(text_match, "RECENT_IDS", 5)
    today = history.business_day(clock.now)
    first = search(history, Query(text=TAIL, since=today - timedelta(days=12), until=today))
    assert [r.waybill for r in first.rows] == [f"JT00000029{TAIL}"]
    assert not first.recent_only and first.next_before_id is None


def test_days_holding_more_than_the_dated_read_keep_the_recent_bound(
    station: Station,
    clock,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    day = old_and_recent(station, clock)
    monkeypatch.setattr(text_match, "RECENT_IDS", 5)
    monkeypatch.setattr(text_match, "DATED_PARCELS", 3)
    query = Query(text="99881", since=day - timedelta(days=1))  # the old parcel and the 8 recent ones
    first = search(station, query)
    assert first.rows == [] and first.recent_only and first.next_before_id is not None
    older = search(station, query, before_id=first.next_before_id)
    assert [r.waybill for r in older.rows] == ["JT0000000099881"] and older.next_before_id is None
    # Days within the limit are read whole.
    monkeypatch.setattr(text_match, "DATED_PARCELS", 9)
    assert [r.waybill for r in search(station, query).rows] == ["JT0000000099881"]


def test_paging_through_dates_keeps_every_match_once_in_order(
    history: Station,
    clock,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    today = history.business_day(clock.now)
    since, until = today - timedelta(days=35), today - timedelta(days=5)

    def dated(limit: int) -> list[str]:
        found = [search(history, Query(text=TAIL, since=since, until=until), limit=limit)]
        while found[-1].next_before_id is not None:
            before = found[-1].next_before_id
            query = Query(text=TAIL, since=since, until=until)
            found.append(search(history, query, limit=limit, before_id=before))
        assert not [page for page in found if page.recent_only]
        return waybills(found)

    everything = dated(50)
    assert len(everything) == 9  # of the ten, all but the oldest (38 days old)
    monkeypatch.setattr(text_match, "RECENT_IDS", 4)
    for limit in (1, 2, 3, 50):
        assert dated(limit) == everything, limit
