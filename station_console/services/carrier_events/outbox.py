"""The carrier outbox: a parcel's arrival or departure, queued in the same transaction as the change.

An event is queued only for a carrier that has a target in `carrier_event_targets` (or under "*"), so
a station that sends nothing writes nothing. Queuing is one INSERT (it runs inside every check-in);
delivery is `sender.py`. The payload holds nothing personal: waybill, carrier, time, station, counter,
and for an arrival the pickup code the platform's message to the customer needs.

A parcel's events reach its carrier in the order they happened: an event waits while an earlier event
of the same parcel for the same carrier has not gone out (`waiting_clause`, `first_blocker`): queued or
being sent, waiting for its retry, or on the dead-letter list. A carrier told "picked up" of a parcel it
never heard "arrived" of shows a pickup without an arrival, or refuses it. A retry of the dead letter
sends it first; dropping it (or its withdrawal) lets the rest go.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, exists, func, update
from sqlalchemy import select as columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from db import fast
from db.fast import Tx
from db.models import CarrierEvent, CarrierEventStatus, Parcel
from station_console.services.core.station import Station
from station_console.settings import EventTarget, StationSettings

CHECKED_IN = "checked_in"
PICKED_UP = "picked_up"
RETURNED = "returned"
DOOR_DELIVERED = "door_delivered"
# Sent when the event it corrects already went out; otherwise that event is simply withdrawn.
CORRECTIONS = {
    CHECKED_IN: "checkin_undone",
    PICKED_UP: "pickup_undone",
    DOOR_DELIVERED: "door_delivery_undone",
}
UNSENT = (CarrierEventStatus.QUEUED, CarrierEventStatus.FAILED, CarrierEventStatus.DEAD)
# An earlier event of the parcel in one of these holds the later ones back (sent, withdrawn or dropped:
# it no longer does).
HOLDS_BACK = (*UNSENT, CarrierEventStatus.SENDING)


def _earlier_holding_back() -> tuple[Any, list[ColumnElement[bool]]]:
    """An alias of the outbox, and the conditions that make its row an earlier event of the outer
    row's parcel, for the same carrier, that has not gone out (correlated to `CarrierEvent`)."""
    earlier = aliased(CarrierEvent)
    return earlier, [
        col(earlier.parcel_id) == col(CarrierEvent.parcel_id),
        col(earlier.carrier_id) == col(CarrierEvent.carrier_id),
        col(earlier.id) < col(CarrierEvent.id),
        col(earlier.status).in_(HOLDS_BACK),
    ]


def waiting_clause() -> ColumnElement[bool]:
    """True for an event that must wait for an earlier one of its parcel: a condition of the sender's
    one claiming query (served by the index on `parcel_id`), not a lookup per event."""
    earlier, conditions = _earlier_holding_back()
    return exists().where(*conditions).correlate(CarrierEvent)


def first_blocker() -> Any:
    """The id of the earliest event the outer row waits behind, or NULL: a listing's column."""
    earlier, conditions = _earlier_holding_back()
    return columns(func.min(col(earlier.id))).where(*conditions).correlate(CarrierEvent).scalar_subquery()


def target_for(settings: StationSettings, carrier: str) -> EventTarget | None:
    """Where `carrier`'s events go (its own entry, else "*"), or None when they go nowhere."""
    targets = settings.carrier_event_targets
    target = targets.get(carrier) or targets.get("*")
    return target if target is not None and target.channel != "none" else None


class ParcelKeys(Protocol):
    """What an event needs of its parcel: a model object, or the check-in's plain row."""

    @property
    def id(self) -> int | None: ...
    @property
    def carrier_id(self) -> int: ...
    @property
    def waybill(self) -> str: ...


def queue(
    session: Tx,
    station: Station,
    parcel: ParcelKeys,
    kind: str,
    *,
    carrier: str,
    at: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> CarrierEvent | None:
    """Queue `kind` for `parcel` in the caller's transaction; None when `carrier` has no target."""
    settings = station.settings()
    if target_for(settings, carrier) is None:
        return None
    at = at or station.now()
    event = CarrierEvent(
        carrier_id=parcel.carrier_id,
        parcel_id=parcel.id,
        kind=kind,
        waybill=parcel.waybill,
        at=at,
        idempotency_key=uuid.uuid4().hex,
        payload={
            "carrier": carrier,
            "station": settings.station_name,
            "counter": station.counter,
            "business_day": station.business_day(at, session=session).isoformat(),
            **(details or {}),
        },
        status=CarrierEventStatus.QUEUED,
        next_attempt_at=at,
        created_at=at,
    )
    fast.insert(session, event)
    return event


def withdraw_or_correct(
    session: Session, station: Station, parcel: Parcel, kind: str, *, carrier: str
) -> str | None:
    """`kind` was undone: withdraw its event if it has not gone out, else queue the correction.

    Returns "withdrawn", "corrected" or None (no event of that kind for this parcel).
    """
    if parcel.id is None:
        return None
    withdrawn = session.execute(
        update(CarrierEvent)
        .where(
            col(CarrierEvent.parcel_id) == parcel.id,
            col(CarrierEvent.kind) == kind,
            col(CarrierEvent.status).in_(UNSENT),
        )
        .values(status=CarrierEventStatus.CANCELLED, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    if withdrawn.rowcount:  # type: ignore[attr-defined]
        return "withdrawn"
    went_out = session.exec(
        select(CarrierEvent.id).where(
            CarrierEvent.parcel_id == parcel.id,
            CarrierEvent.kind == kind,
            col(CarrierEvent.status).not_in((CarrierEventStatus.CANCELLED, CarrierEventStatus.DROPPED)),
        )
    ).first()
    if went_out is None:
        return None
    queue(session, station, parcel, CORRECTIONS[kind], carrier=carrier)
    return "corrected"
