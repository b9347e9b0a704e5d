"""Every write transaction a console's pool connections ran during scan-to-screen: how long its BEGIN
waited for the write lock, how long it then held the lock, how long its COMMIT took, and who ran it.

For reading a slow scan (`scan_watch`), installed by the bench only, off the service's code: a pool
"checkout" listener puts SQLite's statement trace on each connection (`set_trace_callback`, called in
the thread running the statement as the statement starts) and a "checkin" listener closes the
transaction the connection ran. The trace tells only when a statement starts, so a BEGIN's wait runs to
the transaction's next statement (the lock taken, and the little Python between) and a COMMIT's time to
the connection's return to the pool. The trace gives the SQL with its values bound (phones, names):
only the first words of a write (`UPDATE print_job`) are kept.

`stop()` leaves each connection's trace in place, idle, until the connection closes: only the thread
using a connection may take its trace off. `set_trace_callback` holds the GIL while it waits for the
connection's SQLite mutex, and a thread in the middle of a statement holds that mutex while its trace
callback waits for the GIL: taken off from the bench's thread while the print worker began a
statement, the two waited on each other for good (the whole process, every thread stopped).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event
from textual.worker import active_worker

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")
_HEAD = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+\"?(\w+)", re.IGNORECASE)


@dataclass
class WriteTx:
    """One transaction that took (or asked for) the write lock; times are `time.monotonic()`."""

    who: str  # the thread, and the Textual worker running in it if any ("asyncio_0 print")
    begin: float  # its BEGIN started
    first: float | None = None  # its next statement started: the BEGIN had the lock by then
    wrote: str = ""  # its first write's verb and table; "" for a BEGIN IMMEDIATE that wrote nothing yet
    commit: float | None = None  # its COMMIT (or ROLLBACK) started
    end: float | None = None  # its connection went back to the pool
    outcome: str = "refused"  # "commit", "rollback", or "refused": the BEGIN failed (busy past its wait)
    immediate: bool = False

    def begin_wait_s(self) -> float:
        """From BEGIN to the next statement, or to the end for a BEGIN that never got the lock."""
        return (self.first or self.end or self.begin) - self.begin

    def held_s(self) -> float:
        """How long it held the write lock (from its lock, to its connection's return)."""
        return (self.end or self.begin) - (self.first or self.end or self.begin)

    def commit_s(self) -> float:
        return (self.end or 0.0) - self.commit if self.commit is not None and self.end is not None else 0.0


class WriteWaits:
    """Write transactions of `engine`'s pool connections from `start()` to `stop()` (`txs`, in the order
    they ended). Read-only transactions are not kept: in WAL mode they hold no lock a writer waits on."""

    def __init__(self) -> None:
        self.txs: list[WriteTx] = []
        self._open: dict[int, WriteTx] = {}  # thread ident -> its transaction under way
        self._traced: list[Any] = []
        self._engine: Engine | None = None
        self._recording = False

    def start(self, engine: Engine) -> None:
        self._engine = engine
        self._recording = True
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "checkin", self._checkin)

    def stop(self) -> None:
        """Records nothing more; the traces stay on their connections, idle (see the module's doc)."""
        self._recording = False
        if self._engine is not None:
            event.remove(self._engine, "checkout", self._checkout)
            event.remove(self._engine, "checkin", self._checkin)
            self._engine = None
        self._traced.clear()

    def _checkout(self, dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        # The checking-out thread: the pool gives it the connection alone, no statement under way.
        if not any(conn is dbapi_conn for conn in self._traced):
            dbapi_conn.set_trace_callback(self._trace)
            self._traced.append(dbapi_conn)

    def _checkin(self, _dbapi_conn: Any, _record: Any) -> None:
        tx = self._open.pop(threading.get_ident(), None)
        if tx is not None:
            tx.end = time.monotonic()
            if tx.immediate or tx.wrote:
                self.txs.append(tx)

    def _trace(self, sql: str) -> None:
        if not self._recording:
            return
        now = time.monotonic()
        ident = threading.get_ident()
        word = sql[:8].upper()
        tx = self._open.get(ident)
        if word.startswith("BEGIN"):
            worker = active_worker.get(None)
            who = threading.current_thread().name + (f" {worker.name}" if worker is not None else "")
            self._open[ident] = WriteTx(who, now, immediate="IMMEDIATE" in sql[:20].upper())
        elif tx is None:
            return
        elif word.startswith("COMMIT") or word.startswith("ROLLBACK"):
            tx.commit, tx.outcome = now, "commit" if word.startswith("COMMIT") else "rollback"
        else:
            if tx.first is None:
                tx.first = now
            if not tx.wrote and word.startswith(_WRITES):
                head = _HEAD.match(sql[:80])
                tx.wrote = f"{head.group(1).split()[0].upper()} {head.group(2)}" if head else word.strip()

    def under_way(self) -> list[WriteTx]:
        """The transactions begun and not yet back in the pool (a BEGIN may still be waiting for the lock)."""
        return list(self._open.values())

    def writes_of(self, prefix: str, after: float) -> list[WriteTx]:
        """The transactions of the thread named `prefix...` from the first that began at or after
        `after`, up to and with the first of them that committed (the attempts of one unit of work)."""
        found: list[WriteTx] = []
        for tx in sorted(self.txs, key=lambda t: t.begin):
            if tx.begin < after or not tx.who.startswith(prefix):
                continue
            found.append(tx)
            if tx.outcome == "commit":
                break
        return found

    def overlapping(self, start: float, end: float, *, besides: str) -> list[WriteTx]:
        """Other threads' write transactions that held or wanted the lock between `start` and `end`."""
        return [
            tx
            for tx in self.txs
            if not tx.who.startswith(besides) and tx.begin < end and (tx.end or tx.begin) > start
        ]

    def longest(self, n: int) -> list[WriteTx]:
        """The `n` transactions that held the write lock longest."""
        return sorted(self.txs, key=lambda tx: -tx.held_s())[:n]

    def by_who(self) -> dict[str, dict[str, float]]:
        """Per thread (and worker): how many write transactions, the longest lock held and BEGIN wait."""
        out: dict[str, dict[str, float]] = {}
        for tx in self.txs:
            row = out.setdefault(tx.who, {"count": 0, "max_held_ms": 0.0, "max_begin_wait_ms": 0.0})
            row["count"] += 1
            row["max_held_ms"] = max(row["max_held_ms"], round(tx.held_s() * 1000, 2))
            row["max_begin_wait_ms"] = max(row["max_begin_wait_ms"], round(tx.begin_wait_s() * 1000, 2))
        return out
