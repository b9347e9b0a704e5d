"""What every raw-sqlite floor shares: the station's PRAGMAs, a loop of durable transactions and
the single-row floor.

A floor opens its connection with the station engine's PRAGMAs (db/engine.py): WAL, synchronous=FULL,
and SQLite's own checkpoint only past `CAP_PAGES` (db/checkpoint.py), so that it pays for the same
commit the path beside it pays for.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from typing import TypeVar

from db.checkpoint import CAP_PAGES

T = TypeVar("T")
WARM_UP = 20  # transactions before timing: compiled statements, detector, connection pool


def station_pragmas(conn: sqlite3.Connection) -> None:
    """The PRAGMAs a station engine's connections run with (db/engine.py), on a floor's raw one."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA wal_autocheckpoint={CAP_PAGES}")


def single_rows(sqlite_path: str) -> Iterator[float]:
    """Seconds per raw single-row INSERT + COMMIT into a scratch table (dropped when it is closed)."""

    def insert(conn: sqlite3.Connection, i: int) -> None:
        conn.execute("INSERT INTO bench_floor (waybill, at) VALUES (?, ?)", (f"FLOOR{i:010d}", time.time()))

    with closing(sqlite3.connect(sqlite_path, isolation_level=None)) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, waybill TEXT, at REAL)")
    try:
        yield from durable_transactions(sqlite_path, itertools.count(), insert)
    finally:  # the loop's connection is closed by now: nothing holds the table
        with closing(sqlite3.connect(sqlite_path, isolation_level=None)) as conn:
            conn.execute("DROP TABLE IF EXISTS bench_floor")


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
