"""What the send-out screen and `station sendout list` show: the sends, newest first (the screen: this
counter's only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select

from db.models import Carrier, Send, Sender
from station_console.errors import StationError
from station_console.services.core.calendar_span import in_calendar
from station_console.services.core.roles import require
from station_console.services.core.station import Station


@dataclass(frozen=True)
class SendSummary:
    send_id: int
    created_at: datetime
    status: str
    carrier: str
    carrier_name: str  # its short name (the label's), as every counter list names a carrier
    waybill: str | None
    destination: str
    weight_g: int | None
    weight_manual: bool
    price_cents: int
    currency: str
    payment_method: str | None
    sender: str  # masked phone
    recipient: str  # masked phone
    refused_reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "send_id": self.send_id,
            "created_at": self.created_at.isoformat(),
            "status": self.status,
            "carrier": self.carrier,
            "waybill": self.waybill,
            "destination": self.destination,
            "weight_g": self.weight_g,
            "weight_manual": self.weight_manual,
            "total": self.price_cents,
            "currency": self.currency,
            "payment_method": self.payment_method,
            "sender": self.sender,
            "recipient": self.recipient,
            "refused_reason": self.refused_reason,
        }


def list_sends(
    station: Station,
    *,
    day: date | None = None,
    status: str | None = None,
    carrier: str | None = None,
    counter: str | None = None,
    limit: int = 200,
) -> list[SendSummary]:
    """The sends, newest first; `counter`: only those taken at that counter (the screen's own)."""
    require(station, "view")
    query = (
        select(Send, Carrier.code, Carrier.short_name, Sender.masked_phone)
        .join(Carrier, col(Carrier.id) == Send.carrier_id, isouter=True)
        .join(Sender, col(Sender.id) == Send.sender_id)
        .order_by(col(Send.id).desc())
        .limit(limit)
    )
    if day is not None:
        query = query.where(Send.business_day == in_calendar(day))
    if status:
        query = query.where(Send.status == status)
    if carrier:
        query = query.where(Carrier.code == carrier.strip().upper())
    if counter is not None:
        query = query.where(Send.counter == counter)
    with station.read() as session:
        rows = session.exec(query).all()
    return [
        SendSummary(
            send_id=s.id or 0,
            created_at=s.created_at,
            status=s.status,
            carrier=code or "-",
            carrier_name=short or "-",
            waybill=s.waybill,
            destination=s.destination,
            weight_g=s.weight_g,
            weight_manual=s.weight_manual,
            price_cents=s.price_cents,
            currency=s.currency,
            payment_method=s.payment_method,
            sender=masked,
            recipient=s.recipient_masked_phone,
            refused_reason=s.refused_reason,
        )
        for s, code, short, masked in rows
    ]


@dataclass(frozen=True)
class CounterSetup:
    """What the send-out form offers: the checklist, the carriers that have a tariff, their packaging."""

    checklist: Any  # inspection.Checklist
    # (code, name in the clerk's language): the picker names a carrier as Check-in's does, never by
    # its code or short name ("SF", "YD", "J&T" on the Chinese console)
    carriers: list[tuple[str, str]]
    packaging: dict[str, list[str]]
    currency: str = "CNY"  # the station's: a refused amount is said in it


def counter_setup(station: Station) -> CounterSetup:
    from station_console.services.scan.detect import shown_name
    from station_console.services.sendout import inspection, tariff

    with station.read() as session:
        checklist = inspection.current_in(session)
        rows = session.exec(
            select(Carrier).where(col(Carrier.active)).order_by(col(Carrier.sort_order))
        ).all()
        carriers, packaging = [], {}
        for carrier in rows:
            try:
                table = tariff.current(session, carrier.code)
            except StationError:  # no tariff, or one that no longer parses: not offered
                continue
            carriers.append((carrier.code, shown_name(carrier.name_en, carrier.name_zh)))
            packaging[carrier.code] = sorted(table.packaging)
    return CounterSetup(checklist, carriers, packaging, station.settings().currency)
