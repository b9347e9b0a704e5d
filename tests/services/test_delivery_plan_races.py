"""Two counters planning a door-delivery run at the same moment: one run takes every waiting parcel and the
other finds none waiting; never one parcel on two runs, nor an item moved off the run that listed it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from pickup_helpers import as_clerk
from recipient_helpers import act_as
from saves_at_once import other_save_before
from sqlmodel import col, select
from station_helpers import wb

from db.engine import is_sqlite
from db.models import DeliveryItem, DeliveryRun, Role
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import Choice


def waiting_two(station: Station) -> None:
    """Two parcels waiting for the door: one asked for at the counter, one its recipient's standing choice."""
    act_as(station, Role.MANAGER, "boss")
    asked = directory.add(station, {"name": "李四", "phones": "13800000002", "building": "B2", "room": "502"})
    door = directory.add(station, {"name": "王五", "phones": "13800000003", "building": "B2", "room": "201"})
    consent.record(station, door.id, Choice(delivery_preference="door"), channel="phone")
    check_in(station, wb(1), recipient_id=asked.id)
    check_in(station, wb(2), recipient_id=door.id)
    requests.request(station, wb(1))


def runs_of_parcels(station: Station) -> tuple[list[int], dict[int, list[tuple[int | None, str]]]]:
    """The runs there are, and each parcel's delivery items (the run each is on, its status)."""
    with station.read() as session:
        run_ids = sorted(r.id or 0 for r in session.exec(select(DeliveryRun)).all())
        on: dict[int, list[tuple[int | None, str]]] = {}
        for item in session.exec(select(DeliveryItem).order_by(col(DeliveryItem.id))).all():
            on.setdefault(item.parcel_id, []).append((item.run_id, item.status))
        return run_ids, on


def counters(station: Station) -> tuple[Station, Station, Callable[[], bool] | None]:
    """Two counters' clerks, and how to tell the other one waits (SQLite: told busy; PostgreSQL: its lock)."""
    busy = threading.Event()
    one = replace(as_clerk(station, "Ann", counter="counter-1"), on_busy=busy.set)
    two = replace(as_clerk(station, "Bob", counter="counter-2"), on_busy=busy.set)
    for n, counter in ((8, one), (9, two)):  # each counter's audit chain begun, as on a day's work
        check_in(counter, wb(n))
    return one, two, busy.is_set if is_sqlite(station.engine) else None


def test_two_plans_at_once_put_each_parcel_on_one_run(station: Station) -> None:
    """PostgreSQL: both plans read the same two parcels waiting; the second to commit moved the asked-for
    parcel's item onto its own run (the first run's sheet, printed, listed it) and gave the parcel of
    standing choice a second item, on a second run: one parcel on two runners' trolleys."""
    waiting_two(station)
    one, two, waiting = counters(station)

    def plan_at_two() -> object:
        return runs.plan(two, "小王")

    with other_save_before(one, "INSERT INTO delivery_run", plan_at_two, waiting) as out:
        planned = runs.plan(one, "小刘")
    (other,) = out
    assert isinstance(other, Refused) and other.code == "nothing_waiting", other
    assert len(planned.stops) == 2
    run_ids, on = runs_of_parcels(station)
    assert run_ids == [planned.id]
    assert sorted(on.values()) == [[(planned.id, "planned")], [(planned.id, "planned")]]


def test_a_request_while_a_run_is_planned_leaves_the_parcel_one_open_item(station: Station) -> None:
    """PostgreSQL: the request read the parcel (its recipient's standing choice) with no open item, the
    plan then put it on a run, and the request added a second item, requested: the next plan put the
    parcel on a second run while the first runner had it."""
    waiting_two(station)
    one, two, waiting = counters(station)

    def plan_at_two() -> object:
        return runs.plan(two, "小王")

    with other_save_before(one, "INSERT INTO delivery_item", plan_at_two, waiting) as out:
        asked = requests.request(one, wb(2))
    (planned,) = out
    assert asked.status == "requested"
    assert isinstance(planned, runs.RunView) and len(planned.stops) == 2, planned
    run_ids, on = runs_of_parcels(station)
    assert run_ids == [planned.id]
    assert sorted(on.values()) == [[(planned.id, "planned")], [(planned.id, "planned")]]
