"""The pickup handover through the service, beside the raw-sqlite floor of its own writes.

Goals: p99 under 5 ms, p50 within 3x `_same_writes`'s p50. A handover is the clerk's confirm of parcels
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
from station_console.bench.dataset import UNITS
from station_console.bench.floors import WARM_UP, durable_transactions, floor_event, single_rows
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
    sources = (_handovers(station, codes), single_rows(sqlite_path), _same_writes(sqlite_path, floor_ids))
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


def _same_writes(sqlite_path: str, parcel_ids: list[int]) -> Iterator[float]:
    """Seconds per raw sqlite3 transaction doing what one handover does, statement for statement.

    The parcel read, its conditional UPDATE (from the version and status read), the layer's units given
    back, the code held (one upsert), the holds of codes a move replaced, the unsent messages and
    labels withdrawn, the closed-day check, the event and the chain head: on real shelf parcels of the bench database,
    with the station's PRAGMAs, one durable commit each.
    """
    now, until = "2026-11-25 10:00:00.000000", "2026-12-02 10:00:00.000000"

    def hand_over(conn: sqlite3.Connection, parcel_id: int) -> None:
        version, layer_id, size, code = conn.execute(
            "SELECT version, layer_id, size, pickup_code, status, waybill, delivery_run_id, return_batch_id, "
            "carrier_id FROM parcel WHERE id = ?",
            (parcel_id,),
        ).fetchone()[:4]
        changed = conn.execute(
            "UPDATE parcel SET status = 'picked_up', picked_up_at = ?, picked_up_by = 1, "
            "picked_up_counter = 'bench', pickup_method = 'code', return_batch_id = NULL, "
            "delivery_run_id = NULL, version = ? WHERE id = ? AND version = ? AND status = 'on_shelf'",
            (now, version + 1, parcel_id, version),
        ).rowcount
        assert changed == 1
        conn.execute(
            "UPDATE layer SET used_units = used_units - ?, parcel_count = parcel_count - 1 WHERE id = ?",
            (UNITS[size], layer_id),
        )
        conn.execute(
            "INSERT INTO code_hold (code, released_at, until, parcel_id) VALUES (?, ?, ?, NULL) "
            "ON CONFLICT (code) DO UPDATE SET released_at = excluded.released_at, until = CASE WHEN "
            "code_hold.until > excluded.until THEN code_hold.until ELSE excluded.until END, parcel_id = NULL",
            (code, now, until),
        )
        conn.execute(
            "UPDATE code_hold SET until = ? WHERE parcel_id = ? AND until < ?", (until, parcel_id, until)
        )
        conn.execute(
            "UPDATE notification SET status = 'cancelled' WHERE parcel_id = ? AND status = 'queued'",
            (parcel_id,),
        )
        conn.execute(
            "UPDATE print_job SET status = 'cancelled' WHERE parcel_id = ? "
            "AND status IN ('held', 'queued', 'failed')",
            (parcel_id,),
        )
        conn.execute(
            "SELECT business_day, ends_at, reopened_at FROM day_close WHERE business_day >= ? AND business_day <= ?",
            ("2026-11-25", "2026-11-26"),
        ).fetchall()
        floor_event(conn, parcel_id, now)

    return durable_transactions(sqlite_path, parcel_ids, hand_over)
