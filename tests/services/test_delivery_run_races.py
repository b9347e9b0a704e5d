"""A delivery run closed at one counter while another scans a parcel of it out to the runner: either the
parcel goes out on the open run (and the close is refused, a parcel still out), or the close comes first
(and the scan-out is refused, the run closed); never a parcel out with the runner on a closed run."""

from __future__ import annotations

import threading
from dataclasses import replace

from pickup_helpers import as_clerk
from recipient_helpers import act_as
from saves_at_once import other_save_before
from sqlmodel import select
from station_helpers import wb

from db.engine import is_sqlite
from db.models import DeliveryItem, DeliveryRun, Parcel, Role
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs
from station_console.services.recipients import directory


def planned(station: Station) -> tuple[int, int]:
    """A run of one parcel, planned and not yet scanned out: (run id, parcel id)."""
    act_as(station, Role.MANAGER, "boss")
    person = directory.add(
        station, {"name": "李四", "phones": "13800000002", "building": "B2", "room": "502"}
    )
    parcel_id = check_in(station, wb(1), recipient_id=person.id).parcel_id
    requests.request(station, wb(1))
    return runs.plan(station, "小刘").id, parcel_id


def state(
    station: Station, run_id: int, parcel_id: int
) -> tuple[str, list[tuple[int | None, str]], int | None]:
    """The run's status, the parcel's delivery items (run, status) and the run it is out on."""
    with station.read() as session:
        run = session.get(DeliveryRun, run_id)
        items = session.exec(select(DeliveryItem).where(DeliveryItem.parcel_id == parcel_id)).all()
        parcel = session.get(Parcel, parcel_id)
        assert run is not None and parcel is not None
        return (
            run.status,
            sorted(((i.run_id, i.status) for i in items), key=lambda i: (i[0] or 0, i[1])),
            parcel.delivery_run_id,
        )


def counters(station: Station) -> tuple[Station, Station, threading.Event]:
    busy = threading.Event()
    one = replace(as_clerk(station, "Ann", counter="counter-1"), on_busy=busy.set)
    two = replace(as_clerk(station, "Bob", counter="counter-2"), on_busy=busy.set)
    for n, counter in ((8, one), (9, two)):  # each counter's audit chain begun, as on a day's work
        check_in(counter, wb(n))
    return one, two, busy


def test_a_scan_out_while_the_run_is_being_closed_waits_and_is_refused(station: Station) -> None:
    """PostgreSQL: the close read the parcel planned, the scan-out then took it out, and the close
    cancelled its item and closed the run: the parcel out with the runner on a closed run, where it can
    be neither delivered nor failed, and on the next run's waiting list as well."""
    run_id, parcel_id = planned(station)
    one, two, busy = counters(station)
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def scan_out() -> object:
        return runs.scan_out(two, run_id, wb(1))

    with other_save_before(one, "INSERT INTO delivery_item", scan_out, waiting) as out:
        closed = runs.close(one, run_id)
    (scanned,) = out
    assert closed.status == "closed"
    assert isinstance(scanned, Refused) and scanned.code == "run_closed", scanned
    assert state(station, run_id, parcel_id) == ("closed", [(None, "requested"), (run_id, "cancelled")], None)


def test_a_close_while_a_parcel_is_being_scanned_out_waits_and_is_refused(station: Station) -> None:
    """PostgreSQL: the scan-out read the run open and the parcel planned, the close then cancelled the
    item and closed the run, and the scan-out wrote the item out over the cancellation."""
    run_id, parcel_id = planned(station)
    one, two, busy = counters(station)
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def close() -> object:
        return runs.close(two, run_id)

    with other_save_before(one, "UPDATE", close, waiting) as out:
        stop = runs.scan_out(one, run_id, wb(1))
    (closing,) = out
    assert stop.status == "out"
    assert isinstance(closing, Refused) and closing.code == "still_out", closing
    assert state(station, run_id, parcel_id) == ("open", [(run_id, "out")], run_id)
