"""The benchmark's own station database, built fast with raw `executemany`, cached between runs.

A `Scale` says how many parcels of history, how many on the shelves and how many checked in on the
report day. Rows are generated in check-in order; every parcel takes the next code of its layer's
cursor, so codes never repeat while a layer has issued fewer than the SEQ span (hence many layers),
and the layers' `used_units`/`parcel_count`/`code_cursor` are exactly what the shelf parcels imply.
Every parcel has its CHECKED_IN event and, when it left, its PICKED_UP/RETURNED/WRITTEN_OFF event
(the day report joins them). History events are not hash-chained: `station audit verify` is not
what this database is for. Shelf parcels have their (printed) label job and (sent) notification.
Every day before the report day is closed, as a station closes its days (`_close_history`).

The built file is kept in the user cache, keyed by scale and a hash of the schema migration and of
this module; each run works on a copy, so the cached file stays as built.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import random
import secrets
import shutil
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from platformdirs import user_cache_dir
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from db.engine import create_station_engine
from db.migrate import upgrade
from db.models import Clerk, Role
from station_console.services.admin.setup import init_station
from station_console.services.core.station import Station
from station_console.services.people.clerks import ClerkInfo, act_as, record_created
from station_console.services.people.pins import hash_pin

ZONE = "Asia/Shanghai"
SHELVES = 30  # x LAYERS layers: about 5,600 codes per layer at 1M parcels, under the 8,999 SEQ span
LAYERS = 6
CAPACITY = 160  # units per layer; the shelf parcels fill at most half: room for the timed check-ins
UNITS = {"S": 1, "M": 2, "L": 4}
SIZES = ("S",) * 10 + ("M",) * 7 + ("L",) * 3
# (carrier code, share, waybill maker from a unique serial number)
CARRIERS = (
    ("ZTO", 25, lambda n: f"73{n:012d}"),
    ("YTO", 18, lambda n: f"YT{n:013d}"),
    ("YUNDA", 15, lambda n: f"4{n:014d}"),
    ("JT", 12, lambda n: f"JT{n:013d}"),
    ("SF", 12, lambda n: f"SF0{n:012d}"),
    ("STO", 10, lambda n: f"77{n:012d}"),
    ("JD", 5, lambda n: f"JDVA{n:011d}"),
    ("EMS", 3, lambda n: f"9{n:012d}"),
)
TS = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite storage form of naive UTC


@dataclass(frozen=True)
class Scale:
    parcels: int  # all parcels ever checked in, the report day's included
    on_shelf: int  # still on the shelves at the end
    day: int  # checked in on the report day (the last day)
    history_days: int = 180

    @property
    def name(self) -> str:
        return f"{self.parcels}-{self.on_shelf}-{self.day}-{self.history_days}"


FULL = Scale(parcels=1_000_000, on_shelf=5_000, day=20_000)
QUICK = Scale(parcels=50_000, on_shelf=5_000, day=5_000, history_days=30)


@dataclass(frozen=True)
class Dataset:
    path: Path  # the SQLite file
    day: date  # the report day (station time); the database's newest day
    scale: Scale

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def schema_key() -> str:
    """Changes whenever the schema or this generator changes: a cached file is never stale."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    migrations = sorted((root / "db" / "migrations" / "versions").glob("[0-9]*.py"))
    for part in (*migrations, Path(__file__)):
        digest.update(part.read_bytes())
    return digest.hexdigest()[:12]


def cache_dir() -> Path:
    return Path(user_cache_dir("station-console", appauthor=False)) / "bench"


def working_copy(scale: Scale, dest: Path, *, cache: Path | None = None, rebuild: bool = False) -> Dataset:
    """A fresh copy of the cached database for `scale` at `dest` (built into the cache first if needed)."""
    built = cached(scale, cache=cache, rebuild=rebuild)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built.path, dest)
    return Dataset(path=dest, day=built.day, scale=scale)


def cached(scale: Scale, *, cache: Path | None = None, rebuild: bool = False) -> Dataset:
    folder = cache or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{scale.name}-{schema_key()}.sqlite3"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and not rebuild:
        return Dataset(path=path, day=date.fromisoformat(json.loads(meta.read_text())["day"]), scale=scale)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    day = build(partial, scale)
    partial.replace(path)
    meta.write_text(json.dumps({"day": day.isoformat(), "scale": asdict(scale)}))
    return Dataset(path=path, day=day, scale=scale)


def build(path: Path, scale: Scale, *, seed: int = 13, now: datetime | None = None) -> date:
    """Write a new station database for `scale` at `path`; returns the report day."""
    zone = ZoneInfo(ZONE)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    day = now.astimezone(zone).date() - timedelta(days=1)  # a whole day, ended before now
    _schema(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        _generate(conn, scale, day, zone, random.Random(seed))
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()
    return day


def _schema(path: Path) -> None:
    """Tables at head through Alembic, the bench's shelf layout, then the ordinary seed."""
    engine = create_station_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        with engine.begin() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            walk = 0
            for n in range(1, SHELVES + 1):
                raw.execute(
                    "INSERT INTO shelf (id, label, zone, walk_order) VALUES (?, ?, 'main', ?)", (n, str(n), n)
                )
                for label in range(1, LAYERS + 1):
                    walk += 1
                    raw.execute(
                        "INSERT INTO layer (shelf_id, label, capacity_units, accepts_sizes, walk_order, used_units,"
                        " parcel_count, code_cursor, zone, shelf_walk) VALUES (?, ?, ?, 'SML', ?, 0, 0, 0, 'main', ?)",
                        (n, str(label), CAPACITY, walk, n),
                    )
            raw.execute(
                "INSERT INTO shelf (id, label, zone, walk_order) VALUES (?, 'F', 'floor', ?)",
                (SHELVES + 1, 99),
            )
            raw.execute(
                "INSERT INTO shelf (id, label, zone, walk_order) VALUES (?, 'OV', 'overflow', ?)",
                (SHELVES + 2, 100),
            )
            for shelf, accepts, zone, shelf_walk in (
                (SHELVES + 1, "LX", "floor", 99),
                (SHELVES + 2, "SMLX", "overflow", 100),
            ):
                raw.execute(
                    "INSERT INTO layer (shelf_id, label, capacity_units, accepts_sizes, walk_order, used_units,"
                    " parcel_count, code_cursor, zone, shelf_walk) VALUES (?, '1', 60, ?, ?, 0, 0, 0, ?, ?)",
                    (shelf, accepts, shelf * 10, zone, shelf_walk),
                )
        init_station(Station(engine=engine, counter="bench"), timezone=ZONE)
    finally:
        engine.dispose()


def _without_indexes(conn: sqlite3.Connection, table: str) -> list[str]:
    """Drop `table`'s indexes (bulk inserts are much faster without them); their DDL to recreate."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for name, _sql in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _generate(conn: sqlite3.Connection, scale: Scale, day: date, zone: ZoneInfo, rng: random.Random) -> None:
    carrier_ids = dict(conn.execute("SELECT code, id FROM carrier").fetchall())
    makers = [(carrier_ids[code], make) for code, _share, make in CARRIERS]
    weights = [share for _code, share, _make in CARRIERS]
    layers = [r[0] for r in conn.execute("SELECT id FROM layer WHERE accepts_sizes = 'SML' ORDER BY id")]
    shelf_of = dict(conn.execute("SELECT id, shelf_id FROM layer").fetchall())
    layer_label = dict(
        conn.execute(
            "SELECT l.id, s.label || '-' || l.label FROM layer l JOIN shelf s ON s.id = l.shelf_id"
        ).fetchall()
    )
    clerks: list[int] = []
    created = datetime.combine(day - timedelta(days=scale.history_days + 1), datetime.min.time()).strftime(TS)
    for n in range(1, 5):
        cur = conn.execute(
            "INSERT INTO clerk (name, role, pin_hash, active, created_at) VALUES (?, 'clerk', '', 1, ?)",
            (f"bench-clerk-{n}", created),
        )
        clerks.append(int(cur.lastrowid or 0))

    # Check-in times: `day` parcels in the report day (busiest around noon), the rest spread evenly
    # over the history days before it.
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    end = day_start + timedelta(days=1)
    history = scale.parcels - scale.day
    span = scale.history_days * 86400
    times = [day_start - timedelta(seconds=span * (1 - i / max(history, 1))) for i in range(history)]
    times += sorted(
        day_start + timedelta(seconds=min(86399.0, max(0.0, rng.gauss(46800, 14400))))
        for _ in range(scale.day)
    )
    times = [t.replace(tzinfo=None) for t in times]
    naive_end = end.replace(tzinfo=None)

    # Who is still on the shelf: the newest parcels, `on_shelf` of them; a few older ones stay
    # long (overdue and return candidates) so the overdue bands are not empty.
    total = scale.parcels
    stay = set(range(total - scale.on_shelf + scale.on_shelf // 50, total))
    while len(stay) < scale.on_shelf:
        stay.add(rng.randrange(max(0, total - 30 * scale.day), total - scale.on_shelf))

    parcel_cols = (
        "id, waybill, carrier_id, size, phone_tail, masked_phone, phone_full, status, shelf_id, layer_id, "
        "pickup_code, redelivery, checked_in_at, checked_in_by, checked_in_counter, business_day, picked_up_at, "
        "picked_up_by, picked_up_counter, pickup_method, returned_at, returned_by, written_off_at, written_off_by, "
        "phone_purged_at, version"
    )
    cursor = dict.fromkeys(layers, 0)
    used = dict.fromkeys(layers, 0)
    count = dict.fromkeys(layers, 0)
    parcels: list[tuple[object, ...]] = []
    events: list[tuple[object, ...]] = []
    exits: list[tuple[str, int, str, str, int, str]] = []  # a heap of exit events still to come, by time
    shelf_ids: list[tuple[int, str]] = []
    offset = zone.utcoffset(datetime.combine(day, datetime.min.time()))  # no DST in Asia/Shanghai
    assert offset is not None
    choices = rng.choices(range(len(makers)), weights, k=total)
    insert_parcels = f"INSERT INTO parcel ({parcel_cols}) VALUES ({', '.join('?' * 26)})"
    insert_events = (
        "INSERT INTO parcel_event (parcel_id, kind, at, business_day, clerk_id, counter, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, '{}', '', '')"
    )
    recreate = _without_indexes(conn, "parcel") + _without_indexes(conn, "parcel_event")
    for pid in range(1, total + 1):
        i = pid - 1
        at = times[i]
        carrier_id, make = makers[choices[i]]
        waybill = make(pid)
        size = SIZES[rng.randrange(len(SIZES))]
        on_shelf = i in stay
        layer = layers[rng.randrange(len(layers))]
        if on_shelf:
            while used[layer] + UNITS[size] > CAPACITY // 2:  # keep half of each layer free for the bench
                layer = layers[rng.randrange(len(layers))]
            used[layer] += UNITS[size]
            count[layer] += 1
        code = f"{layer_label[layer]}-{1001 + cursor[layer] % 8999}"
        cursor[layer] += 1
        mobile = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        tail = mobile[-4:]
        clerk_no = rng.randrange(4)
        clerk, counter = clerks[clerk_no], f"counter-{clerk_no + 1}"
        at_text = at.strftime(TS)
        bday = (at + offset).date().isoformat()
        status, exit_at = "on_shelf", None
        if not on_shelf:
            roll = rng.random()
            if roll < 0.02:
                status, exit_at = "returned", at + timedelta(days=7, hours=rng.random() * 48)
            elif roll < 0.0205:
                status, exit_at = "written_off", at + timedelta(days=3, hours=rng.random() * 48)
            else:
                status, exit_at = "picked_up", at + timedelta(hours=rng.expovariate(1 / 20))
            if exit_at >= naive_end:  # left before the end of the data: squeeze the stay in
                exit_at = at + (naive_end - at) * rng.random()
        exit_text = exit_at.strftime(TS) if exit_at else None
        picked = status == "picked_up"
        parcels.append(
            (
                pid,
                waybill,
                carrier_id,
                size,
                tail,
                f"{mobile[:3]}****{tail}",
                mobile if on_shelf else None,
                status,
                shelf_of[layer],
                layer,
                code,
                0,
                at_text,
                clerk,
                counter,
                bday,
                exit_text if picked else None,
                clerk if picked else None,
                counter if picked else None,
                ("code" if rng.random() < 0.7 else "phone") if picked else None,
                exit_text if status == "returned" else None,
                clerk if status == "returned" else None,
                exit_text if status == "written_off" else None,
                clerk if status == "written_off" else None,
                exit_text if exit_at and exit_at < naive_end - timedelta(days=30) else None,
                1,
            )
        )
        while exits and exits[0][0] <= at_text:  # ids follow time, as in a real trail
            e = heapq.heappop(exits)
            events.append((e[1], e[2], e[0], e[3], e[4], e[5]))
        events.append((pid, "checked_in", at_text, bday, clerk, counter))
        if exit_at is not None and exit_text is not None:
            heapq.heappush(
                exits, (exit_text, pid, status, (exit_at + offset).date().isoformat(), clerk, counter)
            )
        if on_shelf:
            shelf_ids.append((pid, at_text))
        if len(parcels) >= 50_000:
            conn.executemany(insert_parcels, parcels)
            conn.executemany(insert_events, events)
            parcels, events = [], []
    while exits:
        e = heapq.heappop(exits)
        events.append((e[1], e[2], e[0], e[3], e[4], e[5]))
    conn.executemany(insert_parcels, parcels)
    conn.executemany(insert_events, events)
    for sql in recreate:
        conn.execute(sql)
    conn.executemany(
        "INSERT INTO print_job (parcel_id, kind, counter, status, attempts, payload, created_at, printed_at) "
        "VALUES (?, 'label', 'counter-1', 'printed', 1, '{}', ?, ?)",
        [(pid, at, at) for pid, at in shelf_ids],
    )
    conn.executemany(
        "INSERT INTO notification (parcel_id, kind, channel, status, attempts, idempotency_key, payload, created_at,"
        " sent_at) VALUES (?, 'checkin', 'sms', 'sent', 1, ?, '{}', ?, ?)",
        [(pid, f"bench-{pid}", at, at) for pid, at in shelf_ids],
    )
    conn.executemany(
        "UPDATE layer SET used_units = ?, parcel_count = ?, code_cursor = ? WHERE id = ?",
        [(used[lid], count[lid], 1001 + cursor[lid] % 8999, lid) for lid in layers],
    )
    last = conn.execute("SELECT id FROM parcel_event ORDER BY id DESC LIMIT 1").fetchone()
    conn.execute("UPDATE audit_head SET last_event_id = ? WHERE id = 1", (last[0] if last else None,))
    _close_history(conn, day, zone)


def _close_history(conn: sqlite3.Connection, day: date, zone: ZoneInfo) -> None:
    """Every day before the report day closed the next morning, as a station closes them, with the
    check-ins its close stores for the forecast. Their figures are not worked out (the bench reports
    the last day only): an empty object and its hash."""
    counts: dict[str, dict[str, int]] = {}
    for business_day, carrier, n in conn.execute(
        "SELECT business_day, carrier_id, COUNT(*) FROM parcel WHERE business_day < ? AND status != 'cancelled'"
        " GROUP BY business_day, carrier_id",
        (day.isoformat(),),
    ):
        counts.setdefault(business_day, {})[str(carrier)] = n
    empty = "{}"
    conn.executemany(
        "INSERT INTO day_close (business_day, closed_at, figures, sha256, checkins) VALUES (?, ?, ?, ?, ?)",
        [
            (
                closed,
                datetime.combine(date.fromisoformat(closed) + timedelta(days=1), dtime(8), tzinfo=zone)
                .astimezone(UTC)
                .strftime(TS),
                empty,
                hashlib.sha256(empty.encode()).hexdigest(),
                json.dumps(per_carrier),
            )
            for closed, per_carrier in sorted(counts.items())
        ],
    )


def act_as_bench_clerk(station: Station) -> Station:
    """Sign the bench's own clerk in (added on first use): every timed service needs someone signed in."""

    def work(session: Any) -> ClerkInfo:
        row = session.exec(select(Clerk).where(Clerk.name == "bench")).first()
        if row is None:
            # Nobody signs in as this clerk with a PIN: a random one, hashed cheaply.
            pin_hash = hash_pin(secrets.token_hex(8), n=2**10)
            row = Clerk(name="bench", role=Role.CLERK, pin_hash=pin_hash, created_at=station.now())
            session.add(row)
            session.flush()
            record_created(session, station, row, bench=True)
        return ClerkInfo.of(row)

    try:
        info = station.run(work)
    except IntegrityError:  # another counter of a concurrency run added it at the same moment
        info = station.run(work)
    act_as(station, info)
    return station
