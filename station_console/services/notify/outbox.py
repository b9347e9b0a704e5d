"""The notification outbox: messages queued inside the transaction that causes them.

Queuing is all check-in does; delivery (channels, retries, grouping, reminders) is the sender's job.
The payload holds what the message needs and nothing personal: the recipient is read from the parcel
at send time, so a purged phone number is never sent from a stale copy.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from db import fast
from db.models import Notification, NotificationStatus, Parcel
from station_console.services.core.station import Station


def queue(
    session: Session, station: Station, parcel: Parcel, kind: str, payload: dict[str, Any]
) -> Notification:
    note = Notification(
        parcel_id=parcel.id,
        kind=kind,
        idempotency_key=uuid.uuid4().hex,
        payload=payload,
        created_at=station.now(),
        next_attempt_at=station.now(),
    )
    fast.insert(session, note)
    return note


def queue_checkin(
    session: Session, station: Station, parcel: Parcel, *, carrier: str, shelf: str, layer: str
) -> Notification:
    return queue(
        session,
        station,
        parcel,
        "checkin",
        {
            "pickup_code": parcel.pickup_code,
            "shelf": shelf,
            "layer": layer,
            "carrier": carrier,
            "checked_in_at": parcel.checked_in_at.isoformat(),
        },
    )


def cancel_for_parcel(session: Session, parcel_id: int) -> int:
    """Withdraw messages not yet sent (the check-in was undone)."""
    result = session.execute(
        update(Notification)
        .where(
            col(Notification.parcel_id) == parcel_id, col(Notification.status) == NotificationStatus.QUEUED
        )
        .values(status=NotificationStatus.CANCELLED)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
