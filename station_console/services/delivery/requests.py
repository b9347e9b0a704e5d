"""Who wants a parcel at their door: a request at the counter (or by phone), or their standing choice.

A parcel is waiting for a run when it has an open request, or when its recipient's delivery choice is
door delivery and it was never on a run (a parcel brought back undelivered waits for the recipient,
who was told, until they ask again). A door delivery needs an address: the parcel's directory entry.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from db import fast
from db.models import DeliveryItem, DeliveryStatus, EventKind, Parcel, ParcelStatus, Recipient
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core import audit
from station_console.services.core.paper_numbers import return_batch_number
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.delivery import recalled
from station_console.services.delivery.stops import Stop, stops_for
from station_console.services.shelves.search import find_parcel, require_on_shelf

OPEN = (DeliveryStatus.REQUESTED, DeliveryStatus.PLANNED, DeliveryStatus.OUT)
SOURCES = ("counter", "phone")  # some of the directory's channels (recipients/fields.py), labelled there


def open_item(session: Session, parcel_id: int) -> DeliveryItem | None:
    return session.exec(
        select(DeliveryItem).where(DeliveryItem.parcel_id == parcel_id, col(DeliveryItem.status).in_(OPEN))
    ).first()


def held(session: Session, parcel: Parcel) -> Parcel:
    """The parcel, its row held to the commit and read again (PostgreSQL): a request or a cancellation
    and a run's plan (`waiting_held`) take their turns at its open delivery item, never both on one read."""
    session.refresh(parcel, with_for_update={"key_share": True})
    return parcel


def check_deliverable(session: Session, parcel: Parcel) -> Recipient:
    """The parcel's directory entry, with an address; refuses what cannot go to a door."""
    require_on_shelf(parcel)
    if parcel.return_batch_id is not None:
        raise Refused(
            N_("{waybill} is in return batch {batch}: it goes back to the courier."),
            code="in_return_batch",
            waybill=parcel.waybill,
            batch=return_batch_number(parcel.return_batch_id),
        )
    entry = session.get(Recipient, parcel.recipient_id) if parcel.recipient_id else None
    if entry is None or not (entry.building or entry.room):
        raise Refused(
            N_("{waybill} has no address: match it to a recipient with a building or room first."),
            code="no_address",
            waybill=parcel.waybill,
        )
    return entry


def request(station: Station, ref: str, *, source: str = "counter") -> Stop:
    """The recipient asked (at the counter, or by phone) for this parcel at their door."""
    require(station, "door_delivery")
    if source not in SOURCES:
        raise Refused(N_("A request comes from the counter or by phone."), code="bad_source")

    def work(session: Session) -> Stop:
        parcel = held(session, find_parcel(session, ref, on_shelf=True))
        check_deliverable(session, parcel)
        recalled.check_request(station, parcel)
        existing = open_item(session, parcel.id or 0)
        if existing is not None:
            raise Refused(
                N_("{waybill} is already on its way to the door ({status})."),
                code="already_requested",
                waybill=parcel.waybill,
                status=existing.status,
            )
        now = station.now()
        item = DeliveryItem(
            parcel_id=parcel.id or 0,
            source=source,
            requested_at=now,
            requested_by=station.clerk_id,
        )
        fast.insert(session, item)
        audit.record(
            session,
            station,
            EventKind.DOOR_REQUESTED,
            parcel_id=parcel.id,
            at=now,
            details={"waybill": parcel.waybill, "code": parcel.pickup_code, "source": source},
        )
        return stops_for(session, [parcel], {parcel.id or 0: item})[0]

    return station.run(work)


def cancel(station: Station, ref: str) -> Stop:
    """Withdraw a request not yet out with a runner (the recipient came for it, or changed their mind)."""
    require(station, "door_delivery")

    def work(session: Session) -> Stop:
        parcel = held(session, find_parcel(session, ref, on_shelf=True))
        require_on_shelf(parcel)
        item = open_item(session, parcel.id or 0)
        if item is None or item.status == DeliveryStatus.OUT:
            raise Refused(
                N_("{waybill} has no door delivery to cancel."),
                code="nothing_to_cancel",
                waybill=parcel.waybill,
            )
        item.status, item.done_at, item.done_by = DeliveryStatus.CANCELLED, station.now(), station.clerk_id
        session.add(item)
        audit.record(
            session,
            station,
            EventKind.DOOR_REQUESTED,
            parcel_id=parcel.id,
            details={"waybill": parcel.waybill, "code": parcel.pickup_code, "cancelled": True},
        )
        return stops_for(session, [parcel], {parcel.id or 0: item})[0]

    return station.run(work)


def waiting_in(session: Session, *, building: str | None = None) -> list[tuple[Parcel, DeliveryItem | None]]:
    """Parcels waiting for a run: open requests, and the never-tried parcels of people who chose the door."""
    requested = session.exec(
        select(Parcel, DeliveryItem)
        .join(DeliveryItem, col(DeliveryItem.parcel_id) == Parcel.id)
        .where(DeliveryItem.status == DeliveryStatus.REQUESTED, Parcel.status == ParcelStatus.ON_SHELF)
    ).all()
    tried = select(DeliveryItem.parcel_id)
    wanted = session.exec(
        select(Parcel)
        .join(Recipient, col(Recipient.id) == Parcel.recipient_id)
        .where(
            Parcel.status == ParcelStatus.ON_SHELF,
            Recipient.delivery_preference == "door",
            col(Recipient.active),
            col(Parcel.return_batch_id).is_(None),
            col(Parcel.id).not_in(tried),
            (col(Recipient.building).is_not(None)) | (col(Recipient.room).is_not(None)),
        )
    ).all()
    found: list[tuple[Parcel, DeliveryItem | None]] = [(p, i) for p, i in requested]
    found += [(p, None) for p in wanted]
    if building is not None:
        ids = {p.recipient_id for p, _i in found if p.recipient_id}
        in_building = {
            r.id
            for r in session.exec(select(Recipient).where(col(Recipient.id).in_(ids))).all()
            if (r.building or "").lower() == building.strip().lower()
        }
        found = [(p, i) for p, i in found if p.recipient_id in in_building]
    return found


def waiting_held(
    session: Session, *, building: str | None = None
) -> list[tuple[Parcel, DeliveryItem | None]]:
    """`waiting_in`, each parcel's row held to the commit and read again once held (PostgreSQL): a plan
    at another counter that took them first has committed, so they are found on its run, not on both."""
    held: set[int] = set()
    while True:
        found = waiting_in(session, building=building)
        new = sorted({p.id or 0 for p, _i in found} - held)
        if not new:
            return found
        # In id order, so two plans over overlapping parcels wait for each other and never deadlock.
        session.exec(
            select(Parcel.id)
            .where(col(Parcel.id).in_(new))
            .order_by(col(Parcel.id))
            .with_for_update(key_share=True)
        ).all()
        held.update(new)


def waiting(station: Station, *, building: str | None = None) -> list[Stop]:
    """What the next run would take, in walking order."""
    require(station, "view")
    with station.read() as session:
        found = waiting_in(session, building=building)
        return stops_for(session, [p for p, _i in found], {p.id or 0: i for p, i in found if i is not None})
