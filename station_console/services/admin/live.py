"""Live view: tell a console when another counter changed something (a check-in, a pickup, a move).

Every state change goes through `audit.record`, which calls `core.changes.announce()` in the same
transaction. On PostgreSQL that is `pg_notify('station_changes', json)`, sent once the transaction has
committed (never for a rolled-back one; see core/changes.py for why not inside it). A `ChangeFeed` listens on its own psycopg
connection (LISTEN), or on SQLite polls the newest `parcel_event` id every `poll_interval` seconds: only
when the file's `PRAGMA data_version` says another connection committed since the last poll (a query on
one idle connection of its own, where an ORM read cost most of an idle console's CPU).
A PostgreSQL feed that lost its connection reads, once back, the events committed while it was away
(their notifications went to no one), beside a resync that reads every cache again. Ids are taken at
insert, so commits come out of id order: the read starts `replay_window` ids below the newest heard and
leaves out the ids heard already. Past `replay_cap` missed events (a console away for hours) it reads
only the days closed or reopened meanwhile (each said in a toast): the resync has the screens read
everything again once instead.

Usage (from a thread; `wait` blocks): `feed = ChangeFeed(engine)`, then `feed.wait(0.5)` in a loop
returns the changes since the last call (often none), and `feed.close()` at the end.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from db.models import ParcelEvent
from station_console.services.core.changes import CHANNEL
from station_console.services.day.turned import TURNS

POLL_INTERVAL = 0.5
# While the PostgreSQL server cannot be reached, the feed tries again after 0.25 s, then twice as long
# each time up to 5 s (the console refuses writes meanwhile anyway), and says it is still trying
# once a minute: the loss and the return are logged once each.
RECONNECT_FIRST_S = 0.25
RECONNECT_MAX_S = 5.0
STILL_LOST_LOG_S = 60.0
RESYNC = "resync"  # a change kind meaning "the feed was interrupted: reload everything"
# How far below the newest event heard a replay looks for one that committed late and was lost with the
# connection: another transaction would have to stay open while the counters wrote this many events.
REPLAY_WINDOW = 1000
REPLAY_CAP = 500  # missed events replayed one by one; past it, the resync alone (and the days turned)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    kind: str
    counter: str
    parcel_id: int | None = None
    event_id: int | None = None


class ChangeFeed:
    """Changes made by any counter, as they commit. One feed per thread; `close()` from any thread."""

    def __init__(self, engine: Engine, *, poll_interval: float = POLL_INTERVAL) -> None:
        self.engine = engine
        self.poll_interval = poll_interval
        self._closed = threading.Event()
        self._conn: Any = None
        self._waiting = False
        # The newest event heard (PostgreSQL: notified, or read after a loss).
        self._last_id: int | None = None
        # PostgreSQL: events up to `_floor` committed before the feed first listened (never replayed);
        # `_seen`, those heard or replayed above the replay's window, so none is heard twice.
        self._floor = 0
        self._seen: set[int] = set()
        self.replay_window = REPLAY_WINDOW
        self.replay_cap = REPLAY_CAP
        self._version_conn: sqlite3.Connection | None = None  # SQLite: asks whether anything committed
        self._version: int | None = None
        self.clock = time.monotonic
        self._lost: _Lost | None = None  # PostgreSQL: the connection is gone and not back yet
        self.postgres = engine.dialect.name == "postgresql"
        if self.postgres:
            self._listen()
        else:
            self._last_id = self._newest_id()

    # -- public -----------------------------------------------------------------------------------

    def wait(self, timeout: float) -> list[Change]:
        """Changes committed since the previous call, waiting up to `timeout` seconds for the first."""
        if self._closed.is_set():
            return []
        self._waiting = True
        try:
            return self._wait_postgres(timeout) if self.postgres else self._wait_polling(timeout)
        finally:
            self._waiting = False
            if self._closed.is_set():
                self._disconnect()  # closed from another thread while waiting: the waiter cleans up

    def close(self) -> None:
        """Stop the feed; a `wait` in progress returns within its timeout."""
        self._closed.set()
        if not self._waiting:
            self._disconnect()

    def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection may fail; nothing to do
                conn.close()
        self._disconnect_version()

    # -- PostgreSQL -------------------------------------------------------------------------------

    def _listen(self) -> None:
        import psycopg  # here, not at the top: a SQLite console's start-up need not load the driver (~60 ms)

        url = self.engine.url.set(drivername="postgresql")
        self._conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
        self._conn.execute(f"LISTEN {CHANNEL}")
        if self._last_id is None:  # the first connection: what commits from here on is heard
            self._last_id = self._floor = int(self._conn.execute(_NEWEST).fetchone()[0])

    def _missed(self) -> list[Change]:
        """Back after a loss (listening again, so nothing falls between): the changes committed while
        away, read from the events, as SQLite's poll reads them; their notifications went to no one, and
        a day closed at another counter meanwhile was never said here. Read in one snapshot: what it
        holds is marked seen (a notification of it arriving after this read is dropped), what commits
        after it is notified. Past the cap only the days turned are read (see the module's docstring)."""
        if self._last_id is None:
            return []
        start = max(self._floor, self._last_id - self.replay_window)
        known = {"start": start, "seen": sorted(i for i in self._seen if i > start)}
        covered: list[int] = []  # past the cap: the next replay's window, which the resync covers now
        with self._conn.transaction():  # nothing is marked seen unless the whole read succeeded
            self._conn.execute(_ONE_SNAPSHOT)
            rows = self._conn.execute(_UNSEEN, {**known, "limit": self.replay_cap + 1}).fetchall()
            if len(rows) > self.replay_cap:
                rows = self._conn.execute(_UNSEEN_OF_KINDS, {**known, "kinds": sorted(TURNS)}).fetchall()
                newest = int(self._conn.execute(_NEWEST).fetchone()[0])
                top = max(start, newest - self.replay_window)
                covered = [int(eid) for (eid,) in self._conn.execute(_IDS_ABOVE, (top,))]
        for eid in covered:
            self._see(eid)
        for eid, *_rest in rows:
            self._see(int(eid))
        return [
            Change(kind=kind, counter=counter or "", parcel_id=pid, event_id=eid)
            for eid, kind, counter, pid in rows
        ]

    def _heard(self, change: Change) -> bool:
        """Whether `change`, notified, is news: not one heard or `_missed` read already."""
        event_id = change.event_id
        if not isinstance(event_id, int):
            return True
        if event_id in self._seen:
            return False
        self._see(event_id)
        return True

    def _see(self, event_id: int) -> None:
        self._seen.add(event_id)
        if self._last_id is not None and event_id > self._last_id:
            self._last_id = event_id
        if len(self._seen) > 2 * self.replay_window and self._last_id is not None:
            # Below the window no replay looks again: forgotten, so the set stays small all day.
            below = self._last_id - self.replay_window
            self._seen = {i for i in self._seen if i > below}

    def _wait_postgres(self, timeout: float) -> list[Change]:
        import psycopg  # (see _listen)

        changes: list[Change] = []
        try:
            if self._conn is None:
                self._listen()
                changes += self._missed()
                self._back()
                changes.append(Change(kind=RESYNC, counter=""))  # missed notifications while away
            for note in self._conn.notifies(timeout=timeout, stop_after=1):
                changes += [c for c in [_parse(note.payload)] if self._heard(c)]
            if changes:  # drain what arrived together, without waiting again
                for note in self._conn.notifies(timeout=0.01):
                    changes += [c for c in [_parse(note.payload)] if self._heard(c)]
        except psycopg.Error as exc:
            if self._closed.is_set():
                return []
            # Closed, not only let go: a reconnect that failed in its replay holds a live connection.
            dropped, self._conn = self._conn, None
            if dropped is not None:
                with contextlib.suppress(psycopg.Error):
                    dropped.close()
            self._closed.wait(self._still_lost(exc))
        return changes

    def _still_lost(self, exc: Exception) -> float:
        """Log the loss once, then once a minute while it lasts; the seconds to wait before trying again."""
        now = self.clock()
        lost = self._lost
        if lost is None:
            log.warning("live view: lost the database connection (%s); reconnecting", exc)
            self._lost = _Lost(since=now, said=now)
            return RECONNECT_FIRST_S
        lost.tries += 1
        if now - lost.said >= STILL_LOST_LOG_S:
            log.warning("live view: still reconnecting, %d tries (%s)", lost.tries, exc)
            lost.said = now
        lost.wait = min(lost.wait * 2, RECONNECT_MAX_S)
        return lost.wait

    def _back(self) -> None:
        lost, self._lost = self._lost, None
        if lost is not None:
            log.warning("live view: reconnected after %.0f s", self.clock() - lost.since)

    # -- SQLite -----------------------------------------------------------------------------------

    def _newest_id(self) -> int:
        with Session(self.engine) as session:
            return int(session.exec(select(func.max(ParcelEvent.id))).one() or 0)

    def _committed_since(self) -> bool:
        """Whether another connection committed since the previous look (True when it cannot tell)."""
        path = self.engine.url.database
        if not path or path == ":memory:":
            return True
        try:
            if self._version_conn is None:
                # mode=rw: never creates a file; check_same_thread off: `close()` may come from any thread.
                uri = f"{Path(path).resolve().as_uri()}?mode=rw"
                self._version_conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            version = int(self._version_conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            self._disconnect_version()
            return True
        changed, self._version = version != self._version, version
        return changed

    def _disconnect_version(self) -> None:
        conn, self._version_conn, self._version = self._version_conn, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def _wait_polling(self, timeout: float) -> list[Change]:
        deadline = time.monotonic() + timeout
        while True:
            changes = self._poll() if self._committed_since() else []
            remaining = deadline - time.monotonic()
            if changes or remaining <= 0 or self._closed.wait(min(self.poll_interval, remaining)):
                return changes

    def _poll(self) -> list[Change]:
        with Session(self.engine) as session:
            rows = session.exec(
                select(ParcelEvent.id, ParcelEvent.kind, ParcelEvent.counter, ParcelEvent.parcel_id)
                .where(col(ParcelEvent.id) > (self._last_id or 0))
                .order_by(col(ParcelEvent.id))
            ).all()
        if rows:
            self._last_id = rows[-1][0]
        return [
            Change(kind=kind, counter=counter or "", parcel_id=pid, event_id=eid)
            for eid, kind, counter, pid in rows
        ]


_EVENTS = ParcelEvent.__tablename__
_NEWEST = f"SELECT coalesce(max(id), 0) FROM {_EVENTS}"
# One snapshot for the replay's reads: an event they saw is marked seen, one they did not is notified.
_ONE_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
_UNSEEN_WHERE = "id > %(start)s AND id <> ALL(%(seen)s::bigint[])"
_UNSEEN = (
    f"SELECT id, kind, counter, parcel_id FROM {_EVENTS} WHERE {_UNSEEN_WHERE} ORDER BY id LIMIT %(limit)s"
)
_UNSEEN_OF_KINDS = (
    f"SELECT id, kind, counter, parcel_id FROM {_EVENTS} WHERE {_UNSEEN_WHERE} AND kind = ANY(%(kinds)s)"
    " ORDER BY id"
)
_IDS_ABOVE = f"SELECT id FROM {_EVENTS} WHERE id > %s"


@dataclass
class _Lost:
    """The PostgreSQL connection is lost since `since`; `said` when that was last logged."""

    since: float
    said: float
    tries: int = 0  # reconnections that failed
    wait: float = RECONNECT_FIRST_S


def _parse(payload: str) -> Change:
    try:
        data = json.loads(payload)
        return Change(
            kind=str(data.get("kind", "")),
            counter=str(data.get("counter") or ""),
            parcel_id=data.get("parcel_id"),
            event_id=data.get("event_id"),
        )
    except (ValueError, AttributeError):
        return Change(kind=RESYNC, counter="")
