"""A day's stocktake put-backs per carrier: parcels recorded as having left, found on the shelf and put
back. The put-back is a check-in of the parcel (the day balances to the parcel: it came back onto the
shelves), but no carrier delivered it again, so the carrier's per-parcel fee does not count it twice.

Read from the put-backs the day's closed stocktakes stored in their result, each by its parcel row's id
(stored with it since put-backs began), counted while that row is still checked in on the day: one undone
is counted nowhere, as in the reconciliation.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlmodel import Session, col, select

from db.models import Parcel, ParcelStatus, Stocktake


def put_backs(session: Session, day: date, start: datetime, end: datetime) -> dict[int, int]:
    """Carrier id -> how many of the day's check-ins (start <= checked in < end) were put-backs."""
    results = session.exec(
        select(Stocktake.result).where(Stocktake.status == "closed", Stocktake.business_day == day)
    ).all()
    entries = [put for result in results for put in ((result or {}).get("fixes") or {}).get("put_back", [])]
    if not entries:
        return {}
    ids = {int(put["parcel_id"]) for put in entries}
    rows = session.exec(
        select(Parcel.carrier_id).where(
            col(Parcel.id).in_(sorted(ids)),
            col(Parcel.status) != ParcelStatus.CANCELLED,
            col(Parcel.checked_in_at) >= start,
            col(Parcel.checked_in_at) < end,
        )
    ).all()
    return dict(Counter(rows))
