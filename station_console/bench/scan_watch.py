"""What else ran while scan-to-screen was measured: for reading its slowest scans, not for its figures.

One scan in forty can wait on something the console's own threads do meanwhile (the WAL checkpointer
copying a long WAL into the database and fsyncing it, a garbage collection of a large heap). This
records when those ran, relative to the first measured scan's schedule, and how long the WAL was
when the measurement began, so the `--json` row can show the slowest scans beside them.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db.checkpoint import Checkpointer
from station_console.bench.wal_frames import file_frames, frame_pages

SLOWEST = 3  # the slowest scans listed (p99 of 40 is about the slowest)


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

    def start(self, sqlite_path: str, checkpointer: Checkpointer | None) -> None:
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
            {"scan": i, "came_ms": round((i + warm) * every_s * 1000), "ms": round(latencies[i] * 1000, 2)}
            for i in slowest
        ]
        return {
            "slowest_scans": scans,
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
