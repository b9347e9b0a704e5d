"""Overdue's F9 on the same mixed selection at two counters at once (one parcel due back for its age,
one not yet due that the clerk says was recalled): one batch holds both, the early one flagged recalled
once and the due one not at all; the other counter joins that batch (a carrier has one open batch) and
changes nothing more: one opening, one event per parcel put in.

Safe by design, on both databases: `batch_of` is one transaction (`returns.open_batch_with`) finding or
opening the carrier's batch and writing each parcel through the version it read, so the second counter
starts again (PostgreSQL: its batch met the unique index on a carrier's open batch, or a parcel's
version changed; a deadlock between opposite orders is retried the same way) and finds the parcels in
the first's batch; SQLite's write lock makes it wait for the first's commit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from conftest import FakeClock
from pickup_helpers import as_clerk
from saves_at_once import other_save_before
from shelf_helpers import parcel, place, wb
from sqlmodel import col, select
from station_helpers import events

from db.engine import is_sqlite
from db.models import EventKind, ReturnBatch
from station_console.errors import StationError
from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.tui.screens.overdue import batch_of

DUE, EARLY = wb(1), wb(2)


def mixed(station: Station, clock: FakeClock) -> tuple[Station, Station, threading.Event, int, list[int]]:
    """Two counters; a JT parcel 9 days on the shelf and one of a day. The newest batch id before F9."""
    ids = [
        place(station, DUE, "5-1", at=clock.now - timedelta(days=9, hours=2)),
        place(station, EARLY, "5-1", at=clock.now - timedelta(days=1)),
    ]
    busy = threading.Event()
    one = replace(as_clerk(station, "Ann", counter="counter-1"), on_busy=busy.set, busy_wait_s=30)
    two = replace(as_clerk(station, "Bob", counter="counter-2"), on_busy=busy.set, busy_wait_s=30)
    # Each counter's audit chain begun, as on a day's work (a carrier each: a second would join the first).
    before = max(returns.open_batch(st, carrier).id for st, carrier in ((one, "sf"), (two, "zto")))
    return one, two, busy, before, ids


def f9(st: Station, refs: list[str]) -> Callable[[], object]:
    def call() -> object:
        try:
            return batch_of(st, "JT", refs, recalled=[EARLY])
        except StationError as exc:
            return exc

    return call


def check_one_batch(station: Station, before: int, ids: list[int], outcomes: list[object]) -> None:
    assert all(isinstance(o, int) for o in outcomes), outcomes
    (won,) = set(outcomes)  # the second counter joined the first's batch
    with station.read() as session:
        new = session.exec(select(ReturnBatch.id).where(col(ReturnBatch.id) > before)).all()
    assert list(new) == [won]  # no second batch of the carrier, open and empty
    assert [e.details["batch"] for e in events(station, EventKind.RETURN_BATCH_OPENED)][-1:] == [won]
    assert len(events(station, EventKind.RETURN_BATCH_OPENED)) == 3  # SF's, ZTO's and this one
    due, early = (parcel(station, pid) for pid in ids)
    assert (due.return_batch_id, due.problem_kind) == (won, None)
    assert (early.return_batch_id, early.problem_kind) == (won, "recalled")
    (marked,) = events(station, EventKind.PROBLEM_MARKED)
    assert marked.parcel_id == ids[1]
    assert sorted(e.parcel_id or 0 for e in events(station, EventKind.RETURN_BATCH_ADDED)) == ids


def test_f9_at_the_other_counter_between_one_f9s_read_and_its_write(
    station: Station, clock: FakeClock
) -> None:
    one, two, busy, before, ids = mixed(station, clock)
    waiting = busy.is_set if is_sqlite(station.engine) else None
    with other_save_before(one, "UPDATE parcel", f9(two, [DUE, EARLY]), waiting) as out:
        mine = f9(one, [DUE, EARLY])()
    (theirs,) = out
    check_one_batch(station, before, ids, [mine, theirs])


@pytest.mark.parametrize("orders", [((DUE, EARLY), (DUE, EARLY)), ((DUE, EARLY), (EARLY, DUE))])
def test_f9_at_two_counters_at_once(
    station: Station, clock: FakeClock, orders: tuple[tuple[str, ...], ...]
) -> None:
    """Released together, each counter's selection in its own order (opposite orders may deadlock on
    PostgreSQL: retried, not refused as the database busy)."""
    one, two, _busy, before, ids = mixed(station, clock)
    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def run(i: int, st: Station) -> None:
        start.wait()
        outcomes[i] = f9(st, list(orders[i]))()

    threads = [threading.Thread(target=run, args=(i, st)) for i, st in enumerate((one, two))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check_one_batch(station, before, ids, outcomes)
