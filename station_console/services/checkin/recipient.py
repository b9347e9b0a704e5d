"""The directory entry a check-in is for, read inside the check-in's transaction.

The directory itself (import, edit, matching, consent) is `services/recipients`, which sits above
check-in; check-in reads only the row it needs: the person the clerk chose, or the one person whose
directory phone is the full number typed. Core statements: this is on the check-in path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import bindparam
from sqlalchemy import select as columns
from sqlmodel import col

from db.fast import Hot, Tx
from db.models import Recipient, RecipientPhone
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, _
from station_console.services.checkin.phones import Phone


@dataclass(frozen=True)
class Addressee:
    id: int
    name: str
    phones: tuple[Phone, ...]  # the directory's phones that still have their full number, first first
    email: str | None
    consent: str | None
    consent_recorded: bool  # an answer was recorded at some time (with no consent now: withdrawn)
    preference: str | None

    @property
    def consent_missing(self) -> bool:
        return consent_missing(self.consent)

    @property
    def consent_state(self) -> str:
        return consent_state(self.consent, recorded=self.consent_recorded)

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


# A person's consent as the clerk is told it: consented, said no, took a yes back, or never asked. A
# withdrawal stores no answer, as "not asked" does; its time (consent_at) tells them apart.
CONSENT_STATES = ("granted", "refused", "withdrawn", "not_asked")

# What the clerk checking a parcel in is told of a person who has not consented, and what when their
# choice is door delivery (the parcel goes on the next run: only the fact). Refused and withdrawn say
# what to do with the parcel, not to ask again. (The directory's tag for each: recipients/consent.py.)
_TOLD: dict[str, tuple[str, str]] = {
    "not_asked": (
        N_("No consent on record to hold parcels at the station: ask the recipient."),
        N_("No consent on record to hold parcels at the station: ask the recipient."),
    ),
    "refused": (
        N_("The recipient refused to have parcels held at the station: request door delivery or return it."),
        N_("The recipient refused to have parcels held at the station."),
    ),
    "withdrawn": (
        N_(
            "The recipient withdrew consent to hold parcels at the station: request door delivery or return it."
        ),
        N_("The recipient withdrew consent to hold parcels at the station."),
    ),
}


def consent_state(consent: str | None, *, recorded: bool) -> str:
    """One of CONSENT_STATES, from the entry's consent and whether an answer was ever recorded."""
    if consent in ("granted", "refused"):
        return consent
    return "withdrawn" if recorded else "not_asked"


def consent_note(state: str | None, *, wants_door: bool = False) -> str:
    """What the clerk checking a parcel in is told of its person's consent ("" when nothing to say:
    consented, or nobody in the directory)."""
    told = _TOLD.get(state or "granted")
    if told is None:
        return ""
    return _(told[1] if wants_door else told[0])


class RecipientFacts(Protocol):
    @property
    def consent(self) -> str | None: ...

    @property
    def wants_door(self) -> bool: ...


def recipient_notes(facts: RecipientFacts) -> list[str]:
    """What the clerk is told of a directory person a parcel turned out to be for (by the phone typed,
    a pre-alert's or the person chosen): consent not asked, refused or withdrawn, door delivery chosen."""
    notes = []
    if said := consent_note(facts.consent, wants_door=facts.wants_door):
        notes.append(said)
    if facts.wants_door:
        notes.append(_("The recipient chose door delivery: it goes on the next run."))
    return notes


# On the driver's cursor (db/fast.py): a full phone typed at check-in looks its person up.
_ENTRY = Hot(
    columns(
        col(Recipient.id),
        col(Recipient.name),
        col(Recipient.email),
        col(Recipient.consent),
        col(Recipient.consent_at),
        col(Recipient.delivery_preference),
        col(Recipient.active),
    ).where(col(Recipient.id) == bindparam("id"))
)
_PHONES = Hot(
    columns(col(RecipientPhone.phone_tail), col(RecipientPhone.masked_phone), col(RecipientPhone.phone_full))
    .where(col(RecipientPhone.recipient_id) == bindparam("id"), col(RecipientPhone.phone_full).is_not(None))
    .order_by(col(RecipientPhone.position))
)
_BY_PHONE = Hot(
    columns(col(RecipientPhone.recipient_id))
    .join(Recipient, col(Recipient.id) == RecipientPhone.recipient_id)
    .where(col(RecipientPhone.phone_full) == bindparam("full"), col(Recipient.active))
    .limit(2)
)


def by_id(session: Tx, recipient_id: int) -> Addressee:
    row = _ENTRY.first(session, id=recipient_id)
    if row is None:
        raise NotFound(N_("No recipient {ref} in the directory."), code="no_recipient", ref=str(recipient_id))
    rid, name, email, consent, consent_at, preference, active = row
    assert rid is not None  # the primary key
    if not active:
        raise Refused(N_("This recipient is deactivated."), code="recipient_inactive")
    phones = _PHONES.rows(session, id=rid)
    return Addressee(
        id=rid,
        name=name,
        phones=tuple(Phone(tail=tail, masked=masked, full=full) for tail, masked, full in phones),
        email=email,
        consent=consent,
        consent_recorded=consent_at is not None,
        preference=preference,
    )


def by_phone(session: Tx, full: str) -> Addressee | None:
    """The one active person whose directory has this full number; None when nobody, or several, has."""
    ids = [row[0] for row in _BY_PHONE.rows(session, full=full)]
    return by_id(session, ids[0]) if len(set(ids)) == 1 else None
