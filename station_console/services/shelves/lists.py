"""Lists of parcels (the one read model, `search.ParcelRow`) and their label status. No writes here;
each read needs a sign-in, as every read of parcels does (roles.py, "view").

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

from db.models import Carrier, JobStatus, Layer, Parcel, ParcelStatus, PrintJob, Shelf
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.printing.jobs import hold_over
from station_console.services.shelves.search import ParcelRow, to_row


def _rows_query() -> Any:
    return (
        sa_select(Parcel, col(Carrier.code), col(Carrier.short_name), col(Shelf.label), col(Layer.label))
        .join(Carrier, col(Carrier.id) == Parcel.carrier_id)
        .outerjoin(Shelf, col(Shelf.id) == Parcel.shelf_id)
        .outerjoin(Layer, col(Layer.id) == Parcel.layer_id)
    )


def _to_rows(result: Iterable[Any]) -> list[ParcelRow]:
    return [
        to_row(parcel, carrier, short, f"{shelf}-{layer}" if shelf and layer else None)
        for parcel, carrier, short, shelf, layer in result
    ]


def list_parcels(station: Station, *, status: str | None = None, limit: int = 100) -> list[ParcelRow]:
    """`station parcels`: newest check-ins first, optionally of one status."""
    require(station, "view")
    query = _rows_query()
    if status:
        query = query.where(Parcel.status == status)
    with station.read() as session:
        return _to_rows(session.exec(query.order_by(col(Parcel.id).desc()).limit(limit)).all())


def missing_phone(station: Station, *, limit: int = 200) -> list[ParcelRow]:
    """Parcels on the shelves with no phone yet (quick-mode check-ins), oldest first."""
    require(station, "view")
    query = _rows_query().where(Parcel.status == ParcelStatus.ON_SHELF, col(Parcel.phone_tail).is_(None))
    with station.read() as session:
        return _to_rows(session.exec(query.order_by(col(Parcel.id)).limit(limit)).all())


def missing_phone_count(station: Station) -> int:
    require(station, "view")
    query = (
        select(func.count())
        .select_from(Parcel)
        .where(Parcel.status == ParcelStatus.ON_SHELF, col(Parcel.phone_tail).is_(None))
    )
    with station.read() as session:
        return int(session.exec(query).one())


def parcels_by_id(station: Station, parcel_ids: Sequence[int]) -> list[ParcelRow]:
    require(station, "view")
    if not parcel_ids:
        return []
    query = _rows_query().where(col(Parcel.id).in_(list(parcel_ids)))
    with station.read() as session:
        return _to_rows(session.exec(query.order_by(col(Parcel.id).desc())).all())


def masked_phones(station: Station, parcel_ids: Sequence[int]) -> dict[int, str | None]:
    """The masked phone of each of these parcels (None: none yet), as a list shown earlier reads it now."""
    require(station, "view")
    if not parcel_ids:
        return {}
    with station.read() as session:
        rows = session.exec(
            select(Parcel.id, Parcel.masked_phone).where(col(Parcel.id).in_(list(parcel_ids)))
        ).all()
    return {pid: masked for pid, masked in rows if pid is not None}


@dataclass(frozen=True, slots=True)
class RowsNow:
    """Check-in's rows as they stand now: each parcel's newest label state (`labels`: `queued`,
    `printed`, `failed`...; a parcel with no label job is absent), and its pickup code and place while
    it has both (a move or a stocktake may have changed them since it checked in, at any counter).

    A label held for its phone past its wait (`jobs.hold_over`) reads "queued": it no longer waits for
    the phone, the printer takes it on its next pass (with no printer it would read "waiting for phone"
    for ever)."""

    labels: dict[int, str]
    places: dict[int, tuple[str, str]]


def rows_now(station: Station, parcel_ids: Sequence[int]) -> RowsNow:
    """Label states, codes and places of the check-in table's rows on screen: one read, two queries."""
    require(station, "view")
    if not parcel_ids:
        return RowsNow({}, {})
    waited = hold_over(station)
    with station.read() as session:
        places = session.exec(
            select(Parcel.id, Parcel.pickup_code, Shelf.label, Layer.label)
            .outerjoin(Shelf, col(Shelf.id) == Parcel.shelf_id)
            .outerjoin(Layer, col(Layer.id) == Parcel.layer_id)
            .where(col(Parcel.id).in_(list(parcel_ids)))
        ).all()
        return RowsNow(
            _label_status(session, parcel_ids, waited),
            {
                pid: (code, f"{shelf}-{layer}")
                for pid, code, shelf, layer in places
                if pid is not None and code and shelf and layer
            },
        )


def _label_status(session: Session, parcel_ids: Sequence[int], waited: datetime) -> dict[int, str]:
    rows = session.exec(
        select(PrintJob.parcel_id, PrintJob.status, PrintJob.created_at)
        .where(col(PrintJob.parcel_id).in_(list(parcel_ids)), PrintJob.kind == "label")
        .order_by(col(PrintJob.id))
    ).all()
    return {  # newest wins: ascending id order
        pid: JobStatus.QUEUED if status == JobStatus.HELD and created <= waited else status
        for pid, status, created in rows
        if pid is not None
    }
