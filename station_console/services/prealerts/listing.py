"""Pre-alerts as screens and `station prealert list` show them: phones masked, state as it is now.

A pre-alert's state: `expected`; `received` (its parcel was checked in, whether or not its batch has
closed yet); `not_received` (a problem parcel: its courier's batch closed without it and it has not
turned up since).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, func, or_
from sqlalchemy import select as columns
from sqlmodel import col

from db.models import (
    Carrier,
    Clerk,
    CourierBatch,
    Parcel,
    ParcelStatus,
    PreAlert,
    PreAlertImport,
    PreAlertStatus,
)
from station_console.i18n import N_
from station_console.services.core.roles import require
from station_console.services.core.station import Station

STATES = ("expected", "received", "not_received")
# Each state as people read it (translated where shown): the CLI's list, the audit trail's details.
STATE_LABELS = {"expected": N_("expected"), "received": N_("received"), "not_received": N_("not received")}


@dataclass(frozen=True)
class PreAlertRow:
    id: int
    import_id: int
    line: int
    waybill: str
    carrier: str
    masked_phone: str | None
    recipient_name: str | None
    size: str | None
    weight_g: int | None
    state: str
    created_at: datetime
    batch_id: int | None
    courier: str | None
    carrier_name: str  # its short name (the label's), as every counter list names a carrier

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _arrived() -> Any:
    """It filled a check-in (not undone)."""
    return exists().where(
        col(Parcel.prealert_id) == col(PreAlert.id), col(Parcel.status) != ParcelStatus.CANCELLED
    )


def _state() -> Any:
    return case(
        (col(PreAlert.status) == PreAlertStatus.RECEIVED, "received"),
        (_arrived(), "received"),
        else_=col(PreAlert.status),
    )


def list_prealerts(
    station: Station,
    *,
    state: str | None = None,
    carrier: str | None = None,
    import_id: int | None = None,
    limit: int = 200,
) -> list[PreAlertRow]:
    """Newest first; `state="not_received"` lists the problem parcels of that kind."""
    require(station, "view")
    state_col = _state().label("state")
    query = (
        columns(
            col(PreAlert.id),
            col(PreAlert.import_id),
            col(PreAlert.line),
            col(PreAlert.waybill),
            col(Carrier.code),
            col(PreAlert.masked_phone),
            col(PreAlert.recipient_name),
            col(PreAlert.size),
            col(PreAlert.weight_g),
            state_col,
            col(PreAlert.created_at),
            col(PreAlert.batch_id),
            col(CourierBatch.courier_name),
            col(Carrier.short_name),
        )
        .join(Carrier, col(Carrier.id) == col(PreAlert.carrier_id))
        .outerjoin(CourierBatch, col(CourierBatch.id) == col(PreAlert.batch_id))
        .order_by(col(PreAlert.id).desc())
        .limit(limit)
    )
    if state:
        query = query.where(_state() == state)
    if carrier:
        query = query.where(col(Carrier.code) == carrier.strip().upper())
    if import_id is not None:
        query = query.where(col(PreAlert.import_id) == import_id)
    with station.read() as session:
        return [PreAlertRow(*row) for row in session.execute(query).all()]


def not_received(station: Station, *, limit: int = 500) -> list[PreAlertRow]:
    """Problem parcels of kind "not received": missing at their batch's close, not arrived since."""
    require(station, "view")
    return list_prealerts(station, state="not_received", limit=limit)


@dataclass(frozen=True)
class ImportRow:
    id: int
    source: str
    file_name: str
    imported_at: datetime
    rows_read: int
    loaded: int
    bad: int
    duplicates: int
    on_shelf: int
    clerk: str | None  # who imported it (none: the watched folder, an unattended duty)
    matched: int  # its pre-alerts checked in so far

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _matched() -> Any:
    """How many of the import's pre-alerts have arrived (state `received`)."""
    return (
        columns(func.count())
        .select_from(PreAlert)
        .where(
            col(PreAlert.import_id) == col(PreAlertImport.id),
            or_(col(PreAlert.status) == PreAlertStatus.RECEIVED, _arrived()),
        )
        .scalar_subquery()
    )


def list_imports(station: Station, *, limit: int = 50) -> list[ImportRow]:
    """Newest first, with who imported each and how many of its parcels have arrived."""
    require(station, "view")
    with station.read() as session:
        rows = session.execute(
            columns(
                col(PreAlertImport.id),
                col(PreAlertImport.source),
                col(PreAlertImport.file_name),
                col(PreAlertImport.imported_at),
                col(PreAlertImport.rows_read),
                col(PreAlertImport.loaded),
                col(PreAlertImport.bad),
                col(PreAlertImport.duplicates),
                col(PreAlertImport.on_shelf),
                col(Clerk.name),
                _matched(),
            )
            .outerjoin(Clerk, col(Clerk.id) == col(PreAlertImport.imported_by))
            .order_by(col(PreAlertImport.id).desc())
            .limit(limit)
        ).all()
    return [ImportRow(*row) for row in rows]
