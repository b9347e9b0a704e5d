"""A day's stocktake put-backs: parcels recorded as having left, found on the shelf and put back. The
put-back is a check-in of the parcel (the day balances to the parcel: it came back onto the shelves),
but no carrier delivered it again, so the carrier's per-parcel fee does not count it twice; nor did a
clerk check it in from a courier, so a clerk's check-ins, the check-ins by hour and the arrivals the
forecast learns from leave it out.

Read from the put-backs the closed stocktakes stored in their result, each by its parcel row's id
(stored with it since put-backs began), counted while that row is still checked in on the day: one undone
is counted nowhere, as in the reconciliation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from db.models import Parcel, ParcelStatus, Stocktake


@dataclass(frozen=True)
class PutBack:
    """A put-back's check-in: its carrier, the clerk who closed the stocktake, when."""

    carrier_id: int
    clerk_id: int | None
    at: datetime


def put_back_ids(session: Session, days: Iterable[date]) -> set[int]:
    """The parcel rows put back by the stocktakes closed on `days`."""
    results = session.exec(
        select(Stocktake.result).where(Stocktake.status == "closed", col(Stocktake.business_day).in_(days))
    ).all()
    return {
        int(put["parcel_id"])
        for result in results
        for put in ((result or {}).get("fixes") or {}).get("put_back", [])
    }


def put_back_rows(session: Session, day: date, start: datetime, end: datetime) -> list[PutBack]:
    """The day's check-ins (start <= checked in < end) that were put-backs."""
    ids = put_back_ids(session, [day])
    if not ids:
        return []
    rows = session.exec(
        select(Parcel.carrier_id, Parcel.checked_in_by, Parcel.checked_in_at).where(
            col(Parcel.id).in_(sorted(ids)),
            col(Parcel.status) != ParcelStatus.CANCELLED,
            col(Parcel.checked_in_at) >= start,
            col(Parcel.checked_in_at) < end,
        )
    ).all()
    return [PutBack(carrier, clerk, at) for carrier, clerk, at in rows]


def put_backs(session: Session, day: date, start: datetime, end: datetime) -> dict[int, int]:
    """Carrier id -> how many of the day's check-ins were put-backs."""
    return dict(Counter(put.carrier_id for put in put_back_rows(session, day, start, end)))
