"""ChangeFeed: a console hears of another process's check-in within a second, on both databases."""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from datetime import datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine

from db.models import EventKind
from station_console.services.admin.live import RESYNC, ChangeFeed
from station_console.services.core import audit
from station_console.services.core.station import Station

HANG = 30.0  # seconds: bounds a hang only; what is awaited ends the wait at once


def _check_in_elsewhere(url: str, waybill: str, out: Any, clerk_id: int, at: datetime) -> None:
    """Another counter, in its own process with its own engine: one check-in at the test's time `at`
    (not the machine's), then when it committed."""
    from db.engine import create_station_engine
    from station_console.services.checkin.transaction import check_in

    station = Station(
        engine=create_station_engine(url),
        counter="counter-2",
        clerk_id=clerk_id,
        clerk_role="clerk",
        clock=lambda: at,
    )
    result = check_in(station, waybill)
    out.put((time.time(), result.parcel_id))
    station.engine.dispose()


def _wait_for(feed: ChangeFeed, counter: str, deadline: float) -> tuple[float, list[Any]]:
    seen: list[Any] = []
    while time.monotonic() < deadline:
        seen += feed.wait(0.2)
        if any(c.counter == counter for c in seen):
            return time.time(), seen
    raise AssertionError(f"no change from {counter}; saw {seen}")


def test_a_check_in_at_another_counter_is_seen_within_a_second(station: Station, db_url: str) -> None:
    feed = ChangeFeed(station.engine)
    try:
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        proc = ctx.Process(
            target=_check_in_elsewhere, args=(db_url, "JT0000000000042", out, station.clerk_id, station.now())
        )
        proc.start()
        seen_at, changes = _wait_for(feed, "counter-2", time.monotonic() + 60)
        committed_at, parcel_id = out.get(timeout=30)
        proc.join(30)
        assert proc.exitcode == 0
    finally:
        feed.close()
    change = next(c for c in changes if c.counter == "counter-2")
    assert (change.kind, change.parcel_id) == (EventKind.CHECKED_IN, parcel_id)
    assert seen_at - committed_at < 1.0


def test_a_rolled_back_change_is_not_announced(station: Station) -> None:
    feed = ChangeFeed(station.engine, poll_interval=0.1)
    try:

        def work(session: Any) -> None:
            audit.record(session, station, EventKind.CHECKED_IN, details={"note": "never committed"})
            raise RuntimeError("abort")

        with pytest.raises(RuntimeError):
            station.run(work)
        # No wait for nothing to arrive: an announcement of the rolled-back change would have been
        # sent before the committed one, so it would come first or with it, and fail the check below.
        station.run(lambda session: audit.record(session, station, EventKind.CHECKED_IN, details={}))
        changes = feed.wait(HANG)  # returns at the first change
    finally:
        feed.close()
    assert [(c.kind, c.counter) for c in changes] == [(EventKind.CHECKED_IN, "test-counter")]


def test_a_closed_feed_returns_at_once(station: Station) -> None:
    feed = ChangeFeed(station.engine)
    feed.close()
    started = time.monotonic()
    assert feed.wait(HANG) == []
    # Told apart from waiting out its time, not timed to the tenth of a second: a loaded machine held
    # this process for more than the half second once allowed here.
    assert time.monotonic() - started < HANG / 3


@pytest.mark.sqlite_only
def test_an_idle_feed_reads_nothing_until_something_commits(station: Station, tmp_path: Any) -> None:
    """On SQLite the feed asks the file whether anything committed (`PRAGMA data_version`) and reads
    the events only then: an idle console runs no query on the station's engine, and still hears the
    next change at once. A station file whose path needs escaping in a URI works the same."""
    from sqlalchemy import event

    statements: list[str] = []
    event.listen(station.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    feed = ChangeFeed(station.engine, poll_interval=0.05)
    try:
        assert feed.wait(0.1) == []  # the first look reads once (nothing is known yet)
        statements.clear()
        assert feed.wait(0.5) == []  # some ten looks with nothing committed
        assert statements == []
        station.run(lambda session: audit.record(session, station, EventKind.CHECKED_IN, details={}))
        statements.clear()
        changes = feed.wait(HANG)  # returns at the first change
    finally:
        feed.close()
    assert [(c.kind, c.counter) for c in changes] == [(EventKind.CHECKED_IN, "test-counter")]
    assert len([s for s in statements if "parcel_event" in s]) == 1


@pytest.mark.sqlite_only
def test_the_commit_check_opens_a_path_a_uri_must_escape(tmp_path: Any) -> None:
    """A station folder named with spaces, #, ? and Chinese: the check opens that file (not a new
    empty one beside it) and sees another connection's commit."""
    import sqlite3

    from sqlalchemy import URL, create_engine

    folder = tmp_path / "驿站 #1?x"
    folder.mkdir()
    path = folder / "station.sqlite3"
    sqlite3.connect(path).execute("PRAGMA user_version = 1").connection.commit()
    feed = ChangeFeed.__new__(ChangeFeed)  # the check alone: no events table in this file
    feed.engine, feed._version_conn, feed._version = (
        create_engine(URL.create("sqlite", database=str(path))),
        None,
        None,
    )
    try:
        assert feed._committed_since() is True and feed._version_conn is not None  # first look
        assert feed._committed_since() is False
        writer = sqlite3.connect(path)
        writer.execute("PRAGMA user_version = 2")
        writer.commit()
        writer.close()
        assert feed._committed_since() is True
    finally:
        feed._disconnect_version()
    assert sorted(p.name for p in folder.iterdir()) == ["station.sqlite3"]


class _Waits(threading.Event):
    """The feed's closed flag, never set: records each pause before a retry instead of sleeping it."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        return False


class _Gone:
    """A LISTEN connection whose server went away."""

    def notifies(self, **_kwargs: Any) -> Any:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    def close(self) -> None:
        pass


class _Back:
    def notifies(self, **_kwargs: Any) -> Any:
        return iter(())

    def close(self) -> None:
        pass


def test_a_lost_postgresql_connection_is_logged_once_then_once_a_minute_then_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """30 failed reconnections 7 s apart (3.5 min): the loss, 'still reconnecting' 3 times, 'reconnected'."""
    failures = 30
    now = [0.0]
    tries = [0]

    def listen(feed: ChangeFeed) -> None:
        tries[0] += 1
        if tries[0] == 1:
            feed._conn = _Gone()  # the feed's first connection, lost at its first wait
        elif tries[0] <= failures + 1:
            raise psycopg.OperationalError("connection refused")
        else:
            feed._conn = _Back()

    monkeypatch.setattr(ChangeFeed, "_listen", listen)
    feed = ChangeFeed(create_engine("postgresql+psycopg://clerk@db.invalid/station"))
    feed.clock = lambda: now[0]
    feed._closed = closed = _Waits()
    caplog.set_level(logging.INFO, logger="station_console.services.admin.live")
    seen: list[Any] = []
    for _ in range(failures + 2):
        seen += feed.wait(0.25)
        now[0] += 7.0
    said = [r.getMessage() for r in caplog.records]
    assert said[0].startswith("live view: lost the database connection (server closed")
    assert [m.split(" (")[0] for m in said[1:-1]] == [
        "live view: still reconnecting, 9 tries",
        "live view: still reconnecting, 18 tries",
        "live view: still reconnecting, 27 tries",
    ]
    assert said[-1] == "live view: reconnected after 217 s" and len(said) == 5
    assert [c.kind for c in seen] == [RESYNC]  # back: everything read again once
    assert closed.waits[:6] == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0] and max(closed.waits) == 5.0
