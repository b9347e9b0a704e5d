"""What a run's close says of its sheet parcels no longer on the run: one that left the shelves while it
waited on the sheet (picked up at the counter, returned, written off, its check-in undone) is off the
books, and one moved since the run was planned lies where the sheet does not say, with a new code when
the move gave one. Each is named with why, so the clerk does not look for them on the trolley or the
shelf the sheet printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from db.models import Parcel, ParcelStatus, PickupMethod
from station_console.i18n import N_, _, listed
from station_console.services.shelves.moves import location_of
from station_console.services.shelves.search import STATUS_LABELS

MOVED = "moved"
# How a sheet parcel left the shelves while it waited on the run, a clause of the close's sentence.
HOW_IT_LEFT: dict[str, str] = {
    ParcelStatus.PICKED_UP: N_("picked up at the counter"),
    PickupMethod.DOOR: N_("delivered to the recipient's door"),  # on another run
    ParcelStatus.RETURNED: N_("returned to the carrier"),
    ParcelStatus.WRITTEN_OFF: N_("written off"),
    ParcelStatus.CANCELLED: N_("check-in undone"),
}


@dataclass(frozen=True)
class OffRun:
    """A sheet parcel the close found no longer on the run: `why` is how it left the shelves (a
    catalogue entry) or `moved`, then `place` is where it lies now and `code` its pickup code there."""

    waybill: str
    why: str
    place: str = ""
    code: str = ""


def how_it_left(parcel: Parcel) -> str:
    """The catalogue entry saying how a parcel no longer on the shelves left them."""
    if parcel.status == ParcelStatus.PICKED_UP and parcel.pickup_method == PickupMethod.DOOR:
        return HOW_IT_LEFT[PickupMethod.DOOR]
    return HOW_IT_LEFT.get(parcel.status) or STATUS_LABELS.get(parcel.status, parcel.status)


def off_run(session: Session, parcel: Parcel, moved: set[int]) -> OffRun | None:
    """What the close says of this sheet parcel never taken out (None: it waits where the sheet says)."""
    if parcel.status != ParcelStatus.ON_SHELF:
        return OffRun(parcel.waybill, how_it_left(parcel))
    if (parcel.id or 0) in moved:
        return OffRun(parcel.waybill, MOVED, location_of(session, parcel), parcel.pickup_code or "")
    return None


def off_run_said(parcels: Sequence[OffRun]) -> str:
    """The close's sentence naming them ("" when none)."""
    if not parcels:
        return ""
    named = [
        _(
            "{waybill} (moved to {place}, code {code}: it waits there for the next run)",
            waybill=p.waybill,
            place=p.place,
            code=p.code,
        )
        if p.why == MOVED
        else _("{waybill} ({how})", waybill=p.waybill, how=_(p.why))
        for p in parcels
    ]
    return _("No longer on this run: {parcels}.", parcels=listed(named))
