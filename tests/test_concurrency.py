"""No double allocation with four counters at once, on SQLite and on PostgreSQL.

4 processes x N check-ins (plus 20 waybills every counter scans, so the duplicate race happens), on a
layout small enough that regular layers fill, the overflow zone fills, and the last scans are refused.
Then 4 processes pick up overlapping sets (every parcel is in two counters' lists, in different orders).
`make test` runs N = 60; `make soak` the full 250.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select
from station_helpers import keep_layers

from db.models import EventKind, Layer, Parcel, ParcelEvent, ParcelStatus, Shelf
from station_console.bench.concurrency import checkin_worker, pickup_worker, run_parallel
from station_console.services.core.station import Station
from station_console.services.people import audit_trail

pytestmark = pytest.mark.xdist_group("concurrency")

COUNTERS, CONTESTED = 4, 20
UNITS = {"S": 1, "M": 2, "L": 4}


def _capacities(per_counter: int) -> dict[str, int]:
    """Regular layers hold about a fifth of the demand (7/3 units a parcel), overflow a bit less than the
    rest: all three regimes."""
    regular = 3 * per_counter // 5
    return {"1-1": regular, "1-2": regular, "2-1": regular, "OV-1": 7 * per_counter}


def _scans(per_counter: int) -> list[list[tuple[str, str]]]:
    sizes = "SML"
    jobs = [
        [(f"JT{c + 1:02d}{i:011d}", sizes[(c + i) % 3]) for i in range(per_counter)] for c in range(COUNTERS)
    ]
    contested = [(f"JT99{i:011d}", "S") for i in range(CONTESTED)]
    for c, job in enumerate(jobs):  # each counter meets the contested waybills at a different point
        for k, scan in enumerate(contested):
            job.insert((k * 11 + c * 3) % len(job), scan)
    return jobs


def _layer_figures(session: Session) -> list[tuple[str, int, int, int]]:
    """(label, capacity, used_units, units of its on-shelf parcels) per active layer."""
    out = []
    for layer, shelf in session.exec(
        select(Layer, Shelf)
        .join(Shelf, col(Shelf.id) == Layer.shelf_id)
        .where(col(Layer.retired_at).is_(None))
    ).all():
        sizes = session.exec(
            select(Parcel.size).where(Parcel.layer_id == layer.id, Parcel.status == ParcelStatus.ON_SHELF)
        ).all()
        out.append(
            (
                f"{shelf.label}-{layer.label}",
                layer.capacity_units,
                layer.used_units,
                sum(UNITS[s] for s in sizes),
            )
        )
    return out


@pytest.mark.parametrize(
    "per_counter", [pytest.param(60, id="4x60"), pytest.param(250, id="4x250", marks=pytest.mark.slow)]
)
def test_four_counters_never_double_allocate(station: Station, db_url: str, per_counter: int) -> None:
    keep_layers(station, _capacities(per_counter))
    jobs = _scans(per_counter)
    results = run_parallel(checkin_worker, db_url, jobs)
    outcomes = [o for r in results for o in r[1:]]
    assert len(outcomes) == COUNTERS * (per_counter + CONTESTED)
    unexpected = Counter(o["refused"] for o in outcomes if not o["ok"]) - Counter(
        {"duplicate": 10**6, "no_room": 10**6}
    )
    assert not unexpected, f"refusals other than duplicate/no_room: {unexpected}"
    done = [o for o in outcomes if o["ok"]]

    # Each contested waybill shelved exactly once (unless there was no room), every other scan refused.
    for i in range(CONTESTED):
        shelved = [o for o in done if o["waybill"] == f"JT99{i:011d}"]
        assert len(shelved) <= 1
    # All three regimes happened: the layout filled and later scans were refused for lack of room.
    assert any(o["refused"] == "no_room" for o in outcomes if not o["ok"])

    with station.read() as session:
        parcels = session.exec(select(Parcel)).all()
        by_id = {p.id: p for p in parcels}
        # Every reported check-in is present, with the code the counter was told; nothing else was written.
        assert len(parcels) == len(done)
        for o in done:
            p = by_id[o["parcel_id"]]
            assert (p.waybill, p.pickup_code, p.status) == (o["waybill"], o["code"], ParcelStatus.ON_SHELF)
        codes = [p.pickup_code for p in parcels]
        assert len(codes) == len(set(codes)), "duplicate pickup codes"
        waybills = [p.waybill for p in parcels]
        assert len(waybills) == len(set(waybills)), "a waybill shelved twice"
        figures = _layer_figures(session)
        for label, capacity, used, units in figures:
            assert used <= capacity, f"layer {label} over capacity"
            assert used == units, f"layer {label}: used_units {used} but its parcels take {units}"
        # Small enough to fill: every layer ends within one L parcel of full.
        assert all(capacity - used < UNITS["L"] for _, capacity, used, _ in figures), figures
        checked_in = session.exec(
            select(func.count()).select_from(ParcelEvent).where(ParcelEvent.kind == EventKind.CHECKED_IN)
        ).one()
        assert checked_in == len(done)

    # Pickup: every parcel in two counters' lists, each list in its own order.
    ids = sorted((p.id or 0, p.waybill) for p in parcels)
    rng = random.Random(11)
    lists: list[list[tuple[int, str]]] = [[] for _ in range(COUNTERS)]
    for n, item in enumerate(ids):
        lists[n % COUNTERS].append(item)
        lists[(n + 1) % COUNTERS].append(item)
    for lst in lists:
        rng.shuffle(lst)
    picked = [o for r in run_parallel(pickup_worker, db_url, lists) for o in r]
    assert len(picked) == 2 * len(ids)
    wins = Counter(o["parcel_id"] for o in picked if o["ok"])
    assert set(wins) == {pid for pid, _ in ids}
    assert set(wins.values()) == {1}, "a parcel handed out twice"
    assert {o["refused"] for o in picked if not o["ok"]} <= {"not_on_shelf", "version_conflict"}

    # Every counter wrote its own audit chain, unbroken, while the others wrote theirs.
    verified = audit_trail.verify(station)
    assert verified.ok, verified.message()
    with station.read() as session:
        chains = set(session.exec(select(ParcelEvent.chain).distinct()).all())
    assert {f"counter-{n + 1}" for n in range(COUNTERS)} <= chains

    with station.read() as session:
        statuses = Counter(session.exec(select(Parcel.status)).all())
        assert statuses == {ParcelStatus.PICKED_UP: len(ids)}
        events = Counter(
            session.exec(select(ParcelEvent.parcel_id).where(ParcelEvent.kind == EventKind.PICKED_UP)).all()
        )
        assert events == Counter({pid: 1 for pid, _ in ids})
        assert all(used == 0 for _, _, used, _ in _layer_figures(session))
