"""Check-in latency through the service, beside the raw-sqlite floor, and scan-to-screen in the console.

Goals (issue 4): check-in p50 within 3x `floor_insert`'s p50, p99 under 5 ms; scan to row visible p50
under 60 ms. Every function returns one latency per sample, in seconds. Check-ins use distinct valid
waybills of several carriers (a per-run random prefix keeps them clear of the database's history) and
the phone forms clerks really type.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from station_console.services.station import Station

WARM_UP = 20  # check-ins before timing: compiled statements, detector, connection pool


def waybills(n: int, seed: int | None = None) -> list[str]:
    """`n` distinct valid waybills of mixed carriers (J&T, SF, YTO, ZTO, Deppon)."""
    rng = random.Random(seed)
    run = rng.randrange(10**5, 10**6)  # 6 digits that make this run's numbers unique
    shapes = [
        lambda i: f"JT{run}{i:07d}",
        lambda i: f"SF{rng.choice('0123456789')}{run}{i:06d}",
        lambda i: f"YT{run}{i:07d}",
        lambda i: f"7{rng.choice('34568')}{run}{i:06d}",
        lambda i: f"DPK{run}{i:06d}",
    ]
    return [shapes[i % len(shapes)](i) for i in range(n)]


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
    from station_console.services.checkin import check_in

    total = samples + WARM_UP
    numbers, typed = waybills(total), phones(total, seed=4)
    sizes = ["S", "S", "M", "S", "L"]
    out: list[float] = []
    clock = time.perf_counter
    for i, (waybill, phone) in enumerate(zip(numbers, typed, strict=True)):
        t0 = clock()
        check_in(station, waybill, phone=phone, size=sizes[i % len(sizes)])
        if i >= WARM_UP:
            out.append(clock() - t0)
    return out


def floor_insert(sqlite_path: str, samples: int) -> list[float]:
    """Seconds per raw sqlite3 single-row INSERT + COMMIT (WAL, synchronous=FULL) into a scratch table."""
    conn = sqlite3.connect(sqlite_path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, waybill TEXT, at REAL)")
        out: list[float] = []
        clock = time.perf_counter
        for i in range(samples + WARM_UP):
            t0 = clock()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO bench_floor (waybill, at) VALUES (?, ?)", (f"FLOOR{i:010d}", t0))
            conn.execute("COMMIT")
            if i >= WARM_UP:
                out.append(clock() - t0)
        conn.execute("DROP TABLE bench_floor")
        return out
    finally:
        conn.close()


async def measure_scan_to_screen(
    samples: int, *, key_gap_s: float = 0.002, between_s: float = 0.05, sqlite_path: str | None = None
) -> list[float]:
    """Seconds from a wedge scan's Enter to its row on the Check-in screen, in a headless console.

    Keys are posted to the app `key_gap_s` apart in real time, so they go through the real router
    timing. A scan the router did not take as one (a machine too busy to deliver keys on time) gives
    no sample; the caller sees fewer samples than asked.
    """
    from textual import events
    from textual.keys import _character_to_key

    from station_console.services.setup import open_station
    from station_console.settings import CounterSettings
    from station_console.tui.app import StationApp
    from station_console.tui.screens.checkin import CheckinScreen

    with tempfile.TemporaryDirectory() as tmp:
        path = sqlite_path or str(Path(tmp) / "scan.sqlite3")
        station = open_station(f"sqlite:///{path}", counter="bench")
        app = StationApp(station, CounterSettings(counter="bench"), database_label="bench")
        try:
            async with app.run_test(size=(140, 40)) as pilot:
                await pilot.pause(0.5)  # let the screen warm up (detector, imports)
                screen = app.screen
                assert isinstance(screen, CheckinScreen)
                for waybill in waybills(samples + 3):
                    seen = len(screen.latencies)
                    for char in waybill:
                        app.post_message(events.Key(_character_to_key(char), char))
                        await asyncio.sleep(key_gap_s)
                    app.post_message(events.Key("enter", None))
                    deadline = time.monotonic() + 2.0
                    while len(screen.latencies) == seen and time.monotonic() < deadline:
                        await asyncio.sleep(0.001)
                    await asyncio.sleep(between_s)
                return screen.latencies[3:]  # the first few include one-off start-up work
        finally:
            station.engine.dispose()
