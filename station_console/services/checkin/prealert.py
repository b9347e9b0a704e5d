"""The pre-alert a check-in fills from: one indexed read inside the check-in transaction.

A pre-alerted waybill (预到货) brings its recipient's phone or virtual number (how a privacy waybill, 隐私面单,
gets a number), name, recipient type and size. What the clerk typed wins, except that a typed phone tail
matching the pre-alert's takes the pre-alert's full number (so the customer can be told). Importing
pre-alerts and the courier batches they make checkable are `services/prealerts/`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, or_
from sqlalchemy import select as columns
from sqlmodel import col

from db.fast import Hot, Tx
from db.models import CourierBatch, PreAlert, PreAlertStatus
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.services.checkin.phones import Phone
from station_console.services.core.paper_numbers import courier_batch_number


@dataclass(frozen=True)
class Expected:
    id: int
    status: str
    phone: Phone | None
    recipient_name: str | None
    recipient_type: str | None
    size: str | None


# On the driver's cursor (db/fast.py): this runs inside every check-in. Every open pre-alert of the
# waybill (one or two at most), the newest chosen in Python: ORDER BY ... LIMIT 1 over the two
# statuses' index ranges made SQLite set up a sorter, several times the lookup itself.
_LOOKUP = Hot(
    columns(
        col(PreAlert.id),
        col(PreAlert.status),
        col(PreAlert.phone_tail),
        col(PreAlert.masked_phone),
        col(PreAlert.phone_full),
        col(PreAlert.recipient_name),
        col(PreAlert.recipient_type),
        col(PreAlert.size),
    ).where(
        col(PreAlert.waybill) == bindparam("waybill"),
        or_(  # not IN (...): that list is expanded at execution, not once
            col(PreAlert.status) == PreAlertStatus.EXPECTED,
            col(PreAlert.status) == PreAlertStatus.NOT_RECEIVED,
        ),
    )
)


def expected(session: Tx, waybill: str) -> Expected | None:
    """The newest open pre-alert of `waybill` (expected, or closed as not received), if any."""
    rows = _LOOKUP.rows(session, waybill=waybill)
    if not rows:
        return None
    row = max(rows, key=lambda r: r[0])  # the newest: ids only grow
    pid, status, tail, masked, full, name, rtype, size = row
    phone = Phone(tail=tail, masked=masked, full=full) if tail and masked else None
    return Expected(
        id=int(pid or 0),
        status=str(status),
        phone=phone,
        recipient_name=name,
        recipient_type=rtype,
        size=size,
    )


def merged_phone(typed: Phone | None, pre: Expected | None) -> Phone | None:
    """The typed phone, completed by the pre-alert's when they agree; the pre-alert's when none was typed."""
    if pre is None or pre.phone is None:
        return typed
    if typed is None:
        return pre.phone
    if typed.full is None and typed.tail == pre.phone.tail:
        return pre.phone
    return typed


# The batch's row held to the commit in the weakest mode (PostgreSQL), the one the parcel's foreign key
# takes anyway: check-ins into one batch never wait for each other, but the close, which takes the row
# alone, waits for them and counts them, or they wait for it and find the batch closed.
_BATCH_STATUS = Hot(
    columns(col(CourierBatch.status))
    .where(col(CourierBatch.id) == bindparam("id"))
    .with_for_update(key_share=True)
)


def require_open_batch(session: Tx, batch_id: int) -> None:
    """A check-in joins a courier's batch only while it is open (one primary-key read)."""
    status = _BATCH_STATUS.scalar(session, id=batch_id)
    if status is None:
        raise NotFound(
            N_("There is no courier batch {batch}."),
            code="no_courier_batch",
            batch=courier_batch_number(batch_id),
        )
    if status != "open":
        raise Refused(
            N_("Courier batch {batch} is closed: open a new one."),
            code="courier_batch_closed",
            batch=courier_batch_number(batch_id),
        )
