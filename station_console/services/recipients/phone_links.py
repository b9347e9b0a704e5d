"""Parcels already on the shelf that a directory change makes someone's: linked by their full phone.

At check-in a full phone that is exactly one active person's links that person (checkin/recipient.py).
A parcel checked in before its person was in the directory (or before the phone was theirs, or before
they were brought back) would otherwise stay matched to nobody: no address for a door run, no consent
or choices applied to its messages. So adding, importing, editing a person's phones or reactivating
them links, in the same transaction, the parcels on the shelf with no recipient whose full phone is
theirs and no other active person's, as that check-in would have; a phone two people share is no
guess here either. Consent is not asked for a link (check-in only warns), and what the person said
about holding, door delivery and reminders then applies to those parcels as to any of theirs.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select as columns
from sqlmodel import Session, col

from db.models import Parcel, ParcelStatus, Recipient, RecipientPhone
from station_console.i18n import _, _n
from station_console.services.core.station import Station
from station_console.services.recipients.linking import link_in

_CHUNK = 500  # ids or phones per IN list


def link_waiting_parcels(session: Session, station: Station, recipient_ids: Collection[int]) -> int:
    """Link the parcels on the shelf with no recipient whose full phone is one of these people's and
    nobody else's (among active people); returns how many were linked."""
    if not recipient_ids:
        return 0
    waiting: dict[str, list[int]] = {}
    for parcel_id, full in session.execute(
        columns(col(Parcel.id), col(Parcel.phone_full)).where(
            col(Parcel.status) == ParcelStatus.ON_SHELF,
            col(Parcel.recipient_id).is_(None),
            col(Parcel.phone_full).is_not(None),
        )
    ).all():
        waiting.setdefault(full, []).append(parcel_id)
    if not waiting:
        return 0
    owners: dict[str, set[int]] = {}
    phones = list(waiting)
    for start in range(0, len(phones), _CHUNK):
        for rid, full in session.execute(
            columns(col(RecipientPhone.recipient_id), col(RecipientPhone.phone_full))
            .join(Recipient, col(Recipient.id) == RecipientPhone.recipient_id)
            .where(col(RecipientPhone.phone_full).in_(phones[start : start + _CHUNK]), col(Recipient.active))
        ).all():
            owners.setdefault(full, set()).add(rid)
    wanted = set(recipient_ids)
    linked = 0
    for full, ids in owners.items():
        if len(ids) != 1 or not ids <= wanted:
            continue  # shared by two people, or not one of the people changed
        (owner,) = ids
        person = session.get(Recipient, owner)
        assert person is not None
        for parcel_id in waiting[full]:
            parcel = session.get(Parcel, parcel_id, with_for_update=True)
            if parcel is None or parcel.recipient_id is not None or parcel.status != ParcelStatus.ON_SHELF:
                continue  # linked or gone meanwhile
            link_in(session, station, parcel, person)
            linked += 1
    return linked


def linked_words(n: int) -> str:
    """What the clerk who made the change is told of the parcels it linked ("" for none)."""
    if not n:
        return ""
    return _n(
        "{n} parcel on the shelves with their phone is now matched to them.",
        "{n} parcels on the shelves with their phone are now matched to them.",
        n,
        n=n,
    )


def with_linked(said: str, n: int) -> str:
    """A change's one line ("Saved: 王五", an import's counts), then the parcels it linked, if any."""
    if not n:
        return said
    return _("{said}. {linked}", said=said, linked=linked_words(n))
