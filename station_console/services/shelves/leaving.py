"""Leaving the shelves: the one step every way out takes (pickup, door delivery, return, write-off, undo).

In the caller's transaction: the parcel row changes only from the version and the `on_shelf` status the
caller read (another counter's change in between raises StaleDataError, and `Station.run` retries the
whole unit, whose own checks then refuse properly), its units go back to the layer and its code into
the cooldown, its messages not yet sent are withdrawn, and the event is recorded.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col

from db.fast import Hot, Tx
from db.models import EventKind, Parcel, ParcelStatus
from station_console.services.core import audit
from station_console.services.core.station import Station
from station_console.services.notify import outbox
from station_console.services.printing import jobs
from station_console.services.shelves import slots
from station_console.settings import StationSettings

# Who and when, per way out.
_STAMPS: dict[str, tuple[str, str | None]] = {
    ParcelStatus.PICKED_UP: ("picked_up_at", "picked_up_by"),
    ParcelStatus.RETURNED: ("returned_at", "returned_by"),
    ParcelStatus.WRITTEN_OFF: ("written_off_at", "written_off_by"),
    ParcelStatus.CANCELLED: ("cancelled_at", None),
}


@cache
def _leaving(columns: tuple[str, ...]) -> Hot:
    """The parcel row's UPDATE setting `columns`, only from the version and status its caller read."""
    return Hot(
        update(Parcel)
        .where(
            col(Parcel.id) == bindparam("parcel_id"),
            col(Parcel.version) == bindparam("read_version"),
            col(Parcel.status) == ParcelStatus.ON_SHELF,
        )
        .values({name: bindparam(name) for name in columns})
    )


def leave_shelf(
    session: Tx,
    station: Station,
    parcel: Parcel,
    status: ParcelStatus,
    event: EventKind,
    *,
    now: datetime,
    settings: StationSettings,
    details: dict[str, Any],
    **changes: Any,
) -> None:
    """`parcel` (read in this transaction: its Session's object, or in a plain one an object of no Session,
    `db.fast.model_rows`) leaves the shelves as `status`; `changes` are further columns.

    Its return batch and delivery run are cleared unless `changes` says otherwise.
    """
    at, by = _STAMPS[status]
    values: dict[str, Any] = {
        "status": status,
        at: now,
        "return_batch_id": None,
        "delivery_run_id": None,
        "version": parcel.version + 1,
    }
    if by is not None:
        values[by] = station.clerk_id
    if status == ParcelStatus.PICKED_UP:
        values["picked_up_counter"] = station.counter
    values.update(changes)
    # The conditional write itself (version and status), so a row another counter took is seen here,
    # before anything else of this unit is written. A hot statement rather than a flush or an ORM
    # UPDATE: the object is brought up to date below, and the Session is flushed first so that its
    # own pending changes still come before it, as an ORM statement's autoflush would have them (a
    # plain transaction has none: it writes only hot statements).
    if isinstance(session, Session):
        session.flush()
    changed = _leaving(tuple(values)).count(
        session, **values, parcel_id=parcel.id, read_version=parcel.version
    )
    if changed != 1:
        raise StaleDataError(f"parcel {parcel.id} changed since version {parcel.version} was read")
    for name, value in values.items():  # the object matches its row again, with nothing to flush
        set_committed_value(parcel, name, value)
    slots.release(session, parcel, settings, now)
    if parcel.id is not None:
        outbox.cancel_for_parcel(session, parcel.id)
        jobs.cancel_jobs_for_parcel(session, parcel.id)  # its label, if not printed yet, is not wanted
    audit.record(session, station, event, parcel_id=parcel.id, at=now, details=details)
