"""Pickup lookup latency through the service, beside the raw-sqlite floor (goal: p99 < 1 ms at 1M parcels).

Every function returns one latency per lookup, in milliseconds. Queries are real codes and phone tails
of parcels on the shelves, drawn with a fixed seed, so each lookup succeeds (a failed one would count
against the guessing lock-out, which is not what is being measured).
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence

from sqlalchemy import text

from db.engine import create_station_engine
from station_console.bench.dataset import act_as_bench_clerk
from station_console.services.core.station import Station
from station_console.services.pickup.lookup import lookup

_POOL = 5000  # distinct queries drawn from the shelves
_COLUMNS = (
    "p.id, p.waybill, p.pickup_code, s.label, l.label, c.code, c.name_en, c.name_zh, p.masked_phone, "
    "p.phone_full, p.phone_tail, p.checked_in_at, p.problem_kind, p.recipient_name, s.walk_order, "
    "l.walk_order, c.amber_hours, c.red_hours, c.return_after_days"
)
_FROM = (
    "FROM parcel p JOIN carrier c ON c.id = p.carrier_id LEFT JOIN shelf s ON s.id = p.shelf_id "
    "LEFT JOIN layer l ON l.id = p.layer_id WHERE p.status = 'on_shelf'"
)
FLOOR_CODE_SQL = f"SELECT {_COLUMNS} {_FROM} AND p.pickup_code = ?"
FLOOR_TAIL_SQL = f"SELECT {_COLUMNS} {_FROM} AND p.phone_tail = ?"


def _pool(rows: Sequence[tuple[object, ...]], samples: int, seed: int) -> list[str]:
    values = [str(r[0]) for r in rows if r[0]]
    if not values:
        raise ValueError("no parcels on the shelves to look up")
    rng = random.Random(seed)
    return [rng.choice(values) for _ in range(samples)]


def _station_pool(station: Station, column: str, samples: int, seed: int) -> list[str]:
    with station.read() as session:
        rows = session.execute(
            text(
                f"SELECT {column} FROM parcel WHERE status = 'on_shelf' AND {column} IS NOT NULL LIMIT {_POOL}"
            )
        ).all()
    return _pool([tuple(r) for r in rows], samples, seed)


def _time(call: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    clock = time.perf_counter_ns
    out: list[float] = []
    for q in queries[: min(50, len(queries))]:  # warm caches and the compiled-statement cache
        call(q)
    for q in queries:
        t0 = clock()
        call(q)
        out.append((clock() - t0) / 1e6)
    return out


def measure_lookup_code(station: Station, samples: int, *, seed: int = 5) -> list[float]:
    """`pickup.lookup` by pickup code (including the other parcels of the same recipient)."""
    return _time(lambda q: lookup(station, q), _station_pool(station, "pickup_code", samples, seed))


def measure_lookup_phone(station: Station, samples: int, *, seed: int = 6) -> list[float]:
    """`pickup.lookup` by 4-digit phone tail."""
    return _time(lambda q: lookup(station, q), _station_pool(station, "phone_tail", samples, seed))


def _floor(sqlite_path: str, samples: int, column: str, sql: str, seed: int) -> list[float]:
    con = sqlite3.connect(sqlite_path)
    try:
        rows = con.execute(
            f"SELECT {column} FROM parcel WHERE status = 'on_shelf' AND {column} IS NOT NULL LIMIT {_POOL}"
        ).fetchall()
        return _time(lambda q: con.execute(sql, (q,)).fetchall(), _pool(rows, samples, seed))
    finally:
        con.close()


def floor_select_code(sqlite_path: str, samples: int, *, seed: int = 5) -> list[float]:
    """The same indexed SELECT by code on a bare sqlite3 connection: the floor under the service."""
    return _floor(sqlite_path, samples, "pickup_code", FLOOR_CODE_SQL, seed)


def floor_select_tail(sqlite_path: str, samples: int, *, seed: int = 6) -> list[float]:
    """The same indexed SELECT by phone tail on a bare sqlite3 connection."""
    return _floor(sqlite_path, samples, "phone_tail", FLOOR_TAIL_SQL, seed)


def percentiles(latencies: Sequence[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": ordered[len(ordered) // 2],
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


def main(sqlite_path: str, samples: int = 5000) -> None:
    station = act_as_bench_clerk(
        Station(engine=create_station_engine(f"sqlite:///{sqlite_path}"), counter="bench")
    )
    for name, values in (
        ("lookup by code ", measure_lookup_code(station, samples)),
        ("floor by code  ", floor_select_code(sqlite_path, samples)),
        ("lookup by tail ", measure_lookup_phone(station, samples)),
        ("floor by tail  ", floor_select_tail(sqlite_path, samples)),
    ):
        p = percentiles(values)
        print(f"{name} p50 {p['p50_ms']:.3f} ms  p99 {p['p99_ms']:.3f} ms")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5000)
