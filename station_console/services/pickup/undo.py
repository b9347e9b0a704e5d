"""Undo a pickup (撤销取件): a parcel handed out by mistake goes back on its layer under its old code.

A manager's, within `pickup_undo_minutes` of the handover; the fee its handover settled is reversed in
the same transaction (`fees.ledger.reverse_handover_in`), its carrier's departure event withdrawn or
corrected and its withdrawn label queued again. `undo_preview` reads what an undo would take back first,
so the question names the parcels and the fee to give back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.models import Carrier, Clerk, CodeHold, EventKind, Layer, Parcel, ParcelStatus, PickupMethod
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.services.carrier_events import outbox as carrier_outbox
from station_console.services.core import audit
from station_console.services.core.recalls import reopen_on_undo
from station_console.services.core.roles import require, require_manager
from station_console.services.core.station import Station
from station_console.services.fees.ledger import (
    NOTHING_GIVEN_BACK,
    FeeGivenBack,
    handover_fee_in,
    reverse_handover_in,
)
from station_console.services.pickup import door_undone
from station_console.services.pickup.handover import (
    carrier_codes,
    chosen_parcels,
    clean_waybill,
    recent_pickups,
)
from station_console.services.pickup.lookup import ON_SHELF
from station_console.services.printing import jobs
from station_console.services.shelves import slots
from station_console.settings import StationSettings


@dataclass(frozen=True)
class UndoItem:
    """A parcel an undo would put back, as the question names it: which, and whose handover."""

    parcel_id: int
    pickup_code: str
    waybill: str
    carrier_name: str
    handed_over_by: str  # the clerk's name ("" when not recorded)
    picked_up_at: datetime
    handed_over_by_id: int | None = None  # that clerk's id: the question says when it is not the asker


@dataclass(frozen=True)
class UndoPreview:
    """The pickups an undo would take back, and what it gives back of their storage fee."""

    items: list[UndoItem]
    fee: FeeGivenBack


def undo_preview(station: Station, parcel_ids: Sequence[int] | None = None) -> UndoPreview:
    """The parcels `parcel_ids` (default: this counter's last pickup today) as an undo would take them
    back: code, waybill, who handed each over and when, and the fee it would give back."""
    require(station, "view")
    if parcel_ids is None:
        parcel_ids = [r.parcel_id for r in recent_pickups(station, limit=1)]
    ids = list(dict.fromkeys(parcel_ids))
    with station.read() as session:
        parcels = chosen_parcels(session, ids) if ids else {}
        picked = [parcels[i] for i in ids if i in parcels and parcels[i].status == ParcelStatus.PICKED_UP]
        names = _names(session, {p.carrier_id for p in picked}, {p.picked_up_by for p in picked})
        items = [
            UndoItem(
                parcel_id=p.id or 0,
                pickup_code=p.pickup_code or "",
                waybill=p.waybill,
                carrier_name=names[0].get(p.carrier_id, "?"),
                handed_over_by=names[1].get(p.picked_up_by or 0, ""),
                picked_up_at=p.picked_up_at or station.now(),
                handed_over_by_id=p.picked_up_by,
            )
            for p in picked
        ]
        fee = sum((handover_fee_in(session, p) for p in picked), NOTHING_GIVEN_BACK)
    # Said now, not after the question: a Yes to a pickup past the window would only be refused.
    settings, now = station.settings(), station.now()
    for item in items:
        _refuse_if_late(item.picked_up_at, now, settings)
    return UndoPreview(items, fee)


def _refuse_if_late(picked_up_at: datetime, now: datetime, settings: StationSettings) -> None:
    if now - picked_up_at > timedelta(minutes=settings.pickup_undo_minutes):
        raise Refused(
            N_("A pickup can only be undone within {count} minutes."),
            one="A pickup can only be undone within {count} minute.",
            code="undo_too_late",
            count=settings.pickup_undo_minutes,
        )


def _names(
    session: Session, carrier_ids: set[int], clerk_ids: set[int | None]
) -> tuple[dict[int, str], dict[int, str]]:
    carriers = session.exec(select(Carrier.id, Carrier.short_name).where(col(Carrier.id).in_(carrier_ids)))
    clerks = session.exec(select(Clerk.id, Clerk.name).where(col(Clerk.id).in_(clerk_ids - {None})))
    return (
        {int(cid): name for cid, name in carriers if cid is not None},
        {int(cid): name for cid, name in clerks if cid is not None},
    )


def undo_pickup(station: Station, parcel_id: int) -> FeeGivenBack:
    """Put a parcel handed out by mistake back on its layer under its old code (manager, within N
    minutes), its handover's storage fee reversed; returns what to give back (`FeeGivenBack`)."""
    return undo_pickups(station, [parcel_id])


def undo_pickups(station: Station, parcel_ids: Sequence[int]) -> FeeGivenBack:
    """`undo_pickup` for each of `parcel_ids`, all in one transaction (a handover was one), or none."""
    require_manager(station, "undo_pickup")
    settings = station.settings()

    def work(session: Session) -> FeeGivenBack:
        now = station.now()
        given = NOTHING_GIVEN_BACK
        for pid in dict.fromkeys(parcel_ids):
            given += _undo_in(session, station, pid, now, settings)
        return given

    return station.run(work)


def _undo_in(
    session: Session, station: Station, parcel_id: int, now: datetime, settings: StationSettings
) -> FeeGivenBack:
    parcel = session.get(Parcel, parcel_id)
    if parcel is None or parcel.status != ParcelStatus.PICKED_UP or parcel.picked_up_at is None:
        raise NotFound(N_("That parcel has not been picked up."), code="not_picked_up")
    _refuse_if_late(parcel.picked_up_at, now, settings)
    clash = session.exec(
        select(Parcel.id).where(
            col(Parcel.status) == ON_SHELF,
            (col(Parcel.waybill) == parcel.waybill) | (col(Parcel.pickup_code) == parcel.pickup_code),
        )
    ).first()
    units = slots.units_for(parcel.size, settings)
    claimed = session.execute(
        update(Layer)
        .where(col(Layer.id) == parcel.layer_id, col(Layer.used_units) + units <= col(Layer.capacity_units))
        .values(used_units=Layer.used_units + units, parcel_count=Layer.parcel_count + 1)
    )
    if clash is not None or not claimed.rowcount:  # type: ignore[attr-defined]
        raise Refused(N_("Its place is taken now: check it in again instead."), code="undo_blocked")
    hold = session.get(CodeHold, parcel.pickup_code) if parcel.pickup_code else None
    if hold is not None:
        session.delete(hold)
    details: dict[str, Any] = {
        "waybill": parcel.waybill,
        "code": parcel.pickup_code,
        "picked_up_at": parcel.picked_up_at.isoformat(),
        "picked_up_by": parcel.picked_up_by,
    }
    # Its fee is found as the fee events after its `picked_up` one: reversed before this undo's own.
    given = reverse_handover_in(session, station, parcel, now)
    # A door delivery leaves like a pickup; its carrier was told `door_delivered`, not `picked_up`.
    door = parcel.pickup_method == PickupMethod.DOOR
    kind = carrier_outbox.DOOR_DELIVERED if door else carrier_outbox.PICKED_UP
    if door and parcel.id is not None:
        details["run"] = door_undone.mark_undone_in(session, parcel.id)
    left_at = parcel.picked_up_at
    parcel.status = ParcelStatus.ON_SHELF
    parcel.picked_up_at = parcel.picked_up_by = parcel.picked_up_counter = parcel.pickup_method = None
    session.add(parcel)
    carrier_outbox.withdraw_or_correct(
        session,
        station,
        parcel,
        kind,
        carrier=carrier_codes(session, {parcel.carrier_id}).get(parcel.carrier_id, "?"),
    )
    label = jobs.restore_withdrawn_label(session, station, parcel)
    if label is not None:
        details["job_id"] = label.id  # its label queued again
    audit.record(session, station, EventKind.PICKUP_UNDONE, parcel_id=parcel.id, at=now, details=details)
    reopen_on_undo(session, station, parcel, left_at=left_at, at=now)  # a recall its override closed
    return given


def picked_up_parcel(station: Station, waybill: str) -> int:
    """Id of the newest picked-up parcel with this waybill (for `station undo-pickup WAYBILL`)."""
    # The undo's own read: whoever may not undo learns nothing of who picked up what.
    require_manager(station, "undo_pickup")
    number = clean_waybill(waybill)
    with station.read() as session:
        pid = session.exec(
            select(Parcel.id)
            .where(Parcel.waybill == number, Parcel.status == ParcelStatus.PICKED_UP)
            .order_by(col(Parcel.picked_up_at).desc())
        ).first()
    if pid is None:
        raise NotFound(N_("{waybill} has not been picked up."), code="not_picked_up", waybill=number)
    return pid
