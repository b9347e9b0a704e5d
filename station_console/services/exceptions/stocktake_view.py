"""A stocktake as it reads: the classes of its scans, a line of the live view, and the view itself (the
scans as classified, and what is on record in scope but not scanned, `missing`), read in the caller's
session. Scanning (`stocktake.py`) and closing (`stocktake_close.py`) both read through here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlmodel import Session, col, select

from db.models import (
    Clerk,
    Layer,
    Parcel,
    ParcelStatus,
    Send,
    SendStatus,
    Shelf,
    Stocktake,
    StocktakeScan,
)
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.services.shelves.search import ParcelRow, rows_for

CLASS_LABELS = {
    "match": N_("match"),
    "missing": N_("missing"),
    "wrong_layer": N_("wrong layer"),
    "wrong_shelf": N_("wrong shelf"),
    "extra": N_("extra"),
}
CLASSES = tuple(CLASS_LABELS)
# A parcel whose record says it left the station: when and by whom that was recorded.
LEFT_BY = {
    ParcelStatus.PICKED_UP: ("picked_up_at", "picked_up_by"),
    ParcelStatus.RETURNED: ("returned_at", "returned_by"),
    ParcelStatus.WRITTEN_OFF: ("written_off_at", "written_off_by"),
}


@dataclass(frozen=True)
class Item:
    """One line of the live view: a scan, or a parcel on record that was not scanned."""

    waybill: str
    classification: str
    recorded: str | None  # location on record ("6-3"), None when not on the shelves
    found: str | None  # where it was scanned ("6-5", or "6" when the layer was not given)
    status: str | None  # the parcel's status, None when unknown to the station
    carrier: str | None = None
    pickup_code: str | None = None
    problem_kind: str | None = None
    duplicate: bool = False
    # An extra that is an outgoing send still waiting for its courier: it belongs with the outgoing
    # parcels, and check-in refuses it, so it is not offered for checking in again.
    outgoing_send: bool = False
    # An extra recorded as out with a door runner (the run's id): still on the books, so not checked
    # in again; scanning it back at the run is what puts its record right.
    out_on_run: int | None = None
    # An extra whose record says it left (picked up, returned, written off): when, in station time
    # ("2026-05-01 14:06"), and the clerk who recorded it. It is not a new arrival.
    left_at: str | None = None
    left_by: str | None = None
    # Who scanned it and at which counter (None: not scanned, or scanned before these were kept).
    scanned_by: str | None = None
    scanned_counter: str | None = None

    @property
    def left(self) -> bool:
        return self.left_at is not None


@dataclass(frozen=True)
class View:
    id: int
    scope: str
    status: str
    started_at: datetime
    items: dict[str, list[Item]] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {c: len(self.items.get(c, [])) for c in CLASSES}

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "scope": self.scope,
            "status": self.status,
            "started_at": self.started_at,
            "counts": self.counts,
            **{c: [asdict(i) for i in self.items.get(c, [])] for c in CLASSES},
            **({"result": self.result} if self.result else {}),
        }


def layer_labels(session: Session) -> dict[int, tuple[int, str]]:
    """layer id -> (shelf id, "SHELF-LAYER")."""
    rows = session.exec(select(Layer, Shelf).join(Shelf, col(Shelf.id) == Layer.shelf_id)).all()
    return {layer.id or 0: (shelf.id or 0, f"{shelf.label}-{layer.label}") for layer, shelf in rows}


def scope_of(session: Session, take: Stocktake) -> str:
    shelf = session.get(Shelf, take.shelf_id)
    layer = session.get(Layer, take.layer_id) if take.layer_id else None
    label = shelf.label if shelf else "?"
    return f"{label}-{layer.label}" if layer else label


def stocktake_in(session: Session, stocktake_id: int, *, writable: bool = True) -> Stocktake:
    """The stocktake's row; refused when there is none, or (`writable`) when it is closed."""
    take = session.get(Stocktake, stocktake_id)
    if take is None:
        raise NotFound(N_("There is no stocktake {id}."), code="no_stocktake", id=stocktake_id)
    if writable and take.status == "closed":
        raise Refused(N_("Stocktake {id} is already closed."), code="stocktake_closed", id=stocktake_id)
    return take


def _sends_waiting(session: Session, waybills: list[str]) -> set[str]:
    """Which of `waybills` are outgoing sends at the counter, waiting for their courier."""
    if not waybills:
        return set()
    found = session.exec(
        select(Send.waybill).where(col(Send.waybill).in_(waybills), col(Send.status) == SendStatus.ACCEPTED)
    ).all()
    return {w for w in found if w}


def _left(session: Session, parcel: Parcel | None, zone: tzinfo) -> tuple[str | None, str | None]:
    """When (station time) and by whom the parcel's record says it left the station, if it did."""
    fields = LEFT_BY.get(ParcelStatus(parcel.status)) if parcel else None
    if parcel is None or fields is None:
        return None, None
    at, clerk_id = getattr(parcel, fields[0]), getattr(parcel, fields[1])
    clerk = session.get(Clerk, clerk_id) if clerk_id else None
    when = at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else "?"
    return when, clerk.name if clerk else None


def item_of(
    session: Session,
    record: StocktakeScan,
    parcel: Parcel | None,
    labels: dict[int, tuple[int, str]],
    take: Stocktake,
    *,
    duplicate: bool = False,
    zone: tzinfo | None = None,
) -> Item:
    """A scan as a line of the live view, with its parcel as the records have it now (`zone`: the
    station's, for when an extra's record says it left)."""
    row = rows_for(session, [parcel])[0] if parcel else None
    left_at, left_by = _left(session, parcel, zone or UTC)
    found = labels[record.found_layer_id][1] if record.found_layer_id in labels else scope_of(session, take)
    scanner = session.get(Clerk, record.scanned_by) if record.scanned_by else None
    return Item(
        waybill=record.waybill,
        classification=record.classification,
        recorded=row.location if row else None,
        found=found,
        status=row.status if row else None,
        carrier=row.carrier if row else None,
        pickup_code=row.pickup_code if row else None,
        problem_kind=row.problem_kind if row else None,
        duplicate=duplicate,
        left_at=left_at if record.classification == "extra" else None,
        left_by=left_by if record.classification == "extra" else None,
        out_on_run=parcel.delivery_run_id if parcel and record.classification == "extra" else None,
        scanned_by=scanner.name if scanner else None,
        scanned_counter=record.scanned_counter,
    )


def _missing(session: Session, take: Stocktake) -> list[ParcelRow]:
    scans = session.exec(select(StocktakeScan).where(StocktakeScan.stocktake_id == take.id)).all()
    scanned = {s.parcel_id for s in scans if s.parcel_id is not None}
    # A waybill scanned was found, whatever row it has now: a stray checked in or put back at the
    # close is a new row, on record in scope when it went onto a layer being counted.
    found = {s.waybill for s in scans}
    # A parcel out with a delivery runner is on the books but not on the shelf: not missing.
    stmt = select(Parcel).where(
        Parcel.status == ParcelStatus.ON_SHELF,
        Parcel.shelf_id == take.shelf_id,
        col(Parcel.delivery_run_id).is_(None),
    )
    if take.layer_id is not None:
        stmt = stmt.where(Parcel.layer_id == take.layer_id)
    parcels = [
        p
        for p in session.exec(stmt.order_by(col(Parcel.layer_id), col(Parcel.id))).all()
        if p.id not in scanned and p.waybill not in found
    ]
    return rows_for(session, parcels)


def view_in(session: Session, take: Stocktake, *, zone: tzinfo | None = None) -> View:
    """The live view: every scan by its class, and what is on record in scope but was not scanned."""
    labels = layer_labels(session)
    items: dict[str, list[Item]] = {c: [] for c in CLASSES}
    scans = session.exec(
        select(StocktakeScan).where(StocktakeScan.stocktake_id == take.id).order_by(col(StocktakeScan.id))
    ).all()
    parcels = {
        p.id: p
        for p in session.exec(
            select(Parcel).where(col(Parcel.id).in_([s.parcel_id for s in scans if s.parcel_id]))
        ).all()
    }
    sends = _sends_waiting(session, [s.waybill for s in scans if s.classification == "extra"])
    for record in scans:
        item = item_of(session, record, parcels.get(record.parcel_id), labels, take, zone=zone)
        if record.classification == "extra" and record.waybill in sends:
            item = replace(item, outgoing_send=True)
        items[record.classification].append(item)
    for row in _missing(session, take):
        items["missing"].append(
            Item(
                waybill=row.waybill,
                classification="missing",
                recorded=row.location,
                found=None,
                status=row.status,
                carrier=row.carrier,
                pickup_code=row.pickup_code,
                problem_kind=row.problem_kind,
            )
        )
    return View(
        id=take.id or 0,
        scope=scope_of(session, take),
        status=take.status,
        started_at=take.started_at,
        items=items,
        result=dict(take.result or {}),
    )
