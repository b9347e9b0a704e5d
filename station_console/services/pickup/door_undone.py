"""An undone door delivery's record: its delivery item no longer says delivered.

Undoing a pickup puts the parcel back in its slot (`handover._undo_in`); for a door delivery its item
on the run says `undone` from then on, so the run and the day's door figures (delivered, their fees)
stop counting a delivery that did not happen. The item keeps when it went out and came back, so a day
it was out over the close still counts it as out then. Its fee stays on the item as it was recorded;
the figures count a fee only with a delivery.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.models import DeliveryItem, DeliveryStatus


def mark_undone_in(session: Session, parcel_id: int) -> int | None:
    """Mark the parcel's delivered item undone, in the undo's transaction; returns its run (None when
    the parcel has no delivered item, as a delivery recorded before items existed)."""
    item = session.exec(
        select(DeliveryItem)
        .where(DeliveryItem.parcel_id == parcel_id, DeliveryItem.status == DeliveryStatus.DELIVERED)
        .order_by(col(DeliveryItem.id).desc())
    ).first()
    if item is None:
        return None
    item.status = DeliveryStatus.UNDONE
    session.add(item)
    return item.run_id
