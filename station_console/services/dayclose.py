"""Day close (日结): freeze a business day's figures with the SHA-256 of their canonical JSON.

After a close, a change to that day's records is refused (`assert_day_open`, also checked by
`guard_event` for every audit event, so no service can slip one in); a correction is a new event
dated today. Re-running the report on a closed day says whether it still matches the stored hash.
The close also purges full phone numbers past their keep period (`privacy.purge_phones_in`), in its
own transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import DayClose, EventKind, Parcel
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services import audit
from station_console.services.privacy import purge_phones_in
from station_console.services.roles import require_manager
from station_console.services.station import Station

# Events that change a day's figures; others (notified, reprinted, signed in...) may come after a close.
_FIGURE_KINDS = {
    EventKind.CHECKED_IN,
    EventKind.CHECKIN_UNDONE,
    EventKind.PICKED_UP,
    EventKind.PICKUP_UNDONE,
    EventKind.RETURNED,
    EventKind.WRITTEN_OFF,
    EventKind.PROBLEM_MARKED,
    EventKind.PROBLEM_RESOLVED,
    EventKind.STOCKTAKE_CLOSED,
}
# Undoing one of these changes the day the undone thing happened on, not only today.
_UNDO_KINDS = {EventKind.CHECKIN_UNDONE, EventKind.PICKUP_UNDONE}


@dataclass(frozen=True)
class CloseInfo:
    day: date
    by: str | None
    at: datetime
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"by": self.by, "at": self.at.isoformat(), "sha256": self.sha256}


def canonical(figures: dict[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 text: the exact string that is hashed and stored."""
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(figures: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(figures).encode("utf-8")).hexdigest()


def is_closed(session: Session, day: date) -> bool:
    return session.exec(select(DayClose.id).where(DayClose.business_day == day)).first() is not None


def assert_day_open(session: Session, station: Station, day: date) -> None:
    """Refuse a write that would change the records of `day` once that day is closed."""
    if is_closed(session, day):
        raise Refused(
            N_("Business day {day} is closed; record a correction dated today instead"),
            code="day_closed",
            day=day.isoformat(),
        )


def guard_event(session: Session, station: Station, kind: str, parcel_id: int | None, at: datetime) -> None:
    """Called for every audit event: an event may not land on, or undo something of, a closed day."""
    if kind not in _FIGURE_KINDS or not _any_close(session):
        return
    assert_day_open(session, station, station.business_day(at))
    if parcel_id is not None and kind in _UNDO_KINDS:
        parcel = session.get(Parcel, parcel_id)
        if parcel is not None:
            when = parcel.picked_up_at if kind == EventKind.PICKUP_UNDONE else parcel.checked_in_at
            if when is not None:
                assert_day_open(session, station, station.business_day(when))


def _any_close(session: Session) -> bool:
    # Most stations' databases have no close yet on most checks; one indexed probe either way.
    return session.connection().execute(sa_select(col(DayClose.id)).limit(1)).first() is not None


def close_info(session: Session, day: date) -> CloseInfo | None:
    row = session.exec(select(DayClose).where(DayClose.business_day == day)).first()
    if row is None:
        return None
    return CloseInfo(day=day, by=_clerk_name(session, row.closed_by), at=row.closed_at, sha256=row.sha256)


def stored_figures(session: Session, day: date) -> dict[str, Any] | None:
    row = session.exec(select(DayClose).where(DayClose.business_day == day)).first()
    return json.loads(row.figures) if row else None


def _clerk_name(session: Session, clerk_id: int | None) -> str | None:
    from db.models import Clerk

    if clerk_id is None:
        return None
    clerk = session.get(Clerk, clerk_id)
    return clerk.name if clerk else str(clerk_id)


def close_day(station: Station, day: date | None = None, *, allow_unbalanced: bool = False) -> CloseInfo:
    """Close `day` (default today): manager only, not in the future, once, and balanced unless allowed."""
    from station_console.services.reports import day_figures

    require_manager(station, "close_day")
    day = day or station.business_day()
    if day > station.business_day():
        raise Refused(
            N_("Cannot close {day}: it has not happened yet"), code="future_day", day=day.isoformat()
        )

    def work(session: Session) -> CloseInfo:
        if is_closed(session, day):
            raise Refused(
                N_("Business day {day} is already closed"), code="already_closed", day=day.isoformat()
            )
        figures = day_figures(session, station, day)
        if not figures["balanced"] and not allow_unbalanced:
            raise Refused(
                N_("The day does not balance ({count} differences); fix them or close anyway"),
                code="not_balanced",
                count=len(figures["differences"]),
            )
        text, sha = canonical(figures), digest(figures)
        now = station.now()
        session.add(
            DayClose(business_day=day, closed_at=now, closed_by=station.clerk_id, figures=text, sha256=sha)
        )
        audit.record(
            session,
            station,
            EventKind.DAY_CLOSED,
            at=now,
            details={"day": day.isoformat(), "sha256": sha, "balanced": figures["balanced"]},
        )
        purge_phones_in(session, station, now)  # full phones past their keep period go with the close
        session.flush()
        return CloseInfo(day=day, by=_clerk_name(session, station.clerk_id), at=now, sha256=sha)

    return station.run(work)
