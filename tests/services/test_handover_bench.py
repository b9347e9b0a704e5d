"""The handover's same-writes floor does what a handover does, on a small station."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from station_console.bench.checkin import measure_checkin
from station_console.bench.floors import WARM_UP
from station_console.bench.handover import pages_by_btree_beside_floor, shares
from station_console.bench.handover_floor import same_writes
from station_console.services.core.station import Station

PAGES = 5


def _shelved(station: Station, n: int) -> str:
    measure_checkin(station, n)  # and its warm-up's parcels
    path = station.engine.url.database
    assert path is not None
    return path


@pytest.mark.sqlite_only
def test_same_writes_floor_writes_the_pages_a_handover_writes(station: Station) -> None:
    # Each side's warm-up, one commit more and the counted ones, from its half of the shelves.
    path = _shelved(station, 2 * (WARM_UP + 1 + PAGES))
    pages = pages_by_btree_beside_floor(station, path, PAGES)

    def leaves(of: dict[str, float]) -> set[str]:
        return {name for name, n in of.items() if "(" not in name and n >= 0.5}

    # The parcel leaving with its on-shelf entries out and its left ones in, the layer's units back, the
    # code held, the event and its chain's head moved: the same b-trees.
    assert {"ix_parcel_code_left", "code_hold", "audit_head", "parcel_event"} <= leaves(pages["same_writes"])
    assert leaves(pages["same_writes"]) == leaves(pages["pickup"]), pages


@pytest.mark.sqlite_only
def test_same_writes_floor_hands_parcels_over_as_the_service_does(station: Station) -> None:
    path = _shelved(station, 10)
    _codes, ids = shares(path)
    conn = sqlite3.connect(path)
    heads = conn.execute("SELECT chain, last_event_id FROM audit_head").fetchall()
    layers = dict(conn.execute("SELECT id, used_units FROM layer").fetchall())
    mine = conn.execute(
        f"SELECT id, layer_id, size, pickup_code, waybill FROM parcel WHERE id IN ({','.join('?' * len(ids))})",
        ids,
    ).fetchall()
    floor = same_writes(path, ids)
    with pytest.raises(StopIteration):  # fewer parcels than its warm-up: every one handed over untimed
        next(floor)
    assert len(ids) < WARM_UP
    for parcel_id, layer_id, size, code, waybill in mine:
        status, by, version = conn.execute(
            "SELECT status, picked_up_counter, version FROM parcel WHERE id = ?", (parcel_id,)
        ).fetchone()
        assert (status, by, version) == ("picked_up", "bench", 2)
        released, until = conn.execute(
            "SELECT released_at, until FROM code_hold WHERE code = ?", (code,)
        ).fetchone()
        held = datetime.fromisoformat(until) - datetime.fromisoformat(released)
        assert held == timedelta(days=station.settings().code_cooldown_days)
        layers[layer_id] -= station.settings().size_units[size]
        kind, details, chain = conn.execute(
            "SELECT kind, details, chain FROM parcel_event WHERE parcel_id = ? ORDER BY id DESC LIMIT 1",
            (parcel_id,),
        ).fetchone()
        assert kind == "picked_up" and chain.startswith("floor-")
        assert json.loads(details) == {"waybill": waybill, "code": code, "method": "code", "scanned": True}
    assert dict(conn.execute("SELECT id, used_units FROM layer").fetchall()) == layers
    # Its events on a chain of its own, whose head is its last; the handovers' chains are untouched.
    chain_events = conn.execute(
        "SELECT id, prev_hash, hash FROM parcel_event WHERE chain LIKE 'floor-%' ORDER BY id"
    ).fetchall()
    assert len(chain_events) == len(ids)
    assert chain_events[0][1] == ""
    assert all(b[1] == a[2] and len(b[2]) == 64 for a, b in pairwise(chain_events))
    now = conn.execute("SELECT chain, last_event_id FROM audit_head").fetchall()
    assert [h for h in now if not h[0].startswith("floor-")] == heads
    assert [h[1] for h in now if h[0].startswith("floor-")] == [chain_events[-1][0]]
    conn.close()
