"""Lock-out against guessing pickup codes: failed lookups are counted per clerk and per station.

The key is who is signed in, not the counter name: a caller chooses the counter name (`--counter`),
not whose PIN they hold. More than `lookup_fail_limit` failures by one clerk within
`lookup_fail_window_s` lock that clerk's lookups for `lookup_lock_s`; more than
`lookup_station_fail_limit` failures at the whole station (every clerk and counter together) lock
every lookup for as long, so several clerks' accounts do not multiply the guesses. There is no lock
row: the lock is read off the failure times themselves, one indexed range query on `at`. Failures are
not recorded while locked, so that list stays short.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Connection, bindparam
from sqlmodel import Session, col, select

from db.models import EventKind, LookupFailure
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core import audit
from station_console.services.core.station import Station
from station_console.settings import StationSettings


def lock_until(
    times: Sequence[datetime], settings: StationSettings, limit: int | None = None
) -> datetime | None:
    """When the newest lock that `times` (ascending) earned ends, or None if they earned none."""
    limit = settings.lookup_fail_limit if limit is None else limit
    window = timedelta(seconds=settings.lookup_fail_window_s)
    until: datetime | None = None
    for i in range(limit, len(times)):
        if times[i] - times[i - limit] < window:  # limit + 1 failures inside one window
            until = times[i] + timedelta(seconds=settings.lookup_lock_s)
    return until


_RECENT = (
    select(LookupFailure.at, LookupFailure.clerk_id)
    .where(col(LookupFailure.at) > bindparam("since"))
    .order_by(col(LookupFailure.at))
)


class Lock(NamedTuple):
    """A lock on lookups: its seconds left, when it ends (the station's clock), whose it is."""

    seconds: int
    until: datetime
    station_wide: bool  # every clerk's lookups, not this clerk's alone


def _lock(
    conn: Session | Connection, station: Station, now: datetime, settings: StationSettings
) -> Lock | None:
    since = now - timedelta(seconds=settings.lookup_fail_window_s + settings.lookup_lock_s)
    rows = conn.execute(_RECENT, {"since": since}).all()
    mine = lock_until([at for at, clerk in rows if clerk == station.clerk_id], settings)
    everyone = lock_until([at for at, _clerk in rows], settings, settings.lookup_station_fail_limit)
    locks = [(u, wide) for u, wide in ((mine, False), (everyone, True)) if u is not None and u > now]
    if not locks:
        return None
    until, station_wide = max(locks, key=lambda lock: lock[0])
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    return Lock(seconds, until, station_wide)


def lock_on(session: Session | Connection, station: Station) -> Lock | None:
    """This clerk's (or the whole station's) lock on lookups now; None when lookups are open."""
    return _lock(session, station, station.now(), station.settings())


def seconds_locked(session: Session | Connection, station: Station) -> int:
    """Seconds left on this clerk's (or the whole station's) lock; 0 when lookups are open."""
    lock = lock_on(session, station)
    return 0 if lock is None else lock.seconds


def locked_refusal(station: Station, lock: Lock, query: str | None = None) -> Refused:
    """What the clerk reads: whose lookups are locked, until when on the station's clock (the line
    stays up: a count of seconds alone goes stale on it), and that it ends by itself (no one unlocks
    it, unlike a clerk locked out by wrong PINs)."""
    until = lock.until.astimezone(station.zone()).strftime("%H:%M:%S")
    if query is None and not lock.station_wide:
        return Refused(
            N_(
                "Too many failed lookups: your lookups are locked until {until} ({count} more seconds)."
                " The lock ends by itself."
            ),
            one="Too many failed lookups: your lookups are locked until {until} ({count} more second)."
            " The lock ends by itself.",
            code="lookup_locked",
            count=lock.seconds,
            until=until,
        )
    if query is None:
        return Refused(
            N_(
                "Too many failed lookups at this station: every lookup is locked until {until} ({count} more"
                " seconds). The lock ends by itself."
            ),
            one="Too many failed lookups at this station: every lookup is locked until {until} ({count} more"
            " second). The lock ends by itself.",
            code="lookup_locked",
            count=lock.seconds,
            until=until,
        )
    if not lock.station_wide:
        return Refused(
            N_(
                "Nothing found for {query}. Too many failed lookups: your lookups are locked until {until}"
                " ({count} seconds). The lock ends by itself."
            ),
            one="Nothing found for {query}. Too many failed lookups: your lookups are locked until {until}"
            " ({count} second). The lock ends by itself.",
            code="lookup_locked",
            query=query,
            count=lock.seconds,
            until=until,
        )
    return Refused(
        N_(
            "Nothing found for {query}. Too many failed lookups at this station: every lookup is locked until"
            " {until} ({count} seconds). The lock ends by itself."
        ),
        one="Nothing found for {query}. Too many failed lookups at this station: every lookup is locked until"
        " {until} ({count} second). The lock ends by itself.",
        code="lookup_locked",
        query=query,
        count=lock.seconds,
        until=until,
    )


def refuse_if_locked(session: Session | Connection, station: Station) -> None:
    lock = lock_on(session, station)
    if lock is not None:
        raise locked_refusal(station, lock)


def record_failures(station: Station, shape: str, count: int = 1) -> Lock | None:
    """Count `count` failed lookups by this clerk (own transaction); the lock they earned, if any.

    The failure that starts a lock also leaves one LOOKUP_LOCKED audit event.
    """
    settings = station.settings()

    def work(session: Session) -> Lock | None:
        now = station.now()
        already = lock_on(session, station)
        if already is not None:
            return already
        for _n in range(count):
            session.add(
                LookupFailure(
                    counter=station.counter, clerk_id=station.clerk_id, at=now, query_shape=shape[:16]
                )
            )
        session.flush()
        lock = lock_on(session, station)
        if lock is not None:
            audit.record(
                session,
                station,
                EventKind.LOOKUP_LOCKED,
                at=now,
                details={
                    "lock_s": settings.lookup_lock_s,
                    "limit": settings.lookup_fail_limit,
                    "station_limit": settings.lookup_station_fail_limit,
                    "window_s": settings.lookup_fail_window_s,
                    "shape": shape,
                },
            )
        return lock

    return station.run(work)
