"""Check-in's duplicate check: a waybill already on a shelf, or an outgoing send still at the counter,
is refused; one that was here before and left checks in again as a re-delivery."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, case, literal_column, union_all
from sqlalchemy import select as sa_select
from sqlmodel import col

from db.fast import Hot, Tx
from db.models import Parcel, ParcelStatus, Send, SendStatus
from station_console.errors import Refused
from station_console.i18n import N_

# Every record of the waybill in one statement: its parcels, and a live send of it (the partial index
# uq_send_waybill_live, which SQLite uses only when the WHERE repeats the index's own condition).
_SEND_LIVE: Any = col(Send.status).in_([literal_column("'accepted'"), literal_column("'handed_over'")])
_SAME_WAYBILL = Hot(
    union_all(
        sa_select(
            col(Parcel.id), col(Parcel.status), col(Parcel.pickup_code), literal_column("0").label("send")
        ).where(col(Parcel.waybill) == bindparam("waybill"), col(Parcel.status) != ParcelStatus.CANCELLED),
        sa_select(
            col(Send.id),
            col(Send.status),
            case(
                (col(Send.scanned_at).is_(None), literal_column("'counter'")), else_=literal_column("'batch'")
            ),
            literal_column("1"),
        ).where(col(Send.waybill) == bindparam("waybill"), _SEND_LIVE),
    )
)


def check_duplicate(session: Tx, waybill: str) -> bool:
    """Refuse a waybill already on a shelf, or an outgoing send still at the counter; True when it
    was here before (a re-delivery)."""
    rows = _SAME_WAYBILL.rows(session, waybill=waybill)
    parcels = [row for row in rows if not row[3]]
    for _send_id, status, where, _send in (row for row in rows if row[3]):
        # Only a send still waiting for its courier is refused: its parcel is at this counter, so a scan
        # of it is a mix-up between the outgoing and incoming piles. One handed over is the carrier's
        # now and may come back as a delivery (returned to its sender); a refunded one left with its
        # sender and freed its number. Both check in as any arrival.
        if status == SendStatus.ACCEPTED:
            raise Refused(
                N_(
                    "{waybill} is an outgoing send waiting for its courier (accepted, at the counter). "
                    "It is not an arrival: put it with the outgoing parcels."
                )
                if where == "counter"
                else N_(
                    "{waybill} is an outgoing send waiting for its courier (accepted, scanned into the "
                    "courier's handover). It is not an arrival: put it with the outgoing parcels."
                ),
                code="outgoing_send",
                waybill=waybill,
            )
    for parcel_id, status, pickup_code, _send in parcels:
        if status == ParcelStatus.ON_SHELF:
            raise Refused(
                N_("{waybill} is already on the shelf at {pickup_code}. Reprint its label if it is lost."),
                code="duplicate",
                waybill=waybill,
                pickup_code=pickup_code,
                parcel_id=parcel_id,
            )
    return bool(parcels)
