"""Moving parcels (移库): one parcel, or a whole layer, to a target `SHELF-LAYER`.

Capacity on the target is claimed with `slots.claim` (never over capacity, also with two counters);
the old layer gets its units back. The pickup code follows `StationSettings.move_policy`:
`new_code` issues a code for the new layer and queues a label reprint; the customer who holds the old
code gets a "code changed" message, and the old code keeps finding the parcel at pickup ("moved to ...")
until it leaves. `keep_code` keeps the code and label, only the location changes. Each parcel moved is one
`moved` event; a layer move is one transaction (all its parcels move, or none).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import Carrier, EventKind, Layer, Parcel, ParcelEvent, ParcelStatus, Shelf
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.notify import outbox
from station_console.services.printing.jobs import queue_label
from station_console.services.shelves import slots
from station_console.services.shelves.layout import resolve
from station_console.services.shelves.locations import normalise_location
from station_console.services.shelves.search import find_parcel, require_on_shelf
from station_console.settings import StationSettings


@dataclass(frozen=True)
class MoveResult:
    parcel_id: int
    waybill: str
    from_location: str
    to_location: str
    old_code: str | None
    pickup_code: str | None
    code_changed: bool
    label_job: int | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def target_slot(session: Session, target: str) -> slots.Slot:
    """The active layer `target` (SHELF-LAYER) names, as a shelving slot."""
    shelf, layer = resolve(session, target)
    if layer is None:
        raise Refused(N_("Give the target as SHELF-LAYER, e.g. 6-5."), code="need_layer")
    slot = next((s for s in slots.slots(session) if s.layer_id == layer.id), None)
    if slot is None:
        raise Refused(
            N_("Layer {shelf}-{layer} is retired."), code="retired", shelf=shelf.label, layer=layer.label
        )
    return slot


def last_moves(
    session: Session,
    parcel_ids: Iterable[int],
    since: datetime,
    *,
    after_event: int | None = None,
    kinds: Iterable[str] = (EventKind.MOVED,),
) -> dict[int, ParcelEvent]:
    """Each of these parcels' latest event of `kinds` (moves) after a look, by parcel id (absent: none
    since): a look older than the move (a run's sheet, a stocktake's scan) no longer says where it lies.
    The look is `after_event`, the newest event id it saw (`write_order`): counters' clocks may differ.
    A look from before that was kept (None) falls back to its time, `since`."""
    ids = list(parcel_ids)
    if not ids:
        return {}
    after = col(ParcelEvent.id) > after_event if after_event is not None else col(ParcelEvent.at) >= since
    moves = session.exec(
        select(ParcelEvent)
        .where(col(ParcelEvent.parcel_id).in_(ids), col(ParcelEvent.kind).in_(list(kinds)), after)
        .order_by(col(ParcelEvent.id))
    ).all()
    return {m.parcel_id: m for m in moves if m.parcel_id is not None}  # the latest last


def location_of(session: Session, parcel: Parcel) -> str:
    layer = session.get(Layer, parcel.layer_id) if parcel.layer_id else None
    shelf = session.get(Shelf, layer.shelf_id) if layer else None
    return f"{shelf.label}-{layer.label}" if shelf and layer else "?"


def move_in_session(
    session: Session,
    station: Station,
    settings: StationSettings,
    parcel: Parcel,
    slot: slots.Slot,
    now: datetime,
    *,
    reason: str = "move",
    policy: str | None = None,
) -> MoveResult:
    """Move one parcel inside the caller's transaction (stocktake relocations use this too)."""
    require_on_shelf(parcel)
    if parcel.layer_id == slot.layer_id:
        raise Refused(
            N_("{waybill} is already on {location}."),
            code="same_layer",
            waybill=parcel.waybill,
            location=f"{slot.shelf_label}-{slot.layer_label}",
        )
    letter = slots.size_letter(parcel.size)
    target = f"{slot.shelf_label}-{slot.layer_label}"
    if letter not in slot.accepts:
        raise Refused(
            N_("Layer {location} does not take size {size} parcels."),
            code="wrong_size",
            location=target,
            size=parcel.size,
        )
    units = slots.units_for(parcel.size, settings)
    if not slots.claim(session, slot, units):
        raise Refused(
            N_("No room on {location} for a size {size} parcel."),
            code="no_room",
            location=target,
            size=parcel.size,
        )
    source = location_of(session, parcel)
    old_code = parcel.pickup_code
    new_code = (policy or settings.move_policy) == "new_code"
    if new_code:
        slots.release(session, parcel, settings, now, moved=True)  # units back, old code held
        parcel.pickup_code = slots.allocate_code(session, settings, slot, now)
    elif parcel.layer_id is not None:
        # The code stays with the parcel, so only the units are given back (no cooldown hold).
        slots.give_back(session, parcel.layer_id, units)
    parcel.shelf_id, parcel.layer_id = slot.shelf_id, slot.layer_id
    session.add(parcel)
    session.flush()
    job_id = None
    if new_code:
        job_id = queue_label(session, station, parcel).id
        carrier = session.get(Carrier, parcel.carrier_id)
        outbox.queue_code_changed(
            session, station, parcel, old_code=old_code, carrier=carrier.short_name if carrier else ""
        )
    audit.record(
        session,
        station,
        EventKind.MOVED,
        parcel_id=parcel.id,
        at=now,
        details={
            "waybill": parcel.waybill,
            "from": source,
            "to": target,
            "old_code": old_code,
            "code": parcel.pickup_code,
            "reason": reason,
        },
    )
    return MoveResult(
        parcel_id=parcel.id or 0,
        waybill=parcel.waybill,
        from_location=source,
        to_location=target,
        old_code=old_code,
        pickup_code=parcel.pickup_code,
        code_changed=new_code,
        label_job=job_id,
    )


def move_parcel(station: Station, ref: str, target: str, *, policy: str | None = None) -> MoveResult:
    """Move the parcel a waybill or pickup code names to `target` (`SHELF-LAYER`)."""
    require(station, "move")
    settings = station.settings()

    def work(session: Session) -> MoveResult:
        parcel = find_parcel(session, ref, on_shelf=True)
        return move_in_session(
            session, station, settings, parcel, target_slot(session, target), station.now(), policy=policy
        )

    return station.run(work)


def move_layer(station: Station, source: str, target: str, *, policy: str | None = None) -> list[MoveResult]:
    """Move every parcel of layer `source` to layer `target`: all of them, or none when there is no room."""
    require(station, "move")
    settings = station.settings()

    def work(session: Session) -> list[MoveResult]:
        shelf, layer = resolve(session, source)
        if layer is None:
            raise Refused(N_("Give a layer as SHELF-LAYER, e.g. 6-5."), code="need_layer")
        slot = target_slot(session, target)
        if slot.layer_id == layer.id:
            raise Refused(N_("Source and target are the same layer."), code="same_layer_move")
        parcels = session.exec(
            select(Parcel)
            .where(Parcel.layer_id == layer.id, Parcel.status == ParcelStatus.ON_SHELF)
            .order_by(col(Parcel.id))
        ).all()
        if not parcels:
            raise Refused(
                N_("Layer {location} is empty."), code="empty_layer", location=normalise_location(source)
            )
        now = station.now()
        return [
            move_in_session(session, station, settings, p, slot, now, reason="layer_move", policy=policy)
            for p in parcels
        ]

    return station.run(work)
