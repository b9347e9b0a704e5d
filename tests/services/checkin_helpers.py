"""Shared helpers for the check-in and shelving tests: layouts, settings, counts, a direct pickup."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select
from station_helpers import configure, keep_layers, set_walk, wb
from station_helpers import layer_figures as layer_used

from db.models import Notification, Parcel, ParcelEvent, ParcelStatus, PrintJob
from station_console.services.core.station import Station
from station_console.services.shelves import slots as shelving

__all__ = ["configure", "counts", "keep_layers", "layer_used", "pick_up", "set_walk", "wb"]


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
