"""Helpers for the pickup tests: parcels checked in through the real service, clerks, settings."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmodel import Session, col, select

from db.models import Clerk, Layer, Parcel, ParcelEvent, Role, Setting, Shelf
from station_console.services.checkin import CheckinResult, check_in
from station_console.services.config import STATION_KEY, load_station_settings
from station_console.services.station import Station


def zto(n: int) -> str:
    """A distinct valid ZTO waybill (14 digits starting 73)."""
    return f"73{n:012d}"


def receive(station: Station, n: int, phone: str | None = None, **kw: Any) -> CheckinResult:
    return check_in(station, zto(n), phone=phone, **kw)


def configure(station: Station, **changes: Any) -> None:
    # Written directly: the settings service needs a signed-in manager.
    def work(session: Session) -> None:
        row = session.get(Setting, STATION_KEY)
        assert row is not None
        row.value = load_station_settings(session).model_copy(update=changes).model_dump(mode="json")
        session.add(row)

    station.run(work)
    station.forget_settings()


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
        station, clerk_id=clerk_id, clerk_role=role, counter=counter or station.counter, _settings=None
    )


def parcel(station: Station, parcel_id: int) -> Parcel:
    with station.read() as session:
        row = session.get(Parcel, parcel_id)
        assert row is not None
        return row


def layer_of(station: Station, parcel_id: int) -> Layer:
    with station.read() as session:
        row = session.get(Parcel, parcel_id)
        assert row is not None and row.layer_id is not None
        layer = session.get(Layer, row.layer_id)
        assert layer is not None
        return layer


def events(station: Station, kind: str) -> list[ParcelEvent]:
    with station.read() as session:
        return list(
            session.exec(
                select(ParcelEvent).where(ParcelEvent.kind == kind).order_by(col(ParcelEvent.id))
            ).all()
        )


def set_walk(station: Station, shelf_label: str, walk_order: int) -> None:
    def work(session: Session) -> None:
        shelf = session.exec(select(Shelf).where(Shelf.label == shelf_label)).one()
        shelf.walk_order = walk_order
        session.add(shelf)

    station.run(work)


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
