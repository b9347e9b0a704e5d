"""Paying for a send, and refunding one before the courier collects it.

Cash and QR are recorded as paid by the clerk who took them (the QR app's transaction number may go in
the reference); `account` bills a named customer account (月结), whose name is the reference. A refund
is a manager's act, only while the send is still at the counter; it cancels the send.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.models import Carrier, Send, Sender, SendEvent, SendStatus
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, _, label_of
from station_console.phone_masking import mask_phones
from station_console.safe_text import cut
from station_console.services.core import audit
from station_console.services.core.free_text import REASON, text_field
from station_console.services.core.money import PAYMENT_METHOD_LABELS
from station_console.services.core.name_masking import mask_name
from station_console.services.core.paper_numbers import handover_batch_number
from station_console.services.core.roles import require, require_manager
from station_console.services.core.station import Station

CASH, QR, ACCOUNT = "cash", "qr", "account"
METHODS = (CASH, QR, ACCOUNT)
METHOD_LABELS = PAYMENT_METHOD_LABELS


@dataclass(frozen=True)
class Payment:
    method: str
    reference: str | None = None

    def check(self) -> None:
        if self.method not in METHODS:
            raise Refused(N_("Payment is cash, qr or account."), code="bad_payment")
        if self.method == ACCOUNT and not (self.reference or "").strip():
            raise Refused(N_("An account payment needs the account's name."), code="account_required")
        if self.reference:
            text_field(self.reference, _("Payment reference"), limit=64)

    @property
    def clean_reference(self) -> str | None:
        return text_field(self.reference, _("Payment reference"), limit=64, required=False) or None


@dataclass(frozen=True)
class Refund:
    send_id: int
    waybill: str | None
    carrier: str
    refund_cents: int
    currency: str
    payment_method: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "send_id": self.send_id,
            "waybill": self.waybill,
            "carrier": self.carrier,
            "refund": self.refund_cents,
            "currency": self.currency,
            "payment_method": self.payment_method,
        }


@dataclass(frozen=True)
class RefundAsked:
    """The send a refund would cancel, as the manager confirms it: its number, the customer's masked
    name, what goes back and how; `version` is the send as read, so the refund confirmed is of it."""

    send_id: int
    version: int
    waybill: str | None
    sender_masked: str
    refund_cents: int
    currency: str
    payment_method: str | None
    reason: str


def find_send_id(station: Station, ref: str) -> int:
    """A send by its id (`#12` or `12`) or its waybill number (the live one first)."""
    require(station, "view")
    text = ref.strip().lstrip("#")
    with station.read() as session:
        if text.isdigit() and len(text) < 10:
            found = session.get(Send, int(text))
            if found is not None and found.id is not None:
                return found.id
        rows = session.exec(
            select(Send.id, Send.status).where(Send.waybill == text.upper()).order_by(col(Send.id).desc())
        ).all()
    live = [sid for sid, status in rows if status in (SendStatus.ACCEPTED, SendStatus.HANDED_OVER)]
    if live or rows:
        return int((live or [rows[0][0]])[0] or 0)
    raise NotFound(
        N_("No send with number or waybill {ref}."), code="send_not_found", ref=cut(mask_phones(ref), 40)
    )


def newest_refundable(station: Station) -> int | None:
    """The newest send still at this counter (a refused, cancelled or handed-over one cannot be
    refunded): what the refund dialog offers, or None."""
    require(station, "view")
    with station.read() as session:
        return session.exec(
            select(Send.id)
            .where(Send.status == SendStatus.ACCEPTED, Send.counter == station.counter)
            .order_by(col(Send.id).desc())
            .limit(1)
        ).first()


def _refundable(send: Send | None, send_id: int) -> Send:
    if send is None:
        raise NotFound(N_("No send with number or waybill {ref}."), code="send_not_found", ref=str(send_id))
    if send.status != SendStatus.ACCEPTED:
        raise Refused(
            N_("Send {send} is {status}: only a send still at the counter can be refunded."),
            code="not_refundable",
            send=send_id,
            status=label_of(STATUS_LABELS, send.status),
        )
    return send


def _changed_meanwhile(session: Session, was: Send, send_id: int) -> Refused:
    """The refusal of a send another counter wrote between this refund's read and its write, saying
    what changed where it is known: handed over or cancelled (as `_refundable` says it), or scanned
    into a courier's handover batch."""
    batch_before = was.handover_batch_id
    session.refresh(was)  # the row as written since, not as this refund read it
    _refundable(was, send_id)  # handed over or cancelled: refused as such
    batch = was.handover_batch_id
    if batch is not None and batch != batch_before:
        return Refused(
            N_(
                "Send {send} was scanned into handover batch {batch} at another counter meanwhile; look again."
            ),
            code="changed",
            send=send_id,
            batch=handover_batch_number(batch),
        )
    return _changed(send_id)


def _changed(send_id: int) -> Refused:
    return Refused(
        N_("Send {send} was changed at another counter; look again."), code="changed", send=send_id
    )


def _asked(station: Station, send: int | str, reason: str) -> tuple[int, str]:
    """The send asked for and the reason, read after the role check: a clerk is told who may refund
    before whether the send exists."""
    require_manager(station, "refund")
    why = REASON.read(reason)
    return (send if isinstance(send, int) else find_send_id(station, send)), why


def ask_refund(station: Station, send: int | str, reason: str) -> RefundAsked:
    """What `refund` would do, checked as it checks it and writing nothing: the manager confirms it
    (money goes out) before `refund(..., version=asked.version)` does it."""
    send_id, why = _asked(station, send, reason)
    with station.read() as session:
        found = _refundable(session.get(Send, send_id), send_id)
        sender = session.get(Sender, found.sender_id)
        return RefundAsked(
            send_id,
            found.version,
            found.waybill,
            mask_name(sender.name if sender else ""),
            found.price_cents,
            found.currency,
            found.payment_method,
            why,
        )


def refund(station: Station, send: int | str, reason: str, *, version: int | None = None) -> Refund:
    """Cancel a send still at the counter and refund what was paid (manager).

    `send` is its id, or what the clerk typed (`#12`, a waybill): looked up only after the role check,
    so a clerk is told who may refund before whether the send exists. `version`: the send as the
    manager confirmed it (`ask_refund`); changed since, it is refused, not refunded.
    """
    send_id, why = _asked(station, send, reason)

    def work(session: Session) -> Refund:
        send = _refundable(session.get(Send, send_id), send_id)
        if version is not None and send.version != version:
            raise _changed(send_id)
        now = station.now()
        changed = session.connection().execute(
            update(Send)
            .where(col(Send.id) == send_id, col(Send.version) == send.version)
            .values(
                status=SendStatus.CANCELLED,
                cancelled_at=now,
                cancelled_by=station.clerk_id,
                refund_cents=send.price_cents,
                refund_reason=why,
                recipient_phone_full=None,  # it goes nowhere now: the carrier needs no number
                handover_batch_id=None,
                scanned_at=None,
                version=send.version + 1,
            )
        )
        if changed.rowcount != 1:
            raise _changed_meanwhile(session, send, send_id)
        carrier = session.get(Carrier, send.carrier_id) if send.carrier_id else None
        code = carrier.code if carrier else ""
        audit.record(
            session,
            station,
            SendEvent.SEND_REFUNDED,
            at=now,
            # Not the typed reason: it may name someone, and the purge cannot clear the chain.
            details={
                "send_id": send_id,
                "waybill": send.waybill,
                "carrier": code,
                "refund_cents": send.price_cents,
                "payment": send.payment_method,
                "accepted_day": send.business_day.isoformat(),
            },
        )
        return Refund(send_id, send.waybill, code, send.price_cents, send.currency, send.payment_method)

    return station.run(work)


STATUS_LABELS: dict[str, str] = {
    SendStatus.ACCEPTED: N_("at the counter"),
    SendStatus.HANDED_OVER: N_("handed over"),
    SendStatus.CANCELLED: N_("cancelled"),
    SendStatus.REFUSED: N_("refused"),
}
