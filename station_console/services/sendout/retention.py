"""Send records are kept `send_record_keep_days`; then what names a person goes (the privacy purge).

Real-name sending (实名收寄) obliges the station to keep who sent what, to whom, for a period: its own
setting (default 365 days, at least 30), not the parcels' `phone_purge_days`. The period runs from when
a send left the counter: handed to the courier (`handed_over_at`), refunded (`cancelled_at`) or refused
at inspection (`created_at`). A send still at the counter keeps everything. After the period, by column:

- `recipient_phone_full`: only for the carrier's e-waybill, so it already went when the courier took
  the parcel or it was refunded; the purge sweeps any left.
- `recipient_name`, `address`: the send record (to whom, where) for the period; then blanked.
  `destination` (the province the price used) and `recipient_masked_phone` stay: they name no one, and
  the day figures and the sends list read them.
- `id_last4`: the real-name record's ID trace, kept as long as the record; then cleared. `id_type` and
  `id_seen` stay: that a document of that kind was checked names no one.
- `refused_reason`, `refund_reason`: typed by the clerk, so they may name someone ("Wang's brother
  cancelled"): kept with the record, then cleared; a person's export shows them. Neither goes into the
  audit events, which the purge cannot reach (the checklist items a refusal found do: codes).
- Contents, weights, prices, payment, waybill and times are the send's facts (day figures, a carrier's
  claim), naming no one: kept.

A sender row exists to prefill a returning sender. It goes once none of their sends is at the counter
or inside the period: name, full phone and ID trace are cleared, the masked phone stays (the sends list
and reprinted receipts show it). `phone_full` is required and unique, so it becomes `purged:<id>`, which
no phone number matches: the same person coming back is a new sender.

A person's deletion on request (people/privacy.py) cannot shorten the real-name period: their sends
past it are blanked, the ones inside it are kept (and counted) until the purge takes them; an
addressee's full number goes at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, exists, func, literal, or_, update
from sqlmodel import Session, col, select

from db.models import Carrier, Send, Sender, SendStatus

PURGED_PREFIX = "purged:"


@dataclass(frozen=True)
class Purged:
    sends: int  # send records blanked
    senders: int  # senders taken off the list
    cutoff: datetime
    days: int


def _left_at() -> Any:
    """When a send left the counter, whichever way (a send at the counter has none of the first two,
    and only its status tells it from a refusal)."""
    return func.coalesce(Send.handed_over_at, Send.cancelled_at, Send.created_at)


def _past(cutoff: datetime) -> Any:
    return (col(Send.status) != SendStatus.ACCEPTED) & (_left_at() <= cutoff)


def cutoff_of(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def _blank_sends(session: Session, now: datetime, *where: Any) -> int:
    result = session.execute(
        update(Send)
        .where(col(Send.purged_at).is_(None), *where)
        .values(
            recipient_name="",
            address="",
            recipient_phone_full=None,
            id_last4=None,
            refused_reason=None,
            refund_reason=None,
            purged_at=now,
            version=Send.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _blank_senders(session: Session, now: datetime, *where: Any) -> int:
    result = session.execute(
        update(Sender)
        .where(col(Sender.purged_at).is_(None), *where)
        .values(
            name="",
            phone_full=literal(PURGED_PREFIX).concat(cast(Sender.id, String)),
            id_type=None,
            id_last4=None,
            purged_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def purge_in(session: Session, now: datetime, days: int) -> Purged:
    """Blank sends that left `days` ago or more, and take senders with no newer send off the list; in
    the caller's transaction."""
    cutoff = cutoff_of(now, days)
    sends = _blank_sends(session, now, _past(cutoff))
    recent = exists().where(col(Send.sender_id) == col(Sender.id), ~_past(cutoff))
    senders = _blank_senders(session, now, col(Sender.updated_at) <= cutoff, ~recent)
    return Purged(sends=sends, senders=senders, cutoff=cutoff, days=days)


def sender_with_phone(session: Session, full: str) -> Sender | None:
    return session.exec(select(Sender).where(Sender.phone_full == full)).first()


def sends_of(session: Session, sender: Sender | None, full: str) -> list[Send]:
    """The sends this person sent (as `sender`) or that are addressed to their full number."""
    mine = col(Send.recipient_phone_full) == full
    if sender is not None:
        mine = or_(mine, col(Send.sender_id) == sender.id)
    return list(session.exec(select(Send).where(mine).order_by(col(Send.id))).all())


@dataclass(frozen=True)
class Forgotten:
    senders: int  # taken off the sender list
    sends: int  # sends blanked, or an addressee's number dropped
    kept: int  # sends inside the real-name period, kept until the purge takes them


def forget_in(session: Session, full: str, now: datetime, days: int) -> Forgotten:
    """A person's deletion on request, as far as the real-name period allows; the caller's transaction."""
    cutoff = cutoff_of(now, days)
    addressed = session.execute(
        update(Send)
        .where(col(Send.recipient_phone_full) == full)
        .values(recipient_phone_full=None, version=Send.version + 1)
        .execution_options(synchronize_session=False)
    )
    sends = int(addressed.rowcount)  # type: ignore[attr-defined]
    sender = sender_with_phone(session, full)
    if sender is None:
        return Forgotten(senders=0, sends=sends, kept=0)
    own = col(Send.sender_id) == sender.id
    sends += _blank_sends(session, now, own, _past(cutoff))
    kept = int(session.exec(select(func.count()).select_from(Send).where(own, ~_past(cutoff))).one())
    senders = 0 if kept else _blank_senders(session, now, col(Sender.id) == sender.id)
    return Forgotten(senders=senders, sends=sends, kept=kept)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def sender_json(row: Sender) -> dict[str, Any]:
    return {
        "name": row.name,
        "phone": row.phone_full,
        "masked_phone": row.masked_phone,
        "id_type": row.id_type,
        "id_last4": row.id_last4,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
    }


def send_json(session: Session, row: Send, sender: Sender | None) -> dict[str, Any]:
    """One send as its sender or its addressee may see it: the document checked is the sender's, the
    addressee's full number theirs alone (the sender sees it masked, as every screen shows it)."""
    carrier = session.get(Carrier, row.carrier_id) if row.carrier_id else None
    as_sender = sender is not None and row.sender_id == sender.id
    return {
        "send_id": row.id,
        "as": "sender" if as_sender else "recipient",
        "status": row.status,
        "carrier": carrier.code if carrier else None,
        "waybill": row.waybill,
        "id_type": row.id_type if as_sender else None,
        "id_last4": row.id_last4 if as_sender else None,
        "recipient_name": row.recipient_name,
        "recipient_phone": None if as_sender else row.recipient_phone_full,
        "recipient_masked_phone": row.recipient_masked_phone,
        "destination": row.destination,
        "address": row.address,
        "contents": row.contents,
        "refused_reason": row.refused_reason,
        "refund_reason": row.refund_reason,
        "weight_g": row.weight_g,
        "price_cents": row.price_cents,
        "currency": row.currency,
        "created_at": _iso(row.created_at),
        "handed_over_at": _iso(row.handed_over_at),
        "cancelled_at": _iso(row.cancelled_at),
        "purged_at": _iso(row.purged_at),
    }
