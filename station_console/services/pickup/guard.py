"""Lock-out against guessing pickup codes: failed lookups are counted per counter.

More than `lookup_fail_limit` failures within `lookup_fail_window_s` lock that counter's lookups for
`lookup_lock_s` from the failure that tipped it over. There is no lock row: the lock is read off the
failure times themselves, one indexed range query on (counter, at). Failures are not recorded while
locked, so that list stays short.
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


def lock_until(times: Sequence[datetime], settings: StationSettings) -> datetime | None:
    """When the newest lock that `times` (ascending) earned ends, or None if they earned none."""
    limit, window = settings.lookup_fail_limit, timedelta(seconds=settings.lookup_fail_window_s)
    until: datetime | None = None
    for i in range(limit, len(times)):
        if times[i] - times[i - limit] < window:  # limit + 1 failures inside one window
            until = times[i] + timedelta(seconds=settings.lookup_lock_s)
    return until


_RECENT = (
    select(LookupFailure.at)
    .where(col(LookupFailure.counter) == bindparam("counter"), col(LookupFailure.at) > bindparam("since"))
    .order_by(col(LookupFailure.at))
)


def _recent_failures(
    conn: Session | Connection, counter: str, now: datetime, settings: StationSettings
) -> list[datetime]:
    since = now - timedelta(seconds=settings.lookup_fail_window_s + settings.lookup_lock_s)
    return list(conn.execute(_RECENT, {"counter": counter, "since": since}).scalars())


def seconds_locked(session: Session | Connection, station: Station) -> int:
    """Seconds left on this counter's lock; 0 when lookups are open."""
    settings, now = station.settings(), station.now()
    until = lock_until(_recent_failures(session, station.counter, now, settings), settings)
    if until is None or until <= now:
        return 0
    return max(1, int((until - now).total_seconds() + 0.999))


def refuse_if_locked(session: Session | Connection, station: Station) -> None:
    left = seconds_locked(session, station)
    if left:
        raise Refused(
            N_("Too many failed lookups at this counter: lookups are locked for {seconds} more seconds"),
            code="lookup_locked",
            seconds=left,
        )


def record_failures(station: Station, shape: str, count: int = 1) -> int:
    """Count `count` failed lookups at this counter (own transaction); seconds locked as a result.

    The failure that starts a lock also leaves one LOOKUP_LOCKED audit event.
    """
    settings = station.settings()

    def work(session: Session) -> int:
        now = station.now()
        if seconds_locked(session, station):
            return seconds_locked(session, station)
        for _n in range(count):
            session.add(LookupFailure(counter=station.counter, at=now, query_shape=shape[:16]))
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
                    "window_s": settings.lookup_fail_window_s,
                    "shape": shape,
                },
            )
        return left

    return station.run(work)
