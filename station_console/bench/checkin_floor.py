"""The check-in's same-writes floor: raw sqlite3 doing what one `check_in` does, statement for statement.

The statements are the service's own as a check-in on the bench database runs them (its SQL traced):
the duplicate check (parcels and sends), the pre-alert, the directory's phone when a full number is
typed, the layer's pick and claim of the parcel's real units with its code cursor in one UPDATE (the
recipient's layers first, keyed by the phone as the service keys it), the code check, the closed days,
the parcel on the shelf, its label job, its message where there is a number to send it to, the event on
a chain of the floor's own and that chain's head. Its inputs are drawn as the bench's check-ins draw
theirs (the caller passes a waybill stream and typed phones of its own, and the same sizes in turn), and
its times are now's, so its rows and index entries land where a check-in's do. What only Python does
(detection, parsing the phone, the hashes) is done before the transaction's clock starts.

The floor's parcels stay on the shelves while it runs, as a second counter's would, so the check-ins
beside it see shelves as full as it made them. When it is closed it takes them off again as an undone
check-in is: each parcel cancelled, its label job and message withdrawn, its layer's units and count
given back, its events kept (on the floor's chain). So the benches after it (pickup's shares of the
shelves, the WAL counts, scan to screen) find on the shelves and layers what the check-ins left there,
and its rows, kept, leave the tables' pages as full as its inserts made them (deleting them would leave
room in the leaves the check-ins insert into next, and fewer splits than a station's). Only the layers'
code cursors stay moved on, as after codes issued and freed again.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from db.models.shelves import LAYER_FILL
from station_console.bench.floors import durable_transactions
from station_console.services.checkin.phones import Phone, parse_phone

TS = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite storage form of naive UTC
UNITS = {"S": 1, "M": 2, "L": 4, "XL": 8}  # the station's default size units (its settings may say others)
COUNTER = "bench"

# The carrier the detector gives each waybill shape of the bench's stream (checkin._waybill_stream).
_PREFIXES = (("JT", "JT"), ("SF", "SF"), ("YT", "YTO"), ("DPK", "DPK"), ("7", "ZTO"))


def carrier_code(waybill: str) -> str:
    return next(code for prefix, code in _PREFIXES if waybill.startswith(prefix))


# The service's statements (their SQL as SQLAlchemy compiles them, parameters bound by name).
_DUPLICATE = (
    "SELECT parcel.id, parcel.status, parcel.pickup_code, 0 AS send FROM parcel "
    "WHERE parcel.waybill = :waybill AND parcel.status != 'cancelled' UNION ALL "
    "SELECT send.id, send.status, CASE WHEN (send.scanned_at IS NULL) THEN 'counter' ELSE 'batch' END, 1 "
    "FROM send WHERE send.waybill = :waybill AND send.status IN ('accepted', 'handed_over')"
)
_PREALERT = (
    "SELECT prealert.id, prealert.status, prealert.phone_tail, prealert.masked_phone, prealert.phone_full, "
    "prealert.recipient_name, prealert.recipient_type, prealert.size FROM prealert "
    "WHERE prealert.waybill = ? AND (prealert.status = 'expected' OR prealert.status = 'not_received')"
)
_DIRECTORY = (
    "SELECT recipient_phone.recipient_id FROM recipient_phone JOIN recipient "
    "ON recipient.id = recipient_phone.recipient_id "
    "WHERE recipient_phone.phone_full = ? AND recipient.active = 1 LIMIT 2"
)
_FITS = (
    "layer.retired_at IS NULL AND (layer.accepts_sizes LIKE '%' || :letter || '%') "
    "AND layer.capacity_units - layer.used_units >= :units"
)
_BY_FILL = f"{LAYER_FILL}, layer.shelf_walk, layer.walk_order"
# How the service knows the recipient's parcels (layer_pick._recipient_condition), by the phone's form.
_MINE = {
    "phone_tail": "parcel.phone_full = :key AND parcel.phone_tail = :tail",
    "masked_tail": "parcel.masked_phone = :key AND parcel.phone_tail = :tail",
}


def _claim(recipient: str | None) -> str:
    """layer_pick._claim_best's UPDATE: the policy's pick, its units claimed and its cursor moved."""
    picks = [
        f"(SELECT layer.id FROM layer WHERE {_FITS} AND layer.zone != :overflow ORDER BY {_BY_FILL} LIMIT 1)",
        f"(SELECT layer.id FROM layer WHERE {_FITS} AND layer.zone = :overflow ORDER BY {_BY_FILL} LIMIT 1)",
    ]
    if recipient is not None:
        picks.insert(
            0,
            "(SELECT layer.id FROM layer JOIN (SELECT parcel.layer_id AS layer_id, count(*) AS n FROM parcel "
            f"WHERE {_MINE[recipient]} AND parcel.status = 'on_shelf' GROUP BY parcel.layer_id) AS mine "
            f"ON mine.layer_id = layer.id WHERE {_FITS} AND layer.zone != :overflow "
            f"ORDER BY mine.n DESC, {_BY_FILL} LIMIT 1)",
        )
    return (
        "UPDATE layer SET used_units = (layer.used_units + :units), parcel_count = (layer.parcel_count + 1), "
        "code_cursor = (:low + ((CASE WHEN (layer.code_cursor >= :low AND layer.code_cursor <= :high) "
        "THEN layer.code_cursor ELSE :low END - :low) + 1) % :span) "
        f"WHERE layer.id = coalesce({', '.join(picks)}) AND layer.used_units + :units <= layer.capacity_units "
        "RETURNING id, shelf_id, (SELECT shelf.label FROM shelf WHERE id = shelf_id), label, zone, "
        "accepts_sizes, capacity_units, used_units, shelf_walk, walk_order, code_cursor"
    )


_CLAIMS = {recipient: _claim(recipient) for recipient in (None, *_MINE)}
_CODE_TAKEN = (
    "SELECT EXISTS (SELECT * FROM parcel WHERE parcel.pickup_code = :code AND parcel.status = 'on_shelf'), "
    "EXISTS (SELECT * FROM code_hold WHERE code_hold.code = :code AND (code_hold.until > :now OR "
    "EXISTS (SELECT * FROM parcel WHERE parcel.id = code_hold.parcel_id AND parcel.status = 'on_shelf')))"
)
_MOVE_CURSOR = "UPDATE layer SET code_cursor = ? WHERE layer.id = ?"
_DAY_CLOSE = (
    "SELECT day_close.business_day, day_close.ends_at, day_close.reopened_at FROM day_close "
    "WHERE day_close.business_day >= ? AND day_close.business_day <= ?"
)
_PARCEL = (
    "INSERT INTO parcel (waybill, carrier_id, size, phone_tail, masked_phone, phone_full, status, shelf_id, "
    "layer_id, pickup_code, redelivery, checked_in_at, checked_in_by, checked_in_counter, business_day, "
    f"version) VALUES (?, ?, ?, ?, ?, ?, 'on_shelf', ?, ?, ?, 0, ?, ?, '{COUNTER}', ?, 1)"
)
_LABEL_JOB = (
    "INSERT INTO print_job (parcel_id, kind, counter, status, attempts, payload, created_at) "
    f"VALUES (?, 'label', '{COUNTER}', 'queued', 0, '{{}}', ?)"
)
_MESSAGE = (
    "INSERT INTO notification (parcel_id, kind, status, attempts, next_attempt_at, idempotency_key, payload, "
    "created_at) VALUES (?, 'checkin', 'queued', 0, ?, ?, ?, ?)"
)
_EVENT = (
    "INSERT INTO parcel_event (parcel_id, kind, at, business_day, clerk_id, counter, details, prev_hash, "
    f"hash, chain) VALUES (?, 'checked_in', ?, ?, ?, '{COUNTER}', ?, ?, ?, ?)"
)
_MOVE_HEAD = (
    "UPDATE audit_head SET last_event_id = ?, last_hash = ? "
    "WHERE audit_head.chain = ? AND audit_head.last_hash = ?"
)


@dataclass(frozen=True)
class _Scan:
    """One check-in's inputs, made before its transaction starts."""

    waybill: str
    carrier_id: int
    carrier: str  # its short name, as the message names it
    size: str
    phone: Phone | None
    at: datetime
    day: str
    key: str  # the message's idempotency key
    hash: str  # the event's hash (the service's is a SHA-256 of it: the same 64 characters)


@dataclass
class FloorSettings:
    template: str
    low: int
    high: int
    overflow: str
    zone: ZoneInfo
    units: dict[str, int]
    cooldown: timedelta  # how long a freed code is held back


def station_settings(conn: sqlite3.Connection) -> FloorSettings:
    """The station's settings a floor needs, read raw (the service's defaults where none are stored)."""
    row = conn.execute("SELECT value FROM setting WHERE key = 'station'").fetchone()
    given = json.loads(row[0]) if row else {}
    return FloorSettings(
        template=given.get("code_template", "{shelf}-{layer}-{seq}"),
        low=int(given.get("code_seq_min", 1001)),
        high=int(given.get("code_seq_max", 9999)),
        overflow=given.get("overflow_zone", "overflow"),
        zone=ZoneInfo(given.get("timezone", "Asia/Shanghai")),
        units={**UNITS, **given.get("size_units", {})},
        cooldown=timedelta(days=int(given.get("code_cooldown_days", 7))),
    )


def same_writes(
    sqlite_path: str, waybills: Iterator[str], typed: Sequence[str | None], sizes: Sequence[str]
) -> Generator[float, None, None]:
    """Seconds per raw sqlite3 transaction doing what one check-in does (module doc), one durable commit
    each, after the floors' warm-up; its rows are taken away again when it is closed."""
    with closing(sqlite3.connect(sqlite_path, isolation_level=None)) as conn:
        settings = station_settings(conn)
        carriers = {
            code: (cid, short)
            for cid, code, short in conn.execute("SELECT id, code, short_name FROM carrier")
        }
        clerk = conn.execute("SELECT id FROM clerk WHERE name = ?", (COUNTER,)).fetchone()
        chain = f"floor-{secrets.token_hex(4)}"  # a chain of its own, as another counter's: the check-ins' stays theirs
        conn.execute(
            "INSERT INTO audit_head (last_event_id, last_hash, chain) VALUES (NULL, '', ?)", (chain,)
        )
    clerk_id = clerk[0] if clerk else None
    span = settings.high - settings.low + 1
    placed: list[tuple[int, int, int]] = []  # (parcel, layer, units): what to take away again
    head = [""]

    def scans() -> Iterator[_Scan]:
        for i, waybill in enumerate(waybills):
            carrier_id, short = carriers[carrier_code(waybill)]
            raw = typed[i % len(typed)]
            at = datetime.now(UTC).replace(tzinfo=None)
            day = (at.replace(tzinfo=UTC).astimezone(settings.zone)).date().isoformat()
            phone = parse_phone(raw) if raw else None
            size = sizes[i % len(sizes)]
            yield _Scan(
                waybill, carrier_id, short, size, phone, at, day, secrets.token_hex(16), secrets.token_hex(32)
            )

    def check_in(conn: sqlite3.Connection, scan: _Scan) -> None:
        now = scan.at.strftime(TS)
        phone = scan.phone
        conn.execute(_DUPLICATE, {"waybill": scan.waybill}).fetchall()
        conn.execute(_PREALERT, (scan.waybill,)).fetchall()
        if phone is not None and phone.full:
            conn.execute(_DIRECTORY, (phone.full,)).fetchall()
        units = settings.units[scan.size]
        params: dict[str, object] = {
            "units": units,
            "letter": scan.size,
            "overflow": settings.overflow,
            "low": settings.low,
            "high": settings.high,
            "span": span,
        }
        recipient = None
        if phone is not None:
            recipient = "phone_tail" if phone.full else "masked_tail"
            params |= {"key": phone.full or phone.masked, "tail": phone.tail}
        row = conn.execute(_CLAIMS[recipient], params).fetchone()
        assert row is not None, "the floor found no layer with room"
        layer_id, shelf_id, shelf, layer = row[0], row[1], row[2], row[3]
        seq = settings.low + (row[10] - settings.low - 1) % span
        code = settings.template.format(shelf=shelf, layer=layer, seq=seq)
        for step in range(1, span):  # the service asks past a taken code in batches; rare on the bench
            if conn.execute(_CODE_TAKEN, {"code": code, "now": now}).fetchone() == (0, 0):
                if step > 1:
                    conn.execute(_MOVE_CURSOR, (settings.low + (seq - settings.low + 1) % span, layer_id))
                break
            seq = settings.low + (seq - settings.low + 1) % span
            code = settings.template.format(shelf=shelf, layer=layer, seq=seq)
        tomorrow = (datetime.fromisoformat(scan.day) + timedelta(days=1)).date().isoformat()
        conn.execute(_DAY_CLOSE, (scan.day, tomorrow)).fetchall()
        tail, masked, full = (phone.tail, phone.masked, phone.full) if phone else (None, None, None)
        parcel_id = conn.execute(
            _PARCEL,
            (
                scan.waybill,
                scan.carrier_id,
                scan.size,
                tail,
                masked,
                full,
                shelf_id,
                layer_id,
                code,
                now,
                clerk_id,
                scan.day,
            ),
        ).lastrowid
        assert parcel_id is not None
        placed.append((parcel_id, layer_id, units))
        conn.execute(_LABEL_JOB, (parcel_id, now))
        if full:
            where = {"pickup_code": code, "carrier": scan.carrier, "shelf": shelf, "layer": layer}
            payload = json.dumps({**where, "checked_in_at": scan.at.replace(tzinfo=UTC).isoformat()})
            conn.execute(_MESSAGE, (parcel_id, now, scan.key, payload, now))
        details = json.dumps(
            {
                "raw": scan.waybill,
                "waybill": scan.waybill,
                "carrier": carrier_code(scan.waybill),
                "code": code,
                "size": scan.size,
                "shelf": shelf,
                "layer": layer,
                "masked_phone": masked,
                "redelivery": False,
                "overflow": row[4] == settings.overflow,
                "forced_carrier": False,
            }
        )
        event_id = conn.execute(
            _EVENT, (parcel_id, now, scan.day, clerk_id, details, head[0], scan.hash, chain)
        ).lastrowid
        moved = conn.execute(_MOVE_HEAD, (event_id, scan.hash, chain, head[0])).rowcount
        assert moved == 1, "the floor's chain head moved under it"
        head[0] = scan.hash

    try:
        yield from durable_transactions(sqlite_path, scans(), check_in)
    finally:
        _take_away(sqlite_path, placed)


def _take_away(sqlite_path: str, placed: list[tuple[int, int, int]]) -> None:
    """The floor's parcels off the shelves again as undone check-ins (cancelled, their label jobs and
    messages withdrawn), their layers' units and counts given back."""
    parcels = [(parcel_id,) for parcel_id, _layer, _units in placed]
    units: Counter[int] = Counter()
    count: Counter[int] = Counter()
    for _parcel, layer_id, n in placed:
        units[layer_id] += n
        count[layer_id] += 1
    at = datetime.now(UTC).strftime(TS)
    with closing(sqlite3.connect(sqlite_path, isolation_level=None, timeout=30)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            f"UPDATE parcel SET status = 'cancelled', cancelled_at = '{at}', version = version + 1 WHERE id = ?",
            parcels,
        )
        for table in ("notification", "print_job"):
            conn.executemany(f"UPDATE {table} SET status = 'cancelled' WHERE parcel_id = ?", parcels)
        conn.executemany(
            "UPDATE layer SET used_units = used_units - ?, parcel_count = parcel_count - ? WHERE id = ?",
            [(units[layer_id], count[layer_id], layer_id) for layer_id in units],
        )
        conn.execute("COMMIT")
