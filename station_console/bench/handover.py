"""The pickup handover through the service, beside the raw-sqlite floor of its own writes.

Goals: p99 under 5 ms, p50 within 3x the same-writes floor's p50 (`handover_floor.py`). A handover is the clerk's confirm of parcels
found by their code: `confirm_pickup`, as the pickup screen calls it, for one parcel looked up by its
code (the lookup is `lookup_code`'s path and is not timed here). Each sample hands over a different
parcel on the shelves; the floor hands over parcels of its own (the shelves are shared out between
them, in a fixed random order), so both change real rows of the same kind, with the same indexes.
Every function yields one latency per handover, in seconds.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
import time
from collections.abc import Iterator

from db.models import PickupMethod
from station_console.bench.floors import WARM_UP, single_rows
from station_console.bench.handover_floor import same_writes
from station_console.bench.wal_frames import pages_by_btree
from station_console.services.core.station import Station
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.lookup import lookup

_SHELF_SQL = (
    "SELECT id, pickup_code FROM parcel WHERE status = 'on_shelf' AND pickup_code IS NOT NULL ORDER BY id"
)


def shares(sqlite_path: str, seed: int = 7) -> tuple[list[str], list[int]]:
    """The parcels on the shelves shared out: codes for the service to hand over, ids for the floor."""
    conn = sqlite3.connect(sqlite_path)
    try:
        rows = conn.execute(_SHELF_SQL).fetchall()
    finally:
        conn.close()
    random.Random(seed).shuffle(rows)
    return [code for _id, code in rows[0::2]], [pid for pid, _code in rows[1::2]]


def _handovers(station: Station, codes: list[str]) -> Iterator[float]:
    """One `confirm_pickup` per parcel found by its code, after WARM_UP unmeasured ones."""
    clock = time.perf_counter
    for i, code in enumerate(codes):
        row = next(r for r in lookup(station, code).rows if r.pickup_code == code)
        t0 = clock()
        confirm_pickup(station, [row.parcel_id], method=PickupMethod.CODE, scanned=[row.waybill])
        if i >= WARM_UP:
            yield clock() - t0


def measure_handover_beside_floors(
    station: Station, sqlite_path: str, samples: int, *, round_of: int = 10
) -> tuple[list[float], list[float], list[float]]:
    """Handovers, the single-row floor and the same-writes floor, `round_of` of each in turn (the three
    see the same disk); fewer than `samples` when the shelves run out."""
    codes, floor_ids = shares(sqlite_path)
    sources = (_handovers(station, codes), single_rows(sqlite_path), same_writes(sqlite_path, floor_ids))
    out: tuple[list[float], list[float], list[float]] = ([], [], [])
    try:
        while len(out[0]) < samples:
            before = [len(into) for into in out]
            for source, into in zip(sources, out, strict=True):
                into.extend(itertools.islice(source, min(round_of, samples - len(into))))
            if [len(into) for into in out] == before:
                break  # the shelves are empty
        return out
    finally:
        for source in sources:
            source.close()  # type: ignore[attr-defined]


PAGES_SAMPLE = 20  # commits of each, as the check-in's count


def pages_by_btree_beside_floor(
    station: Station, sqlite_path: str, n: int = PAGES_SAMPLE
) -> dict[str, dict[str, float]]:
    """Each handover's WAL frames by the table or index they hold (`wal_frames.pages_by_btree`), and the
    same-writes floor's, over `n` commits each: where the floor does a handover's work, the same pages."""
    codes, floor_ids = shares(sqlite_path)
    out: dict[str, dict[str, float]] = {}
    for name, commits in (
        ("pickup", _handovers(station, codes)),
        ("same_writes", same_writes(sqlite_path, floor_ids)),
    ):
        try:
            next(commits)  # its warm-up, and one commit
            out[name] = pages_by_btree(sqlite_path, commits, n)
        finally:
            commits.close()  # type: ignore[attr-defined]
    return out
