"""What else ran while scan-to-screen was measured: for reading its slowest scans, not for its figures.

One scan in forty can wait on something the console's own threads do meanwhile (the WAL checkpointer
copying a long WAL into the database and fsyncing it, a garbage collection of a large heap). This
records when those ran, relative to the first measured scan's schedule, and how long the WAL was
when the measurement began, so the `--json` row can show the slowest scans beside them; and, for each
scan, how long its check-in's BEGIN waited for the write lock and its COMMIT took (`write_waits`), the
other threads' writes meanwhile, and every thread's stack when it was late past `LATE_S`.

The stacks are sampled by a thread of the bench's own through `sys._current_frames()`, holding the GIL,
not by faulthandler's timed dump: that one walks the other threads' frames without the GIL while they
run (CPython keeps it for fatal errors), and under the bench it once crashed the process and once hung
it. The limit: a stall that holds the GIL (a long C call that does not release it) is sampled when it
lets go, so its stack shows what came after it, and the sample is later than `LATE_S`.
"""

from __future__ import annotations

import faulthandler
import gc
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy import Engine

from db.checkpoint import Checkpointer
from station_console.bench.wal_frames import file_frames, frame_pages
from station_console.bench.write_waits import WriteTx, WriteWaits

SLOWEST = 3  # the slowest scans listed (p99 of 40 is about the slowest)
LATE_S = 0.15  # a scan not on the screen this long after its Enter has every thread's stack sampled
CHECKIN_THREAD = "checkin"  # the check-in screen's writer thread (`CheckinWriter`)
LONGEST = 5  # the write transactions listed that held the lock longest, whoever ran them
STACK_FRAMES = 8  # the innermost frames kept of each thread's stack


def wal_frames(sqlite_path: str) -> dict[str, int]:
    """The WAL file's length in frames, and how many of them belong to its current run (written since
    it last started over: the ones a checkpoint still has to copy, or has copied already)."""
    wal = Path(f"{sqlite_path}-wal")
    return {"file_frames": file_frames(wal), "run_frames": len(frame_pages(wal))}


class ScanWatch:
    """Garbage collections and background checkpoints with their times, from `start()` on."""

    def __init__(self) -> None:
        self.begin: float | None = None
        self.wal_at_start: dict[str, int] = {}
        self.objects_at_start = 0
        self.frozen_at_start = 0
        self.gcs: list[tuple[float, float, int]] = []  # (start, seconds, generation)
        self.checkpoints: list[tuple[float, float, str]] = []  # (start, seconds, thread)
        self._gc_started: dict[int, float] = {}
        self._undo: list[Callable[[], None]] = []
        self.writes = WriteWaits()
        self.sent: dict[int, float] = {}  # scan number (warm ones too) -> its Enter's stamp
        self.stacks = StallSampler()
        self.timed_from = 0

    def start(
        self,
        sqlite_path: str,
        checkpointer: Checkpointer | None,
        engine: Engine | None = None,
        *,
        timed_from: int = 0,
    ) -> None:
        """`timed_from`: the first scan measured; the warm ones before it get no stack sample (each one
        holds the GIL while it formats every thread's stack: no more of them than is useful)."""
        self.timed_from = timed_from
        if not faulthandler.is_enabled() and sys.__stderr__ is not None:
            # A crash during the measurement says where, on the process's own stderr (Textual's test
            # harness has put a capture without a file descriptor in sys.stderr).
            faulthandler.enable(file=sys.__stderr__)
            self._undo.append(faulthandler.disable)
        self.wal_at_start = wal_frames(sqlite_path)
        self.objects_at_start = len(gc.get_objects())  # what a full collection walks
        self.frozen_at_start = gc.get_freeze_count()  # what it no longer walks (gc.freeze)
        self.begin = time.monotonic()
        gc.callbacks.append(self._on_gc)
        self._undo.append(lambda: gc.callbacks.remove(self._on_gc))
        if checkpointer is not None:
            real = checkpointer.checkpoint

            def timed() -> None:
                t0 = time.monotonic()
                try:
                    real()
                finally:
                    self.checkpoints.append((t0, time.monotonic() - t0, threading.current_thread().name))

            checkpointer.checkpoint = timed  # type: ignore[method-assign]
            self._undo.append(lambda: delattr(checkpointer, "checkpoint"))
        if engine is not None:
            self.writes.start(engine)
            self._undo.append(self.writes.stop)
        self._undo.append(self.stacks.stop)

    def scan_sent(self, n: int, at: float) -> None:
        """Scan `n`'s Enter, stamped `at` (monotonic, the key event's time: what the screen measures
        from), was just handed over (the scanner's thread). Its check-in write is the first to begin
        after `at`: a later stamp (this call's own time) may come after that write began."""
        self.sent[n] = at
        if n >= self.timed_from:
            self.stacks.arm(n, at)

    def scans_seen(self, count: int) -> None:
        """The first `count` scans are on the screen."""
        self.stacks.seen(count)

    def stop(self) -> None:
        while self._undo:
            self._undo.pop()()

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._gc_started[ident] = time.monotonic()
        elif ident in self._gc_started:
            t0 = self._gc_started.pop(ident)
            self.gcs.append((t0, time.monotonic() - t0, int(info.get("generation", -1))))

    def summary(self, latencies: list[float], *, warm: int, every_s: float) -> dict[str, Any]:
        """The slowest scans (their number, when their Enter came, their ms), what ran near them, the
        WAL at the start, and every checkpoint and every collection over 5 ms."""
        begin = self.begin or 0.0

        def at(t: float) -> float:
            return round((t - begin) * 1000, 1)

        slowest = sorted(range(len(latencies)), key=lambda i: -latencies[i])[:SLOWEST]
        scans = [
            {
                "scan": i,
                "came_ms": round((i + warm) * every_s * 1000),
                "ms": round(latencies[i] * 1000, 2),
                **self._waits(i + warm, latencies[i], at),
            }
            for i in slowest
        ]
        return {
            "slowest_scans": scans,
            "writes_by_thread": self.writes.by_who(),
            "longest_writes": [self._write(tx, at) for tx in self.writes.longest(LONGEST)],
            "wal_at_start": self.wal_at_start,
            "gc_objects_at_start": self.objects_at_start,
            "gc_frozen_at_start": self.frozen_at_start,
            "checkpoints": [
                {"at_ms": at(t), "ms": round(s * 1000, 1), "thread": name} for t, s, name in self.checkpoints
            ],
            "gc_over_5ms": [
                {"at_ms": at(t), "ms": round(s * 1000, 1), "generation": g}
                for t, s, g in self.gcs
                if s > 0.005
            ],
            "gc_gen2": sum(1 for _t, _s, g in self.gcs if g == 2),
        }

    def _waits(self, n: int, latency: float, at: Callable[[float], float]) -> dict[str, Any]:
        """Scan `n`'s check-in write: its BEGIN's wait for the lock (over every attempt), its COMMIT,
        the other threads' writes between its Enter and its commit, and its stacks if it was late."""
        sent = self.sent.get(n)
        if sent is None:
            return {}
        attempts = self.writes.writes_of(CHECKIN_THREAD, sent)
        out: dict[str, Any] = {"begin_wait_ms": None, "commit_ms": None, "attempts": len(attempts)}
        if attempts:
            done = attempts[-1]
            out["begin_wait_ms"] = round(((done.first or done.begin) - attempts[0].begin) * 1000, 2)
            out["commit_ms"] = round(done.commit_s() * 1000, 2)
            out["held_ms"] = round(done.held_s() * 1000, 2)
            out["others_writing"] = [
                self._write(tx, at)
                for tx in self.writes.overlapping(sent, done.end or sent, besides=CHECKIN_THREAD)
            ]
        if latency > LATE_S:
            out["stacks"] = self.stacks.read(n)
        return out

    @staticmethod
    def _write(tx: WriteTx, at: Callable[[float], float]) -> dict[str, Any]:
        return {
            "who": tx.who,
            "wrote": tx.wrote,
            "at_ms": at(tx.begin),
            "begin_wait_ms": round(tx.begin_wait_s() * 1000, 2),
            "held_ms": round(tx.held_s() * 1000, 2),
            "commit_ms": round(tx.commit_s() * 1000, 2),
        }


class StallSampler:
    """Every thread's stack, for each armed scan still not on the screen `LATE_S` after its Enter: taken
    by a daemon thread of its own with `sys._current_frames()` (under the GIL, so the frames it reads
    are not changing under it), formatted as faulthandler would have dumped them, once a scan.

    Nothing here waits on the sampler while holding a lock it needs: `seen` only drops deadlines, and
    `stop` gives the sampler a second to finish a sample (a daemon: it cannot keep the process up)."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: dict[int, float] = {}  # armed scan -> when it is late (monotonic)
        self._seen = 0
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._stacks: dict[int, str] = {}  # late scan -> its dump, as faulthandler writes one

    def arm(self, n: int, sent: float) -> None:
        """Scan `n`'s Enter was handed over at `sent`: sample every stack if it is not seen by then."""
        with self._wake:
            if self._stopped or n < self._seen:
                return
            self._due[n] = sent + LATE_S
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bench-stall-sampler", daemon=True)
                self._thread.start()
            self._wake.notify()

    def seen(self, count: int) -> None:
        """The first `count` scans are on the screen: none of them is sampled from now on."""
        with self._wake:
            self._seen = max(self._seen, count)
            for n in [n for n in self._due if n < count]:
                del self._due[n]

    def read(self, n: int) -> list[str]:
        """Scan `n`'s stacks, each thread's innermost `STACK_FRAMES` frames (paths from the package on)."""
        with self._wake:
            dump = self._stacks.get(n)
        return [] if dump is None else trim_stacks(dump)

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._due.clear()
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=1.0)

    def _run(self) -> None:
        while True:
            with self._wake:
                late = self._next_late()
                if late is None:
                    return
            self._sample(late)

    def _sample(self, late: list[int]) -> None:
        """Every thread's stack now, kept for the scans `late`. Outside `_wake`: a test's sampler may
        wait here for what it means to catch (a write's BEGIN held up) while scans are still seen."""
        dump = format_threads(sys._current_frames(), skip=threading.get_ident())
        with self._wake:
            for n in late:
                self._stacks[n] = dump

    def _next_late(self) -> list[int] | None:
        """The armed scans late by now (waiting until one is), or None once stopped. Holds `_wake`."""
        while not self._stopped:
            now = time.monotonic()
            late = [n for n, due in self._due.items() if due <= now]
            if late:
                for n in late:
                    del self._due[n]
                return late
            self._wake.wait(timeout=min(self._due.values(), default=now + 1.0) - now)
        return None


def format_threads(frames: dict[int, FrameType], *, skip: int) -> str:
    """Every thread's stack but `skip`'s, innermost frame first, in faulthandler's layout (which
    `trim_stacks` reads), each thread's header with its name."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    out: list[str] = []
    for ident, frame in frames.items():
        if ident == skip:
            continue
        out.append(f"Thread 0x{ident:016x} ({names.get(ident, '?')}, most recent call first):")
        depth = 0
        current: FrameType | None = frame
        while current is not None and depth < STACK_FRAMES:
            code = current.f_code
            out.append(f'  File "{code.co_filename}", line {current.f_lineno} in {code.co_name}')
            current, depth = current.f_back, depth + 1
        out.append("")
    return "\n".join(out)


def trim_stacks(dump: str) -> list[str]:
    """A dump of every thread in faulthandler's layout, shortened: each thread's header and innermost frames, each
    path from its package on (`.../site-packages/textual/app.py` -> `textual/app.py`); idle pool threads
    (waiting for work in `concurrent/futures/thread.py`) are left out."""
    threads: list[list[str]] = []
    for line in dump.splitlines():
        if not line.strip():
            continue
        if (
            not line.startswith(" ") or not threads
        ):  # "Thread 0x... (most recent call first):", "Current thread ..."
            threads.append([line.strip()])
        elif len(threads[-1]) <= STACK_FRAMES:
            threads[-1].append("  " + _short_path(line.strip()))
    return [line for thread in threads if not _idle(thread) for line in thread]


def _idle(thread: list[str]) -> bool:
    return (
        len(thread) > 1
        and thread[1].startswith('  File "concurrent/futures/thread.py"')
        and "_worker" in thread[1]
    )


def _short_path(frame: str) -> str:
    """`File "/.../site-packages/textual/app.py", line 9 in f` -> `File "textual/app.py", line 9 in f`."""
    match = _FILE.search(frame)
    if match is None:
        return frame
    path = match.group(1)
    for root in ("site-packages/", f"{_REPO}/", f"/python{sys.version_info[0]}.{sys.version_info[1]}/"):
        if root in path:
            path = path.split(root, 1)[1]
            break
    return frame[: match.start(1)] + path + frame[match.end(1) :]


_FILE = re.compile(r'File "([^"]*)"')
_REPO = str(Path(__file__).resolve().parents[2])
