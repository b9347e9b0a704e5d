"""Senders: found again by phone, saved (or updated) in the transaction of their send.

The full number stays in the `sender` row (the real-name record and the carrier's e-waybill need it)
until none of the sender's sends is inside `send_record_keep_days` (`retention`); screens, receipts,
labels, reports, logs and audit events get the masked form only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from db import fast
from db.models import Send, Sender, SendEvent, SendStatus
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.checkin.phones import Phone, parse_phone
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.sendout.identity import IdTrace


@dataclass(frozen=True)
class SenderInfo:
    id: int
    name: str
    masked_phone: str
    id_type: str | None
    id_last4: str | None
    sends: int
    last_send_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "masked_phone": self.masked_phone,
            "id_type": self.id_type,
            "id_last4": self.id_last4,
            "sends": self.sends,
            "last_send_at": self.last_send_at.isoformat() if self.last_send_at else None,
        }


def sender_phone(text: str) -> Phone:
    """A sender gives a full number (a tail or a masked form cannot find or register anyone)."""
    phone = parse_phone(text)
    if phone.full is None:
        raise Refused(N_("The sender's full phone number is needed."), code="phone_incomplete")
    return phone


def find_sender(station: Station, phone_text: str) -> SenderInfo | None:
    """A returning sender, by the full phone number; None for a new one."""
    require(station, "send")
    phone = sender_phone(phone_text)
    with station.read() as session:
        row = session.exec(select(Sender).where(Sender.phone_full == phone.full)).first()
        if row is None or row.id is None:
            return None
        count, last = session.exec(
            select(func.count(col(Send.id)), func.max(Send.created_at)).where(
                Send.sender_id == row.id, Send.status != SendStatus.REFUSED
            )
        ).one()
    return SenderInfo(row.id, row.name, row.masked_phone, row.id_type, row.id_last4, int(count), last)


def save_sender(session: Session, station: Station, phone: Phone, name: str, trace: IdTrace | None) -> Sender:
    """The sender row for this send, created or brought up to date, in the caller's transaction."""
    assert phone.full is not None
    now = station.now()
    row = session.exec(select(Sender).where(Sender.phone_full == phone.full)).first()
    changed: list[str] = []
    if row is None:
        row = Sender(
            name=name,
            phone_full=phone.full,
            phone_tail=phone.tail,
            masked_phone=phone.masked,
            id_type=trace.id_type if trace else None,
            id_last4=trace.last4 if trace else None,
            created_at=now,
            updated_at=now,
        )
        fast.insert(session, row)
        changed = ["created"]
    else:
        if row.name != name:
            row.name = name
            changed.append("name")
        if trace is not None and (row.id_type, row.id_last4) != (trace.id_type, trace.last4):
            row.id_type, row.id_last4 = trace.id_type, trace.last4
            changed.append("id")
        if changed:
            row.updated_at = now
            session.add(row)
            session.flush()
    if changed:
        audit.record(
            session,
            station,
            SendEvent.SENDER_SAVED,
            details={"sender_id": row.id, "masked_phone": row.masked_phone, "changed": changed},
        )
    return row
