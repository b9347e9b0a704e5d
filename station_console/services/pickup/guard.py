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


def _until(
    conn: Session | Connection, station: Station, now: datetime, settings: StationSettings
) -> datetime | None:
    since = now - timedelta(seconds=settings.lookup_fail_window_s + settings.lookup_lock_s)
    rows = conn.execute(_RECENT, {"since": since}).all()
    mine = lock_until([at for at, clerk in rows if clerk == station.clerk_id], settings)
    everyone = lock_until([at for at, _clerk in rows], settings, settings.lookup_station_fail_limit)
    return max((u for u in (mine, everyone) if u is not None), default=None)


def seconds_locked(session: Session | Connection, station: Station) -> int:
    """Seconds left on this clerk's (or the whole station's) lock; 0 when lookups are open."""
    settings, now = station.settings(), station.now()
    until = _until(session, station, now, settings)
    if until is None or until <= now:
        return 0
    return max(1, int((until - now).total_seconds() + 0.999))


def refuse_if_locked(session: Session | Connection, station: Station) -> None:
    left = seconds_locked(session, station)
    if left:
        raise Refused(
            N_("Too many failed lookups: lookups are locked for {count} more seconds."),
            one="Too many failed lookups: lookups are locked for {count} more second.",
            code="lookup_locked",
            count=left,
        )


def record_failures(station: Station, shape: str, count: int = 1) -> int:
    """Count `count` failed lookups by this clerk (own transaction); seconds locked as a result.

    The failure that starts a lock also leaves one LOOKUP_LOCKED audit event.
    """
    settings = station.settings()

    def work(session: Session) -> int:
        now = station.now()
        if seconds_locked(session, station):
            return seconds_locked(session, station)
        for _n in range(count):
            session.add(
                LookupFailure(
                    counter=station.counter, clerk_id=station.clerk_id, at=now, query_shape=shape[:16]
                )
            )
        session.flush()
        left = seconds_locked(session, station)
        if left:
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
        return left

    return station.run(work)
