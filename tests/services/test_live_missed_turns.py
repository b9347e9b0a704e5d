"""A PostgreSQL console whose live view lost its connection hears, once back, the changes committed
while it was away, from the events: their notifications went to no one, and a day closed at another
counter meanwhile was never said at this one (the resync reads caches again, not what happened);
one that committed after a newer one was heard is read too, and a long absence is one resync."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pickup_helpers import as_clerk
from sqlalchemy import text
from sqlmodel import select

from db.models import EventKind, ParcelEvent, Role
from station_console.services.admin.live import RESYNC, ChangeFeed
from station_console.services.core import audit
from station_console.services.core.station import Station
from station_console.services.day.close import close_day, reopen_day

HANG = 30.0  # bounds a hang only


def heard_until(feed: ChangeFeed, done: Any) -> list[Any]:
    seen: list[Any] = []
    deadline = time.monotonic() + HANG
    while time.monotonic() < deadline and not done(seen):
        seen += feed.wait(0.2)
    return seen


def cut_off(station: Station, feed: ChangeFeed) -> None:
    """The feed's connection ended by the server (a network cut, a restart), as the feed waits."""
    pid = feed._conn.info.backend_pid
    with station.engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


@pytest.mark.postgres_only
def test_a_day_closed_while_the_feed_was_cut_off_is_heard_once_back(station: Station) -> None:
    feed = ChangeFeed(station.engine)
    try:
        cut_off(station, feed)
        manager = as_clerk(station, "Boss", role=Role.MANAGER, counter="counter-2")
        day = close_day(manager, early=True).day
        with station.read() as session:
            closed = session.exec(
                select(ParcelEvent.id).where(ParcelEvent.kind == EventKind.DAY_CLOSED)
            ).one()
        heard = heard_until(feed, lambda seen: any(c.kind == RESYNC for c in seen))
        heard += feed.wait(0.3)  # nothing more comes: the close is not heard twice
        reopen_day(manager, day, "closed by mistake")  # heard as before, once
        heard += heard_until(feed, lambda seen: any(c.kind == EventKind.DAY_REOPENED for c in seen))
    finally:
        feed.close()
    turns = [c for c in heard if c.kind == EventKind.DAY_CLOSED]
    assert [(c.event_id, c.counter) for c in turns] == [(closed, "counter-2")], heard
    assert [c.kind for c in heard].count(RESYNC) == 1
    assert [c.kind for c in heard].count(EventKind.DAY_REOPENED) == 1


@pytest.mark.postgres_only
def test_a_reconnect_whose_replay_fails_closes_its_connection(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back after a loss, the read of what was missed fails (the server going down again): the new
    connection, listening already, is closed before the next try, not left open on the server."""
    import psycopg

    feed = ChangeFeed(station.engine)
    opened: list[Any] = []
    listen = feed._listen

    def listening() -> None:
        listen()
        opened.append(feed._conn)

    def replay_fails() -> list[Any]:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    try:
        cut_off(station, feed)
        monkeypatch.setattr(feed, "_listen", listening)
        monkeypatch.setattr(feed, "_missed", replay_fails)
        heard_until(feed, lambda seen: bool(opened))
    finally:
        feed.close()
    assert opened and opened[0].closed


def cut_off_and_gone(station: Station, feed: ChangeFeed) -> None:
    """`cut_off`, returning once the server process is gone: a commit after it notifies no one here."""
    pid = feed._conn.info.backend_pid
    with station.engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid})


@pytest.mark.postgres_only
def test_an_event_committed_after_a_newer_one_and_lost_with_the_connection_is_heard_once_back(
    station: Station,
) -> None:
    """Ids are taken at insert, so commits come out of id order: the newer event is heard, then the
    connection is lost, then the older one commits. Back, the feed hears the older one, once, and not
    the newer one again."""
    slow_counter = as_clerk(station, "Ann", counter="counter-2")
    quick_counter = as_clerk(station, "Bob", counter="counter-3")
    for counter in (slow_counter, quick_counter):  # each chain's head made, so neither waits for the other
        with counter.write() as session:
            audit.record(session, counter, EventKind.SIGNED_IN)
    feed = ChangeFeed(station.engine)
    try:
        with slow_counter.write() as slow:  # commits as the block ends
            older = audit.record(slow, slow_counter, EventKind.SIGNED_IN)
            with quick_counter.write() as quick:
                newer = audit.record(quick, quick_counter, EventKind.SIGNED_IN)
            assert older < newer
            heard = heard_until(feed, lambda seen: any(c.event_id == newer for c in seen))
            cut_off_and_gone(station, feed)
        heard += heard_until(feed, lambda seen: any(c.kind == RESYNC for c in seen))
        heard += feed.wait(0.3)
    finally:
        feed.close()
    ids = [c.event_id for c in heard]
    assert ids.count(older) == 1, heard
    assert ids.count(newer) == 1, heard


@pytest.mark.postgres_only
def test_a_long_absence_is_one_resync_not_every_event_but_a_day_turned_is_still_said(
    station: Station,
) -> None:
    """More events missed than the replay's cap: the screens read everything again once (the resync)
    instead of hearing each event; a day closed meanwhile is still told, and nothing is heard twice."""
    elsewhere = as_clerk(station, "Boss", role=Role.MANAGER, counter="counter-2")
    feed = ChangeFeed(station.engine)
    feed.replay_cap = 5
    try:
        cut_off_and_gone(station, feed)
        with elsewhere.write() as session:
            for _ in range(12):
                audit.record(session, elsewhere, EventKind.SIGNED_IN)
        close_day(elsewhere, early=True)
        heard = heard_until(feed, lambda seen: any(c.kind == RESYNC for c in seen))
        heard += feed.wait(0.3)
        cut_off_and_gone(station, feed)  # a second loss: what the first replay covered is not heard again
        heard += heard_until(feed, lambda seen: [c.kind for c in seen].count(RESYNC) == 1)
        heard += feed.wait(0.3)
    finally:
        feed.close()
    kinds = [c.kind for c in heard]
    assert kinds.count(RESYNC) == 2, heard
    assert kinds.count(EventKind.DAY_CLOSED) == 1, heard
    assert EventKind.SIGNED_IN not in kinds, heard


class CommitLost:
    """The feed's connection, its first transaction lost at the commit (the server gone as the replay's
    read ends): the read made, then the error psycopg raises for it."""

    def __init__(self, conn: Any) -> None:
        self._real = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        import psycopg

        with self._real.transaction() as tx:
            yield tx
        raise psycopg.OperationalError("server closed the connection unexpectedly")


@pytest.mark.postgres_only
def test_a_capped_replay_lost_at_its_commit_marks_nothing_seen_and_the_next_says_the_day_turned(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the cap the replay marks the ids it covers seen: when its commit is lost with the
    connection, none is, so the next replay still reads the day closed meanwhile and says it."""
    elsewhere = as_clerk(station, "Boss", role=Role.MANAGER, counter="counter-2")
    feed = ChangeFeed(station.engine)
    feed.replay_cap = 5
    listen = feed._listen
    lost: list[Any] = []

    def listening() -> None:
        listen()
        if not lost:
            lost.append(feed._conn)
            feed._conn = CommitLost(feed._conn)

    try:
        cut_off_and_gone(station, feed)
        with elsewhere.write() as session:
            for _ in range(12):
                audit.record(session, elsewhere, EventKind.SIGNED_IN)
        close_day(elsewhere, early=True)
        monkeypatch.setattr(feed, "_listen", listening)
        heard = heard_until(feed, lambda seen: any(c.kind == RESYNC for c in seen))
        heard += feed.wait(0.3)
    finally:
        feed.close()
    assert lost and lost[0].closed  # the first replay was lost at its commit
    kinds = [c.kind for c in heard]
    assert kinds.count(EventKind.DAY_CLOSED) == 1, heard
    assert kinds.count(RESYNC) == 1, heard
