"""Read models for lists: parcels with their location, carrier and label status. No writes here.

Each function is one query (plus at most one for label statuses), so a screen can refresh a list
every few seconds without touching the write path. Phones are masked only: the full number never
leaves the parcel row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Carrier, Layer, Parcel, ParcelStatus, PrintJob, Shelf
from station_console.i18n import N_
from station_console.services.core.station import Station

# Display names of stored statuses; translate with `_()` when shown.
STATUS_LABELS = {
    "on_shelf": N_("on shelf"),
    "picked_up": N_("picked up"),
    "returned": N_("returned"),
    "written_off": N_("written off"),
    "cancelled": N_("undone"),  # the check-in was undone
}
LABEL_LABELS = {
    "held": N_("waiting for phone"),
    "queued": N_("queued"),
    "sending": N_("sending"),
    "printed": N_("printed"),
    "failed": N_("failed"),
    "cancelled": N_("undone"),  # the check-in was undone
    "interrupted": N_("interrupted"),
}


@dataclass(frozen=True)
class ParcelRow:
    parcel_id: int
    waybill: str
    carrier: str
    status: str
    shelf: str | None
    layer: str | None
    pickup_code: str | None
    masked_phone: str | None
    size: str
    redelivery: bool
    checked_in_at: datetime
    picked_up_at: datetime | None

    @property
    def location(self) -> str:
        return f"{self.shelf}-{self.layer}" if self.shelf and self.layer else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "waybill": self.waybill,
            "carrier": self.carrier,
            "status": self.status,
            "shelf": self.shelf,
            "layer": self.layer,
            "pickup_code": self.pickup_code,
            "masked_phone": self.masked_phone,
            "checked_in_at": self.checked_in_at.isoformat(),
            "picked_up_at": self.picked_up_at.isoformat() if self.picked_up_at else None,
            "size": self.size,
            "redelivery": self.redelivery,
            "parcel_id": self.parcel_id,
        }


def _rows_query() -> Any:
    return (
        sa_select(
            col(Parcel.id),
            col(Parcel.waybill),
            col(Carrier.code),
            col(Parcel.status),
            col(Shelf.label),
            col(Layer.label),
            col(Parcel.pickup_code),
            col(Parcel.masked_phone),
            col(Parcel.size),
            col(Parcel.redelivery),
            col(Parcel.checked_in_at),
            col(Parcel.picked_up_at),
        )
        .join(Carrier, col(Carrier.id) == Parcel.carrier_id)
        .outerjoin(Shelf, col(Shelf.id) == Parcel.shelf_id)
        .outerjoin(Layer, col(Layer.id) == Parcel.layer_id)
    )


def _to_rows(result: Iterable[Any]) -> list[ParcelRow]:
    return [ParcelRow(*row) for row in result]


def list_parcels(station: Station, *, status: str | None = None, limit: int = 100) -> list[ParcelRow]:
    """`station parcels`: newest check-ins first, optionally of one status."""
    query = _rows_query()
    if status:
        query = query.where(Parcel.status == status)
    with station.read() as session:
        return _to_rows(session.exec(query.order_by(col(Parcel.id).desc()).limit(limit)).all())


def missing_phone(station: Station, *, limit: int = 200) -> list[ParcelRow]:
    """Parcels on the shelves with no phone yet (quick-mode check-ins), oldest first."""
    query = _rows_query().where(Parcel.status == ParcelStatus.ON_SHELF, col(Parcel.phone_tail).is_(None))
    with station.read() as session:
        return _to_rows(session.exec(query.order_by(col(Parcel.id)).limit(limit)).all())


def missing_phone_count(station: Station) -> int:
    query = (
        select(func.count())
        .select_from(Parcel)
        .where(Parcel.status == ParcelStatus.ON_SHELF, col(Parcel.phone_tail).is_(None))
    )
    with station.read() as session:
        return int(session.exec(query).one())


def parcels_by_id(station: Station, parcel_ids: Sequence[int]) -> list[ParcelRow]:
    if not parcel_ids:
        return []
    query = _rows_query().where(col(Parcel.id).in_(list(parcel_ids)))
    with station.read() as session:
        return _to_rows(session.exec(query.order_by(col(Parcel.id).desc())).all())


def label_status(station: Station, parcel_ids: Sequence[int]) -> dict[int, str]:
    """Newest label job status per parcel (`queued`, `printed`, `failed`...); parcels with none are absent."""
    if not parcel_ids:
        return {}
    with station.read() as session:
        return _label_status(session, parcel_ids)


def _label_status(session: Session, parcel_ids: Sequence[int]) -> dict[int, str]:
    rows = session.exec(
        select(PrintJob.parcel_id, PrintJob.status)
        .where(col(PrintJob.parcel_id).in_(list(parcel_ids)), PrintJob.kind == "label")
        .order_by(col(PrintJob.id))
    ).all()
    return {pid: status for pid, status in rows if pid is not None}  # newest wins: ascending id order
