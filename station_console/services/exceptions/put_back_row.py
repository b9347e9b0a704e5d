"""What a stocktake's put-back keeps of the parcel's earlier row: it is the same customer's parcel,
recorded as gone by mistake, and the customer may come asking for it by their phone.

The put-back is a check-in (`checkin.transaction.check_in`), so what is kept goes in as a check-in
takes it: the phone as typed (its full number, else its masked form, else its tail; check-in stores
its masked form and tail as it stores any phone), the directory entry while it is active, the name,
e-mail and size. Not its old code: the put-back gets a code of its own. What a privacy purge or a
deactivation took away stays away.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from db.models import Parcel, Recipient, StocktakeScan
from station_console.errors import Refused
from station_console.services.checkin.phones import parse_phone


def earlier_row(session: Session, stocktake_id: int, waybill: str) -> tuple[Parcel | None, int | None]:
    """The parcel row the stocktake's scan of `waybill` found (for a put-back, the one recorded as
    gone; None for a stray unknown here), and the layer the scan found it on."""
    scan = session.exec(
        select(StocktakeScan).where(
            StocktakeScan.stocktake_id == stocktake_id, StocktakeScan.waybill == waybill
        )
    ).first()
    if scan is None:
        return None, None
    parcel = session.get(Parcel, scan.parcel_id) if scan.parcel_id is not None else None
    return parcel, scan.found_layer_id


def kept(session: Session, earlier: Parcel | None) -> dict[str, Any]:
    """`check_in`'s keyword arguments for what the put-back keeps of `earlier`."""
    if earlier is None:
        return {}
    entry = session.get(Recipient, earlier.recipient_id) if earlier.recipient_id is not None else None
    return {
        "phone": _phone(earlier),
        "recipient_id": entry.id if entry is not None and entry.active else None,
        "recipient_name": earlier.recipient_name,
        "email": earlier.email,
        "size": earlier.size,
    }


def _phone(earlier: Parcel) -> str | None:
    """The fullest form of the earlier phone that still holds (a purge leaves the masked form and tail)."""
    for text in (earlier.phone_full, earlier.masked_phone, earlier.phone_tail):
        if not text:
            continue
        try:
            parse_phone(text)
        except Refused:
            continue  # a form check-in would not take (a masked virtual number): the next one
        return text
    return None
