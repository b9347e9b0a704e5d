"""The handover's same-writes floor: raw sqlite3 doing what one `confirm_pickup` does, statement for statement.

The statements are the service's own as a handover of one parcel found by its code runs them on the
bench database (its SQL traced): the chosen parcel's whole row, its conditional UPDATE from the version
and status read (now's time, the bench clerk), the layer's units given back, the code held for the
station's cooldown from now, the holds of codes a move replaced, the unsent messages and labels
withdrawn, the closed-day check of today, the `picked_up` event with the service's details and hashes
as long as its, on a chain of the floor's own, and that chain's head moved to it. What only Python does
(the hashes, the day in the station's zone) is done before the transaction's clock starts.

Its parcels are real ones on the shelves (its share of them) and leave them for good, as a handover's
do: the benches after it find the shelves as the handovers and the floor left them.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from station_console.bench.checkin_floor import COUNTER, TS, station_settings
from station_console.bench.floors import durable_transactions

# The service's statements, as SQLAlchemy compiles them for SQLite.
_CHOSEN = (
    "SELECT parcel.waybill, parcel.carrier_id, parcel.size, parcel.phone_tail, parcel.masked_phone, "
    "parcel.phone_full, parcel.email, parcel.recipient_name, parcel.recipient_type, parcel.id, parcel.status, "
    "parcel.shelf_id, parcel.layer_id, parcel.pickup_code, parcel.redelivery, parcel.courier_batch_id, "
    "parcel.prealert_id, parcel.problem_kind, parcel.problem_note, parcel.problem_at, parcel.checked_in_at, "
    "parcel.checked_in_by, parcel.checked_in_counter, parcel.business_day, parcel.picked_up_at, "
    "parcel.picked_up_by, parcel.picked_up_counter, parcel.pickup_method, parcel.returned_at, "
    "parcel.returned_by, parcel.return_batch_id, parcel.written_off_at, parcel.written_off_by, "
    "parcel.cancelled_at, parcel.phone_purged_at, parcel.recipient_id, parcel.delivery_run_id, parcel.version "
    "FROM parcel WHERE parcel.id IN (?)"
)
_LEAVE = (
    "UPDATE parcel SET status=?, picked_up_at=?, picked_up_by=?, picked_up_counter=?, pickup_method=?, "
    "return_batch_id=?, delivery_run_id=?, version=? "
    "WHERE parcel.id = ? AND parcel.version = ? AND parcel.status = ?"
)
_GIVE_BACK = "UPDATE layer SET used_units=(layer.used_units - ?), parcel_count=(layer.parcel_count - ?) WHERE layer.id = ?"
_HOLD = (
    "INSERT INTO code_hold (code, released_at, until, parcel_id) VALUES (?, ?, ?, ?) ON CONFLICT (code) "
    "DO UPDATE SET released_at = excluded.released_at, until = CASE WHEN (code_hold.until > excluded.until) "
    "THEN code_hold.until ELSE excluded.until END, parcel_id = excluded.parcel_id"
)
_HOLD_MOVED_FROM = "UPDATE code_hold SET until=? WHERE code_hold.parcel_id = ? AND code_hold.until < ?"
_WITHDRAW_MESSAGES = (
    "UPDATE notification SET status=? WHERE notification.parcel_id = ? AND notification.status = ?"
)
_WITHDRAW_LABELS = "UPDATE print_job SET status=? WHERE print_job.parcel_id = ? AND print_job.status IN ('held', 'queued', 'failed')"
_DAY_CLOSE = (
    "SELECT day_close.business_day, day_close.ends_at, day_close.reopened_at FROM day_close "
    "WHERE day_close.business_day >= ? AND day_close.business_day <= ?"
)
_EVENT = (
    "INSERT INTO parcel_event (parcel_id, kind, at, business_day, clerk_id, counter, details, prev_hash, "
    "hash, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_MOVE_HEAD = "UPDATE audit_head SET last_event_id=?, last_hash=? WHERE audit_head.chain = ? AND audit_head.last_hash = ?"


@dataclass(frozen=True)
class _Handover:
    """One handover's inputs, made before its transaction starts."""

    parcel_id: int
    now: str
    until: str  # the code's hold: now and the cooldown
    day: str
    tomorrow: str
    hash: str  # the event's hash (the service's is a SHA-256: the same 64 characters)


def same_writes(sqlite_path: str, parcel_ids: list[int]) -> Iterator[float]:
    """Seconds per raw sqlite3 transaction doing what one handover does (module doc), one durable commit
    each, after the floors' warm-up; `parcel_ids` are parcels on the shelves, handed over in turn."""
    with closing(sqlite3.connect(sqlite_path, isolation_level=None)) as conn:
        settings = station_settings(conn)
        clerk = conn.execute("SELECT id FROM clerk WHERE name = ?", (COUNTER,)).fetchone()
        chain = f"floor-{secrets.token_hex(4)}"  # a chain of its own, as another counter's: the handovers' stays theirs
        conn.execute(
            "INSERT INTO audit_head (last_event_id, last_hash, chain) VALUES (NULL, '', ?)", (chain,)
        )
    clerk_id = clerk[0] if clerk else None
    head = [""]

    def handovers() -> Iterator[_Handover]:
        for parcel_id in parcel_ids:
            at = datetime.now(UTC)
            day = at.astimezone(settings.zone).date()
            yield _Handover(
                parcel_id,
                at.strftime(TS),
                (at + settings.cooldown).strftime(TS),
                day.isoformat(),
                (day + timedelta(days=1)).isoformat(),
                secrets.token_hex(32),
            )

    def hand_over(conn: sqlite3.Connection, h: _Handover) -> None:
        row = conn.execute(_CHOSEN, (h.parcel_id,)).fetchone()
        waybill, size, status, layer_id, code, version = row[0], row[2], row[10], row[12], row[13], row[37]
        assert status == "on_shelf", "the floor's parcel left the shelves under it"
        changed = conn.execute(
            _LEAVE,
            (
                "picked_up",
                h.now,
                clerk_id,
                COUNTER,
                "code",
                None,
                None,
                version + 1,
                h.parcel_id,
                version,
                "on_shelf",
            ),
        ).rowcount
        assert changed == 1
        if layer_id is not None:
            conn.execute(_GIVE_BACK, (settings.units.get(size, settings.units.get("M", 2)), 1, layer_id))
        if code:
            conn.execute(_HOLD, (code, h.now, h.until, None))
        conn.execute(_HOLD_MOVED_FROM, (h.until, h.parcel_id, h.until))
        conn.execute(_WITHDRAW_MESSAGES, ("cancelled", h.parcel_id, "queued"))
        conn.execute(_WITHDRAW_LABELS, ("cancelled", h.parcel_id))
        conn.execute(_DAY_CLOSE, (h.day, h.tomorrow)).fetchall()
        details = json.dumps({"waybill": waybill, "code": code, "method": "code", "scanned": True})
        event_id = conn.execute(
            _EVENT,
            (h.parcel_id, "picked_up", h.now, h.day, clerk_id, COUNTER, details, head[0], h.hash, chain),
        ).lastrowid
        moved = conn.execute(_MOVE_HEAD, (event_id, h.hash, chain, head[0])).rowcount
        assert moved == 1, "the floor's chain head moved under it"
        head[0] = h.hash

    return durable_transactions(sqlite_path, handovers(), hand_over)
