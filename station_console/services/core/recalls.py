"""A recalled parcel (拦截件): its carrier or sender asked for it back, so it goes back, not to the
recipient. The flag is the problem kind `recalled` (exceptions' kind, recorded by
return_batch_parcels.py or by hand); every way a parcel leaves towards its recipient (pickup, door
delivery) reads it here, as those flows may not import each other (nor return_batch_parcels.py, which
records it, duplicate the kind's name). Here too for both: a manager's override that lets a recalled
parcel leave closes its recall, and undoing that leaving puts the recall back."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from db.models import EventKind, Parcel, ParcelEvent, ProblemKind
from station_console.services.core import audit
from station_console.services.core.station import Station

RECALLED = ProblemKind.RECALLED  # the flag every flow reads and return_batch_parcels.py records


def is_recalled(problem_kind: str | None) -> bool:
    return problem_kind == RECALLED


def day_of(station: Station, at: datetime | None) -> str:
    """The station's local date of the recall, as the clerk reads it ("?" for a flag with no time)."""
    return at.astimezone(station.zone()).strftime("%Y-%m-%d") if at is not None else "?"


def close_overridden(
    session: Session, station: Station, parcel: Parcel, reason: str, *, at: datetime
) -> None:
    """A recalled parcel that has just left with a manager's override (handed over at the counter, or
    recorded delivered at the door) leaves its recall behind: the problem is settled, not open on a
    parcel the station no longer has. Cleared in the leaving's transaction, with the event that says
    so and why (`reason`, the override's); the same for pickup and door delivery. Undoing the pickup
    puts the recall back (`reopen_on_undo`)."""
    if not is_recalled(parcel.problem_kind):
        return
    details = {
        "waybill": parcel.waybill,
        "kind": RECALLED.value,
        "recall_overridden": reason,
        # What the undo puts back: the recall's note and when it came.
        "note": parcel.problem_note,
        "recalled_at": parcel.problem_at.isoformat() if parcel.problem_at else None,
    }
    parcel.problem_kind = parcel.problem_note = parcel.problem_at = None
    session.add(parcel)
    audit.record(session, station, EventKind.PROBLEM_RESOLVED, parcel_id=parcel.id, at=at, details=details)


def reopen_on_undo(
    session: Session, station: Station, parcel: Parcel, *, left_at: datetime, at: datetime
) -> None:
    """An undone pickup (or door delivery) that closed the parcel's recall by a manager's override
    (`close_overridden`) puts the recall back as it was: the parcel is on the shelf again and still
    goes back, not to the customer. One left without an override changes nothing here."""
    closed = session.exec(
        select(ParcelEvent)
        .where(
            col(ParcelEvent.parcel_id) == parcel.id,
            col(ParcelEvent.kind) == EventKind.PROBLEM_RESOLVED,
            col(ParcelEvent.at) >= left_at,
        )
        .order_by(col(ParcelEvent.id).desc())
    ).first()
    if closed is None or "recall_overridden" not in closed.details or parcel.problem_kind is not None:
        return
    recalled_at = closed.details.get("recalled_at")
    parcel.problem_kind, parcel.problem_note = RECALLED, closed.details.get("note")
    parcel.problem_at = datetime.fromisoformat(recalled_at) if recalled_at else at
    session.add(parcel)
    audit.record(
        session,
        station,
        EventKind.PROBLEM_MARKED,
        parcel_id=parcel.id,
        at=at,
        details={
            "waybill": parcel.waybill,
            "kind": RECALLED.value,
            "note": parcel.problem_note,
            "previous": None,
        },
    )
