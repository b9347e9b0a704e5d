"""Parcels search: a phone typed as the screens show it (`183****1531`) finds the parcels showing it.

A clerk types what they read off a list. The masked form finds the parcels whose tail is its last 4 and
whose shown phone starts with its first digits; stars and a tail alone, every phone ending so. A full
number finds every parcel that came with it. All through the phone tail's index, never a read of the
whole table, and nothing the tail alone would not find.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from shelf_helpers import place, wb
from sqlalchemy import event
from sqlmodel import Session

from db.models import Parcel
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.shelves import text_match
from station_console.services.shelves.search import Query, search


@pytest.fixture
def phones(station: Station) -> Station:
    place(station, wb(1), "1-1", phone="18312341531")
    place(station, wb(2), "1-2", phone="13912341531")  # the same tail, another number
    place(station, wb(3), "2-1", phone="18399995678")
    place(station, wb(4), "2-2", phone="18312341531", status="picked_up")
    return station


def found(station: Station, text: str) -> list[str]:
    return [r.waybill for r in search(station, Query(text=text)).rows]


@pytest.mark.parametrize(
    "typed",
    ["183****1531", "183＊＊＊＊1531", "183 **** 1531", "183-****-1531", "183••••1531", "183xxxx1531"],
)
def test_a_masked_mobile_as_shown_finds_its_parcels_and_only_them(phones: Station, typed: str) -> None:
    assert found(phones, typed) == [wb(4), wb(1)]  # newest first, the one picked up too


def test_the_masked_form_finds_no_more_than_the_tail(phones: Station) -> None:
    assert set(found(phones, "139****1531")) == {wb(2)}
    assert set(found(phones, "183****1531")) < set(found(phones, "1531"))
    assert found(phones, "183****0000") == [] and found(phones, "150****1531") == []


def test_privacy_and_virtual_numbers_are_found_by_the_form_the_screen_shows(station: Station) -> None:
    """A privacy waybill's masked phone has no full number; a virtual number's tail is its extension's."""
    private = check_in(station, "JT0000000000011", phone="138****5678")
    virtual = check_in(station, "JT0000000000012", phone="17012345678-8462")
    rows = {r.waybill: r.masked_phone for r in search(station, Query()).rows}
    assert rows == {"JT0000000000011": "138****5678", "JT0000000000012": "170****5678-8462"}
    assert [r.id for r in search(station, Query(text="138****5678")).rows] == [private.parcel_id]
    assert [r.id for r in search(station, Query(text="170****5678-8462")).rows] == [virtual.parcel_id]
    assert found(station, "170****5678") == []  # its tail is 8462: not the parcel it shows


_WHOLE_TABLE = re.compile(r"^SCAN parcel$")


def shows(station: Station, parcel_id: int, *, full: str | None, masked: str, purged: bool = False) -> None:
    """The parcel's phone as stored: its full number never given (None), or `purged`, the form it shows."""

    def work(session: Session) -> None:
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None
        parcel.phone_full, parcel.masked_phone, parcel.phone_tail = full, masked, masked[-4:]
        if purged:
            parcel.phone_full, parcel.phone_purged_at = None, station.now()
        session.add(parcel)

    station.run(work)


@pytest.mark.parametrize("typed", ["****1531", "＊＊＊＊1531", "*1531", "***1531", "••••1531", "xxxx1531"])
def test_stars_then_a_tail_find_every_phone_ending_so(phones: Station, typed: str) -> None:
    """A mobile shows as `183****1531`: stars and a tail alone mean "ending 1531", the tail's parcels."""
    only_tail = place(phones, wb(5), "3-1", phone=None)
    shows(phones, only_tail, full=None, masked="****1531")
    assert found(phones, typed) == found(phones, "1531") == [wb(5), wb(4), wb(2), wb(1)]
    assert found(phones, typed.replace("1531", "5678")) == [wb(3)]


def test_stars_then_a_virtual_number_find_only_that_extension(station: Station) -> None:
    virtual = check_in(station, "JT0000000000012", phone="17012345678-8462")
    place(station, wb(1), "1-1", phone="13900008462")  # the extension's tail, another phone
    assert [r.id for r in search(station, Query(text="****5678-8462")).rows] == [virtual.parcel_id]


def test_a_full_phone_finds_every_parcel_of_it_however_old(
    station: Station, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the first page, past the recent parcels it reads for a waybill's tail, and those that never
    had a full number (a privacy waybill's) by the form they show, as pickup finds them; never another
    number with the tail."""
    old = clock.now - timedelta(days=200)
    private = place(station, wb(1), "1-1", phone="18312341531", status="picked_up", at=old)
    shows(station, private, full=None, masked="183****1531")
    place(station, wb(2), "1-1", phone="18312341531", status="picked_up", at=old + timedelta(days=50))
    other = place(station, wb(3), "1-2", phone="13912341531", status="picked_up", at=old)
    shows(station, other, full=None, masked="139****1531")
    place(station, wb(4), "1-2", phone="13912341531", status="picked_up", at=old)
    for n in range(5, 10):
        place(station, wb(n), "2-1", phone=f"1380000{n:04d}")
    place(station, wb(10), "2-2", phone="18312341531")
    monkeypatch.setattr(text_match, "RECENT_IDS", 2)
    for typed in ("18312341531", "+86 183-1234-1531", "0086 18312341531"):
        page = search(station, Query(text=typed))
        assert [r.waybill for r in page.rows] == [wb(10), wb(2), wb(1)], typed
        assert page.next_before_id is None and not page.recent_only
    assert found(station, "13912341531") == [wb(4), wb(3)]


def test_a_full_phone_leaves_out_parcels_whose_number_was_purged(station: Station, clock) -> None:
    """13812341531 listed 13899991531's old parcel: purged, it shows `138****1531` as every number with
    that start and tail does. The purge ended what tied a parcel to a number: a full number no longer
    finds it, its own or another's. Typed as it shows, the masked form still finds both."""
    old = clock.now - timedelta(days=200)
    theirs = place(station, wb(1), "1-1", phone="13899991531", status="picked_up", at=old)
    shows(station, theirs, full="13899991531", masked="138****1531", purged=True)
    own_purged = place(station, wb(2), "1-1", phone="13812341531", status="picked_up", at=old)
    shows(station, own_purged, full="13812341531", masked="138****1531", purged=True)
    place(station, wb(3), "1-2", phone="13812341531")
    private = place(station, wb(4), "1-2", phone=None)  # a privacy waybill's: never had a number
    shows(station, private, full=None, masked="138****1531")
    assert found(station, "13812341531") == [wb(4), wb(3)]
    assert found(station, "138****1531") == [wb(4), wb(3), wb(2), wb(1)]


def test_a_masked_phone_finds_the_phones_matching_its_digits_at_both_ends(
    phones: Station, station: Station
) -> None:
    """Masks show 2 or 3 digits in front (a privacy waybill's as printed: `83****1531`, `18****1531`):
    typed, a form finds the phones that start with its digits in front and end with its tail, whatever
    form the parcel shows; no other tail, and no virtual number whose extension is the tail."""
    private = place(phones, wb(5), "3-1", phone=None)
    shows(phones, private, full=None, masked="18****1531")
    foreign = place(phones, wb(6), "3-2", phone=None)
    shows(phones, foreign, full=None, masked="83****1531")
    purged = place(phones, wb(7), "3-3", phone=None)
    shows(phones, purged, full="18312341531", masked="183****1531", purged=True)
    virtual = check_in(station, "JT0000000000012", phone="17012345678-8462")
    assert found(phones, "18****1531") == [wb(7), wb(5), wb(4), wb(1)]
    assert found(phones, "183****1531") == [wb(7), wb(4), wb(1)]  # `18****` may be 183 or not: left out
    assert found(phones, "83****1531") == found(phones, "8****1531") == [wb(6)]
    assert found(phones, "1831****1531") == [wb(4), wb(1)]  # by the number: a screen shows three digits
    assert found(phones, "1****1531") == [wb(7), wb(5), wb(4), wb(2), wb(1)]
    assert found(phones, "13****5678") == [] and found(phones, "18****0000") == []
    assert found(phones, "17****8462") == [] and found(phones, "1701****8462") == []
    assert [r.id for r in search(phones, Query(text="17****5678-8462")).rows] == [virtual.parcel_id]
    assert [r.id for r in search(phones, Query(text="1701****5678-8462")).rows] == [virtual.parcel_id]


def test_a_virtual_number_typed_whole_finds_its_parcels(station: Station) -> None:
    """Its extension is the tail; a relay number alone is many customers' and names none of them."""
    first = check_in(station, "JT0000000000012", phone="17012345678-8462")
    check_in(station, "JT0000000000013", phone="17012345678-0001")
    place(station, wb(1), "1-1", phone="13900008462")
    assert [r.id for r in search(station, Query(text="17012345678-8462")).rows] == [first.parcel_id]
    assert [r.id for r in search(station, Query(text="17012345678#8462")).rows] == [first.parcel_id]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("typed", ["183****1531", "****1531", "18312341531"])
def test_a_phone_is_found_through_the_phone_tail_index(phones: Station, typed: str) -> None:
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((sql, parameters))

    event.listen(phones.engine, "before_cursor_execute", listen)
    try:
        search(phones, Query(text=typed))
    finally:
        event.remove(phones.engine, "before_cursor_execute", listen)
    path = phones.engine.url.database
    assert path is not None
    plans: list[str] = []
    with sqlite3.connect(path) as conn:
        for sql, parameters in seen:
            if sql.lstrip().upper().startswith("SELECT") and "FROM parcel" in sql:
                plans += [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]
    assert plans and not [p for p in plans if _WHOLE_TABLE.match(p)], plans
    assert any("ix_parcel_phone_tail_status" in p for p in plans), plans


@pytest.mark.parametrize("waybill", ["10992559900", "12345678903", "13812345606"])
def test_an_eleven_digit_waybill_starting_with_1_is_found_whole_as_well_as_a_phone(
    station: Station, waybill: str
) -> None:
    """DHL Express waybills are 10 or 11 digits: one starting with 1 was read only as a phone number, so
    the parcel was never found by its own waybill typed whole (`10992559900` is not even a mobile)."""
    place(station, waybill, "1-1", carrier="DHL", phone="15900001111")
    place(station, wb(2), "1-2", phone=waybill if waybill[1] in "3456789" else "13812345678")
    expected = [wb(2), waybill] if waybill[1] in "3456789" else [waybill]
    assert found(station, waybill) == expected
