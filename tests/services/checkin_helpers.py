"""Shared helpers for the check-in and shelving tests: layouts, settings, counts, a direct pickup."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from db.models import Layer, Notification, Parcel, ParcelEvent, ParcelStatus, PrintJob, Setting, Shelf
from station_console.services import shelving
from station_console.services.config import STATION_KEY, load_station_settings
from station_console.services.station import Station


def wb(n: int) -> str:
    """A distinct valid J&T waybill."""
    return f"JT{n:013d}"


def configure(station: Station, **changes: Any) -> None:
    # Written directly: changing settings through the service needs a signed-in manager.
    def work(session: Session) -> None:
        row = session.get(Setting, STATION_KEY)
        assert row is not None
        new = load_station_settings(session).model_copy(update=changes)
        row.value = new.model_dump(mode="json")
        session.add(row)

    station.run(work)
    station.forget_settings()


def keep_layers(station: Station, capacities: dict[str, int]) -> None:
    """Retire every layer except `{"1-1": 4, "OV-1": 6, ...}`, which get those capacities."""

    def work(session: Session) -> None:
        for layer, shelf in session.exec(
            select(Layer, Shelf).join(Shelf, col(Shelf.id) == Layer.shelf_id)
        ).all():
            label = f"{shelf.label}-{layer.label}"
            if label in capacities:
                layer.capacity_units = capacities[label]
            else:
                layer.retired_at = station.now()
            session.add(layer)

    station.run(work)


def set_walk(station: Station, shelf_label: str, walk_order: int) -> None:
    def work(session: Session) -> None:
        shelf = session.exec(select(Shelf).where(Shelf.label == shelf_label)).one()
        shelf.walk_order = walk_order
        session.add(shelf)

    station.run(work)


def layer_used(station: Station, location: str) -> tuple[int, int]:
    """(used_units, parcel_count) of layer "SHELF-LAYER"."""
    shelf_label, layer_label = location.split("-")
    with station.read() as session:
        layer = session.exec(
            select(Layer)
            .join(Shelf, col(Shelf.id) == Layer.shelf_id)
            .where(Shelf.label == shelf_label, Layer.label == layer_label)
        ).one()
        return layer.used_units, layer.parcel_count


def counts(station: Station) -> dict[str, int]:
    models: dict[str, type[SQLModel]] = {
        "parcels": Parcel,
        "jobs": PrintJob,
        "notes": Notification,
        "events": ParcelEvent,
    }
    with station.read() as session:
        return {k: int(session.exec(select(func.count()).select_from(m)).one()) for k, m in models.items()}


def pick_up(station: Station, parcel_id: int) -> None:
    """Stand-in for the pickup service: the parcel leaves, its units and code are released."""

    def work(session: Session) -> None:
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None
        shelving.release(session, parcel, station.settings(), station.now())
        parcel.status, parcel.picked_up_at = ParcelStatus.PICKED_UP, station.now()
        session.add(parcel)

    station.run(work)
