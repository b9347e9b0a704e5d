"""Check-in latency through the service, beside the raw-sqlite floor, and scan-to-screen in the console.

Goals: check-in p50 within 3x `floor_insert`'s p50, p99 under 5 ms; scan to row visible p99
under 100 ms while scans arrive one per 300 ms and labels print. Every function returns one latency per sample, in seconds. Check-ins use distinct valid
waybills of several carriers (a per-run random prefix keeps them clear of the database's history) and
the phone forms clerks really type.

Both floors (`floors.py`, `checkin_floor.py`) open their connections with the station engine's PRAGMAs
(db/engine.py): WAL, synchronous=FULL, and SQLite's own checkpoint only past `CAP_PAGES`
(db/checkpoint.py). They share the
database file, and so its WAL, with the check-ins they alternate with: with SQLite's default threshold
a floor's commit would now and then checkpoint the check-ins' pages inline while the check-in's own
never do, and the floors would be charged for work the check-in is not. The station engine's
background checkpointer (nudged by the check-ins' commits) checkpoints for all three, off every one's
commit.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import random
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from textual import events
from textual.keys import _character_to_key

from db.engine import checkpointer_of
from station_console.bench.checkin_floor import same_writes
from station_console.bench.dataset import act_as_bench_clerk
from station_console.bench.floors import WARM_UP, single_rows
from station_console.bench.scan_watch import ScanWatch
from station_console.bench.wal_frames import pages_by_btree
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen

CHECKIN_SIZES = ["S", "S", "M", "S", "L"]  # the sizes clerks give, in turn


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
    sizes = CHECKIN_SIZES
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
    return _pages_by_btree(_checkins(station), sqlite_path, n)


def same_writes_pages_by_btree(sqlite_path: str, n: int = PAGES_SAMPLE) -> dict[str, float]:
    """The same for the same-writes floor's commits: where it does the check-in's work, the same pages."""
    return _pages_by_btree(_same_writes(sqlite_path), sqlite_path, n)


def _pages_by_btree(commits: Iterator[float], sqlite_path: str, n: int) -> dict[str, float]:
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


def floor_insert(sqlite_path: str, samples: int) -> list[float]:
    """Seconds per raw sqlite3 single-row INSERT + COMMIT (the station's PRAGMAs) into a scratch table."""
    return list(itertools.islice(single_rows(sqlite_path), samples))


# A busy counter's rhythm: a scan every 300 ms, each typed by the scanner 2 ms a key.
SCAN_EVERY_S, KEY_GAP_S = 0.3, 0.002
WARM_SCANS = 3  # the first few include one-off start-up work
# Past the last scan's schedule, how long the measurement waits for its row before giving up on it.
LAST_SCAN_SLACK_S = 5.0
BENCH_PRINTER = {"language": "tspl", "transport": "dummy", "target": "bench"}


def _scanner(
    app: StationApp,
    codes: list[str],
    started: threading.Event,
    stop: threading.Event,
    watch: ScanWatch | None = None,
) -> None:
    """The scanner and the terminal driver: keys go into the app's queue from their own thread, on the
    scanner's schedule, stamped when they are handed over (a driver late on its schedule hands over
    what piled up at once, as a terminal buffer would), whatever the app is busy with. `watch` is told
    each Enter once it is handed over, with the time the Enter was stamped."""
    started.wait()
    begin = time.monotonic()
    for n, code in enumerate(codes):
        for k, key in enumerate([*code, "enter"]):
            delay = begin + n * SCAN_EVERY_S + k * KEY_GAP_S - time.monotonic()
            if delay > 0 and stop.wait(delay):
                return
            char = None if key == "enter" else key
            event = events.Key(_character_to_key(key) if char else key, char)
            app.post_message(event)
            if char is None and watch is not None:
                # Stamped as the screen stamps the scan (the key's own time, before it is handed
                # over): a loaded machine may run its check-in before this thread runs again.
                watch.scan_sent(n, event.time)


def settle_as_a_console() -> None:
    """Set aside what this process has loaded, as a console started as `station` does once its first
    screen is drawn (`settle_memory`, from `start_devices`).

    This process settled when the `bench` command was found, before Textual, the app and its screens
    loaded, so the console's own call does nothing here: every full collection then walked those
    175,000-odd objects again (65-80 ms, about every 5 s at this pace), and a scan it fell in waited
    for it, a pause a `station` console does not have (a full collection walks some 7,000 objects
    there once the Check-in screen has loaded). Garbage left now is collected first, not kept for good.
    """
    gc.collect()
    gc.freeze()


async def measure_scan_to_screen(
    samples: int, *, sqlite_path: str | None = None, watch: ScanWatch | None = None
) -> list[float]:
    """Seconds from a wedge scan's Enter to its row on the Check-in screen, in a headless console,
    while scans keep arriving one per 300 ms and the print worker draws and sends each label.

    A scan the router did not take as one gives no sample; the caller sees fewer samples than asked.
    `watch`, if given, records what else ran meanwhile (`scan_watch`), from the first scan's schedule.
    """
    warm = WARM_SCANS  # the first few include one-off start-up work
    with tempfile.TemporaryDirectory() as tmp:
        path = sqlite_path or str(Path(tmp) / "scan.sqlite3")
        # A counter of its own: its printer drains its own labels, not the thousands the check-in part
        # just queued at counter "bench" (they would print during the measurement).
        station = act_as_bench_clerk(open_station(f"sqlite:///{path}", counter="bench-screen"))
        settings = CounterSettings(counter="bench-screen", printer=BENCH_PRINTER)
        app = StationApp(station, settings, database_label="bench")
        started, stop = threading.Event(), threading.Event()
        codes = waybills(samples + warm)
        feeder = threading.Thread(target=_scanner, args=(app, codes, started, stop, watch), daemon=True)
        try:
            async with app.run_test(size=(140, 40)) as pilot:
                await pilot.pause(0.5)  # let the screen warm up (detector, imports)
                settle_as_a_console()
                screen = app.screen
                assert isinstance(screen, CheckinScreen)
                if watch is not None:
                    watch.start(path, checkpointer_of(station.engine), station.engine, timed_from=warm)
                feeder.start()
                started.set()
                # The last scan's row, or time enough for every scan and a slow last check-in.
                deadline = time.monotonic() + len(codes) * SCAN_EVERY_S + LAST_SCAN_SLACK_S
                while len(screen.latencies) < len(codes) and time.monotonic() < deadline:
                    if watch is not None:
                        watch.scans_seen(len(screen.latencies))
                    await asyncio.sleep(0.01)
                if watch is not None:
                    watch.scans_seen(len(screen.latencies))
                return screen.latencies[warm:]
        finally:
            stop.set()
            feeder.join(timeout=5)
            if watch is not None:
                watch.stop()
            station.engine.dispose()


def floor_same_writes(sqlite_path: str, samples: int) -> list[float]:
    """Seconds per raw sqlite3 transaction doing what one check-in does (`checkin_floor`)."""
    return list(itertools.islice(_same_writes(sqlite_path), samples))


def _same_writes(sqlite_path: str) -> Iterator[float]:
    """The same-writes floor on inputs drawn as `_checkins` draws its own: waybills of this run's own
    prefix, typed phones of another seed, the same sizes."""
    return same_writes(sqlite_path, _waybill_stream(), phones(1000, seed=5), CHECKIN_SIZES)
