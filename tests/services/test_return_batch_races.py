"""A return batch closed at one counter while another scans a parcel into it: either the parcel goes
in first and back with the courier, or the close comes first and the scan is refused; never a parcel
left on the shelf in a closed batch, where it can be neither returned, taken out nor handed over."""

from __future__ import annotations

import threading
from dataclasses import replace

from pickup_helpers import as_clerk
from saves_at_once import other_save_before
from shelf_helpers import parcel, place, wb

from db.engine import is_sqlite
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import return_batch_parcels, returns

# Fresh parcels go back only recalled: flagged as placed, so the race is the scan's and the close's alone.
RECALLED = "recalled"


def counters(station: Station) -> tuple[Station, Station, threading.Event]:
    busy = threading.Event()
    one = replace(as_clerk(station, "Ann", counter="counter-1"), on_busy=busy.set)
    two = replace(as_clerk(station, "Bob", counter="counter-2"), on_busy=busy.set)
    returns.open_batch(two, "sf")  # each counter's audit chain begun, as on a day's work
    return one, two, busy


def test_a_parcel_scanned_into_a_batch_being_closed_waits_and_is_refused(station: Station) -> None:
    """PostgreSQL: the close read the batch's one parcel, the other counter then put a second in, and
    the close returned the first and closed the batch over the second, still on its shelf."""
    first, second = (
        place(station, wb(1), "5-1", problem_kind=RECALLED),
        place(station, wb(2), "5-2", problem_kind=RECALLED),
    )
    one, two, busy = counters(station)
    batch = returns.open_batch(one, "jt")
    return_batch_parcels.add(one, batch.id, wb(1))
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def add() -> object:
        return return_batch_parcels.add(two, batch.id, wb(2))

    with other_save_before(one, "UPDATE parcel", add, waiting) as out:
        closed = returns.close(one, batch.id, "Wang Wei")
    (added,) = out
    assert isinstance(added, Refused) and added.code == "batch_closed", added
    assert (closed.status, closed.count) == ("closed", 1)
    assert (parcel(station, first).status, parcel(station, first).return_batch_id) == ("returned", batch.id)
    assert (parcel(station, second).status, parcel(station, second).return_batch_id) == ("on_shelf", None)


def test_a_close_while_a_parcel_is_scanned_into_the_batch_waits_and_returns_it(station: Station) -> None:
    """PostgreSQL: the scan read the batch open, the close then returned the batch's first parcel and
    closed it, and the scan put the second into the closed batch."""
    first, second = (
        place(station, wb(1), "5-1", problem_kind=RECALLED),
        place(station, wb(2), "5-2", problem_kind=RECALLED),
    )
    one, two, busy = counters(station)
    batch = returns.open_batch(one, "jt")
    return_batch_parcels.add(one, batch.id, wb(1))
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def close() -> object:
        return returns.close(two, batch.id, "Wang Wei")

    with other_save_before(one, "UPDATE parcel", close, waiting) as out:
        return_batch_parcels.add(one, batch.id, wb(2))
    (closed,) = out
    assert not isinstance(closed, Exception), closed
    assert returns.get(station, batch.id).count == 2
    for pid in (first, second):
        assert (parcel(station, pid).status, parcel(station, pid).return_batch_id) == ("returned", batch.id)
