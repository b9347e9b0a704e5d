"""Helpers for the shelf-work tests: parcels placed on a chosen layer, layer figures, a manager."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select
from station_helpers import events, layer_figures, parcel, wb

from db.models import Carrier, Parcel, ParcelStatus
from station_console.services.core.station import Station
from station_console.services.shelves import slots as shelving

__all__ = ["as_manager", "events", "layer_figures", "parcel", "place", "place_picked_up", "wb"]

PICKED_UP = "SF1400000000011"  # `place_picked_up`'s parcel


def place(
    station: Station,
    waybill: str,
    location: str,
    *,
    carrier: str = "JT",
    size: str = "M",
    phone: str | None = "13812345678",
    at: datetime | None = None,
    status: str = ParcelStatus.ON_SHELF,
    **fields: Any,
) -> int:
    """Put a parcel on `location` ("6-5") the way check-in does (capacity claimed, a code issued)."""
    settings = station.settings()

    def work(session: Session) -> int:
        shelf_label, layer_label = location.split("-")
        slot = next(
            s for s in shelving.slots(session) if (s.shelf_label, s.layer_label) == (shelf_label, layer_label)
        )
        when = at or station.now()
        carrier_id = session.exec(select(Carrier.id).where(Carrier.code == carrier)).one() or 0
        parcel = Parcel(
            waybill=waybill,
            carrier_id=carrier_id,
            size=size,
            status=status,
            shelf_id=slot.shelf_id,
            layer_id=slot.layer_id,
            checked_in_at=when,
            business_day=station.business_day(when, session=session),
            phone_full=phone,
            phone_tail=phone[-4:] if phone else None,
            masked_phone=f"{phone[:3]}****{phone[-4:]}" if phone else None,
            **fields,
        )
        if status == ParcelStatus.ON_SHELF:
            assert shelving.claim(session, slot, shelving.units_for(size, settings))
            parcel.pickup_code = shelving.allocate_code(session, settings, slot, when)
        session.add(parcel)
        session.flush()
        return parcel.id or 0

    return station.run(work)


def place_picked_up(station: Station, location: str = "1-1") -> str:
    """SF parcel `PICKED_UP` on `location`, recorded as picked up at 9:30 today by the signed-in clerk: a
    stocktake's extra that left (put back at its close, never checked in as new). Returns that time as
    the stocktake says it, the station's local 'YYYY-MM-DD HH:MM'."""
    picked = station.now().replace(hour=9, minute=30, second=0, microsecond=0)
    place(
        station,
        PICKED_UP,
        location,
        carrier="SF",
        status=ParcelStatus.PICKED_UP,
        picked_up_at=picked,
        picked_up_by=station.clerk_id,
    )
    return picked.astimezone(station.zone()).strftime("%Y-%m-%d %H:%M")


def as_manager(station: Station) -> Station:
    station.clerk_role = "manager"
    return station
