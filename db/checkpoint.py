"""The WAL checkpointer: SQLite's checkpoints off the clerk's wait.

Left to itself, SQLite copies the WAL back into the database (and fsyncs it) inside the commit that
takes the WAL past 1000 pages: every forty-odd check-ins, one clerk waits for a checkpoint of the whole
WAL. A station engine's connections instead checkpoint only past `CAP_PAGES` (the backstop that keeps
the WAL from growing without bound if this thread falls behind or is gone), and each commit nudges a
thread of the engine's own that runs a PASSIVE checkpoint once `TRIGGER_PAGES` more came into the WAL:
it waits for no one (a writer goes on appending meanwhile), and the next writer after a complete
checkpoint starts the WAL from its beginning again. Under writes back to back no checkpoint is ever
complete when the next writer begins, so the WAL grows until the cap, where SQLite's own checkpoint
finds all but the last pages copied already and the WAL starts over. A checkpoint is crash-safe
whoever runs it (SQLite's own protocol), so nothing here changes what a power cut or a kill leaves
behind.

The thread opens a connection of its own for each checkpoint (never one of the pool's, so no service's
statement listener sees it, and a database file swapped by a restore is not held open), and ends after
`IDLE_S` without a commit; the next commit starts it again. `paused()` holds off every checkpoint of
the file in this process while it must be the file's only user (a restore's check that no other
console has it open).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TRIGGER_PAGES = 1000  # SQLite's own default threshold, now reached off the write path
CAP_PAGES = 8000  # the connections' own wal_autocheckpoint: only if this thread falls that far behind
IDLE_S = 5.0
SETTLE_S = 0.05  # after a nudge, for the commit that sent it to finish

log = logging.getLogger(__name__)


_FILE_LOCKS: dict[str, threading.Lock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


def _file_lock(path: str) -> threading.Lock:
    """One lock a file, shared by every checkpointer of it in this process (engines come and go: a
    restore makes a new one while the last one's thread may still be checkpointing)."""
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(path, threading.Lock())


class Checkpointer:
    """One database file's background checkpoints; `nudge()` after each commit."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._wal = f"{path}-wal"
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._checkpointing = _file_lock(path)  # held by a checkpoint's connection, and by `paused`
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # how many this process ran (the tests read it)
        self._copied = 0  # frames of the WAL's run `_copied_run` that the last checkpoint had copied
        self._copied_run: bytes | None = None

    def nudge(self) -> None:
        if not self._wake.is_set():  # set already (the thread has not woken yet): nothing to tell it
            self._wake.set()
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
                    try:
                        thread.start()
                    except RuntimeError as exc:  # out of threads: called inside a commit, which must
                        # not fail for a checkpoint; the cap stays, the next commit tries again
                        log.warning("background checkpoint of %s not started: %s", self.path, exc)
                        return
                    self._thread = thread

    def _run(self) -> None:
        try:
            while self._wake.wait(IDLE_S):
                # The nudge comes from inside the commit (SQLAlchemy's "commit" event fires before the
                # driver commits): let it land, or the checkpoint misses its frames, is never complete,
                # and the WAL cannot start over until the cap even at a clerk's pace.
                time.sleep(SETTLE_S)
                self._wake.clear()
                if self.due():
                    self.checkpoint()
        finally:
            with self._lock:
                self._thread = None
            if self._wake.is_set():  # a commit came while this thread was ending
                self.nudge()

    def due(self) -> bool:
        """Whether `TRIGGER_PAGES` frames came into the WAL since this thread's last checkpoint.

        Counted from what that checkpoint copied, not from the WAL's start: while commits keep coming,
        the WAL does not start over (a writer starts it over only when every frame was copied before
        it began), and its length alone would ask for a checkpoint after every commit.
        """
        run = self._run_id()
        since = self._copied if run is not None and run == self._copied_run else 0
        return self.wal_holds(since + TRIGGER_PAGES)

    def wal_holds(self, frames: int) -> bool:
        """Whether the WAL holds at least `frames` frames (pages) of its current run.

        Read from the -wal file, never the -shm: SQLite locks ranges of the -shm (and of the database)
        with POSIX locks, which a process loses on every one of its descriptors on that file when any
        one of them is closed; it locks nothing in the -wal. The file keeps its size when the WAL starts
        over, so the question is whether frame number `frames` carries the salts of the WAL's header
        (https://sqlite.org/fileformat.html#the_write_ahead_log): only frames written since the WAL's
        last start do. A torn read moves one checkpoint by a commit, no more.
        """
        header = self._read(0, 32)
        if len(header) < 32:
            return False
        page_size = int.from_bytes(header[8:12], "big")
        frame = self._read(32 + (frames - 1) * (24 + page_size), 24)
        return len(frame) == 24 and frame[8:16] == header[16:24]

    def _run_id(self) -> bytes | None:
        """The salts of the WAL's header: new each time the WAL starts over."""
        header = self._read(0, 32)
        return header[16:24] if len(header) == 32 else None

    def _read(self, offset: int, size: int) -> bytes:
        try:
            fd = os.open(self._wal, os.O_RDONLY)
        except OSError:
            return b""
        try:
            return os.pread(fd, size, offset)
        finally:
            os.close(fd)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No checkpoint connection of this process to the file is open meanwhile, this checkpointer's
        or another engine's on the same file (the one a restore replaced): one under way is waited
        for, the next waits its turn."""
        with self._checkpointing:
            yield

    def checkpoint(self) -> None:
        """One PASSIVE checkpoint (as much of the WAL as no reader still needs)."""
        with self._checkpointing:
            self._checkpoint()

    def _checkpoint(self) -> None:
        try:
            # mode=rw: a file renamed away meanwhile (a restore's swap) is not created again empty.
            uri = f"{Path(self.path).as_uri()}?mode=rw"
            with contextlib.closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as conn:
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute(f"PRAGMA wal_autocheckpoint={CAP_PAGES}")
                _busy, _frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self._copied, self._copied_run = max(int(copied), 0), self._run_id()
            self.checkpoints += 1
        except sqlite3.Error as exc:  # busy or gone: the next commit nudges again, the cap stays
            log.debug("background checkpoint of %s skipped: %s", self.path, exc)
