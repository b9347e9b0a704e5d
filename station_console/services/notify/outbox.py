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
    session: Session,
    station: Station,
    parcel: Parcel,
    kind: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
) -> Notification:
    """Queue `kind` for `parcel`; `key` names the message once (a reminder per parcel and day)."""
    note = Notification(
        parcel_id=parcel.id,
        kind=kind,
        idempotency_key=key or uuid.uuid4().hex,
        payload=payload,
        created_at=station.now(),
        next_attempt_at=station.now(),
    )
    fast.insert(session, note)
    return note


def parcel_payload(
    parcel: Parcel, *, carrier: str = "", shelf: str | None = None, layer: str | None = None, **extra: Any
) -> dict[str, Any]:
    """What every message about a parcel carries (the sender reads the location again when it sends)."""
    payload: dict[str, Any] = {
        "pickup_code": parcel.pickup_code,
        "carrier": carrier,
        "checked_in_at": parcel.checked_in_at.isoformat(),
    }
    if shelf is not None or layer is not None:
        payload["shelf"], payload["layer"] = shelf or "?", layer or "?"
    return {**payload, **extra}


def queue_checkin(
    session: Session, station: Station, parcel: Parcel, *, carrier: str, shelf: str, layer: str
) -> Notification:
    return queue(
        session, station, parcel, "checkin", parcel_payload(parcel, carrier=carrier, shelf=shelf, layer=layer)
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
