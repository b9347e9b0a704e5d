"""Parcels mode: search by any field over the whole history, keyset paging, timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from shelf_helpers import place, wb

from station_console.errors import NotFound
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.services.shelves.moves import move_parcel
from station_console.services.shelves.search import Query, normalise_code, search, timeline


@pytest.fixture
def history(station: Station, clock) -> Station:
    place(station, wb(1), "1-1", phone="13800001111", at=clock.now - timedelta(days=3))
    place(station, wb(2), "1-2", phone="13900002222", status="picked_up", at=clock.now - timedelta(days=2))
    place(station, "SF1234567890123", "2-1", carrier="SF", phone="13700001111")
    place(station, wb(4), "2-2", phone=None)
    return station


def found(station: Station, **fields) -> list[str]:
    return [r.waybill for r in search(station, Query(**fields)).rows]


def test_search_by_each_field(history: Station, clock) -> None:
    assert found(history, text=wb(1)) == [wb(1)]
    assert found(history, text="1111") == ["SF1234567890123", wb(1)]  # phone tail, newest first
    assert found(history, text="13900002222") == [wb(2)]
    assert found(history, carrier="sf") == ["SF1234567890123"]
    assert found(history, status="picked_up") == [wb(2)]
    assert found(history, text=wb(1)[-6:]) == [wb(1)]  # a waybill's tail
    today = clock.now.date()
    assert found(history, since=today - timedelta(days=2), until=today - timedelta(days=2)) == [wb(2)]
    assert found(history, shelf="2") == [wb(4), "SF1234567890123"]
    row = search(history, Query(waybill=wb(1))).rows[0]
    assert found(history, text="１－１－" + str(row.pickup_code).split("-")[2]) == [wb(1)]  # full-width code
    assert found(history, code=row.pickup_code) == [wb(1)]
    assert row.masked_phone == "138****1111" and "13800001111" not in str(row.to_json())


def test_problem_parcels_are_flagged_in_results(history: Station) -> None:
    problems.mark(history, wb(4), "damaged", "wet corner")
    assert found(history, problems_only=True) == [wb(4)]
    assert search(history, Query(text=wb(4))).rows[0].problem_kind == "damaged"


def test_keyset_paging_walks_the_whole_history(station: Station) -> None:
    for n in range(7):
        place(station, wb(n), "3-1")
    seen: list[str] = []
    before = None
    while True:
        page = search(station, Query(), limit=3, before_id=before)
        seen += [r.waybill for r in page.rows]
        if page.next_before_id is None:
            break
        before = page.next_before_id
    assert seen == [wb(n) for n in reversed(range(7))]


def test_timeline_lists_the_parcels_events(history: Station) -> None:
    move_parcel(history, wb(1), "3-3")
    problems.mark(history, wb(1), "refused", "customer refused")
    t = timeline(history, wb(1))
    assert [e.kind for e in t.events] == ["moved", "problem_marked"]
    assert t.parcel.location == "3-3" and t.events[0].counter == "test-counter"
    with pytest.raises(NotFound):
        timeline(history, wb(99))


def test_normalise_code() -> None:
    assert normalise_code("６－５－３００２") == "6-5-3002"
    assert normalise_code(" 6 — 05 — 3002 ") == "6-5-3002"
    assert normalise_code("ov-1-1001") == "OV-1-1001"
