"""Parcels already on the shelf that a directory change makes someone's: linked by their full phone.

At check-in a full phone that is exactly one active person's links that person (checkin/recipient.py).
A parcel checked in before its person was in the directory (or before the phone was theirs, or before
they were brought back) would otherwise stay matched to nobody: no address for a door run, no consent
or choices applied to its messages. So adding, importing, editing a person's phones or reactivating
them links, in the same transaction, the parcels on the shelf with no recipient whose full phone is
theirs and no other active person's, as that check-in would have; a phone two people share is no
guess here either. Consent is not asked for a link (check-in only warns), and what the person said
about holding, door delivery and reminders then applies to those parcels as to any of theirs.

A change that makes a phone two people's leaves the parcels already matched to the first by it as they
are (matched by a phone, a typed name or a clerk's pick alike: the write cannot tell which, and a door
request may already count on it), but names them to the clerk with the way to move one
(`matched_to_another`): imported together the two would have left them unmatched, so the clerk decides.
A change that takes a shared phone from one of two (deactivating them, or editing or importing it off
their entry) makes it the other's alone: the parcels it left unmatched are linked to them in that write
(`link_left_to_one`), as check-in would now.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime

from sqlalchemy import select as columns
from sqlmodel import Session, col

from db.models import Parcel, ParcelStatus, Recipient, RecipientPhone
from station_console.i18n import _, _n, listed, sentences
from station_console.services.core.station import Station
from station_console.services.recipients.linking import link_in

_CHUNK = 500  # ids or phones per IN list


def link_waiting_parcels(session: Session, station: Station, recipient_ids: Collection[int]) -> int:
    """Link the parcels on the shelf with no recipient whose full phone is one of these people's and
    nobody else's (among active people); returns how many were linked."""
    if not recipient_ids:
        return 0
    wanted = set(recipient_ids)
    return _link_sole_owners(session, station, lambda full, owner: owner in wanted)


def link_left_to_one(session: Session, station: Station, phones: Collection[str]) -> int:
    """Link the parcels on the shelf with no recipient whose full phone is one of these, which a change
    took from someone (deactivated, or edited off their entry), to the one active person who still has
    it: a phone two people shared left those parcels unmatched, and with one of them gone it is the
    other's alone, as check-in would now find it. Returns how many were linked."""
    if not phones:
        return 0
    taken = set(phones)
    return _link_sole_owners(session, station, lambda full, owner: full in taken)


def _link_sole_owners(session: Session, station: Station, wanted: Callable[[str, int], bool]) -> int:
    """Link each waiting parcel with no recipient to the one active person holding its full phone, for
    the phones and owners `wanted` accepts; a phone two active people hold is no guess."""
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
    linked = 0
    for full, ids in owners.items():
        if len(ids) != 1:
            continue  # shared by two people
        (owner,) = ids
        if not wanted(full, owner):
            continue  # not a phone or a person the change touched
        person = session.get(Recipient, owner)
        assert person is not None
        for parcel_id in waiting[full]:
            parcel = session.get(Parcel, parcel_id, with_for_update=True)
            if parcel is None or parcel.recipient_id is not None or parcel.status != ParcelStatus.ON_SHELF:
                continue  # linked or gone meanwhile
            link_in(session, station, parcel, person)
            linked += 1
    return linked


_CODES_NAMED = 5  # codes a message names before "and N more"


def matched_to_another(session: Session, recipient_ids: Collection[int]) -> tuple[str, ...]:
    """Pickup codes of the parcels on the shelf matched to another active person by a full phone that
    person shares with one of these (active) people: a phone the change made two people's."""
    ids = set(recipient_ids)
    wanted = sorted(ids)
    other = RecipientPhone.__table__.alias("other_phone")  # type: ignore[attr-defined]
    other_person = Recipient.__table__.alias("other_person")  # type: ignore[attr-defined]
    found: dict[int, tuple[datetime, str]] = {}
    for start in range(0, len(wanted), _CHUNK):
        these = wanted[start : start + _CHUNK]
        theirs = (
            columns(col(RecipientPhone.phone_full))
            .join(Recipient, col(Recipient.id) == RecipientPhone.recipient_id)
            .where(
                col(RecipientPhone.recipient_id).in_(these),
                col(RecipientPhone.phone_full).is_not(None),
                col(Recipient.active),
            )
        )
        for parcel_id, owner, at, code in session.execute(
            columns(
                col(Parcel.id), col(Parcel.recipient_id), col(Parcel.checked_in_at), col(Parcel.pickup_code)
            )
            .join(
                other,
                (other.c.recipient_id == Parcel.recipient_id) & (other.c.phone_full == Parcel.phone_full),
            )
            .join(other_person, (other_person.c.id == other.c.recipient_id) & other_person.c.active)
            .where(
                col(Parcel.status) == ParcelStatus.ON_SHELF,
                col(Parcel.phone_full).in_(theirs),
            )
        ).all():
            if owner not in ids:  # matched to one of the changed people: theirs already
                found[parcel_id] = (at, code or "-")
    codes = [code for _, (_, code) in sorted(found.items(), key=lambda item: (item[1][0], item[0]))]
    return tuple(codes)


def shared_words(codes: Collection[str]) -> str:
    """What the clerk is told of the parcels matched to someone else by a phone now shared ("" for none):
    which they are, and how to move one that is this person's."""
    if not codes:
        return ""
    named = list(codes)[:_CODES_NAMED]
    more = len(codes) - len(named)
    shown = listed(named)
    if more:
        shown = _n("{codes} and {n} more", "{codes} and {n} more", more, codes=shown, n=more)
    return _n(
        "{codes} on the shelves has a phone they now share with someone else and is matched to that person; "
        "if it is theirs, link it to them: station recipients link CODE THEIR-ID.",
        "{codes} on the shelves have a phone they now share with someone else and are matched to that "
        "person; if one is theirs, link it to them: station recipients link CODE THEIR-ID.",
        len(codes),
        codes=shown,
    )


def linked_words(n: int, shared: Collection[str] = (), left_to_other: int = 0) -> str:
    """What the clerk who made the change is told of the parcels it linked, of those it left matched
    to another person by a phone it made shared, and of those it linked to the one other person left
    with a phone it took from someone ("" for none of these)."""
    linked = (
        _n(
            "{n} parcel on the shelves with their phone is now matched to them.",
            "{n} parcels on the shelves with their phone are now matched to them.",
            n,
            n=n,
        )
        if n
        else ""
    )
    other = (
        _n(
            "{n} parcel on the shelves with a phone they shared is now matched to the one other person who "
            "has that phone.",
            "{n} parcels on the shelves with a phone they shared are now matched to the one other person who "
            "has that phone.",
            left_to_other,
            n=left_to_other,
        )
        if left_to_other
        else ""
    )
    return sentences(linked, shared_words(shared), other)


def with_linked(said: str, n: int, shared: Collection[str] = (), left_to_other: int = 0) -> str:
    """A change's one line ("Saved: 王五", an import's counts), then the parcels it linked, those
    matched to another person by a phone now shared, and those now the one other holder's, if any."""
    if not n and not shared and not left_to_other:
        return said
    return _("{said}. {linked}", said=said, linked=linked_words(n, shared, left_to_other))
