"""A parcel on the shelf linked to a directory entry: the clerk's pick ("who is this?", Ctrl+N after the
scan) and a directory change that makes a waiting parcel's phone someone's (phone_links.py) alike.

Apart from matching.py, which reads the directory's views, so that the directory's own writes can link
parcels without an import cycle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session, col, select

from db.models import EventKind, Parcel, ParcelStatus, Recipient, RecipientPhone
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.checkin.late_phone import tell_after_phone
from station_console.services.checkin.recipient import consent_missing, consent_state
from station_console.services.core import audit
from station_console.services.core.station import Station


@dataclass(frozen=True)
class Linked:
    parcel_id: int
    recipient_id: int
    pickup_code: str
    masked_phone: str | None
    phone_added: bool  # the parcel had no full number; now the directory's (with its tail, if it had one)
    consent_missing: bool
    consent: str = "not_asked"  # what the person said (checkin.recipient.CONSENT_STATES)
    wants_door: bool = False  # the person's delivery choice is door delivery
    already: bool = False  # it was theirs already: nothing changed, nothing recorded
    name: str = ""  # the person's name, shown as text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def gone_from_shelf(parcel: Parcel) -> Refused:
    """A parcel that left the shelf (picked up, returned...) since the clerk last saw it: named, so the
    clerk knows which one, by its code and the end of its waybill."""
    return Refused(
        N_("{pickup_code} (waybill …{tail}) is no longer on the shelf."),
        code="not_on_shelf",
        pickup_code=parcel.pickup_code or "-",
        tail=parcel.waybill[-6:],
    )


def link_in(session: Session, station: Station, parcel: Parcel, row: Recipient) -> Linked:
    """Link a parcel on the shelf to a directory entry in the caller's transaction."""
    if parcel.status != ParcelStatus.ON_SHELF:
        raise gone_from_shelf(parcel)
    if not row.active:
        raise Refused(N_("This recipient is deactivated."), code="recipient_inactive")
    if parcel.recipient_id == row.id and not _more_from(session, parcel, row):
        # Linked to them twice (a second command, a stale list): a second event would count a match
        # that never happened.
        return _linked(parcel, row, phone_added=False, already=True)
    phone_added = False
    # No number to send to: the directory's.
    if (first := _directory_phone(session, parcel, row)) is not None:
        parcel.phone_tail, parcel.masked_phone = first.phone_tail, first.masked_phone
        parcel.phone_full = first.phone_full
        phone_added = True
    before = (
        session.get(Recipient, parcel.recipient_id) if parcel.recipient_id not in (None, row.id) else None
    )
    if before is not None and parcel.recipient_name == before.name:
        # Moved from another person whose link gave it their name: pickup would ask for the wrong one.
        parcel.recipient_name = row.name
    parcel.recipient_id = row.id
    parcel.recipient_name = parcel.recipient_name or row.name
    if not parcel.email and row.email:
        parcel.email = row.email
    session.add(parcel)
    details: dict[str, Any] = {"recipient": row.id, "code": parcel.pickup_code}
    if phone_added:
        details["masked_phone"] = parcel.masked_phone
        session.flush()
        tell_after_phone(session, station, parcel, number_changed=True)  # a number now: tell them
    audit.record(session, station, EventKind.RECIPIENT_LINKED, parcel_id=parcel.id, details=details)
    return _linked(parcel, row, phone_added=phone_added)


def _directory_phone(session: Session, parcel: Parcel, row: Recipient) -> RecipientPhone | None:
    """The number a parcel without a full one takes from the directory: the person's first, the first
    with the parcel's tail if it has one."""
    if parcel.phone_full:
        return None
    query = select(RecipientPhone).where(
        RecipientPhone.recipient_id == row.id, col(RecipientPhone.phone_full).is_not(None)
    )
    if parcel.phone_tail:
        query = query.where(RecipientPhone.phone_tail == parcel.phone_tail)
    return session.exec(query.order_by(col(RecipientPhone.position))).first()


def _more_from(session: Session, parcel: Parcel, row: Recipient) -> bool:
    """Whether a link to the person the parcel already has would still bring it something."""
    return (
        not parcel.recipient_name
        or (not parcel.email and bool(row.email))
        or _directory_phone(session, parcel, row) is not None
    )


def _linked(parcel: Parcel, row: Recipient, *, phone_added: bool, already: bool = False) -> Linked:
    return Linked(
        parcel_id=parcel.id or 0,
        recipient_id=row.id or 0,
        pickup_code=parcel.pickup_code or "",
        masked_phone=parcel.masked_phone,
        phone_added=phone_added,
        consent_missing=consent_missing(row.consent),
        consent=consent_state(row.consent, recorded=row.consent_at is not None),
        wants_door=row.delivery_preference == "door",
        already=already,
        name=row.name,
    )
