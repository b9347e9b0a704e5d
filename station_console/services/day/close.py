"""Day close (日结): freeze a business day's figures with the SHA-256 of their canonical JSON.

After a close, a change to that day's records is refused (`core/closed_day.py`: `assert_day_open`,
also checked by `guard_event` for every audit event, so no service can slip one in); a correction is a
new event dated today. Re-running the report on a closed day says whether it still matches the stored hash.
The close also purges full phone numbers past their keep period (`people/privacy.py`:
`purge_phones_in`), in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from db.models import Clerk, DayClose, EventKind
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core import audit
from station_console.services.core.closed_day import is_closed
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station
from station_console.services.day.figures import day_figures
from station_console.services.people.privacy import purge_phones_in


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


def close_info(session: Session, day: date) -> CloseInfo | None:
    row = session.exec(select(DayClose).where(DayClose.business_day == day)).first()
    if row is None:
        return None
    return CloseInfo(day=day, by=_clerk_name(session, row.closed_by), at=row.closed_at, sha256=row.sha256)


def stored_figures(session: Session, day: date) -> dict[str, Any] | None:
    row = session.exec(select(DayClose).where(DayClose.business_day == day)).first()
    return json.loads(row.figures) if row else None


def _clerk_name(session: Session, clerk_id: int | None) -> str | None:
    if clerk_id is None:
        return None
    clerk = session.get(Clerk, clerk_id)
    return clerk.name if clerk else str(clerk_id)


def close_day(station: Station, day: date | None = None, *, allow_unbalanced: bool = False) -> CloseInfo:
    """Close `day` (default today): manager only, not in the future, once, and balanced unless allowed."""
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
                count=len(figures["differences"]) + len(figures.get("sends", {}).get("differences", [])),
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
