"""The closed-day guard: once a business day is closed (day/close.py), nothing may change its figures.

`guard_event` runs inside every `audit.record` (every state change records an event), so no service can
slip a change past a close; a correction is a new event dated today. Work after a close is not refused:
it belongs to the next business day (`Station.business_day`), unless a manager reopened the day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from db.fast import Tx
from db.models import DayClose, EventKind, Parcel, ParcelEvent, SendEvent
from station_console.errors import Refused
from station_console.i18n import N_

if TYPE_CHECKING:
    from station_console.services.core.station import Station

# Events that change a day's figures; others (notified, reprinted, signed in...) may come after a close.
FIGURE_KINDS = {
    EventKind.CHECKED_IN,
    EventKind.CHECKIN_UNDONE,
    EventKind.PICKED_UP,
    EventKind.PICKUP_UNDONE,
    EventKind.RETURNED,
    EventKind.WRITTEN_OFF,
    EventKind.PROBLEM_MARKED,
    EventKind.PROBLEM_RESOLVED,
    EventKind.STOCKTAKE_CLOSED,
    EventKind.OUT_FOR_DELIVERY,  # the door figures: out at the close, failed
    EventKind.DELIVERY_FAILED,
    EventKind.FEE_PAID,
    EventKind.FEE_WAIVED,
    EventKind.FEE_REVERSED,
    SendEvent.SEND_ACCEPTED,
    SendEvent.SEND_REFUSED,
    SendEvent.SEND_REFUNDED,
    SendEvent.SEND_HANDED_OVER,
}
# Undoing one of these changes the day the undone thing happened on, not only today.
_UNDO_KINDS = {EventKind.CHECKIN_UNDONE, EventKind.PICKUP_UNDONE}


def is_closed(session: Session, day: date) -> bool:
    """Closed now (a reopened day is open until its next close)."""
    row = session.exec(select(DayClose.id, DayClose.reopened_at).where(DayClose.business_day == day)).first()
    return row is not None and row[1] is None


def assert_day_open(session: Session, station: Station, day: date) -> None:
    """Refuse a write that would change the records of `day` once that day is closed."""
    if is_closed(session, day):
        _refuse(day)


def guard_event(
    session: Tx,
    station: Station,
    kind: str,
    parcel_id: int | None,
    at: datetime,
    day_of: tuple[date, bool] | None = None,
) -> date:
    """Called for every audit event: its business day, refused when the event would land on, or undo
    something of, a closed day. `day_of`: `station.day_of(at)` as the caller read it in this
    transaction (the check-in has, for its parcel row), not read again."""
    day, closed = day_of or station.day_of(at, session=session)
    if kind not in FIGURE_KINDS:
        return day
    if closed:
        _refuse(day)
    if parcel_id is not None and kind in _UNDO_KINDS:
        # Undoing runs in an ORM transaction (the parcel as that transaction changed it); only the
        # check-in runs in a plain one.
        assert isinstance(session, Session), "an undo in a plain transaction"
        parcel = session.get(Parcel, parcel_id)
        if parcel is not None:
            when = (
                _picked_up_at(session, parcel_id) if kind == EventKind.PICKUP_UNDONE else parcel.checked_in_at
            )
            if when is not None and station.day_of(when, session=session)[1]:
                _refuse(station.business_day(when, session=session))
    return day


def _picked_up_at(session: Session, parcel_id: int) -> datetime | None:
    """When the handover being undone happened, from its `picked_up` event: the undo has cleared the
    parcel's own stamp by the time it records `pickup_undone`."""
    return session.exec(
        select(ParcelEvent.at)
        .where(ParcelEvent.parcel_id == parcel_id, ParcelEvent.kind == EventKind.PICKED_UP)
        .order_by(col(ParcelEvent.id).desc())
    ).first()


def _refuse(day: date) -> None:
    raise Refused(
        N_("Business day {day} is closed; record a correction dated today instead."),
        code="day_closed",
        day=day.isoformat(),
    )
