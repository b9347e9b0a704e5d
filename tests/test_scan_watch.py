"""What the scan-to-screen bench tells of a slow scan: its check-in's wait for the write lock, its commit,
the other writers meanwhile, and every thread's stack when it was late."""

from __future__ import annotations

import asyncio
import faulthandler
import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from textual import events

from db.engine import create_station_engine, plain_transaction
from station_console.bench import checkin, scan_watch
from station_console.bench.scan_watch import LATE_S, ScanWatch, StallSampler, trim_stacks
from station_console.bench.write_waits import WriteTx, WriteWaits

WAITED_S = 0.3  # how long the victim's BEGIN waits for the other connection: inside the 500 ms busy wait, past LATE_S
# A wait for another thread: generous, as a loaded machine brings threads late; one that runs out fails
# the test saying which, never carries on as if it had not.
WAIT_S = 60.0
SCAN_GAP_MS = 100  # the largest gap inside a scan in the lock test (see there)


def _until(done: Callable[[], bool], timeout: float = WAIT_S) -> bool:
    """Polls `done` until it holds, at most `timeout` seconds; whether it held."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.002)
    return True


def test_a_write_waiting_on_another_threads_lock_shows_the_wait_the_holder_and_no_bound_values(
    tmp_path: Path,
) -> None:
    engine = create_station_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE note (body TEXT)"))
    waits = WriteWaits()
    waits.start(engine)
    held = threading.Event()
    asked: list[bool] = []

    def holder() -> None:
        with plain_transaction(engine) as tx:
            tx.run("INSERT INTO note VALUES ('13800138000')")
            held.set()
            # Held until the waiter's BEGIN has asked, then WAITED_S: its wait is known however late a
            # loaded machine brings it there.
            asked.append(_until(lambda: any(tx.who == "MainThread" for tx in waits.under_way())))
            time.sleep(WAITED_S)

    thread = threading.Thread(target=holder, name="holder")
    thread.start()
    assert held.wait(WAIT_S), "the holder never took the lock"
    with plain_transaction(engine) as tx:
        tx.run("UPDATE note SET body = 'x'")
    thread.join()
    assert asked == [True], "the holder never saw the waiter's BEGIN"
    waits.stop()
    engine.dispose()

    by_who = {tx.who: tx for tx in waits.txs}
    assert set(by_who) == {"holder", "MainThread"}
    assert by_who["holder"].wrote == "INSERT note" and by_who["MainThread"].wrote == "UPDATE note"
    held_by, waiter = by_who["holder"], by_who["MainThread"]
    assert held_by.held_s() >= WAITED_S and held_by.outcome == "commit"
    # The waiter's BEGIN IMMEDIATE waited for the holder's commit, not its own statements: its first
    # statement came after that commit, and its wait holds the whole hold after it asked.
    assert held_by.commit is not None and waiter.first is not None
    assert waiter.begin < held_by.commit <= waiter.first and waiter.begin_wait_s() >= WAITED_S
    assert all(tx.commit_s() >= 0 for tx in waits.txs)
    assert "13800138000" not in json.dumps(waits.by_who()) + repr(waits.txs)


# In a process of its own: before, this stop never returned, and nothing in the process ran again.
_STOP_DURING_A_STATEMENT = """
import sys, threading
from db.engine import create_station_engine
from station_console.bench.write_waits import WriteWaits

engine = create_station_engine(f"sqlite:///{sys.argv[1]}")
with engine.begin() as conn:
    conn.exec_driver_sql("CREATE TABLE note (body TEXT)")
waits = WriteWaits()
waits.start(engine)
inside, release = threading.Event(), threading.Event()

def hold():
    inside.set()
    release.wait(10)
    return 1

def writer():
    with engine.connect() as conn:
        conn.connection.driver_connection.create_function("hold", 0, hold)
        conn.exec_driver_sql("SELECT hold()").fetchall()  # holds its connection's SQLite mutex
        conn.exec_driver_sql("INSERT INTO note VALUES ('after the stop')")
        conn.commit()

thread = threading.Thread(target=writer, name="print-worker")
thread.start()
assert inside.wait(10)
waits.stop()
release.set()
thread.join(10)
print("stopped", len(waits.txs), not thread.is_alive())
"""


def test_stopping_the_write_watch_while_another_thread_runs_a_statement_returns_and_records_no_more(
    tmp_path: Path,
) -> None:
    # The other thread's statement holds its connection's mutex and wants the GIL for a Python
    # callback (its trace, here a function): the watch must not wait on that mutex holding the GIL.
    done = subprocess.run(
        [sys.executable, "-c", _STOP_DURING_A_STATEMENT, str(tmp_path / "w.sqlite3")],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["stopped", "0", "True"]


class _LockedBeforeScan(ScanWatch):
    """Holds the write lock from a connection of its own across scan `victim`'s Enter: taken once the
    scan before it is on the screen (its check-in and label written), and the victim's keys handed over
    only once it is held; let go once the victim's stacks were sampled in its BEGIN's wait. Timed by
    events, not sleeps: on a loaded machine a hold begun by the clock came after the victim's BEGIN,
    which then waited for nothing, and a hold ended by the clock came before a late sample, which then
    missed the wait. A wait that runs out is kept in `ran_out`, for the test to fail with."""

    def __init__(self, path: str, victim: int) -> None:
        super().__init__()
        self.path, self.victim = path, victim
        self.holders: list[threading.Thread] = []
        self.ran_out: list[str] = []
        self.taken: float | None = None  # when the hold began
        self.sampled = threading.Event()  # the victim's stacks are taken: the hold may end
        self.stacks = _SampledInTheWait(self)
        self._seen = 0
        self._seen_changed = threading.Condition()

    def waited(self, done: bool, what: str) -> bool:
        """`done`, a wait's outcome; one that ran out is kept, saying `what` never came."""
        if not done:
            self.ran_out.append(what)
        return done

    def victims_begin(self) -> WriteTx | None:
        """The victim's check-in write once it has asked for the lock (its BEGIN IMMEDIATE: not a read
        the thread began first, once 140 ms before it on a loaded machine), while the hold is on."""
        taken = self.taken
        if taken is None:
            return None
        return next(
            (
                tx
                for tx in self.writes.under_way()
                if tx.who.startswith("checkin") and tx.immediate and tx.begin >= taken
            ),
            None,
        )

    def scans_seen(self, count: int) -> None:
        super().scans_seen(count)
        with self._seen_changed:
            self._seen = count
            self._seen_changed.notify_all()

    def scan_sent(self, n: int, at: float) -> None:
        super().scan_sent(n, at)
        if n == self.victim - 1:  # the scanner's thread: the victim's keys wait for the hold
            with self._seen_changed:
                seen = self._seen_changed.wait_for(lambda: self._seen >= self.victim, timeout=WAIT_S)
            self.waited(seen, f"scan {n} never reached the screen")
            held = threading.Event()
            thread = threading.Thread(target=self._hold, args=(held,), name="lock-holder")
            thread.start()
            self.holders.append(thread)
            self.waited(held.wait(WAIT_S), "the lock holder never took the lock")

    def _hold(self, held: threading.Event) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=WAIT_S)
        try:
            conn.execute("BEGIN IMMEDIATE")
            self.taken = time.monotonic()
            held.set()
            # Held until the victim's check-in has asked for the lock and its stacks were sampled in that
            # wait, and WAITED_S after it asked: its wait is known however late a loaded machine brings
            # its keys to a BEGIN or the sampler to its sample (inside the 500 ms busy wait).
            if self.waited(
                _until(lambda: self.victims_begin() is not None), "the victim never asked for the lock"
            ):
                asked = time.monotonic()
                self.waited(self.sampled.wait(WAIT_S), "the victim's stacks were never sampled")
                time.sleep(max(0.0, WAITED_S - (time.monotonic() - asked)))
            conn.execute("COMMIT")
        finally:
            conn.close()


class _SampledInTheWait(StallSampler):
    """Samples the victim, once late, only when its check-in's BEGIN is waiting for the hold (not by
    the clock alone: a BEGIN a loaded machine brought later than `LATE_S` after the Enter was not yet
    in the sample), and tells the holder once it has."""

    def __init__(self, watch: _LockedBeforeScan) -> None:
        super().__init__()
        self.watch = watch

    def _sample(self, late: list[int]) -> None:
        watch = self.watch
        if watch.victim not in late:
            super()._sample(late)
            return
        watch.waited(
            _until(lambda: watch.victims_begin() is not None), "the sample never saw the victim's BEGIN"
        )
        try:
            super()._sample(late)
        finally:
            watch.sampled.set()


def test_a_scan_held_up_by_another_connections_write_lock_says_so_with_every_threads_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However late a loaded machine brings the rows (the victim's held up, the ones before it late),
    # measured: given up on, the victim had no row and no hold.
    monkeypatch.setattr(checkin, "LAST_SCAN_SLACK_S", WAIT_S)
    # Each scan's keys one scan on a loaded machine: the scanner's thread late between two of them past
    # the counter's 30 ms gap, the router took them as a person's, and the scan had no row and no write
    # to hold up. Still well inside the 300 ms between two scans.
    settings = checkin.CounterSettings
    monkeypatch.setattr(
        checkin, "CounterSettings", lambda **given: settings(**given, wedge_max_key_gap_ms=SCAN_GAP_MS)
    )
    path = str(tmp_path / "scan.sqlite3")
    # As many scans measured as the summary lists: the victim is among them however slow a loaded
    # machine makes the others (once the first measured scan, at 539 ms, was slower than it).
    samples, victim = scan_watch.SLOWEST, checkin.WARM_SCANS + 2
    watch = _LockedBeforeScan(path, victim)
    # As `station bench` runs it: no faulthandler of pytest's enabled already (the watch enables one).
    faulthandler.disable()
    try:
        latencies = asyncio.run(checkin.measure_scan_to_screen(samples, sqlite_path=path, watch=watch))
        assert not faulthandler.is_enabled()  # put back as it found it
    finally:
        faulthandler.enable(file=sys.__stderr__ or sys.stderr)
    for thread in watch.holders:
        thread.join()
    assert not watch.ran_out, f"a wait ran out on this machine: {watch.ran_out}"
    assert watch.holders and watch.sampled.is_set(), "the victim was never held up and sampled"
    summary = json.loads(
        json.dumps(watch.summary(latencies, warm=checkin.WARM_SCANS, every_s=checkin.SCAN_EVERY_S))
    )

    scans = summary["slowest_scans"]
    assert [scan["ms"] for scan in scans] == sorted((scan["ms"] for scan in scans), reverse=True)
    held_up = next(scan for scan in scans if scan["scan"] == victim - checkin.WARM_SCANS)
    assert held_up["ms"] > LATE_S * 1000
    # Its BEGIN waited the rest of the hold (WAITED_S once it asked; a BEGIN not held up waits a tenth
    # of a millisecond), and got the lock at its first attempt.
    assert (
        held_up["begin_wait_ms"] >= WAITED_S * 1000 and held_up["commit_ms"] >= 0 and held_up["attempts"] == 1
    )
    stacks = "\n".join(held_up["stacks"])
    # The check-in's thread, caught waiting in its BEGIN.
    assert "_run_bare" in stacks and "plain_transaction" in stacks
    assert "site-packages/" not in stacks
    # The other scans carry numbers too; stacks only if late (a loaded machine may make one so, and its
    # sample may then miss it: the sampler's thread late too).
    for scan in scans:
        assert isinstance(scan["begin_wait_ms"], float) and isinstance(scan["commit_ms"], float)
        assert ("stacks" in scan) == (scan["ms"] > LATE_S * 1000)
    assert summary["writes_by_thread"]["checkin_0"]["count"] >= samples + checkin.WARM_SCANS


class _HandsOver:
    """The app's side of the scanner: when each Enter reached it (a check-in may begin right then)."""

    def __init__(self) -> None:
        self.enters: list[float] = []

    def post_message(self, message: events.Key) -> bool:
        if message.key == "enter":
            self.enters.append(time.monotonic())
        return True


def test_a_scans_enter_is_stamped_before_it_is_handed_over_as_the_screen_stamps_it() -> None:
    # Stamped after, a loaded machine's check-in began before the stamp: the scan was given the next
    # scan's write (a BEGIN that waited for nothing).
    app, watch = _HandsOver(), ScanWatch()
    started, stop = threading.Event(), threading.Event()
    started.set()
    try:
        checkin._scanner(app, ["JT1", "JT2"], started, stop, watch)  # type: ignore[arg-type]
    finally:
        watch.stacks.stop()  # armed by each Enter (the watch was never started, to stop it all)
    assert len(app.enters) == 2 and sorted(watch.sent) == [0, 1]
    assert all(watch.sent[n] <= app.enters[n] for n in (0, 1))


def test_a_dump_keeps_each_threads_innermost_frames_with_short_paths() -> None:
    frames = "\n".join(
        f'  File "/x/.venv/lib/python3.11/site-packages/textual/app.py", line {n} in f{n}' for n in range(20)
    )
    dump = f"Thread 0x01 (most recent call first):\n{frames}\n\nCurrent thread 0x02 (most recent call first):\n{frames}\n"
    lines = trim_stacks(dump)
    assert lines[0] == "Thread 0x01 (most recent call first):"
    assert lines[1] == '  File "textual/app.py", line 0 in f0'
    assert len(lines) == 2 * (1 + 8) and lines[9] == "Current thread 0x02 (most recent call first):"


def _waiting_for_the_counter(release: threading.Event) -> None:
    release.wait(5)


def test_a_scan_late_off_screen_has_every_threads_stack_sampled_one_seen_in_time_none() -> None:
    sampler = StallSampler()
    release = threading.Event()
    thread = threading.Thread(target=_waiting_for_the_counter, args=(release,), name="checkin_0")
    thread.start()
    try:
        # Scan 0 on the screen in time (its deadline far off: a loaded machine may take LATE_S between
        # two lines here, which sampled it late); scan 1 not.
        sampler.arm(0, time.monotonic() + 60)
        sampler.arm(1, time.monotonic())
        sampler.seen(1)
        _until(lambda: bool(sampler.read(1)))  # sampled once late: on a loaded machine, later still
        late = "\n".join(sampler.read(1))
        assert sampler.read(0) == []
    finally:
        release.set()
        thread.join()
        sampler.stop()
    # The waiting thread by its name, in the function it waits in; the sampler leaves itself out.
    header = next(line for line in sampler.read(1) if "checkin_0" in line)
    assert header.startswith("Thread 0x") and "_waiting_for_the_counter" in late
    assert "bench-stall-sampler" not in late and "site-packages/" not in late
