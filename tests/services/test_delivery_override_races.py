"""A manager recording a recalled parcel delivered (the runner had handed it over) at one counter while
the other counter records the runner's "not delivered", another manager's override, or the recall
resolved: exactly one outcome, one event, and the run's item agreeing with the parcel.

Safe by design, on both databases: the delivery leaves the shelf only from the parcel's version it
read, and "not delivered" and the resolve write the parcel through its version too, so the second to
write starts again and refuses (PostgreSQL: `not_out`, `not_recalled`, or the delivery done);
SQLite's write lock makes the other wait for the first's commit and read it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import pytest
from pickup_helpers import as_clerk
from recipient_helpers import act_as
from saves_at_once import other_save_before
from sqlmodel import select
from station_helpers import events, parcel, recall, wb

from db.engine import is_sqlite
from db.models import DeliveryItem, EventKind, ParcelStatus, Role
from station_console.errors import StationError
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs, scan_back
from station_console.services.exceptions import problems
from station_console.services.recipients import directory

OTHERS = ("not_delivered", "override", "resolved")


def out_recalled(station: Station) -> tuple[Station, Station, threading.Event, int, int]:
    """A parcel out with the runner, recalled since; two managers at two counters: (…, run, parcel)."""
    act_as(station, Role.MANAGER, "boss")
    person = directory.add(
        station, {"name": "李四", "phones": "13800000002", "building": "B2", "room": "502"}
    )
    pid = check_in(station, wb(1), recipient_id=person.id).parcel_id
    requests.request(station, wb(1))
    run = runs.plan(station, "小刘").id
    runs.scan_out(station, run, wb(1))
    recall(station, wb(1))
    busy = threading.Event()
    one = replace(as_clerk(station, "Ann", Role.MANAGER, "counter-1"), on_busy=busy.set, busy_wait_s=30)
    two = replace(as_clerk(station, "Bob", Role.MANAGER, "counter-2"), on_busy=busy.set, busy_wait_s=30)
    for n, counter in ((8, one), (9, two)):  # each counter's audit chain begun, as on a day's work
        check_in(counter, wb(n))
    return one, two, busy, run, pid


def override(st: Station, run: int, reason: str) -> Callable[[], object]:
    return lambda: scan_back.deliver(st, run, wb(1), received_by="self", recall_reason=reason)


def other_of(st: Station, run: int, kind: str) -> Callable[[], object]:
    if kind == "not_delivered":
        return lambda: scan_back.fail(st, run, wb(1), reason="other", note="recalled")
    if kind == "override":
        return override(st, run, "handed over at 10:07")
    return lambda: problems.resolve(st, wb(1), "sender called it off")


def outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except StationError as exc:
        return exc


def check_one_outcome(station: Station, pid: int, kind: str, delivered: object, theirs: object) -> None:
    won = [o for o in (delivered, theirs) if not isinstance(o, StationError)]
    assert len(won) == 1, (delivered, theirs)
    lost = delivered if isinstance(delivered, StationError) else theirs
    assert isinstance(lost, StationError)
    p = parcel(station, pid)
    with station.read() as session:
        (item,) = session.exec(select(DeliveryItem).where(DeliveryItem.parcel_id == pid)).all()
    picked = events(station, EventKind.PICKED_UP)
    failed = events(station, EventKind.DELIVERY_FAILED)
    if kind == "resolved" and won == [theirs]:  # resolved first: no override of a recall there is not
        assert lost.code == "not_recalled", lost
        assert (p.status, p.problem_kind, p.delivery_run_id) == (ParcelStatus.ON_SHELF, None, item.run_id)
        assert item.status == "out" and picked == [] and failed == []
    elif kind == "not_delivered" and won == [theirs]:  # back on its shelf, not delivered
        assert lost.code == "not_out", lost
        assert (p.status, p.delivery_run_id, item.status) == (ParcelStatus.ON_SHELF, None, "failed")
        assert picked == [] and len(failed) == 1
    else:  # one delivery recorded, with its manager's reason
        assert lost.code == ("not_out" if kind != "resolved" else "not_on_shelf"), lost
        assert (p.status, item.status) == (ParcelStatus.PICKED_UP, "delivered")
        (event,) = picked
        assert event.details["recall_overridden"] in ("handed over at 10:05", "handed over at 10:07")
        assert failed == []


@pytest.mark.parametrize("kind", OTHERS)
def test_the_other_counter_between_an_overrides_read_and_its_write(station: Station, kind: str) -> None:
    one, two, busy, run, pid = out_recalled(station)
    waiting = busy.is_set if is_sqlite(station.engine) else None
    with other_save_before(one, "UPDATE", other_of(two, run, kind), waiting) as out:
        delivered = outcome(override(one, run, "handed over at 10:05"))
    (theirs,) = out
    if not is_sqlite(station.engine):  # the other committed first: the override started again
        assert isinstance(delivered, StationError), (delivered, theirs)
    check_one_outcome(station, pid, kind, delivered, theirs)


@pytest.mark.parametrize("kind", OTHERS)
def test_an_override_between_the_other_counters_read_and_its_write(station: Station, kind: str) -> None:
    one, two, busy, run, pid = out_recalled(station)
    waiting = busy.is_set if is_sqlite(station.engine) else None
    with other_save_before(two, "UPDATE", override(one, run, "handed over at 10:05"), waiting) as out:
        theirs = outcome(other_of(two, run, kind))
    (delivered,) = out
    if not is_sqlite(station.engine):  # the override committed first: the other started again
        assert isinstance(theirs, StationError), (delivered, theirs)
    check_one_outcome(station, pid, kind, delivered, theirs)
