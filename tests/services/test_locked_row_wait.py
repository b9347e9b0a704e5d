"""A parcel row another connection keeps locked (psql's SELECT ... FOR UPDATE, a client stuck in its
transaction) holds a pickup on PostgreSQL as SQLite's write lock does: the clerk is told at once that
the database is busy, and past the counter's busy wait the handover is refused, nothing changed; never
a handover waiting without a word for as long as the lock is held."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from pickup_helpers import as_clerk
from shelf_helpers import parcel, place, wb

from db.models import ParcelStatus
from station_console.errors import StationError
from station_console.services.core.station import Station
from station_console.services.pickup.handover import confirm_pickup

HELD_S = 20.0  # the lock's holder lets go by itself: without a bound the pickup waited all this time


@pytest.mark.postgres_only
def test_a_pickup_behind_a_held_row_lock_is_told_and_refused(station: Station) -> None:
    pid = place(station, wb(1), "5-1")
    busy = threading.Event()
    picker = replace(as_clerk(station, "Ann", counter="counter-1"), on_busy=busy.set, busy_wait_s=1.5)
    holder = station.engine.raw_connection()
    release = threading.Timer(HELD_S, holder.rollback)
    try:
        cursor = holder.cursor()
        cursor.execute("SELECT id FROM parcel WHERE id = %s FOR UPDATE", (pid,))
        release.start()
        with pytest.raises(StationError) as refused:
            confirm_pickup(picker, [pid], method="code", scanned=[wb(1)])
        # Refused while the lock was still held: it did not wait for the holder (no clock to race).
        held_at_refusal = not release.finished.is_set()
    finally:
        release.cancel()
        holder.rollback()
        holder.close()
    assert refused.value.code == "database_locked", refused.value
    assert busy.is_set()  # said at the first conflict, while it retried
    assert held_at_refusal
    assert parcel(station, pid).status == ParcelStatus.ON_SHELF
