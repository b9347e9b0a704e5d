"""Audit trail: the hash chain catches an edited, a deleted (middle and last) and a reordered event."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from db.models import EventKind, ParcelEvent
from station_console.errors import NotFound
from station_console.services.checkin.transaction import check_in
from station_console.services.core import audit
from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.people import audit_trail as auditlog
from station_console.services.people import clerks

if TYPE_CHECKING:
    from conftest import FakeClock


WAYBILLS = ["SF1234567890123", "JT1234567890123", "YT1234567890123", "SF1234567890124", "JT1234567890124"]


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests make their own clerks, from the first manager on."""
    return new_station


@pytest.fixture
def busy(station: Station, clock: FakeClock) -> Station:
    """A manager and a clerk, five check-ins: eight chained events."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    for waybill in WAYBILLS:
        clock.advance(minutes=3)
        check_in(station, waybill, phone="13812345678")
    return station


def _ids(station: Station) -> list[int]:
    with station.read() as session:
        return [
            i
            for i in session.exec(select(ParcelEvent.id).order_by(col(ParcelEvent.id))).all()
            if i is not None
        ]


def _sql(station: Station, statement: str, **params: object) -> None:
    with station.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_an_untouched_chain_verifies(busy: Station) -> None:
    result = auditlog.verify(busy)
    assert result.ok and result.checked == 8 and result.first_bad_id is None
    assert result.message() == "ok 8 events; 0 day closes hold (0 sealed here, 0 anchored)"


def test_an_empty_chain_verifies(station: Station) -> None:
    assert auditlog.verify(station).ok


def test_an_edited_event_is_named(busy: Station) -> None:
    target = _ids(busy)[4]
    _sql(busy, "UPDATE parcel_event SET details = :d WHERE id = :id", d='{"waybill": "FORGED"}', id=target)
    result = auditlog.verify(busy)
    assert (result.ok, result.first_bad_id, result.reason, result.checked) == (False, target, "edited", 4)
    assert str(target) in result.message()


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(busy: Station) -> None:
    ids = _ids(busy)
    with busy.write() as session:
        event = session.get(ParcelEvent, ids[3])
        assert event is not None
        event.details = {**event.details, "shelf": "9"}
        event.hash = auditlog.event_hash(event, event.prev_hash)
        session.add(event)
    result = auditlog.verify(busy)
    assert (result.ok, result.first_bad_id, result.reason) == (False, ids[4], "broken_link")


def test_a_changed_clerk_or_time_is_caught(busy: Station) -> None:
    ids = _ids(busy)
    _sql(busy, "UPDATE parcel_event SET clerk_id = NULL WHERE id = :id", id=ids[6])
    assert auditlog.verify(busy).first_bad_id == ids[6]
    _sql(busy, "UPDATE parcel_event SET at = '2026-01-01 00:00:00.000000' WHERE id = :id", id=ids[2])
    assert auditlog.verify(busy).first_bad_id == ids[2]


def test_a_deleted_middle_event_names_the_one_after_it(busy: Station) -> None:
    ids = _ids(busy)
    _sql(busy, "DELETE FROM parcel_event WHERE id = :id", id=ids[5])
    result = auditlog.verify(busy)
    assert (result.ok, result.first_bad_id, result.reason) == (False, ids[6], "broken_link")


def test_a_deleted_first_event_is_caught(busy: Station) -> None:
    ids = _ids(busy)
    _sql(busy, "DELETE FROM parcel_event WHERE id = :id", id=ids[0])
    assert auditlog.verify(busy).first_bad_id == ids[1]


def test_a_deleted_last_event_disagrees_with_the_head(busy: Station) -> None:
    ids = _ids(busy)
    _sql(busy, "DELETE FROM parcel_event WHERE id = :id", id=ids[-1])
    result = auditlog.verify(busy)
    assert (result.ok, result.first_bad_id, result.reason, result.checked) == (
        False,
        ids[-1],
        "head_mismatch",
        7,
    )


def test_reordered_events_are_caught(busy: Station) -> None:
    ids = _ids(busy)
    a, b = ids[2], ids[3]
    # Swap the two rows' ids (through a free id), as a hand edit reordering them would.
    _sql(busy, "UPDATE parcel_event SET id = -1 WHERE id = :a", a=a)
    _sql(busy, "UPDATE parcel_event SET id = :a WHERE id = :b", a=a, b=b)
    _sql(busy, "UPDATE parcel_event SET id = :b WHERE id = -1", b=b)
    result = auditlog.verify(busy)
    assert (result.ok, result.first_bad_id, result.reason) == (False, a, "broken_link")


def test_verify_reads_in_batches(busy: Station, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auditlog, "_BATCH", 3)
    assert auditlog.verify(busy).checked == 8
    ids = _ids(busy)
    _sql(busy, "UPDATE parcel_event SET counter = 'x' WHERE id = :id", id=ids[7])
    assert auditlog.verify(busy).first_bad_id == ids[7]


def test_parcel_timeline_lists_its_events_with_clerk_and_counter(busy: Station, clock: FakeClock) -> None:
    from station_console.services.checkin.transaction import undo_last

    undo_last(busy)
    entries = auditlog.parcel_timeline(busy, "jt 1234567890124")  # normalised like a scan
    assert [e.kind for e in entries] == [EventKind.CHECKED_IN, EventKind.CHECKIN_UNDONE]
    assert {e.clerk for e in entries} == {"Wang"} and {e.counter for e in entries} == {"test-counter"}
    assert entries[0].waybill == "JT1234567890124"
    assert "13812345678" not in str([e.to_json() for e in entries])
    with pytest.raises(NotFound):
        auditlog.parcel_timeline(busy, "SF9999999999999")


def test_clerk_activity_counts_what_each_clerk_did(busy: Station, clock: FakeClock) -> None:
    clerks.sign_in(busy, "Li", "1357")
    check_in(busy, "YT1234567890999", phone="5678")
    wang = auditlog.clerk_activity(busy, "Wang")
    # Creating the first manager is done by nobody (no one could sign in yet); adding Li is Wang's.
    assert wang.counts == {"checked_in": 5, "clerk_changed": 1, "signed_in": 1}
    li = auditlog.clerk_activity(busy, "li", day=busy.business_day())
    assert li.counts == {"checked_in": 1, "signed_in": 1}
    assert li.entries[0].kind == EventKind.CHECKED_IN  # newest first
    assert auditlog.clerk_activity(busy, "Li", day=date(2026, 11, 24)).counts == {}


def test_each_counter_writes_its_own_chain(busy: Station, clock: FakeClock) -> None:
    other = replace(busy, counter="counter-2", _cached=None)
    for n, waybill in enumerate(["SF2234567890123", "JT2234567890123", "YT2234567890123"]):
        clock.advance(minutes=1)
        check_in(other if n % 2 == 0 else busy, waybill, phone="13812345678")
    with busy.read() as session:
        events = session.exec(select(ParcelEvent).order_by(col(ParcelEvent.id))).all()
    by_chain: dict[str | None, list[ParcelEvent]] = {}
    for event in events:
        by_chain.setdefault(event.chain, []).append(event)
    assert set(by_chain) == {busy.counter, "counter-2"}
    for chain in by_chain.values():  # each links to the one before it in its own chain only
        assert [e.prev_hash for e in chain] == ["", *(e.hash for e in chain[:-1])]
    assert auditlog.verify(busy).ok


def test_a_deleted_last_event_of_one_counter_disagrees_with_its_head(busy: Station, clock: FakeClock) -> None:
    other = replace(busy, counter="counter-2", _cached=None)
    check_in(other, "SF2234567890123", phone="13812345678")
    clock.advance(minutes=1)
    check_in(busy, "JT2234567890123", phone="13812345678")
    with busy.read() as session:
        gone = session.exec(select(ParcelEvent.id).where(ParcelEvent.chain == "counter-2")).one()
    _sql(busy, "DELETE FROM parcel_event WHERE id = :id", id=gone)
    result = auditlog.verify(busy)
    assert not result.ok and result.reason == "head_mismatch" and result.first_bad_id == gone


def test_events_from_before_chains_per_counter_keep_their_one_chain(busy: Station, clock: FakeClock) -> None:
    # As the migration leaves an older database: its events in one chain without a name, its head "".
    _sql(busy, "UPDATE parcel_event SET chain = NULL")
    _sql(busy, "DELETE FROM audit_head WHERE chain = ''")
    _sql(busy, "UPDATE audit_head SET chain = '' WHERE chain = :c", c=busy.counter)
    assert auditlog.verify(busy).ok
    clock.advance(minutes=1)
    check_in(busy, "SF2234567890123", phone="13812345678")  # starts this counter's own chain
    result = auditlog.verify(busy)
    assert result.ok and result.checked == 9
    last = _ids(busy)[-1]
    _sql(busy, "UPDATE parcel_event SET chain = NULL WHERE id = :id", id=last)  # moved into the old chain
    assert auditlog.verify(busy).reason == "broken_link"


def test_two_processes_of_one_counter_extend_its_chain_without_forking(
    busy: Station, clock: FakeClock
) -> None:
    # Each Station remembers its own last head; the other's writes make that memory stale every time.
    console, command = busy, replace(busy, _cached=None)
    for n, waybill in enumerate(["SF2234567890123", "JT2234567890123", "YT2234567890123", "SF2234567890124"]):
        clock.advance(minutes=1)
        check_in(console if n % 2 == 0 else command, waybill, phone="13812345678")
    with busy.read() as session:
        events = session.exec(select(ParcelEvent).order_by(col(ParcelEvent.id))).all()
    assert [e.prev_hash for e in events] == ["", *(e.hash for e in events[:-1])]
    result = auditlog.verify(busy)
    assert result.ok and result.checked == 12


def test_chain_heads_name_every_chain_with_its_newest_event_and_count(
    busy: Station, clock: FakeClock
) -> None:
    other = replace(busy, counter="counter-2", _cached=None)
    clock.advance(minutes=1)
    check_in(other, "SF2234567890123", phone="13812345678")
    with busy.read() as session:
        heads = audit.chain_heads(session)
        events = session.exec(select(ParcelEvent).order_by(col(ParcelEvent.id))).all()
    mine = [e for e in events if e.chain == busy.counter]
    theirs = [e for e in events if e.chain == "counter-2"]
    assert heads == {
        busy.counter: {"id": mine[-1].id, "hash": mine[-1].hash, "count": len(mine)},
        "counter-2": {"id": theirs[-1].id, "hash": theirs[-1].hash, "count": 1},
    }


def test_an_events_hash_is_the_sha256_of_its_canonical_json() -> None:
    """The text every stored chain was hashed over (sorted keys, no spaces, UTF-8 as it is, a value
    JSON has no form for as its text), so chains written before still verify."""
    at = datetime(2026, 11, 25, 2, 3, 4, 5, tzinfo=UTC)
    details = {"shelf": "冷柜", "waybill": "SF1234567890123", "when": date(2026, 11, 25), "n": [1, None]}
    body = {
        "at": "2026-11-25T02:03:04.000005+00:00",
        "business_day": "2026-11-25",
        "clerk_id": 7,
        "counter": "柜台-1",
        "details": details,
        "kind": "checked_in",
        "parcel_id": 42,
        "prev_hash": "ab" * 32,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    assert '"shelf":"冷柜"' in text and '"when":"2026-11-25"' in text
    assert (
        audit._hash(
            parcel_id=42,
            kind="checked_in",
            at=at,
            business_day=date(2026, 11, 25),
            clerk_id=7,
            counter="柜台-1",
            details=details,
            prev_hash="ab" * 32,
        )
        == hashlib.sha256(text.encode()).hexdigest()
    )


def test_a_clerks_day_after_an_early_close_is_the_next_business_day(busy: Station, clock: FakeClock) -> None:
    """Work after a close belongs to the next business day, and so does a clerk's activity 'today'
    (Ctrl+T): it read the calendar day, so after an evening close it showed none of the evening's work
    and the closed day kept it."""
    closed = busy.business_day()
    clock.advance(minutes=1)
    close_day(busy, closed, early=True)
    clock.advance(minutes=1)
    check_in(busy, "YT1234567890999", phone="5678")
    today = busy.business_day()
    assert today == closed + timedelta(days=1)

    def kinds(day: date) -> dict[str, int]:
        with busy.read() as session:
            rows = session.exec(
                select(ParcelEvent.kind).where(
                    ParcelEvent.business_day == day, col(ParcelEvent.clerk_id).is_not(None)
                )
            ).all()
        return {kind: rows.count(kind) for kind in sorted(set(rows))}

    assert auditlog.clerk_activity(busy, "Wang", day=today).counts == kinds(today) == {"checked_in": 1}
    assert auditlog.clerk_activity(busy, "Wang", day=closed).counts == kinds(closed)
