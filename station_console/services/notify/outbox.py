"""The notification outbox: messages queued inside the transaction that causes them.

Queuing is all check-in does; delivery (channels, retries, grouping, reminders) is the sender's job.
The payload holds what the message needs and nothing personal: the recipient is read from the parcel
at send time, so a purged phone number is never sent from a stale copy.

Every parcel with an address (a full phone number or an e-mail) gets one arrival message: at check-in,
or when the phone is added later (`queue_after_phone`). A message still waiting reads the parcel's code
and number when it goes, so a later change needs no second one; once the customer holds a code, a new
code is a "code changed" message of its own (`queue_code_changed`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from db import fast
from db.fast import Tx
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
    note = Notification(**_row(station, parcel.id, kind, payload, key))
    fast.insert(session, note)
    return note


def _row(
    station: Station,
    parcel_id: int | None,
    kind: str,
    payload: dict[str, Any],
    key: str | None,
    at: datetime | None = None,
) -> dict[str, Any]:
    now = at or station.now()
    return {
        "parcel_id": parcel_id,
        "kind": kind,
        "idempotency_key": key or uuid.uuid4().hex,
        "payload": payload,
        "created_at": now,
        "next_attempt_at": now,
    }


def parcel_payload(
    parcel: Parcel, *, carrier: str = "", shelf: str | None = None, layer: str | None = None, **extra: Any
) -> dict[str, Any]:
    """What every message about a parcel carries (the sender reads the location again when it sends)."""
    return _payload(parcel.pickup_code, parcel.checked_in_at, carrier, shelf, layer, extra)


def _payload(
    code: str | None,
    checked_in_at: datetime,
    carrier: str,
    shelf: str | None,
    layer: str | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "pickup_code": code,
        "carrier": carrier,
        "checked_in_at": checked_in_at.isoformat(),
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


def queue_checkin_row(
    session: Tx,
    station: Station,
    *,
    parcel_id: int,
    pickup_code: str,
    checked_in_at: datetime,
    carrier: str,
    shelf: str,
    layer: str,
) -> int:
    """`queue_checkin` for a parcel written as a plain row (check-in): the message's id, no model object,
    queued at the check-in's time."""
    payload = _payload(pickup_code, checked_in_at, carrier, shelf, layer, {})
    row = _row(station, parcel_id, "checkin", payload, None, checked_in_at)
    return fast.insert_row(session, Notification, row)


def reachable(parcel: Parcel) -> bool:
    """The parcel has an address a message can go to (a validated full number, or an e-mail)."""
    return bool(parcel.phone_full or parcel.email)


def _told(session: Session, parcel_id: int | None) -> tuple[bool, bool]:
    """(a message to this parcel's customer is on its way, one has gone out)."""
    rows = session.exec(
        select(Notification.status, Notification.next_attempt_at).where(
            Notification.parcel_id == parcel_id,
            col(Notification.kind).in_(("checkin", "code_changed")),
        )
    ).all()
    waiting = any(
        status in (NotificationStatus.QUEUED, NotificationStatus.SENDING)
        or (status == NotificationStatus.FAILED and retry_at is not None)
        for status, retry_at in rows
    )
    return waiting, any(status == NotificationStatus.SENT for status, _retry in rows)


def queue_after_phone(
    session: Session,
    station: Station,
    parcel: Parcel,
    *,
    number_changed: bool,
    carrier: str,
    shelf: str,
    layer: str,
) -> Notification | None:
    """The arrival message for a phone added after check-in; None when one is on its way (it reads the
    new number when it goes) or already reached this number."""
    if not reachable(parcel):
        return None
    waiting, sent = _told(session, parcel.id)
    if waiting or (sent and not number_changed):
        return None
    return queue_checkin(session, station, parcel, carrier=carrier, shelf=shelf, layer=layer)


def queue_code_changed(
    session: Session, station: Station, parcel: Parcel, *, old_code: str | None, carrier: str
) -> Notification | None:
    """Tell the customer a new pickup code when they may hold the old one (a message with it went out,
    or is going out); a message still waiting simply carries the new code."""
    if not reachable(parcel) or not old_code or old_code == parcel.pickup_code:
        return None
    rows = session.exec(
        select(Notification.kind, Notification.status, Notification.next_attempt_at).where(
            Notification.parcel_id == parcel.id,
            col(Notification.kind).in_(("checkin", "code_changed")),
        )
    ).all()
    holds_code = any(st in (NotificationStatus.SENT, NotificationStatus.SENDING) for _k, st, _r in rows)
    change_waiting = any(
        kind == "code_changed"
        and (st == NotificationStatus.QUEUED or (st == NotificationStatus.FAILED and retry is not None))
        for kind, st, retry in rows
    )
    if not holds_code or change_waiting:
        return None
    payload = {"pickup_code": parcel.pickup_code, "old_code": old_code, "carrier": carrier}
    return queue(session, station, parcel, "code_changed", payload)


# A hot statement: every way off the shelves runs it, and no caller reads a loaded message after it.
_CANCEL_QUEUED = fast.Hot(
    update(Notification)
    .where(
        col(Notification.parcel_id) == bindparam("parcel_id"),
        col(Notification.status) == NotificationStatus.QUEUED,
    )
    .values(status=NotificationStatus.CANCELLED)
)


def cancel_for_parcel(session: Tx, parcel_id: int) -> int:
    """Withdraw messages not yet sent (the parcel left the shelves, or its check-in was undone)."""
    return _CANCEL_QUEUED.count(session, parcel_id=parcel_id)
