"""Stocktake (盘库): scan everything on a shelf or a layer and compare with the records.

Each scan is classified at once: `match`; `wrong_layer` / `wrong_shelf` (on record elsewhere);
`extra` (not on record, or already picked up / returned / written off). `missing` is computed live:
parcels on record in scope that were not scanned. On a shelf stocktake the clerk says which layer
they are scanning (`layer=`), so a parcel on the right shelf but the wrong layer is told apart.

Closing applies the fixes the clerk accepts, all in one transaction with the `stocktake_closed` event:
relocate (a move to where it was found), mark missing (problem kind `missing`); a missing-flagged
parcel that was found again is cleared. Re-checking-in an extra is a full check-in (new code, label,
message), done just before that transaction. The result is stored in `Stocktake.result` for the day's
report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import (
    EventKind,
    Layer,
    Parcel,
    ParcelStatus,
    ProblemKind,
    Send,
    SendStatus,
    Shelf,
    Stocktake,
    StocktakeScan,
)
from station_console.errors import NotFound, Refused, StationError
from station_console.i18n import N_
from station_console.services.checkin.transaction import check_in
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.services.shelves import moves, slots
from station_console.services.shelves.layout import resolve
from station_console.services.shelves.search import ParcelRow, by_waybill, normalise_waybill, rows_for
from station_console.stored_messages import to_store

CLASS_LABELS = {
    "match": N_("match"),
    "missing": N_("missing"),
    "wrong_layer": N_("wrong layer"),
    "wrong_shelf": N_("wrong shelf"),
    "extra": N_("extra"),
}
CLASSES = tuple(CLASS_LABELS)


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


def _labels(session: Session) -> dict[int, tuple[int, str]]:
    """layer id -> (shelf id, "SHELF-LAYER")."""
    rows = session.exec(select(Layer, Shelf).join(Shelf, col(Shelf.id) == Layer.shelf_id)).all()
    return {layer.id or 0: (shelf.id or 0, f"{shelf.label}-{layer.label}") for layer, shelf in rows}


def _scope(session: Session, take: Stocktake) -> str:
    shelf = session.get(Shelf, take.shelf_id)
    layer = session.get(Layer, take.layer_id) if take.layer_id else None
    label = shelf.label if shelf else "?"
    return f"{label}-{layer.label}" if layer else label


def _get(session: Session, stocktake_id: int, *, writable: bool = True) -> Stocktake:
    take = session.get(Stocktake, stocktake_id)
    if take is None:
        raise NotFound(N_("There is no stocktake {id}"), code="no_stocktake", id=stocktake_id)
    if writable and take.status == "closed":
        raise Refused(N_("Stocktake {id} is already closed"), code="stocktake_closed", id=stocktake_id)
    return take


def start(station: Station, location: str) -> View:
    """Start on a shelf (`6`) or one layer (`6-5`); refused while one is unfinished on that shelf."""
    require(station, "stocktake")

    def work(session: Session) -> int:
        shelf, layer = resolve(session, location)
        if shelf.retired_at is not None:
            raise Refused(N_("Shelf {shelf} is retired"), code="retired", shelf=shelf.label)
        busy = session.exec(
            select(Stocktake).where(
                Stocktake.shelf_id == shelf.id, col(Stocktake.status).in_(("open", "paused"))
            )
        ).first()
        if busy is not None:
            raise Refused(
                N_("Stocktake {id} on shelf {shelf} is not finished. Resume or close it first."),
                code="stocktake_open",
                id=busy.id,
                shelf=shelf.label,
            )
        now = station.now()
        take = Stocktake(
            shelf_id=shelf.id or 0,
            layer_id=layer.id if layer else None,
            business_day=station.business_day(now, session=session),
            started_at=now,
            started_by=station.clerk_id,
        )
        session.add(take)
        session.flush()
        return take.id or 0

    return view(station, station.run(work))


def unfinished(station: Station) -> list[View]:
    """Open and paused stocktakes, newest first."""
    require(station, "view")
    with station.read() as session:
        ids = session.exec(
            select(Stocktake.id)
            .where(col(Stocktake.status).in_(("open", "paused")))
            .order_by(col(Stocktake.id).desc())
        ).all()
    return [view(station, i) for i in ids if i is not None]


def classify(take: Stocktake, parcel: Parcel | None, found_layer_id: int | None) -> str:
    if parcel is None or parcel.status != ParcelStatus.ON_SHELF:
        return "extra"
    if parcel.shelf_id != take.shelf_id:
        return "wrong_shelf"
    if found_layer_id is not None and parcel.layer_id != found_layer_id:
        return "wrong_layer"
    return "match"


def scan(station: Station, stocktake_id: int, raw: str, *, layer: str | None = None) -> Item:
    """Record one scan and classify it. `layer`: where a shelf stocktake's clerk is scanning now."""
    require(station, "stocktake")
    waybill = normalise_waybill(raw)

    def work(session: Session) -> Item:
        take = _get(session, stocktake_id)
        if take.status == "paused":
            raise Refused(
                N_("Stocktake {id} is paused. Resume it to scan."), code="stocktake_paused", id=stocktake_id
            )
        found_layer_id = take.layer_id
        if found_layer_id is None and layer:
            label = layer.strip()
            shelf = session.get(Shelf, take.shelf_id)
            _shelf, found = resolve(
                session, label if "-" in label else f"{shelf.label if shelf else ''}-{label}"
            )
            if found is None or found.shelf_id != take.shelf_id:
                raise Refused(
                    N_("Layer {layer} is not on the shelf being counted"),
                    code="layer_out_of_scope",
                    layer=label,
                )
            found_layer_id = found.id
        previous = session.exec(
            select(StocktakeScan).where(
                StocktakeScan.stocktake_id == take.id, StocktakeScan.waybill == waybill
            )
        ).first()
        parcel = by_waybill(session, waybill)
        labels = _labels(session)
        if previous is not None:
            return _item(session, previous, parcel, labels, take, duplicate=True)
        record = StocktakeScan(
            stocktake_id=take.id or 0,
            waybill=waybill,
            parcel_id=parcel.id if parcel else None,
            classification=classify(take, parcel, found_layer_id),
            scanned_at=station.now(),
            found_layer_id=found_layer_id,
        )
        session.add(record)
        session.flush()
        return _item(session, record, parcel, labels, take)

    return station.run(work)


def _sends_waiting(session: Session, waybills: list[str]) -> set[str]:
    """Which of `waybills` are outgoing sends at the counter, waiting for their courier."""
    if not waybills:
        return set()
    found = session.exec(
        select(Send.waybill).where(col(Send.waybill).in_(waybills), col(Send.status) == SendStatus.ACCEPTED)
    ).all()
    return {w for w in found if w}


def _item(
    session: Session,
    record: StocktakeScan,
    parcel: Parcel | None,
    labels: dict[int, tuple[int, str]],
    take: Stocktake,
    *,
    duplicate: bool = False,
) -> Item:
    row = rows_for(session, [parcel])[0] if parcel else None
    found = labels[record.found_layer_id][1] if record.found_layer_id in labels else _scope(session, take)
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
    )


def _missing(session: Session, take: Stocktake) -> list[ParcelRow]:
    scanned = {
        s.parcel_id
        for s in session.exec(select(StocktakeScan).where(StocktakeScan.stocktake_id == take.id))
        if s.parcel_id is not None
    }
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
        if p.id not in scanned
    ]
    return rows_for(session, parcels)


def _view(session: Session, take: Stocktake) -> View:
    labels = _labels(session)
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
        item = _item(session, record, parcels.get(record.parcel_id), labels, take)
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
        scope=_scope(session, take),
        status=take.status,
        started_at=take.started_at,
        items=items,
        result=dict(take.result or {}),
    )


def view(station: Station, stocktake_id: int) -> View:
    require(station, "view")
    with station.read() as session:
        return _view(session, _get(session, stocktake_id, writable=False))


def _set_status(station: Station, stocktake_id: int, status: str) -> View:
    def work(session: Session) -> None:
        take = _get(session, stocktake_id)
        take.status = status
        session.add(take)

    station.run(work)
    return view(station, stocktake_id)


def pause(station: Station, stocktake_id: int) -> View:
    require(station, "stocktake")
    return _set_status(station, stocktake_id, "paused")


def resume(station: Station, stocktake_id: int) -> View:
    require(station, "stocktake")
    return _set_status(station, stocktake_id, "open")


def close(
    station: Station,
    stocktake_id: int,
    *,
    relocate: Iterable[str] = (),
    mark_missing: Iterable[str] = (),
    recheck_in: Iterable[str] = (),
) -> View:
    """Close with the fixes the clerk accepted (waybills per fix; see `all_fixes`)."""
    require(station, "stocktake")
    relocate, mark_missing, recheck_in = set(relocate), set(mark_missing), set(recheck_in)
    before = view(station, stocktake_id)
    if before.status == "closed":
        raise Refused(N_("Stocktake {id} is already closed"), code="stocktake_closed", id=stocktake_id)
    failed: list[dict[str, str]] = []
    rechecked = _recheck(station, before, recheck_in, failed)
    settings = station.settings()

    def work(session: Session) -> None:
        take = _get(session, stocktake_id)
        current = _view(session, take)
        now = station.now()
        fixes: dict[str, Any] = {
            "relocated": [],
            "marked_missing": [],
            "rechecked": rechecked,
            "found_again": [],
        }
        for record in session.exec(select(StocktakeScan).where(StocktakeScan.stocktake_id == take.id)).all():
            parcel = session.get(Parcel, record.parcel_id) if record.parcel_id else None
            if parcel is None or parcel.status != ParcelStatus.ON_SHELF:
                continue
            if parcel.problem_kind == ProblemKind.MISSING:
                parcel.problem_kind = parcel.problem_note = parcel.problem_at = None
                session.add(parcel)
                audit.record(
                    session,
                    station,
                    EventKind.PROBLEM_RESOLVED,
                    parcel_id=parcel.id,
                    at=now,
                    details={"waybill": parcel.waybill, "kind": "missing", "stocktake": take.id},
                )
                fixes["found_again"].append(parcel.waybill)
            if record.waybill in relocate and record.classification in ("wrong_layer", "wrong_shelf"):
                _relocate(session, station, settings, parcel, record, now, fixes, failed)
        for item in current.items["missing"]:
            if item.waybill in mark_missing:
                parcel = session.exec(
                    select(Parcel).where(
                        Parcel.waybill == item.waybill, Parcel.status == ParcelStatus.ON_SHELF
                    )
                ).first()
                if parcel is not None:
                    problems.mark_in_session(
                        session, station, parcel, ProblemKind.MISSING, f"stocktake {take.id}"
                    )
                    fixes["marked_missing"].append(item.waybill)
        fixes["failed"] = failed
        result = {
            "scope": current.scope,
            "counts": current.counts,
            **{c: [asdict(i) for i in current.items[c]] for c in CLASSES if c != "match"},
            "matched": [i.waybill for i in current.items["match"]],
            "fixes": fixes,
        }
        take.status, take.closed_at, take.closed_by = "closed", now, station.clerk_id
        take.business_day = station.business_day(now, session=session)  # counted on the day it closed
        take.result = result
        session.add(take)
        audit.record(
            session,
            station,
            EventKind.STOCKTAKE_CLOSED,
            at=now,
            details={
                "stocktake": take.id,
                "scope": current.scope,
                "counts": current.counts,
                "fixes": {k: len(v) for k, v in fixes.items()},
            },
        )

    station.run(work)
    return view(station, stocktake_id)


def _relocate(
    session: Session,
    station: Station,
    settings: Any,
    parcel: Parcel,
    record: StocktakeScan,
    now: datetime,
    fixes: dict[str, Any],
    failed: list[dict[str, str]],
) -> None:
    if record.found_layer_id is None:
        failed.append(
            _failure(parcel.waybill, "relocate", N_("The layer it was found on was not given at the scan"))
        )
        return
    slot = next((s for s in slots.slots(session) if s.layer_id == record.found_layer_id), None)
    if slot is None:
        failed.append(_failure(parcel.waybill, "relocate", N_("The layer it was found on is retired")))
        return
    try:
        with session.begin_nested():  # a refused move leaves nothing half-done
            moved = moves.move_in_session(session, station, settings, parcel, slot, now, reason="stocktake")
    except StationError as exc:
        failed.append(_failure(parcel.waybill, "relocate", exc))
        return
    fixes["relocated"].append(moved.to_json())


def _failure(waybill: str, fix: str, why: StationError | str) -> dict[str, str]:
    """A fix that could not be applied: why in English (the stored result, JSON) and as a stored
    message, which `stored_messages.stored_text` shows in the language of whoever reads it."""
    english = why.message("en") if isinstance(why, StationError) else why
    return {"waybill": waybill, "fix": fix, "reason": english, "message": to_store(why)}


def _recheck(
    station: Station, before: View, waybills: set[str], failed: list[dict[str, str]]
) -> list[dict[str, Any]]:
    done: list[dict[str, Any]] = []
    for item in before.items["extra"]:
        if item.waybill not in waybills:
            continue
        try:
            result = check_in(station, item.waybill, carrier=item.carrier)
        except StationError as exc:
            failed.append(_failure(item.waybill, "recheck_in", exc))
            continue
        done.append({"waybill": item.waybill, "pickup_code": result.pickup_code, "location": result.location})
    return done


def all_fixes(current: View) -> dict[str, list[str]]:
    """Every fix the stocktake offers, for a clerk who accepts them all."""
    return {
        "relocate": [
            i.waybill
            for c in ("wrong_layer", "wrong_shelf")
            for i in current.items[c]
            if i.found and "-" in i.found
        ],
        "mark_missing": [i.waybill for i in current.items["missing"]],
        "recheck_in": [i.waybill for i in current.items["extra"] if not i.outgoing_send],
    }
