"""Stocktake close under concurrency: another counter's close, a close refused after its check-ins, and a
scan racing the close; each leaves one outcome and nothing half-done."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy
from shelf_helpers import events, place, wb
from sqlmodel import Session, select
from station_helpers import act_as_new_clerk

from db.models import EventKind, Parcel, ParcelStatus, Role, Stocktake, StocktakeScan
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake, stocktake_close, stocktake_view

HANG = 30.0  # seconds: bounds a hang only; a loaded machine waits longer, never fails for it


def stocktake_with_extras(station: Station) -> int:
    """A manager's stocktake of 1-1 that found an unknown parcel and one recorded as picked up."""
    place(station, wb(5), "1-1", status=ParcelStatus.PICKED_UP)
    take = stocktake.start(station, "1-1")
    for raw in (wb(5), "SF1234567890123"):
        stocktake.scan(station, take.id, raw)
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    return take.id


def extras_on_shelf(session: Session) -> list[str]:
    """The waybills of 1-1's extras now on a shelf: what the close's check-ins wrote."""
    on_shelf = select(Parcel.waybill).where(Parcel.status == ParcelStatus.ON_SHELF)
    return sorted(w for w in session.exec(on_shelf).all() if w in (wb(5), "SF1234567890123"))


def checked_in_by_close(station: Station) -> list[str]:
    with station.read() as s:
        return extras_on_shelf(s)


def test_a_close_refused_because_another_counter_closed_it_leaves_nothing_checked_in(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The close's check-ins committed on their own before the close's transaction: when another counter
    had closed the stocktake meanwhile, the clerk was refused, yet both parcels stayed checked in with new
    codes, under a close that never recorded them."""
    from pickup_helpers import as_clerk

    take_id = stocktake_with_extras(station)
    other = as_clerk(station, "Wu", counter="counter-2")
    read = stocktake_close.view

    def closed_meanwhile(at: Station, stocktake_id: int) -> stocktake_view.View:
        seen = read(at, stocktake_id)  # the close's look, open; then the other counter closes it
        monkeypatch.setattr(stocktake_close, "view", read)
        stocktake_close.close(other, stocktake_id)
        return seen

    monkeypatch.setattr(stocktake_close, "view", closed_meanwhile)
    with pytest.raises(Refused, match="closed by Wu at .* while this close was being made"):
        stocktake_close.close(station, take_id, recheck_in=["SF1234567890123"], put_back=[wb(5)])
    assert checked_in_by_close(station) == [] and events(station, EventKind.CHECKED_IN) == []
    assert stocktake.view(station, take_id).result["fixes"]["rechecked"] == []  # the other counter's


def test_a_close_refused_after_its_check_ins_takes_them_back(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The close and its fixes are one transaction: its own event refused last undoes the check-ins."""
    from station_console.services.core import audit

    take_id = stocktake_with_extras(station)
    record = audit.record

    def refused_at_the_close(session: Any, station: Station, kind: str, **kw: Any) -> int:
        if kind == EventKind.STOCKTAKE_CLOSED:
            assert len(extras_on_shelf(session)) == 2  # the check-ins were written, in this transaction
            raise Refused("The day is closed", code="day_closed")
        return record(session, station, kind, **kw)

    monkeypatch.setattr(audit, "record", refused_at_the_close)
    with pytest.raises(Refused, match="The day is closed"):
        stocktake_close.close(station, take_id, recheck_in=["SF1234567890123"], put_back=[wb(5)])
    assert checked_in_by_close(station) == [] and events(station, EventKind.CHECKED_IN) == []
    assert stocktake.view(station, take_id).status == "open"


@pytest.mark.parametrize(
    "fixes",
    [{}, {"mark_missing": [wb(6)]}, {"recheck_in": ["SF1234567890123"], "put_back": [wb(5)]}],
    ids=["no-fix-accepted", "marks-missing", "checks-in-and-puts-back"],
)
def test_two_counters_closing_one_stocktake_at_once_one_closes_the_other_is_refused(
    station: Station, monkeypatch: pytest.MonkeyPatch, fixes: dict[str, list[str]]
) -> None:
    """Both closes read the stocktake open and both applied their fixes: the parcel put back twice, or
    one close failing on the other's check-in, and the stocktake closed twice. Its row is locked for the
    close: the second waits, reads it closed, and is refused in words, changing nothing."""
    from pickup_helpers import as_clerk

    take_id = stocktake_with_extras(station)
    place(station, wb(6), "1-1")  # not scanned: missing
    counters = [as_clerk(station, name, Role.MANAGER, counter=f"counter-{name}") for name in ("Wu", "Li")]
    clerk_name = {at.clerk_id: name for at, name in zip(counters, ("Wu", "Li"), strict=True)}.get
    # A close past its read goes on once the other is past its read too (nothing holds it off: both
    # apply their fixes) or has asked for the lock this one holds (SQLite's BEGIN IMMEDIATE, the row's
    # FOR NO KEY UPDATE on PostgreSQL), so reads only after this one commits. What each did, not a time
    # it took: a loaded machine only makes the wait longer.
    seen = threading.Condition()
    read: set[int] = set()
    asked_for_lock: set[int] = set()

    def asking(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        locking = "FROM stocktake " in statement and " FOR " in statement
        if statement.startswith("BEGIN IMMEDIATE") or locking:
            with seen:
                asked_for_lock.add(threading.get_ident())
                seen.notify_all()

    recheck = stocktake_close._recheck

    def after_reading(*args: Any) -> Any:
        me = threading.get_ident()
        with seen:
            read.add(me)
            seen.notify_all()
            other_on_its_way = seen.wait_for(lambda: (read | asked_for_lock) - {me}, timeout=HANG)
        assert other_on_its_way, "the other close neither read the stocktake nor asked for its lock"
        return recheck(*args)

    sqlalchemy.event.listen(station.engine, "before_cursor_execute", asking)
    monkeypatch.setattr(stocktake_close, "_recheck", after_reading)
    outcomes: list[object] = []

    def close(at: Station) -> None:
        try:
            outcomes.append(stocktake_close.close(at, take_id, **fixes))
        except Refused as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=close, args=(at,)) for at in counters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=HANG)
    sqlalchemy.event.remove(station.engine, "before_cursor_execute", asking)
    closed = [o for o in outcomes if isinstance(o, stocktake_view.View)]
    refused = [o for o in outcomes if isinstance(o, Refused)]
    assert len(closed) == 1 and len(refused) == 1, outcomes
    checked_in = [*fixes.get("recheck_in", []), *fixes.get("put_back", [])]
    done = closed[0].result["fixes"]
    assert done["marked_missing"] == fixes.get("mark_missing", []) and done["failed"] == []
    assert [r["waybill"] for r in done["rechecked"] + done["put_back"]] == checked_in
    assert len(events(station, EventKind.STOCKTAKE_CLOSED)) == 1
    # wb(5), recorded as picked up, is flagged 'found after it left' once when the close does not put it back
    not_put_back = [] if fixes.get("put_back") else [wb(5)]
    assert done["flagged_left"] == not_put_back
    assert len(events(station, EventKind.PROBLEM_MARKED)) == len(
        fixes.get("mark_missing", []) + fixes.get("put_back", []) + not_put_back
    )
    assert len(events(station, EventKind.CHECKED_IN)) == len(checked_in)  # a put-back is one too
    assert checked_in_by_close(station) == sorted(checked_in)
    (why,) = refused
    assert why.code == "stocktake_closed" and "nothing was changed" in str(why)
    assert f"closed by {clerk_name(closed_by(station, take_id))} at" in str(why)


def closed_by(station: Station, take_id: int) -> int | None:
    with station.read() as s:
        row = s.get(Stocktake, take_id)
        return row.closed_by if row else None


def scan_and_close_counters(station: Station) -> tuple[Station, Station, int, threading.Event]:
    """Stocktake of 6-5 with wb(1) scanned; wb(2) on 6-5 not yet. A clerk scanning at counter-Li, and a
    manager closing at counter-Wu; the event is set when the second of them to write finds the database
    busy (SQLite: its write waits for the first's)."""
    from pickup_helpers import as_clerk

    place(station, wb(1), "6-5")
    place(station, wb(2), "6-5")
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))
    busy = threading.Event()
    scanning = replace(as_clerk(station, "Li", Role.CLERK, counter="counter-Li"), on_busy=busy.set)
    closing = replace(as_clerk(station, "Wu", Role.MANAGER, counter="counter-Wu"), on_busy=busy.set)
    return scanning, closing, take.id, busy


def test_a_scan_arriving_while_the_close_is_written_is_refused_and_counts_nowhere(station: Station) -> None:
    """PostgreSQL: a scan made while the close was being written went into the stocktake the close was
    closing (its foreign key's lock does not wait for the close's), after the close had read its scans:
    taken, yet in no result. It waits for the close now, reads it closed and is refused in words."""
    from saves_at_once import other_save_before

    from db.engine import is_sqlite

    scanning, closing, take_id, busy = scan_and_close_counters(station)
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def scan() -> object:
        return stocktake.scan(scanning, take_id, wb(2))

    with other_save_before(closing, "UPDATE stocktake", scan, waiting) as outcome:  # the result is made
        closed = stocktake_close.close(closing, take_id)
    (refused,) = outcome
    assert isinstance(refused, Refused) and refused.code == "stocktake_closed", refused
    assert str(refused).startswith(f"Stocktake {take_id} was closed by Wu at ")
    assert str(refused).endswith("this scan was not counted.")
    assert closed.result["matched"] == [wb(1)] and closed.result["counts"]["missing"] == 1
    with station.read() as s:  # nothing of the scan was kept
        scans = s.exec(select(StocktakeScan.waybill).where(StocktakeScan.stocktake_id == take_id)).all()
    assert scans == [wb(1)]


def test_a_close_made_while_a_scan_is_written_counts_that_scan(station: Station) -> None:
    """PostgreSQL: a close made while a scan was on its way read the scans without it and closed, and the
    scan then went into the closed stocktake, its parcel marked missing there. The close waits for the
    scan now, and its result has it."""
    from saves_at_once import other_save_before

    from db.engine import is_sqlite

    scanning, closing, take_id, busy = scan_and_close_counters(station)
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def close() -> object:
        return stocktake_close.close(closing, take_id, mark_missing=[wb(2)])

    with other_save_before(scanning, "INSERT INTO stocktake_scan", close, waiting) as outcome:
        item = stocktake.scan(scanning, take_id, wb(2))
    (closed,) = outcome
    assert item.classification == "match"
    assert isinstance(closed, stocktake_view.View), closed
    assert closed.result["matched"] == [wb(1), wb(2)] and closed.result["counts"]["missing"] == 0
    assert closed.result["fixes"]["marked_missing"] == []
    with station.read() as s:
        assert s.exec(select(Parcel.problem_kind).where(Parcel.waybill == wb(2))).one() is None
