"""SIGKILL a process that is checking parcels in, at random moments: nothing acknowledged is lost,
nothing is half-written, the file stays sound and the console still starts on it."""

from __future__ import annotations

import contextlib
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

import crash_worker
import pytest
from sqlalchemy import update
from tui import quiet

from db.models import Layer
from station_console.bench.concurrency import process_context
from station_console.services.admin.setup import init_station, open_station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp


def _kill_after(url: str, run: int, delay: float, *, checkpoint_pages: int | None = None) -> list[str]:
    """Start the worker, SIGKILL it `delay` s after its first acknowledged check-in (so the kill lands in
    steady work however loaded the machine is); the waybills it acknowledged."""
    ctx = process_context()  # forked from a server that imported the services once
    reader, writer = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=crash_worker.check_in_until_killed, args=(url, run, writer, checkpoint_pages), daemon=True
    )
    proc.start()
    writer.close()  # the worker holds the only writing end: its death ends the reading
    try:
        assert reader.recv_bytes() == b"READY"
        acked: list[str] = [reader.recv_bytes().decode()]

        def read() -> None:
            with contextlib.suppress(EOFError, OSError):
                while True:
                    acked.append(reader.recv_bytes().decode())

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        time.sleep(delay)
        proc.kill()  # SIGKILL
        proc.join()
        thread.join(timeout=5)
        assert proc.exitcode == -signal.SIGKILL, (
            f"the worker stopped by itself before the kill: {proc.exitcode}"
        )
    finally:
        if proc.is_alive():
            proc.kill()
        reader.close()
    return [w for w in acked if w]


def _check(path: Path, acked: set[str]) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {r[0] for r in con.execute("SELECT waybill FROM parcel")}
        assert acked <= stored, f"acknowledged but lost: {sorted(acked - stored)[:5]}"
        assert con.execute(
            "SELECT count(*) FROM parcel p WHERE NOT EXISTS (SELECT 1 FROM parcel_event e WHERE e.parcel_id = p.id"
            " AND e.kind = 'checked_in')"
        ).fetchone() == (0,)
        assert con.execute(
            "SELECT count(*) FROM parcel p WHERE NOT EXISTS (SELECT 1 FROM print_job j WHERE j.parcel_id = p.id)"
        ).fetchone() == (0,)
        assert con.execute(
            "SELECT count(*) FROM parcel_event e WHERE e.parcel_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM parcel p WHERE p.id = e.parcel_id)"
        ).fetchone() == (0,)
        # The layer counters still add up to the parcels on them.
        assert con.execute(
            "SELECT count(*) FROM layer l WHERE parcel_count != (SELECT count(*) FROM parcel p "
            "WHERE p.layer_id = l.id AND p.status = 'on_shelf')"
        ).fetchone() == (0,)
    finally:
        con.close()


async def _console_starts(url: str) -> None:
    station = open_station(url, counter="after-crash")
    try:
        app = StationApp(station, CounterSettings(counter="after-crash"), require_sign_in=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await quiet.settle(pilot)
            assert app.is_running and app.screen is not None
    finally:
        station.engine.dispose()


def _new_station(tmp_path: Path) -> tuple[Path, str]:
    """A station file for the worker to be killed in, and its URL."""
    path = tmp_path / "crash.sqlite3"
    url = f"sqlite:///{path}"
    station = open_station(url, counter="setup")
    init_station(station)
    # Room for every check-in of every run: a full station would refuse them, and a worker that stops
    # on a refusal is not one killed in the middle of its work.
    station.run(lambda session: session.execute(update(Layer).values(capacity_units=100_000)))
    station.engine.dispose()
    return path, url


async def _crash_loop(tmp_path: Path, delays: list[float]) -> None:
    """One SIGKILL per delay (seconds into the worker's check-ins), each followed by the checks."""
    path, url = _new_station(tmp_path)
    acked: set[str] = set()
    for run, delay in enumerate(delays):
        acked |= set(_kill_after(url, run, delay))
        _check(path, acked)
        await _console_starts(url)
    assert len(acked) > len(delays)  # the worker really got work done between kills


async def test_kill_while_the_background_checkpointer_works_loses_nothing(tmp_path: Path) -> None:
    """The checkpointer set to run every couple of check-ins: kills land in its checkpoints too, and
    still nothing acknowledged is lost and the file stays sound."""
    path, url = _new_station(tmp_path)
    acked: set[str] = set()
    grew = 0
    for run, delay in enumerate([0.1, 0.25, 0.4, 0.55, 0.7]):
        before = path.stat().st_size
        acked |= set(_kill_after(url, run, delay, checkpoint_pages=30))
        # Only a checkpoint writes the main file while the worker runs (its WAL holds the rest).
        grew += path.stat().st_size > before
        _check(path, acked)
    assert grew >= 1 and len(acked) > 5
    await _console_starts(url)


def _random_delays(kills: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [rng.uniform(0.05, 0.6) for _ in range(kills)]


async def test_kill_during_checkins_loses_nothing_5_times(tmp_path: Path) -> None:
    """In `make test` (so in CI): 5 SIGKILLs spread over the first 0.6 s of check-ins."""
    await _crash_loop(tmp_path, [0.05, 0.19, 0.32, 0.46, 0.6])


@pytest.mark.slow
async def test_kill_during_checkins_loses_nothing_20_times(tmp_path: Path) -> None:
    """`make soak`: 20 SIGKILLs at fixed random moments (the run CI used to make)."""
    await _crash_loop(tmp_path, _random_delays(20, seed=1))


@pytest.mark.slow
async def test_kill_during_checkins_loses_nothing_25_times(tmp_path: Path) -> None:
    """`make soak`: 25 SIGKILLs at moments that vary per run."""
    await _crash_loop(tmp_path, _random_delays(25, seed=int(time.time())))
