"""Check-in latency through the service, beside the raw-sqlite floor, and scan-to-screen in the console.

Goals: check-in p50 within 3x `floor_insert`'s p50, p99 under 5 ms; scan to row visible p99
under 100 ms while scans arrive one per 300 ms and labels print. Every function returns one latency per sample, in seconds. Check-ins use distinct valid
waybills of several carriers (a per-run random prefix keeps them clear of the database's history) and
the phone forms clerks really type.

Both floors open their connections with the station engine's PRAGMAs (db/engine.py): WAL,
synchronous=FULL, and SQLite's own checkpoint only past `CAP_PAGES` (db/checkpoint.py). They share the
database file, and so its WAL, with the check-ins they alternate with: with SQLite's default threshold
a floor's commit would now and then checkpoint the check-ins' pages inline while the check-in's own
never do, and the floors would be charged for work the check-in is not. The station engine's
background checkpointer (nudged by the check-ins' commits) checkpoints for all three, off every one's
commit.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TypeVar

from textual import events
from textual.keys import _character_to_key

from db.checkpoint import CAP_PAGES
from db.models.shelves import LAYER_FILL
from station_console.bench.dataset import act_as_bench_clerk
from station_console.bench.wal_frames import pages_by_btree
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen

T = TypeVar("T")
WARM_UP = 20  # check-ins before timing: compiled statements, detector, connection pool


def waybills(n: int, seed: int | None = None) -> list[str]:
    """`n` distinct valid waybills of mixed carriers (J&T, SF, YTO, ZTO, Deppon)."""
    return list(itertools.islice(_waybill_stream(seed), n))


def _waybill_stream(seed: int | None = None) -> Iterator[str]:
    """Distinct valid waybills of mixed carriers, one after another (up to 10**6 of them)."""
    rng = random.Random(seed)
    run = rng.randrange(10**5, 10**6)  # 6 digits that make this run's numbers unique
    shapes = [
        lambda i: f"JT{run}{i:07d}",
        lambda i: f"SF{rng.choice('0123456789')}{run}{i:06d}",
        lambda i: f"YT{run}{i:07d}",
        lambda i: f"7{rng.choice('34568')}{run}{i:06d}",
        lambda i: f"DPK{run}{i:06d}",
    ]
    return (shapes[i % len(shapes)](i) for i in range(10**6))


def phones(n: int, seed: int | None = None) -> list[str | None]:
    """What clerks type: mostly a 4-digit tail, some full numbers, a few privacy forms, some none."""
    rng = random.Random(seed)
    out: list[str | None] = []
    for _ in range(n):
        kind = rng.random()
        mobile = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        if kind < 0.5:
            out.append(mobile[-4:])
        elif kind < 0.8:
            out.append(mobile)
        elif kind < 0.9:
            out.append(f"{mobile[:3]}****{mobile[-4:]}")
        else:
            out.append(None)
    return out


def measure_checkin(station: Station, samples: int) -> list[float]:
    """Seconds per `check_in` (one transaction each: parcel, label job, notification, audit event)."""
    return list(itertools.islice(_checkins(station), samples))


def _checkins(station: Station) -> Iterator[float]:
    """One `check_in`'s seconds per step, after WARM_UP unmeasured ones."""
    numbers = _waybill_stream()
    typed = phones(1000, seed=4)
    sizes = ["S", "S", "M", "S", "L"]
    clock = time.perf_counter
    for i in itertools.count():
        t0 = clock()
        check_in(station, next(numbers), phone=typed[i % len(typed)], size=sizes[i % len(sizes)])
        if i >= WARM_UP:
            yield clock() - t0


def measure_checkin_beside_floors(
    station: Station, sqlite_path: str, samples: int, *, round_of: int = 10
) -> tuple[list[float], list[float], list[float]]:
    """Check-ins, the single-row floor and the same-writes floor, `round_of` of each in turn: the three
    see the same disk (an fsync on a shared machine can take 0.1 ms one minute and 4 ms the next)."""
    sources = (_checkins(station), single_rows(sqlite_path), _same_writes(sqlite_path))
    out: tuple[list[float], list[float], list[float]] = ([], [], [])
    try:
        while len(out[0]) < samples:
            for source, into in zip(sources, out, strict=True):
                into.extend(itertools.islice(source, min(round_of, samples - len(into))))
        return out
    finally:
        for source in sources:
            source.close()  # type: ignore[attr-defined]


PAGES_SAMPLE = 20  # commits per source: about 520 check-in pages, short of the checkpointer's trigger


def wal_pages_per_commit(station: Station, sqlite_path: str) -> dict[str, float]:
    """Pages each commit appends to the WAL (what its fsync carries), for the check-in and both floors.

    The WAL is emptied (a TRUNCATE checkpoint) before each source's `PAGES_SAMPLE` commits and its
    frames counted after them; fewer pages than the background checkpointer's trigger, so none of them
    is checkpointed and the WAL does not start over in between.
    """
    sources = {
        "checkin": _checkins(station),
        "single_row": single_rows(sqlite_path),
        "same_writes": _same_writes(sqlite_path),
    }
    out: dict[str, float] = {}
    conn = sqlite3.connect(sqlite_path, isolation_level=None)
    try:
        for name, source in sources.items():
            next(source)  # its warm-up, and one commit
            if not _empty_wal(conn):
                continue  # the WAL stayed in use: no honest count
            for _sample in itertools.islice(source, PAGES_SAMPLE):
                pass
            _busy, frames, _copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            out[name] = frames / PAGES_SAMPLE
    finally:
        conn.close()
        for source in sources.values():
            source.close()  # type: ignore[attr-defined]
    return out


def checkin_pages_by_btree(station: Station, sqlite_path: str, n: int = PAGES_SAMPLE) -> dict[str, float]:
    """Each check-in's WAL frames by the table or index they hold (`wal_frames.pages_by_btree`), over
    `n` check-ins: which rows and index entries its fsync carries."""
    commits = _checkins(station)
    try:
        next(commits)  # its warm-up, and one commit
        return pages_by_btree(sqlite_path, commits, n)
    finally:
        commits.close()  # type: ignore[attr-defined]


def _empty_wal(conn: sqlite3.Connection) -> bool:
    """Checkpoint and truncate the WAL; the background checkpointer may hold it for a moment."""
    for _attempt in range(50):
        busy, _frames, _copied = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if not busy:
            return True
        time.sleep(0.02)
    return False


def station_pragmas(conn: sqlite3.Connection) -> None:
    """The PRAGMAs a station engine's connections run with (db/engine.py), on a floor's raw one."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA wal_autocheckpoint={CAP_PAGES}")


def floor_insert(sqlite_path: str, samples: int) -> list[float]:
    """Seconds per raw sqlite3 single-row INSERT + COMMIT (the station's PRAGMAs) into a scratch table."""
    return list(itertools.islice(single_rows(sqlite_path), samples))


def single_rows(sqlite_path: str) -> Iterator[float]:
    conn = sqlite3.connect(sqlite_path, isolation_level=None)
    try:
        station_pragmas(conn)
        conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, waybill TEXT, at REAL)")
        clock = time.perf_counter
        for i in itertools.count():
            t0 = clock()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO bench_floor (waybill, at) VALUES (?, ?)", (f"FLOOR{i:010d}", t0))
            conn.execute("COMMIT")
            if i >= WARM_UP:
                yield clock() - t0
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.close()


# A busy counter's rhythm: a scan every 300 ms, each typed by the scanner 2 ms a key.
SCAN_EVERY_S, KEY_GAP_S = 0.3, 0.002
BENCH_PRINTER = {"language": "tspl", "transport": "dummy", "target": "bench"}


def _scanner(app: StationApp, codes: list[str], started: threading.Event, stop: threading.Event) -> None:
    """The scanner and the terminal driver: keys go into the app's queue from their own thread, on the
    scanner's schedule, stamped when they are handed over (a driver late on its schedule hands over
    what piled up at once, as a terminal buffer would), whatever the app is busy with."""
    started.wait()
    begin = time.monotonic()
    for n, code in enumerate(codes):
        for k, key in enumerate([*code, "enter"]):
            delay = begin + n * SCAN_EVERY_S + k * KEY_GAP_S - time.monotonic()
            if delay > 0 and stop.wait(delay):
                return
            char = None if key == "enter" else key
            app.post_message(events.Key(_character_to_key(key) if char else key, char))


async def measure_scan_to_screen(samples: int, *, sqlite_path: str | None = None) -> list[float]:
    """Seconds from a wedge scan's Enter to its row on the Check-in screen, in a headless console,
    while scans keep arriving one per 300 ms and the print worker draws and sends each label.

    A scan the router did not take as one gives no sample; the caller sees fewer samples than asked.
    """
    warm = 3  # the first few include one-off start-up work
    with tempfile.TemporaryDirectory() as tmp:
        path = sqlite_path or str(Path(tmp) / "scan.sqlite3")
        # A counter of its own: its printer drains its own labels, not the thousands the check-in part
        # just queued at counter "bench" (they would print during the measurement).
        station = act_as_bench_clerk(open_station(f"sqlite:///{path}", counter="bench-screen"))
        settings = CounterSettings(counter="bench-screen", printer=BENCH_PRINTER)
        app = StationApp(station, settings, database_label="bench")
        started, stop = threading.Event(), threading.Event()
        codes = waybills(samples + warm)
        feeder = threading.Thread(target=_scanner, args=(app, codes, started, stop), daemon=True)
        try:
            async with app.run_test(size=(140, 40)) as pilot:
                await pilot.pause(0.5)  # let the screen warm up (detector, imports)
                screen = app.screen
                assert isinstance(screen, CheckinScreen)
                feeder.start()
                started.set()
                # The last scan's row, or time enough for every scan and a slow last check-in.
                deadline = time.monotonic() + len(codes) * SCAN_EVERY_S + 5.0
                while len(screen.latencies) < len(codes) and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                return screen.latencies[warm:]
        finally:
            stop.set()
            feeder.join(timeout=5)
            station.engine.dispose()


def floor_same_writes(sqlite_path: str, samples: int) -> list[float]:
    """Seconds per raw sqlite3 transaction doing what one check-in does (`_same_writes`)."""
    return list(itertools.islice(_same_writes(sqlite_path), samples))


def _same_writes(sqlite_path: str) -> Iterator[float]:
    """Seconds per raw sqlite3 transaction doing what one check-in does, statement for statement.

    The same reads (duplicate, pre-alert, code check, closed days) and writes (the layer's pick, the
    recipient's layers first, and claim with its cursor, parcel, label job, message, event, chain head)
    on the bench database, with the station's PRAGMAs: the floor of the check-in itself, not of a
    single row.
    """
    with closing(sqlite3.connect(sqlite_path)) as conn:
        carrier_id = conn.execute("SELECT id FROM carrier ORDER BY id LIMIT 1").fetchone()[0]
        layer_id = conn.execute("SELECT id FROM layer ORDER BY used_units LIMIT 1").fetchone()[0]
    fits = "retired_at IS NULL AND accepts_sizes LIKE '%M%' AND capacity_units - used_units >= 2"
    order = f"{LAYER_FILL}, shelf_walk, walk_order"
    now = "2026-11-25 10:00:00.000000"
    run = time.time_ns()  # this run's message keys are its own

    def check_in(conn: sqlite3.Connection, i: int) -> None:
        waybill, code = f"FLOOR{i:010d}", f"FL-{i}"
        conn.execute(
            "SELECT id, status, pickup_code FROM parcel WHERE waybill = ? AND status != 'cancelled'",
            (waybill,),
        ).fetchall()
        conn.execute(
            "SELECT id, status, phone_tail, masked_phone, phone_full, recipient_name, recipient_type, "
            "size FROM prealert WHERE waybill = ? AND (status = 'expected' OR status = 'not_received')",
            (waybill,),
        ).fetchall()
        # The layer claim: the policy's pick as the first of the recipient's layers (they have none
        # on the shelves), the least filled outside the overflow zone (an index walk of
        # ix_layer_pick) and the overflow zone's, the claim (of no units: the layers stay as they
        # are) and the cursor in one UPDATE.
        conn.execute(
            f"UPDATE layer SET used_units = used_units + 0, parcel_count = parcel_count + 0, "
            f"code_cursor = code_cursor WHERE id = COALESCE((SELECT layer.id FROM layer JOIN "
            f"(SELECT layer_id, count(*) AS n FROM parcel WHERE phone_full = ? AND phone_tail = ? "
            f"AND status = 'on_shelf' GROUP BY layer_id) AS mine ON mine.layer_id = layer.id WHERE {fits} "
            f"AND zone != 'overflow' ORDER BY mine.n DESC, {order} LIMIT 1), "
            f"(SELECT id FROM layer WHERE {fits} AND zone != 'overflow' ORDER BY {order} LIMIT 1), "
            f"(SELECT id FROM layer WHERE {fits} AND zone = 'overflow' ORDER BY {order} LIMIT 1)) "
            "AND used_units + 0 <= capacity_units RETURNING id, shelf_id, "
            "(SELECT label FROM shelf WHERE shelf.id = layer.shelf_id), label, zone, code_cursor",
            ("13800005678", "5678"),
        ).fetchone()
        conn.execute(
            "SELECT EXISTS (SELECT * FROM parcel WHERE pickup_code = ? AND status = 'on_shelf'), "
            "EXISTS (SELECT * FROM code_hold WHERE code = ? AND until > ?)",
            (code, code, now),
        ).fetchone()
        parcel_id = conn.execute(
            "INSERT INTO parcel (waybill, carrier_id, size, phone_tail, masked_phone, phone_full, status, "
            "layer_id, pickup_code, redelivery, checked_in_at, checked_in_counter, business_day, version) "
            "VALUES (?, ?, 'M', '5678', '138****5678', '13800005678', 'floor', ?, ?, 0, ?, 'bench', "
            "'2026-11-25', 1) RETURNING id",
            (waybill, carrier_id, layer_id, code, now),
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO print_job (parcel_id, kind, counter, status, attempts, payload, created_at) "
            "VALUES (?, 'label', 'bench', 'floor', 0, '{}', ?) RETURNING id",
            (parcel_id, now),
        ).fetchone()
        conn.execute(
            "INSERT INTO notification (parcel_id, kind, status, attempts, idempotency_key, payload, "
            "created_at) VALUES (?, 'checkin', 'floor', 0, ?, ?, ?) RETURNING id",
            (parcel_id, f"floor-{run}-{i}", '{"pickup_code": "FL"}', now),
        ).fetchone()
        conn.execute("SELECT id FROM day_close LIMIT 1").fetchone()
        floor_event(conn, parcel_id, now)

    return durable_transactions(sqlite_path, itertools.count(), check_in)


def durable_transactions(
    sqlite_path: str, items: Iterable[T], work: Callable[[sqlite3.Connection, T], None]
) -> Iterator[float]:
    """Seconds per raw sqlite3 transaction doing `work` for each item (BEGIN IMMEDIATE, work, COMMIT, on
    one connection with the station's PRAGMAs), after WARM_UP unmeasured ones: a floor's loop."""
    conn = sqlite3.connect(sqlite_path, isolation_level=None)
    try:
        station_pragmas(conn)
        clock = time.perf_counter
        for i, item in enumerate(items):
            t0 = clock()
            conn.execute("BEGIN IMMEDIATE")
            work(conn, item)
            conn.execute("COMMIT")
            if i >= WARM_UP:
                yield clock() - t0
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def floor_event(conn: sqlite3.Connection, parcel_id: int, now: str) -> None:
    """A floor's audit event and its chain head (moved only if it is where this writer left it)."""
    event_id = conn.execute(
        "INSERT INTO parcel_event (parcel_id, kind, at, business_day, counter, details, prev_hash, hash) "
        "VALUES (?, 'floor', ?, '2026-11-25', 'bench', '{}', '', '') RETURNING id",
        (parcel_id, now),
    ).fetchone()[0]
    conn.execute(
        "UPDATE audit_head SET last_event_id = last_event_id WHERE id = 1 AND ? > 0 AND last_hash = last_hash",
        (event_id,),
    )
