"""A day closed or reopened at another counter, in words for the clerk at this one.

A close moves the business day on (work after it belongs to the next day) and a reopen may move it
back, for every counter at once: a clerk scanning at another counter saw only "checked in" and their
work landed on the next day unannounced. The live view hears the close's or reopen's event and reads
it here (the change it hears carries no day); the business day is read now, as the next write takes it.
The turns read in one pass are said together (`turns_said`), where work belongs now once, at the end.
Only this console's own close or reopen is left out (said where it was made), told apart by the
process that made it (`Station.console_id` in the event), not by the counter's name: `station
close-day` run on the same PC names the same counter, and the console's clerk must hear of it too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from db.models import EventKind, ParcelEvent
from station_console.i18n import N_, _, clauses
from station_console.services.core.station import Station

TURNS = frozenset({EventKind.DAY_CLOSED, EventKind.DAY_REOPENED})


@dataclass(frozen=True)
class DayTurned:
    counter: str
    day: date  # the day closed or reopened
    reopened: bool
    now_day: date  # the business day work belongs to now

    def clause(self) -> str:
        """The turn alone: who closed or reopened which day."""
        turn = N_("{counter} reopened {day}") if self.reopened else N_("{counter} closed {day}")
        return _(turn, counter=self.counter, day=self.day.isoformat())


def turns_said(turned: Sequence[DayTurned]) -> str:
    """The turns read together, in the order they were made, and where work belongs now, once at the end:
    read in one pass, a close and a reopen each said "work now belongs to" today's day, the close's
    notice then reading "closed D; work now belongs to D", and a burst stacked a toast for each turn."""
    return _(
        "{turns}; work now belongs to {now_day}.",
        turns=clauses(t.clause() for t in turned),
        now_day=turned[-1].now_day.isoformat(),
    )


def days_turned(station: Station, event_ids: Collection[int]) -> list[DayTurned]:
    """The closes and reopens among the events `event_ids`, in the order they were made, but for those
    this process made (`station.console_id`)."""
    if not event_ids:
        return []
    with station.read() as session:
        rows = session.exec(
            select(ParcelEvent.kind, ParcelEvent.counter, ParcelEvent.details)
            .where(col(ParcelEvent.id).in_(list(event_ids)), col(ParcelEvent.kind).in_(TURNS))
            .order_by(col(ParcelEvent.id))
        ).all()
        now_day = station.business_day(session=session)
    turned = []
    for kind, counter, details in rows:
        if isinstance(details, dict) and details.get("console") == station.console_id:
            continue  # this console's own: said where it was made
        try:
            day = date.fromisoformat(str(details["day"]))
        except (KeyError, TypeError, ValueError):
            continue  # not one this console can put in words; Reports shows the day as it is
        turned.append(
            DayTurned(counter=counter, day=day, reopened=kind == EventKind.DAY_REOPENED, now_day=now_day)
        )
    return turned
