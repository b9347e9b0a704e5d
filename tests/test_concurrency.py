"""No double allocation with four counters at once, on SQLite and on PostgreSQL.

4 processes x N check-ins (plus 20 waybills every counter scans, so the duplicate race happens), on a
layout small enough that regular layers fill, the overflow zone fills, and the last scans are refused.
Then 4 processes pick up overlapping sets (every parcel is in two counters' lists, in different orders).
`make test` runs N = 30; `make soak` the full 250. At 30 a counter still meets every contested waybill
while the others write, and the layout still fills and refuses: 4 x 30 parcels of 7/3 units and the
contested ones ask about 300 units of 264; every check-in still overlaps the other counters' (they run
flat out, from a barrier), so a double allocation still has hundreds of chances to show.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import event, func, insert
from sqlmodel import Session, col, select
from station_helpers import configure, keep_layers

from db import engine as db_engine
from db.models import (
    Clerk,
    CodeHold,
    EventKind,
    Layer,
    Parcel,
    ParcelEvent,
    ParcelStatus,
    PickupMethod,
    Role,
    Shelf,
)
from station_console.bench.concurrency import checkin_worker, pickup_worker, run_parallel
from station_console.errors import StationError
from station_console.services.checkin.transaction import CheckinResult, check_in
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, return_batch_parcels, returns
from station_console.services.people import audit_trail
from station_console.services.pickup import handover
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.shelves.moves import move_parcel

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
    "per_counter", [pytest.param(30, id="4x30"), pytest.param(250, id="4x250", marks=pytest.mark.slow)]
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


# Four writers against a pickup of the same parcel, at two counters at once. Leaving writers (write-off,
# return) and pickup: exactly one wins and the other is refused; the others (move, problem) change a
# parcel still on the shelf, so the pickup wins either way (run again if it read the version they
# replaced). Every way, the books add up: one exit event, no units left on any layer.

# A carrier each: a carrier has one open return batch, and each close must race one pickup alone.
RACE_PARCELS = (
    ("JT", "JT0000000000001"),
    ("YTO", "YT0000000000002"),
    ("SF", "SF1000000000003"),
    ("JD", "JDAB00000000004"),
    ("DPK", "DPK000000000005"),
    ("ZTO", "73000000000006"),
)


def _counter_clerk(station: Station, name: str, role: str, counter: str) -> Station:
    """Another counter's clerk on the same database (a Station of its own)."""

    def work(session: Session) -> int:
        row = Clerk(name=name, role=role, created_at=station.now())
        session.add(row)
        session.flush()
        return row.id or 0

    # A race's loser waits for the winner's commit; on a loaded test machine that can take longer
    # than a clerk's 5 s, and `database_locked` would then say nothing about the race itself.
    return replace(
        station, clerk_id=station.run(work), clerk_role=role, counter=counter, _cached=None, busy_wait_s=30
    )


def _competitor(kind: str, st: Station, waybill: str, batch: int | None) -> Callable[[], object]:
    if kind == "write_off":
        return lambda: problems.write_off(st, waybill, "crushed")
    if kind == "return":
        assert batch is not None
        return lambda: returns.close(st, batch, "Courier Wu")
    if kind == "move":
        return lambda: move_parcel(st, waybill, "OV-1")
    return lambda: problems.mark(st, waybill, "damaged", "box torn")


def _race_setup(station: Station, kind: str) -> tuple[Station, Station, list[tuple[int, str, int | None]]]:
    picker = _counter_clerk(station, "picker", Role.CLERK, "counter-1")
    other = _counter_clerk(station, "other", Role.MANAGER, "counter-2")
    parcels = []
    for carrier, waybill in RACE_PARCELS:
        result = check_in(station, waybill, carrier=carrier, phone="13812345678", size="S")
        batch = None
        if kind == "return":  # one batch per parcel, so each close races one pickup
            batch = returns.open_batch(other, carrier).id
            # Refused at the door: it may go back, and its customer may still come for it first (a
            # recalled one would be refused at pickup, and the race would have nothing to race).
            problems.mark(other, result.waybill, "refused", "refused at the door")
            return_batch_parcels.add(other, batch, result.waybill)
        parcels.append((result.parcel_id, result.waybill, batch))
    return picker, other, parcels


def _race(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released together; each outcome is its result or its refusal's code."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = calls[i]()
        except StationError as exc:
            outcomes[i] = exc.code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _assert_books_add_up(station: Station, ids: list[int]) -> None:
    exits = (EventKind.PICKED_UP, EventKind.WRITTEN_OFF, EventKind.RETURNED)
    with station.read() as session:
        events = Counter(
            session.exec(
                select(ParcelEvent.parcel_id).where(
                    col(ParcelEvent.kind).in_(exits), col(ParcelEvent.parcel_id).in_(ids)
                )
            ).all()
        )
        assert events == Counter({pid: 1 for pid in ids}), "a parcel left twice, or not at all"
        statuses = {p.id: p.status for p in session.exec(select(Parcel).where(col(Parcel.id).in_(ids))).all()}
        assert set(statuses.values()) <= {
            ParcelStatus.PICKED_UP,
            ParcelStatus.WRITTEN_OFF,
            ParcelStatus.RETURNED,
        }
        assert all(used == 0 for _, _, used, _ in _layer_figures(session)), "units left on a layer"


@pytest.mark.parametrize("kind", ["write_off", "return", "move", "problem"])
def test_a_write_racing_a_pickup_never_loses_either(station: Station, kind: str) -> None:
    picker, other, parcels = _race_setup(station, kind)
    for pid, waybill, batch in parcels:
        pick = partial(confirm_pickup, picker, [pid], method=PickupMethod.CODE, scanned=[waybill])
        picked, theirs = _race([pick, _competitor(kind, other, waybill, batch)])
        if kind in ("write_off", "return"):
            wins = [o for o in (picked, theirs) if not isinstance(o, str)]
            assert len(wins) == 1, (picked, theirs)
            loser = picked if isinstance(picked, str) else theirs
            assert loser in {"not_on_shelf", "batch_empty", "version_conflict"}, loser
        else:
            assert picked == [pid], picked  # the pickup wins; the other write landed before or was refused
            assert not isinstance(theirs, str) or theirs in {"not_on_shelf", "version_conflict"}, theirs
    _assert_books_add_up(station, [pid for pid, _, _ in parcels])


@pytest.mark.postgres_only
@pytest.mark.parametrize("kind", ["write_off", "return", "move", "problem"])
def test_a_write_between_a_pickups_read_and_its_update(
    station: Station, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other counter commits after the pickup read the parcel and before it writes: the version it
    read is gone, so the pickup starts again and sees the parcel as it is now."""
    picker, other, parcels = _race_setup(station, kind)
    pid, waybill, batch = parcels[0]
    real_leave = handover.leave_shelf
    seen: list[int] = []
    theirs: list[object] = []

    def leave_after_the_other_counter(
        session: Session, st: Station, parcel: Parcel, *args: Any, **kw: Any
    ) -> None:
        seen.append(parcel.version)
        if len(seen) == 1:  # the other write runs to its commit on its own connection, in between
            theirs.extend(_race([_competitor(kind, other, waybill, batch)]))
        real_leave(session, st, parcel, *args, **kw)

    monkeypatch.setattr(handover, "leave_shelf", leave_after_the_other_counter)
    try:
        picked: object = confirm_pickup(picker, [pid], method=PickupMethod.CODE, scanned=[waybill])
    except StationError as exc:
        picked = exc.code
    assert not isinstance(theirs[0], str), theirs  # the other counter's write landed first
    if kind in ("write_off", "return"):
        assert picked == "not_on_shelf" and len(seen) == 1  # run again, it refused before writing
    else:
        assert picked == [pid] and seen == [1, 2]  # run again on the version the other counter wrote
    monkeypatch.undo()
    rest = [p for p, _, _ in parcels[1:]]
    confirm_pickup(picker, rest, method=PickupMethod.CODE, scanned=[w for _, w, _ in parcels[1:]])
    _assert_books_add_up(station, [pid, *rest])


@pytest.mark.postgres_only
@pytest.mark.parametrize("kind", ["write_off", "return", "move", "problem"])
def test_a_pickup_between_a_writes_read_and_its_update(station: Station, kind: str) -> None:
    """The other way round: a pickup commits after the write-off, return, move or problem read the
    parcel and before it writes. Its version is gone, so it starts again and refuses: off the shelves."""
    picker, other, parcels = _race_setup(station, kind)
    pid, waybill, batch = parcels[0]
    main = threading.get_ident()
    picked: list[object] = []

    def pickup_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # At its first write (a move claims its new layer first), before it holds a row the pickup needs.
        if threading.get_ident() == main and statement.startswith("UPDATE") and not picked:
            pick = partial(confirm_pickup, picker, [pid], method=PickupMethod.CODE, scanned=[waybill])
            picked.extend(_race([pick]))  # on its own connection, to its commit

    event.listen(station.engine, "before_cursor_execute", pickup_first)
    try:
        theirs: object = _competitor(kind, other, waybill, batch)()
    except StationError as exc:
        theirs = exc.code
    finally:
        event.remove(station.engine, "before_cursor_execute", pickup_first)
    assert picked == [[pid]]
    assert theirs == ("batch_empty" if kind == "return" else "not_on_shelf")
    rest = [p for p, _, _ in parcels[1:]]
    confirm_pickup(picker, rest, method=PickupMethod.CODE, scanned=[w for _, w, _ in parcels[1:]])
    _assert_books_add_up(station, [pid, *rest])


def test_two_counters_as_a_layer_runs_out_of_codes_never_share_one(station: Station) -> None:
    """Two counters scan at once, round after round, while layer after layer runs out of codes (7 each):
    the one that finds its layer out takes the next layer's code, and no code is given twice, whichever
    counter claimed which layer first. Only the scans after the last code are refused, as such."""
    keep_layers(station, {"1-1": 100, "1-2": 100, "2-1": 100})
    configure(
        station, shelf_policy="fill_in_order", group_recipient=False, code_seq_min=1001, code_seq_max=1007
    )
    counters = [_counter_clerk(station, f"clerk{n}", Role.CLERK, f"counter-{n}") for n in (1, 2)]
    outcomes: list[object] = []
    # The last two rounds: every layer out, both refused at once (each keeps the layer it found out
    # and looks at the other's without waiting for it: see the test after this one).
    for n in range(13):
        outcomes += _race(
            [partial(check_in, st, f"JT{n:06d}{c:07d}", size="S") for c, st in enumerate(counters)]
        )
    refused = [o for o in outcomes if isinstance(o, str)]
    codes = sorted(o.pickup_code for o in outcomes if isinstance(o, CheckinResult))
    assert refused == ["no_code"] * 5, refused
    every = [f"{place}-{seq}" for place in ("1-1", "1-2", "2-1") for seq in range(1001, 1008)]
    assert codes == sorted(every)  # each code once
    with station.read() as session:
        assert sorted(p.pickup_code or "" for p in session.exec(select(Parcel)).all()) == codes
        for label, _capacity, used, units in _layer_figures(session):
            assert used == units == 7, f"layer {label}: used_units {used}, its parcels take {units}"


@pytest.mark.postgres_only
def test_two_counters_refused_at_once_with_every_layer_out_of_codes_wait_for_no_deadlock(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every layer with room is out of codes and two counters scan at once: each first claims a layer of
    its own and finds it out. Neither then waits for the other's layer while keeping its own (a deadlock
    PostgreSQL breaks after a second, the check-in then tried again): both are refused at the first try."""
    keep_layers(station, {"1-1": 100, "1-2": 100})
    configure(
        station, shelf_policy="fill_in_order", group_recipient=False, code_seq_min=1001, code_seq_max=1200
    )
    now = station.now()
    held = [
        {"code": f"{place}-{seq}", "released_at": now, "until": now + timedelta(days=7), "parcel_id": None}
        for place in ("1-1", "1-2")
        for seq in range(1001, 1201)
    ]
    station.run(lambda session: session.execute(insert(CodeHold), held))
    counters = [_counter_clerk(station, f"clerk{n}", Role.CLERK, f"counter-{n}") for n in (1, 2)]
    tried_again: list[BaseException] = []
    retryable = db_engine.is_retryable

    def noted(exc: BaseException) -> bool:
        tried_again.append(exc)
        return retryable(exc)

    monkeypatch.setattr(db_engine, "is_retryable", noted)
    for n in range(4):
        outcomes = _race(
            [partial(check_in, st, f"JT{n:06d}{c:07d}", size="S") for c, st in enumerate(counters)]
        )
        assert outcomes == ["no_code", "no_code"], outcomes
    assert not tried_again, [str(exc) for exc in tried_again]
