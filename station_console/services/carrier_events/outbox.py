"""The carrier outbox: a parcel's arrival or departure, queued in the same transaction as the change.

An event is queued only for a carrier that has a target in `carrier_event_targets` (or under "*"), so
a station that sends nothing writes nothing. Queuing is one INSERT (it runs inside every check-in);
delivery is `sender.py`. The payload holds nothing personal: waybill, carrier, time, station, counter,
and for an arrival the pickup code the platform's message to the customer needs.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import update
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
