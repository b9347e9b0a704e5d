"""A parcel on its way to a door, as lists, the run sheet and the screens show it, in walking order.

Walking order: building, then floor (low to high), unit, room, each compared the way people count
(`B2` before `B10`), then the pickup code. The address comes from the recipient's directory entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session, col, select

from db.models import (
    Carrier,
    DeliveryItem,
    DeliveryStatus,
    EventKind,
    Layer,
    Parcel,
    ParcelEvent,
    Recipient,
    RecipientPhone,
    Shelf,
)
from station_console.services.core.recalls import is_recalled

_NUMBER = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Stop:
    item_id: int | None  # None: wanted at the door by the recipient's choice, not requested yet
    parcel_id: int
    stop: int
    status: str  # a DeliveryStatus, or "wanted"
    waybill: str
    pickup_code: str
    shelf_location: str  # where it lies: "6-5"
    carrier: str
    recipient_id: int | None
    name: str
    building: str | None
    floor: int | None
    unit: str | None
    room: str | None
    masked_phone: str | None
    source: str
    fail_reason: str | None = None
    recalled: bool = False  # its carrier or sender asked for it back: it goes back, not to the door
    recall_overridden: bool = False  # delivered though recalled, on a manager's word (its pickup event)

    @property
    def address(self) -> str:
        return "-".join(p for p in (self.building, self.unit, self.room) if p)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "address": self.address}


def natural(text: str | None) -> tuple[Any, ...]:
    """`B10` after `B2`: digit runs compare as numbers."""
    if not text:
        return ((1, ""),)
    return tuple((0, int(p)) if p.isdigit() else (0, p.lower()) for p in _NUMBER.split(text) if p)


def walking_key(stop: Stop) -> tuple[Any, ...]:
    return (
        natural(stop.building),
        stop.floor if stop.floor is not None else 10**6,
        natural(stop.unit),
        natural(stop.room),
        stop.pickup_code,
    )


def stops_for(
    session: Session, parcels: Iterable[Parcel], items: dict[int, DeliveryItem] | None = None
) -> list[Stop]:
    """Read models for these parcels (with their delivery item, when they have one), in walking order."""
    parcels = list(parcels)
    items = items or {}
    recipients = {
        r.id: r
        for r in session.exec(
            select(Recipient).where(
                col(Recipient.id).in_({p.recipient_id for p in parcels if p.recipient_id})
            )
        ).all()
    }
    phones: dict[int, str] = {}
    for rid, masked in session.exec(
        select(RecipientPhone.recipient_id, RecipientPhone.masked_phone)
        .where(col(RecipientPhone.recipient_id).in_(list(recipients)))
        .order_by(col(RecipientPhone.position).desc())
    ).all():
        phones[rid] = masked  # the first phone wins: read last
    carriers = {c.id: c.code for c in session.exec(select(Carrier)).all()}
    places = {
        layer.id: f"{shelf.label}-{layer.label}"
        for layer, shelf in session.exec(
            select(Layer, Shelf)
            .join(Shelf, col(Shelf.id) == Layer.shelf_id)
            .where(col(Layer.id).in_({p.layer_id for p in parcels if p.layer_id}))
        ).all()
    }
    overridden = _recall_overridden(session, items)
    out = []
    for p in parcels:
        r = recipients.get(p.recipient_id)
        item = items.get(p.id or 0)
        out.append(
            Stop(
                item_id=item.id if item else None,
                parcel_id=p.id or 0,
                stop=item.stop if item else 0,
                status=item.status if item else "wanted",
                waybill=p.waybill,
                pickup_code=p.pickup_code or "",
                shelf_location=places.get(p.layer_id, "?"),
                carrier=carriers.get(p.carrier_id, "?"),
                recipient_id=p.recipient_id,
                name=(r.name if r else p.recipient_name) or "",
                building=r.building if r else None,
                floor=r.floor if r else None,
                unit=r.unit if r else None,
                room=r.room if r else None,
                # The number the parcel came with, as its label's tail and the fee question name it:
                # the directory's first phone only when the parcel has none (purged, or none typed).
                masked_phone=p.masked_phone or (phones.get(r.id or 0) if r else None),
                source=item.source if item else "preference",
                fail_reason=item.fail_reason if item else None,
                recalled=is_recalled(p.problem_kind),
                recall_overridden=(p.id or 0) in overridden,
            )
        )
    return sorted(out, key=lambda s: (s.stop or 0, *walking_key(s)))


def _recall_overridden(session: Session, items: dict[int, DeliveryItem]) -> set[int]:
    """The parcels of `items` delivered on their run though recalled, by a manager's override: their
    recall is closed then, so only the delivery's own event (`recall_overridden`) still says so."""
    runs = {pid: item.run_id for pid, item in items.items() if item.status == DeliveryStatus.DELIVERED}
    if not runs:
        return set()
    events = session.exec(
        select(ParcelEvent.parcel_id, ParcelEvent.details).where(
            col(ParcelEvent.parcel_id).in_(list(runs)), col(ParcelEvent.kind) == EventKind.PICKED_UP
        )
    ).all()
    return {
        pid
        for pid, details in events
        if pid is not None and "recall_overridden" in details and details.get("run") == runs[pid]
    }
