"""Day close (日结): freeze a business day's figures with the SHA-256 of their canonical JSON.

A close is a manager's deliberate act: closing today before the closing hour (the end of
`opening_hours`) is refused unless confirmed (`early=True`; the console asks twice). A day closed before
its local midnight ends at the close: work after it belongs to the next business day, and the
reconciliation's day bounds say the same (`core/station.py`: `business_day`, `day_bounds`).

After a close, a change to that day's records is refused (`core/closed_day.py`, checked by `guard_event`
for every audit event, so no service can slip one in); a correction is a new event dated today. A manager
can reopen a day, with a reason (audited): if nothing was recorded after the close, the day runs on to
midnight again; otherwise it stays ended where it was and reopens for corrections only. The next close
stores new figures and a new hash. The stored figures and their hash are made in one place,
`_freeze`. Re-running the report on a closed day says whether it still matches the stored hash.
The close also purges full phone numbers past their keep period (`people/privacy.py`:
`purge_phones_in`) and deletes the print jobs and messages done with `finished_job_keep_days` ago
(`day/housekeeping.py`, counted in its event), in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Clerk, DayClose, EventKind, ParcelEvent
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, _, _n
from station_console.private_files import write_failed
from station_console.services.core import anchors, audit
from station_console.services.core.calendar_span import in_calendar
from station_console.services.core.closed_day import FIGURE_KINDS
from station_console.services.core.free_text import REASON
from station_console.services.core.health import check_database
from station_console.services.core.later_steps import StepFailed, command
from station_console.services.core.local_times import short_when
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station, closing_time, day_closes, midnight
from station_console.services.day.figures import day_figures
from station_console.services.day.forecast import checkins_of
from station_console.services.day.housekeeping import purge_finished_in
from station_console.services.people.privacy import purge_phones_in

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CloseInfo:
    day: date
    by: str | None
    at: datetime
    sha256: str
    reopened_at: datetime | None = None
    anchor_failed: StepFailed | None = None  # the close stands; its copy outside the database did not

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "at": self.at.isoformat(),
            "sha256": self.sha256,
            "reopened_at": self.reopened_at.isoformat() if self.reopened_at else None,
            **({"failed": self.anchor_failed.to_json()} if self.anchor_failed else {}),
        }


def canonical(figures: dict[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 text: the exact string that is hashed and stored."""
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(figures: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(figures).encode("utf-8")).hexdigest()


def close_info(session: Session, station: Station, day: date) -> CloseInfo | None:
    """The day's (latest) close, its times in the station's time zone (as a clerk reads them);
    `reopened_at` set when a manager reopened it since."""
    row = session.exec(select(DayClose).where(DayClose.business_day == day)).first()
    if row is None:
        return None
    zone = station.zone()
    return CloseInfo(
        day=day,
        by=_clerk_name(session, row.closed_by),
        at=row.closed_at.astimezone(zone),
        sha256=row.sha256,
        reopened_at=row.reopened_at.astimezone(zone) if row.reopened_at else None,
    )


def stored_figures(session: Session, day: date) -> dict[str, Any] | None:
    row = session.exec(select(DayClose).where(DayClose.business_day == day)).first()
    return json.loads(row.figures) if row and row.reopened_at is None else None


def _clerk_name(session: Session, clerk_id: int | None) -> str | None:
    if clerk_id is None:
        return None
    clerk = session.get(Clerk, clerk_id)
    return clerk.name if clerk else str(clerk_id)


def may_close(station: Station, day: date) -> None:
    """Refuse, as `close_day` would, a close of `day` by this clerk, of a day that has not come, or of a
    day already closed (at another counter while this one showed its figures): asked before the figures
    are put to a manager, who is then not asked a question the close refuses."""
    require_manager(station, "close_day")
    now = station.now()
    with station.read() as session:
        row = session.exec(select(DayClose).where(DayClose.business_day == day)).first()
        if row is not None and row.reopened_at is None:
            # Said first: the early-close question and the figures mean nothing for a day closed.
            raise already_closed(session, station, row, now)
    refuse_future(station, day, now)


def already_closed(session: Session, station: Station, row: DayClose, now: datetime) -> Refused:
    """The refusal of a close of a day `row` closed: by whom and when, so the manager knows it was done."""
    return Refused(
        N_("Business day {day} was already closed by {clerk} at {time}."),
        code="already_closed",
        day=row.business_day.isoformat(),
        clerk=_clerk_name(session, row.closed_by) or "?",
        time=short_when(row.closed_at, station.zone(), now),
    )


def refuse_future(station: Station, day: date, now: datetime) -> None:
    """Refuse a close of `day` that has not come by `now`; the business day (a read) is asked only then."""
    today = station.local_date(now)
    if day <= today:
        return
    if day == station.business_day(now):
        # After an early close the business day is tomorrow: the screens show it as the day in
        # progress (work now counts on it), so 'it has not happened yet' read as a contradiction.
        raise Refused(
            N_(
                "Cannot close {day} yet: it began with {today}'s early close, and can be closed from midnight on."
            ),
            code="future_day",
            day=day.isoformat(),
            today=today.isoformat(),
        )
    raise Refused(N_("Cannot close {day}: it has not happened yet."), code="future_day", day=day.isoformat())


def close_day(
    station: Station,
    day: date | None = None,
    *,
    allow_unbalanced: bool = False,
    early: bool = False,
    confirmed: Mapping[str, int] | None = None,
) -> CloseInfo:
    """Close `day` (default: the current business day): manager only, not before it has begun, once
    (again after a reopen), balanced unless allowed, and today before closing time only when `early`.
    `confirmed`: the totals the manager said yes to; figures that differ by now are refused."""
    require_manager(station, "close_day")
    if day is not None:  # a day asked for; the current one is the clock's, taken as it reads
        in_calendar(day)
    now = station.now()
    today = station.local_date(now)
    named = day is not None
    day = day or station.business_day(now)
    if day > today and not named and today in (closes := day_closes(station, [today])):
        # Today ended early at a close, so the business day is already tomorrow's, which cannot be
        # closed yet: today is the day meant, closed (say so) or reopened for corrections (close it).
        if closes[today][1]:
            with station.read() as session:
                row = session.exec(select(DayClose).where(DayClose.business_day == today)).one()
                raise already_closed(session, station, row, now)
        day = today
    refuse_future(station, day, now)
    closes_at = closing_time(station, day)
    if day == today and now < closes_at and not early:
        raise Refused(
            N_(
                "It is before closing time ({time}): closing {day} now ends it early. Confirm to close anyway."
            ),
            code="close_early",
            day=day.isoformat(),
            time=closes_at.astimezone(station.zone()).strftime("%H:%M"),
        )

    def work(session: Session) -> CloseInfo:
        row = session.exec(select(DayClose).where(DayClose.business_day == day)).first()
        if row is not None and row.reopened_at is None:
            raise already_closed(session, station, row, now)
        row = row or DayClose(business_day=day, closed_at=now, figures="", sha256="")
        if row.ends_at is None and now < midnight(station, day + timedelta(days=1)):
            # The day ends right after its close (what was recorded at that very instant is its own);
            # work after it belongs to the next business day.
            row.ends_at = now + timedelta(microseconds=1)
            row.ended_early = now < closes_at  # by the hours of today: they may change later
        session.add(row)
        session.flush()  # the figures below see the day's end
        figures = day_figures(session, station, day)
        if confirmed is not None and any(figures["totals"][k] != n for k, n in confirmed.items()):
            # Another counter kept working while the figures were on screen: what is frozen must be
            # what the manager confirmed.
            raise Refused(
                N_(
                    "Another counter changed the day's figures while you were confirming them; nothing was "
                    "closed. Ask the other counters to pause, check the figures again, then close."
                ),
                code="figures_changed",
            )
        if not figures["balanced"] and not allow_unbalanced:
            raise Refused(
                N_("The day does not balance ({count} differences); fix them or close anyway."),
                one="The day does not balance ({count} difference); fix it or close anyway.",
                code="not_balanced",
                count=len(figures["differences"]) + len(figures.get("sends", {}).get("differences", [])),
            )
        sha = _freeze(row, figures)
        row.checkins = checkins_of(session, day)  # the forecast's history, read once from now on
        row.closed_at, row.closed_by, row.reopened_at = now, station.clerk_id, None
        session.add(row)
        done = purge_finished_in(session, station, now)  # print jobs and messages done with long ago
        audit.record(
            session,
            station,
            EventKind.DAY_CLOSED,
            at=now,
            details={
                "day": day.isoformat(),
                "console": station.console_id,  # its own close is said where it was made (day/turned.py)
                "sha256": sha,
                "balanced": figures["balanced"],
                "print_jobs_deleted": done.print_jobs,
                "messages_deleted": done.messages,
            },
        )
        purge_phones_in(session, station, now)  # full phones past their keep period go with the close
        # The chain's heads, with the close event and the purge, sealed with this counter's key.
        heads = {
            "counter": station.counter,
            "chains": audit.chain_heads(session),
            "key_id": anchors.key_id(key),
        }
        sealed[:] = [heads, anchors.seal(day, sha, heads, key), anchors.station_id(session)]
        row.audit_heads, row.heads_hmac = heads, sealed[1]
        session.add(row)
        session.flush()
        return CloseInfo(day=day, by=_clerk_name(session, station.clerk_id), at=now, sha256=sha)

    check_database(station.engine)
    key: bytes = anchors.audit_key(create=True) or b""
    sealed: list[Any] = []
    info = station.run(work)
    try:
        anchors.append_anchor(station.engine, day, info.sha256, sealed[0], sealed[1], sealed[2])
    except OSError as exc:  # the close stands, sealed in the database; only the outside copy is missing
        log.warning("day %s closed, but its anchor could not be written: %s", day, exc)
        again = command("station", "reopen-day", "--date", day.isoformat(), "--reason", ANCHOR_REASON)
        failed = StepFailed(
            ANCHOR_NOT_WRITTEN, write_failed(anchors.anchors_path(), exc), again, ANCHOR_AGAIN
        )
        return replace(info, anchor_failed=failed)
    return info


ANCHOR_NOT_WRITTEN = N_("Its audit anchor was not written: {reason}")
# Each close anchors itself: a close made again once the file can be written writes the missing line.
ANCHOR_AGAIN = N_(
    "The close is sealed in the database. To write its anchor, let this user write that file, then reopen "
    "the day and close it again: {command}"
)
ANCHOR_REASON = "audit anchor not written"


def _freeze(row: DayClose, figures: dict[str, Any]) -> str:
    """Store the figures a close freezes, exactly as hashed; returns the hash."""
    row.figures, row.sha256 = canonical(figures), digest(figures)
    return row.sha256


@dataclass(frozen=True)
class Reopened:
    day: date
    work_after_close: int  # figure events recorded after the close (they stay on the next day)
    ends_at: datetime | None  # the day still ends there (None: it runs on to midnight)
    current: bool = True  # it is today's date: work from now on belongs to it

    def describe(self) -> str:
        """What reopening did, for the clerk, in the current language."""
        if self.work_after_close:
            return _n(
                "Reopened {day} for corrections; the {n} change made since its close stays on the next day.",
                "Reopened {day} for corrections; the {n} changes made since its close stay on the next day.",
                self.work_after_close,
                day=self.day.isoformat(),
                n=self.work_after_close,
            )
        if not self.current:
            # An earlier day is reopened for corrections only: today's work stays on today.
            return _(
                "Reopened {day} for corrections; work from now on stays on today's business day.",
                day=self.day.isoformat(),
            )
        return _(
            "Reopened {day}: work from now on belongs to it until it is closed again.",
            day=self.day.isoformat(),
        )


def reopen_day(station: Station, day: date, reason: str) -> Reopened:
    """A manager reopens a closed day, with a reason (audited); the next close re-makes the hash."""
    require_manager(station, "reopen_day")
    reason = REASON.read(reason)
    if len(reason) < 3:
        raise Refused(N_("Say why the day is reopened."), code="reason_needed")

    def work(session: Session) -> Reopened:
        row = session.exec(select(DayClose).where(DayClose.business_day == day)).first()
        if row is None or row.reopened_at is not None:
            raise NotFound(N_("Business day {day} is not closed."), code="not_closed", day=day.isoformat())
        later = 0
        if row.ends_at is not None:
            later = int(
                session.exec(
                    select(func.count())
                    .select_from(ParcelEvent)
                    .where(
                        ParcelEvent.business_day == day + timedelta(days=1),
                        col(ParcelEvent.kind).in_(FIGURE_KINDS),
                        col(ParcelEvent.at) >= row.ends_at,
                        col(ParcelEvent.at) < midnight(station, day + timedelta(days=1)),
                    )
                ).one()
            )
            if not later:
                # Nothing happened since: the day runs on to midnight again.
                row.ends_at, row.ended_early = None, None
        now = station.now()
        previous = row.sha256
        row.reopened_at = now
        session.add(row)
        audit.record(
            session,
            station,
            EventKind.DAY_REOPENED,
            at=now,
            details={
                "day": day.isoformat(),
                "console": station.console_id,  # as the close's
                "reason": reason,
                "previous_sha256": previous,
                "work_after_close": later,
            },
        )
        current = station.local_date(now) == day
        return Reopened(day=day, work_after_close=later, ends_at=row.ends_at, current=current)

    return station.run(work)
