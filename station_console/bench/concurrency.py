"""Several counters at once: check-ins and pickups in separate processes, each with its own engine.

`measure_concurrent_checkins` is the `make bench` figure (check-ins per second with 1, 2, 4 counters on
PostgreSQL); the worker functions are also what tests/test_concurrency.py runs, so the benchmark and the
no-double-allocation test exercise the same code path. Workers run in `spawn` processes (no engine or
lock state inherited), wait on a barrier so they really start together, and report every outcome. Where
the platform has it, they fork from a `forkserver` (itself a fresh process that imported the services
once) instead of each starting a new interpreter: the same clean state, at a tenth of the start time.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select

from db.engine import create_station_engine
from db.migrate import upgrade
from db.models import Layer, PickupMethod
from station_console.bench.dataset import act_as_bench_clerk
from station_console.errors import StationError
from station_console.services.admin.setup import init_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.scan.carriers import get_detector

_barrier: Any = None  # set in each pool process by _init


def _init(barrier: Any) -> None:
    global _barrier
    _barrier = barrier


def _open(url: str, counter: str) -> Any:
    station = act_as_bench_clerk(Station(engine=create_station_engine(url), counter=counter))
    station.busy_wait_s = 30  # four writers flat out take turns; a clerk at a held database waits 5 s
    station.settings()  # warm: settings and the detector load before the clock starts
    return station


def _wait_for_others() -> None:
    if _barrier is not None:
        _barrier.wait(timeout=120)


def checkin_worker(url: str, counter: str, scans: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """Check in `(waybill, size)` pairs as `counter`; one outcome per scan (a refusal's code or the result)."""
    station = _open(url, counter)
    get_detector(station)
    _wait_for_others()
    outcomes: list[dict[str, Any]] = []
    started = time.perf_counter()
    for waybill, size in scans:
        try:
            result = check_in(station, waybill, size=size)
            outcomes.append(
                {
                    "waybill": waybill,
                    "ok": True,
                    "parcel_id": result.parcel_id,
                    "code": result.pickup_code,
                    "size": size,
                }
            )
        except StationError as exc:
            outcomes.append({"waybill": waybill, "ok": False, "refused": exc.code, "size": size})
    elapsed = time.perf_counter() - started
    station.engine.dispose()
    return [{"elapsed": elapsed}, *outcomes]


def pickup_worker(url: str, counter: str, parcels: Sequence[tuple[int, str]]) -> list[dict[str, Any]]:
    """Hand over `(parcel_id, waybill)` one by one, scanned; parcels another counter took are refused."""
    station = _open(url, counter)
    _wait_for_others()
    outcomes: list[dict[str, Any]] = []
    for parcel_id, waybill in parcels:
        try:
            confirm_pickup(station, [parcel_id], method=PickupMethod.CODE, scanned=[waybill])
            outcomes.append({"parcel_id": parcel_id, "ok": True})
        except StationError as exc:
            outcomes.append({"parcel_id": parcel_id, "ok": False, "refused": exc.code})
    station.engine.dispose()
    return outcomes


def process_context() -> Any:
    """Where worker processes come from: a `forkserver` (spawn on Windows); the crash tests use it too."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")  # Windows
    ctx = multiprocessing.get_context("forkserver")
    # Imported once in the server, so every worker forked from it starts with them loaded (a module
    # that is not there is skipped: the worker then imports what it needs itself).
    ctx.set_forkserver_preload(
        [
            "station_console.services.checkin.transaction",
            "station_console.services.pickup",
            "station_console.services.admin.setup",
            "db.engine",
        ]
    )
    return ctx


def run_parallel(worker: Any, url: str, jobs: Sequence[Sequence[Any]]) -> list[list[dict[str, Any]]]:
    """Run `worker(url, counter-N, job)` for each job in its own process, all starting together."""
    ctx = process_context()
    barrier = ctx.Barrier(len(jobs))
    with ctx.Pool(len(jobs), initializer=_init, initargs=(barrier,)) as pool:
        return pool.starmap(worker, [(url, f"counter-{n + 1}", list(job)) for n, job in enumerate(jobs)])


def bench_waybills(counters: int, per_counter: int, seed: int | None = None) -> list[list[str]]:
    """Distinct valid J&T waybills, one list per counter; a random run number keeps runs apart."""
    run = random.Random(seed).randrange(10**4, 10**5)
    return [[f"JT{run:05d}{c:02d}{i:06d}" for i in range(per_counter)] for c in range(counters)]


def _make_room(url: str, units: int) -> None:
    """Bench databases only: seed the station and make sure `units` S-sized parcels fit."""
    engine = create_station_engine(url)
    upgrade(engine)
    station = Station(engine=engine, counter="bench")
    init_station(station)

    def work(session: Any) -> None:
        free, layers = session.exec(
            select(func.sum(Layer.capacity_units - Layer.used_units), func.count()).where(
                col(Layer.retired_at).is_(None)
            )
        ).one()
        if (free or 0) < units:
            extra = (units - (free or 0)) // max(layers, 1) + 1
            session.execute(update(Layer).values(capacity_units=Layer.capacity_units + extra))

    station.run(work)
    engine.dispose()


def measure_concurrent_checkins(url: str, counters: int, per_counter: int) -> float:
    """Check-ins per second with `counters` processes checking in `per_counter` parcels each, at once.

    `url` must be a scratch database: it is seeded if empty and its layers are enlarged to fit.
    Refused scans do not count; the rate is all successful check-ins over the slowest counter's time.
    """
    _make_room(url, counters * per_counter)
    jobs = [[(w, "S") for w in batch] for batch in bench_waybills(counters, per_counter)]
    results = run_parallel(checkin_worker, url, jobs)
    elapsed = max(r[0]["elapsed"] for r in results)
    done = sum(1 for r in results for o in r[1:] if o["ok"])
    return done / elapsed if elapsed > 0 else 0.0
