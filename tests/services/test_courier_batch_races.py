"""A courier's batch closed at one counter while another checks a parcel of it in: either the check-in
comes first and the close counts it received, or the close comes first and the check-in is refused;
never a parcel checked into a closed batch that its receipt calls missing."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from pickup_helpers import as_clerk, zto
from prealert_helpers import ZH_HEADINGS, sign_in, write_csv, zh_rows
from saves_at_once import other_save_before
from sqlmodel import select

from db.engine import is_sqlite
from db.models import Parcel
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.prealerts import batches
from station_console.services.prealerts.importer import import_file


@pytest.fixture
def expected(station: Station, tmp_path: Path) -> Station:
    """Four ZTO parcels pre-alerted (1-4)."""
    sign_in(station, "importer")
    import_file(station, write_csv(tmp_path / "zto.csv", ZH_HEADINGS, zh_rows([1, 2, 3, 4])))
    return station


def counters(station: Station) -> tuple[Station, Station, threading.Event, int]:
    """Two counters and the courier's batch, open at the first with parcel 1 checked in at the second."""
    busy = threading.Event()
    one = replace(as_clerk(station, "Ann", counter="counter-1"), on_busy=busy.set)
    two = replace(as_clerk(station, "Bob", counter="counter-2"), on_busy=busy.set)
    batch = batches.open_batch(one, "zto", "张师傅").id
    check_in(two, zto(1), courier_batch=batch)
    return one, two, busy, batch


def in_batch(station: Station, batch_id: int) -> list[str]:
    with station.read() as session:
        return sorted(session.exec(select(Parcel.waybill).where(Parcel.courier_batch_id == batch_id)).all())


def test_a_check_in_while_the_batch_is_being_closed_waits_and_is_refused(expected: Station) -> None:
    """PostgreSQL: the close read one parcel received, the other counter then checked parcel 2 into
    the batch, and the close marked parcel 2 missing and closed the batch over it."""
    one, two, busy, batch = counters(expected)
    waiting = busy.is_set if is_sqlite(expected.engine) else None

    def arrive() -> object:
        return check_in(two, zto(2), courier_batch=batch)

    with other_save_before(one, "UPDATE prealert", arrive, waiting) as out:
        closed = batches.close_batch(one, batch, print_receipt=False)
    (arrived,) = out
    assert isinstance(arrived, Refused) and arrived.code == "courier_batch_closed", arrived
    assert closed.counts()["received"] == 1 and closed.missing == [zto(2), zto(3), zto(4)]
    assert in_batch(expected, batch) == [zto(1)]


def test_a_close_while_a_parcel_is_checked_in_waits_and_counts_it(expected: Station) -> None:
    """PostgreSQL: the check-in read the batch open, the close then counted one parcel received and
    closed the batch, and the check-in put parcel 2 into the closed batch, missing on its receipt."""
    one, two, busy, batch = counters(expected)
    waiting = busy.is_set if is_sqlite(expected.engine) else None

    def close() -> object:
        return batches.close_batch(two, batch, print_receipt=False)

    with other_save_before(one, "INSERT INTO parcel", close, waiting) as out:
        check_in(one, zto(2), courier_batch=batch)
    (closed,) = out
    assert isinstance(closed, batches.BatchView), closed
    assert closed.counts()["received"] == 2 and closed.missing == [zto(3), zto(4)]
    assert in_batch(expected, batch) == [zto(1), zto(2)]
