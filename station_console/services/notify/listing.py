"""The outbox as screens and the CLI show it: masked recipients only, and why a message failed in the
language it is read in (our own notes are stored as message ids, `stored_messages`; a remote server's
answer stays as it said it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from db.models import Notification, NotificationStatus, Parcel, ParcelStatus
from station_console.i18n import N_, LabelSubset, _, label_of
from station_console.services.core.outbox_states import OUTBOX_STATE_LABELS
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.stored_messages import stored_text

# A message's states are some of a carrier event's, in the same words; translated where shown.
STATUS_LABELS = LabelSubset(OUTBOX_STATE_LABELS, (s.value for s in NotificationStatus))
# A message that failed and waits for its retry (one given up for good has no next attempt).
RETRYING = and_(
    col(Notification.status) == NotificationStatus.FAILED,
    col(Notification.next_attempt_at).is_not(None),
)
# A message still on its way out: queued, or failed with a retry to come.
PENDING = or_(col(Notification.status) == NotificationStatus.QUEUED, RETRYING)
# What a channel chosen now would send: on its way out, its parcel still on the shelf (one whose parcel
# left is withdrawn by the next pass, never sent). Over Notification joined to its Parcel.
WOULD_SEND = and_(PENDING, col(Parcel.status) == ParcelStatus.ON_SHELF)


# Not "waiting": with messages off nothing will send it until a manager chooses a channel.
HELD = N_("held: messages off")


def held_count(session: Session) -> int:
    """How many messages a channel chosen now would send: on their way out, their parcel still on the
    shelf (one whose parcel left is withdrawn by the next pass, never sent, so it is not held)."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Notification)
            .join(Parcel, col(Notification.parcel_id) == col(Parcel.id))
            .where(WOULD_SEND)
        ).one()
    )


@dataclass(frozen=True)
class OutboxRow:
    id: int
    parcel_id: int | None
    kind: str
    status: str
    channel: str | None
    attempts: int
    recipient: str  # masked phone or masked e-mail, never the full address
    pickup_code: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str | None  # shown text, in the current language
    held: bool = False  # on its way out, but messages are off (notify_channel = none): it waits for a channel

    def shown_status(self) -> str:
        """Its state as the listings name it, in the current language: held, not waiting, while
        messages are off."""
        return _(HELD) if self.held else label_of(STATUS_LABELS, self.status)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def mask_email(email: str) -> str:
    user, _, domain = email.partition("@")
    return f"{user[:1]}***@{domain}" if domain else "***"


def masked_recipient(parcel: Parcel | None) -> str:
    if parcel is None:
        return ""
    if parcel.masked_phone:
        return parcel.masked_phone
    return mask_email(parcel.email) if parcel.email else ""


def list_outbox(station: Station, *, status: str | None = None, limit: int = 500) -> list[OutboxRow]:
    """Failed first, then newest first: a list cut at `limit` never leaves out a failed message, the
    one a clerk comes to resend."""
    require(station, "view")
    failed_first = case((col(Notification.status) == NotificationStatus.FAILED, 0), else_=1)
    off = station.settings().notify_channel == "none"
    with station.read() as session:
        # Held is worked out by the query, in the words `held_count` counts it by.
        query = select(Notification, Parcel, WOULD_SEND.label("would_send")).join(
            Parcel, col(Notification.parcel_id) == col(Parcel.id), isouter=True
        )
        if status:
            query = query.where(Notification.status == status)
        rows = session.exec(query.order_by(failed_first, col(Notification.id).desc()).limit(limit)).all()
        return [
            OutboxRow(
                id=n.id or 0,
                parcel_id=n.parcel_id,
                kind=n.kind,
                status=n.status,
                channel=n.channel,
                attempts=n.attempts,
                recipient=masked_recipient(p),
                pickup_code=(p.pickup_code if p else None) or n.payload.get("pickup_code"),
                created_at=n.created_at,
                next_attempt_at=n.next_attempt_at,
                sent_at=n.sent_at,
                last_error=stored_text(n.last_error) or None,
                held=off and bool(would_send),  # NULL (no parcel) is not held
            )
            for n, p, would_send in rows
        ]


def outbox_counts(station: Station) -> dict[str, int]:
    """How many messages the outbox holds in each state, however many a list shows; with messages off,
    `held` too: how many of them wait for a channel."""
    require(station, "view")
    with station.read() as session:
        rows = session.exec(
            select(col(Notification.status), func.count()).group_by(col(Notification.status))
        ).all()
        counts = {str(status): int(n) for status, n in rows}
        if station.settings().notify_channel == "none":  # what no pass will send until a channel is chosen
            counts["held"] = held_count(session)
    return counts
