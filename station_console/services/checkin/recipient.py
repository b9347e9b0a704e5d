"""The directory entry a check-in is for, read inside the check-in's transaction.

The directory itself (import, edit, matching, consent) is `services/recipients`, which sits above
check-in; check-in reads only the row it needs: the person the clerk chose, or the one person whose
directory phone is the full number typed. Core statements: this is on the check-in path.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select as columns
from sqlmodel import Session, col

from db.models import Recipient, RecipientPhone
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.services.checkin.phones import Phone


@dataclass(frozen=True)
class Addressee:
    id: int
    name: str
    phones: tuple[Phone, ...]  # the directory's phones that still have their full number, first first
    email: str | None
    consent: str | None
    preference: str | None

    @property
    def consent_missing(self) -> bool:
        return consent_missing(self.consent)

    def phone_for(self, typed: Phone | None) -> Phone | None:
        """The phone a parcel for this person gets: what was typed, unless it is only a tail (or a
        masked form) of one of their directory phones, which then gives the full number."""
        if typed is None:
            return self.phones[0] if self.phones else None
        if typed.full is None:
            return next((p for p in self.phones if p.tail == typed.tail), typed)
        return typed


def consent_missing(consent: str | None) -> bool:
    """Parcels may be held at the station only with the recipient's consent (2024 express rules):
    check-in warns, never refuses, when it is not on record."""
    return consent != "granted"


_ENTRY = columns(
    col(Recipient.id),
    col(Recipient.name),
    col(Recipient.email),
    col(Recipient.consent),
    col(Recipient.delivery_preference),
    col(Recipient.active),
)
_PHONES = (
    columns(col(RecipientPhone.phone_tail), col(RecipientPhone.masked_phone), col(RecipientPhone.phone_full))
    .where(col(RecipientPhone.phone_full).is_not(None))
    .order_by(col(RecipientPhone.position))
)


def by_id(session: Session, recipient_id: int) -> Addressee:
    conn = session.connection()
    row = conn.execute(_ENTRY.where(col(Recipient.id) == recipient_id)).first()
    if row is None:
        raise NotFound(N_("No recipient {ref} in the directory"), code="no_recipient", ref=str(recipient_id))
    rid, name, email, consent, preference, active = row
    assert rid is not None  # the primary key
    if not active:
        raise Refused(N_("This recipient is deactivated"), code="recipient_inactive")
    phones = conn.execute(_PHONES.where(col(RecipientPhone.recipient_id) == rid)).all()
    return Addressee(
        id=rid,
        name=name,
        phones=tuple(Phone(tail=tail, masked=masked, full=full) for tail, masked, full in phones),
        email=email,
        consent=consent,
        preference=preference,
    )


def by_phone(session: Session, full: str) -> Addressee | None:
    """The one active person whose directory has this full number; None when nobody, or several, has."""
    ids = (
        session.connection()
        .execute(
            columns(col(RecipientPhone.recipient_id))
            .join(Recipient, col(Recipient.id) == RecipientPhone.recipient_id)
            .where(col(RecipientPhone.phone_full) == full, col(Recipient.active))
            .limit(2)
        )
        .scalars()
        .all()
    )
    return by_id(session, ids[0]) if len(set(ids)) == 1 else None
