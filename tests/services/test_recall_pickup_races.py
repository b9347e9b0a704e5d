"""A recall (Returns' F10, Overdue's Yes) of a parcel due back for its age while its customer takes it
at another counter: either the pickup is refused as recalled, or the recall finds the parcel gone;
never a recalled flag on a picked-up parcel, nor a picked-up parcel in a return batch.

Safe by design, on both databases: the recall's flag and its batch are written on the parcel row as
read (its version), and the pickup leaves the shelf only from the version it read, so the second of
the two to write starts again and refuses (PostgreSQL); SQLite's write lock makes the other wait."""

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
from sqlmodel import select

from db.engine import is_sqlite
from db.models import ParcelStatus, ReturnBatch
from station_console.errors import StationError
from station_console.services.core.station import Station
from station_console.services.exceptions import return_batch_parcels, returns
from station_console.services.pickup.handover import confirm_pickup

HOWS = ("add", "add_many", "open_batch_with", "flag_in_batch")


def counters(station: Station) -> tuple[Station, Station, threading.Event]:
    busy = threading.Event()
    one = replace(as_clerk(station, "Ann", counter="counter-1"), on_busy=busy.set, busy_wait_s=30)
    two = replace(as_clerk(station, "Bob", counter="counter-2"), on_busy=busy.set, busy_wait_s=30)
    returns.open_batch(two, "sf")  # each counter's audit chain begun, as on a day's work
    return one, two, busy


def recall_of(st: Station, how: str, batch_id: int) -> Callable[[], object]:
    """The recall as each way to it records it; `flag_in_batch`: the parcel is in the batch for its
    age already and is flagged recalled where it sits."""
    if how in ("add", "flag_in_batch"):
        return lambda: return_batch_parcels.add(st, batch_id, wb(1), recalled=True, note="Sender called")
    if how == "add_many":
        return lambda: return_batch_parcels.add_many(
            st, batch_id, [wb(1)], recalled=True, note="Sender called"
        )
    return lambda: returns.open_batch_with(st, "JT", [wb(1)], recalled=True, recalled_refs=[wb(1)])


def set_up(
    station: Station, clock: FakeClock, how: str
) -> tuple[Station, Station, threading.Event, int, int]:
    """A JT parcel 9 days on its shelf (due for return), a JT batch open; in it, for `flag_in_batch`.
    No batch (0) for `open_batch_with`, which opens the carrier's batch itself (it would join one open)."""
    pid = place(station, wb(1), "5-1", at=clock.now - timedelta(days=9, hours=2))
    recaller, picker, busy = counters(station)
    batch = 0 if how == "open_batch_with" else returns.open_batch(recaller, "JT").id
    if how == "flag_in_batch":
        return_batch_parcels.add(recaller, batch, wb(1))
    return recaller, picker, busy, pid, batch


def outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except StationError as exc:
        return exc


def check_one_won(station: Station, pid: int, picked: object, recalled: object, batch: int) -> None:
    p = parcel(station, pid)
    with station.read() as session:
        batches = {b.id for b in session.exec(select(ReturnBatch)).all()}
    if isinstance(picked, StationError):  # the recall went first
        assert picked.code == "recalled", picked
        assert not isinstance(recalled, StationError), recalled
        assert (p.status, p.problem_kind) == (ParcelStatus.ON_SHELF, "recalled")
        assert p.return_batch_id in batches
    else:  # the pickup went first: the recall found it gone, and left no batch of its own
        assert picked == [pid], picked
        assert isinstance(recalled, StationError) and recalled.code == "not_on_shelf", recalled
        assert (p.status, p.problem_kind, p.return_batch_id) == (ParcelStatus.PICKED_UP, None, None)
        # Counter-2's and the one set up (if any): none by the recall.
        assert len(batches) == (2 if batch else 1)


@pytest.mark.parametrize("how", HOWS)
def test_a_pickup_between_a_recalls_read_and_its_write(station: Station, clock: FakeClock, how: str) -> None:
    recaller, picker, busy, pid, batch = set_up(station, clock, how)

    def pick() -> object:
        return confirm_pickup(picker, [pid], method="code", scanned=[wb(1)])

    waiting = busy.is_set if is_sqlite(station.engine) else None
    with other_save_before(recaller, "UPDATE parcel", pick, waiting) as out:
        recalled = outcome(recall_of(recaller, how, batch))
    (picked,) = out
    if not is_sqlite(station.engine):  # the pickup committed first: the recall started again, refused
        assert picked == [pid], picked
    check_one_won(station, pid, picked, recalled, batch)


@pytest.mark.parametrize("how", HOWS)
def test_a_recall_between_a_pickups_read_and_its_write(station: Station, clock: FakeClock, how: str) -> None:
    recaller, picker, busy, pid, batch = set_up(station, clock, how)
    waiting = busy.is_set if is_sqlite(station.engine) else None
    with other_save_before(picker, "UPDATE parcel", recall_of(recaller, how, batch), waiting) as out:
        picked = outcome(lambda: confirm_pickup(picker, [pid], method="code", scanned=[wb(1)]))
    (recalled,) = out
    if not is_sqlite(station.engine):  # the recall committed first: the pickup started again, refused
        assert isinstance(picked, StationError), picked
    check_one_won(station, pid, picked, recalled, batch)
