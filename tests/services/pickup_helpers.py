"""Helpers for the pickup tests: parcels checked in through the real service, clerks, settings."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmodel import Session, col, select
from station_helpers import configure, events, parcel, set_walk

from db.models import CarrierEvent, CarrierEventStatus, Clerk, Layer, Parcel, Role, Shelf
from station_console.services.checkin.transaction import CheckinResult, check_in
from station_console.services.core.station import Station
from station_console.settings import EventTarget

__all__ = [
    "as_clerk",
    "configure",
    "events",
    "layer_of",
    "parcel",
    "receive",
    "set_layer_walk",
    "set_walk",
    "zto",
]


def zto(n: int) -> str:
    """A distinct valid ZTO waybill (14 digits starting 73)."""
    return f"73{n:012d}"


def receive(station: Station, n: int, phone: str | None = None, **kw: Any) -> CheckinResult:
    return check_in(station, zto(n), phone=phone, **kw)


def as_clerk(station: Station, name: str, role: str = Role.CLERK, counter: str | None = None) -> Station:
    """The same database seen by another signed-in clerk (a new Station, so nothing is shared)."""

    def work(session: Session) -> int:
        row = session.exec(select(Clerk).where(Clerk.name == name)).first()
        if row is None:
            row = Clerk(name=name, role=role, created_at=station.now())
            session.add(row)
            session.flush()
        assert row.id is not None
        return row.id

    clerk_id = station.run(work)
    return replace(
        station, clerk_id=clerk_id, clerk_role=role, counter=counter or station.counter, _cached=None
    )


def layer_of(station: Station, parcel_id: int) -> Layer:
    with station.read() as session:
        row = session.get(Parcel, parcel_id)
        assert row is not None and row.layer_id is not None
        layer = session.get(Layer, row.layer_id)
        assert layer is not None
        return layer


def set_layer_walk(station: Station, location: str, walk_order: int) -> None:
    """Walking order of layer "shelf-layer"."""
    shelf_label, layer_label = location.split("-")

    def work(session: Session) -> None:
        layer = session.exec(
            select(Layer)
            .join(Shelf, col(Shelf.id) == Layer.shelf_id)
            .where(Shelf.label == shelf_label, Layer.label == layer_label)
        ).one()
        layer.walk_order = walk_order
        session.add(layer)

    station.run(work)


def dead_carrier_event(station: Station) -> int:
    """One ZTO arrival whose event to the carrier gave up (dead): its id, for a drop."""
    configure(
        station, carrier_event_targets={"ZTO": EventTarget(channel="webhook", url="http://127.0.0.1:9")}
    )
    receive(station, 1, phone="5678")
    with station.write() as session:
        event = session.exec(select(CarrierEvent)).one()
        event.status = CarrierEventStatus.DEAD
        session.add(event)
        return event.id or 0
