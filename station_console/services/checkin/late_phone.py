"""A phone given to a parcel already checked in (typed after the scan, from quick mode's list, or a
correction): the one way a phone joins a parcel after its check-in. It tells the customer once the
parcel has a number, and prints the label held for that phone; the label held for a parcel whose phone
never came is let go when the clerk changes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from db.models import Carrier, EventKind, Notification, Parcel, ParcelStatus
from station_console.errors import NotFound
from station_console.i18n import N_
from station_console.services.checkin import recipient
from station_console.services.checkin.phones import parse_phone
from station_console.services.checkin.transaction import shelf_and_layer
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.notify import outbox
from station_console.services.printing import jobs


@dataclass(frozen=True)
class PhoneSet:
    """A phone given to a checked-in parcel, and what the directory says of the person it is for (as
    a check-in's result says it)."""

    masked: str
    consent_missing: bool = False  # that person has not consented to holding parcels at the station
    wants_door: bool = False  # that person's delivery choice is door delivery
    consent: str | None = None  # what they said (recipient.CONSENT_STATES); None: nobody in the directory


def set_phone(station: Station, parcel_id: int, phone: str) -> str:
    """`set_phone_for`, the masked form alone."""
    return set_phone_for(station, parcel_id, phone).masked


def set_phone_for(station: Station, parcel_id: int, phone: str) -> PhoneSet:
    """Give a checked-in parcel its recipient's phone (typed after the scan, in quick mode's list, or
    a correction). The arrival message is queued when the parcel now has a
    number and its customer was not told yet, and a label held for the phone prints now.

    As at check-in, the directory fills in: a tail of the linked person's phone gets its full number,
    and a full number that is one person's directory phone links that person."""
    require(station, "checkin")
    parsed = parse_phone(phone)

    def work(session: Session) -> PhoneSet:
        parcel = session.get(Parcel, parcel_id)
        if parcel is None or parcel.status != ParcelStatus.ON_SHELF:
            raise NotFound(N_("That parcel is not on the shelf."), code="not_on_shelf")
        addressee = (
            recipient.by_id(session, parcel.recipient_id)
            if parcel.recipient_id is not None
            else recipient.by_phone(session, parsed.full)
            if parsed.full
            else None
        )
        given = (addressee.phone_for(parsed) if addressee else None) or parsed
        number_changed = parcel.phone_full != given.full
        parcel.phone_tail, parcel.masked_phone, parcel.phone_full = given.tail, given.masked, given.full
        if addressee is not None and parcel.recipient_id is None:
            parcel.recipient_id = addressee.id
            parcel.recipient_name = parcel.recipient_name or addressee.name
            parcel.email = parcel.email or addressee.email
        session.add(parcel)
        session.flush()
        note = tell_after_phone(session, station, parcel, number_changed=number_changed)
        audit.record(
            session,
            station,
            EventKind.PHONE_SET,
            parcel_id=parcel.id,
            details={
                "masked_phone": given.masked,
                "notification": note.id if note else None,
                **({"recipient": addressee.id} if addressee else {}),
            },
        )
        if addressee is None:
            return PhoneSet(given.masked)
        return PhoneSet(
            given.masked, addressee.consent_missing, addressee.preference == "door", addressee.consent_state
        )

    return station.run(work)


def let_held_label_go(station: Station) -> int:
    """The clerk at the counter changed: the label this counter holds for its last scan's phone prints
    now, without it, as the next scan would print it (the next clerk does not know that parcel; its
    phone is added later, F9's list, which tells the customer). How many labels were let go."""
    require(station, "checkin")
    return station.run_plain(lambda session: jobs.release_held(session, station))


def tell_after_phone(
    session: Session, station: Station, parcel: Parcel, *, number_changed: bool
) -> Notification | None:
    """A parcel on the shelf was just given its phone (typed, or from the directory): queue its arrival
    message unless one is on its way or already reached that number, and print a label held for it."""
    carrier = session.get(Carrier, parcel.carrier_id)
    shelf, layer = shelf_and_layer(session, parcel)
    note = outbox.queue_after_phone(
        session,
        station,
        parcel,
        number_changed=number_changed,
        carrier=carrier.short_name if carrier else "",
        shelf=shelf,
        layer=layer,
    )
    if parcel.id is not None:
        jobs.release_held(session, station, parcel_id=parcel.id)
    return note
