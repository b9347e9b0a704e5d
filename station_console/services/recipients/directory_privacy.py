"""What the directory holds about a person, for privacy: the keep period's purge of people deactivated
long ago, and a person's own export and deletion (people/privacy.py runs the purge and the deletion,
people/person_export.py the export, each in its transaction).

Full phones, e-mail, names, matching keys and the notes on their consent history go; the masked phones,
the address and what they chose, and when, stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.models import Recipient, RecipientConsent, RecipientPhone
from station_console.services.core.station import Station
from station_console.services.recipients.directory import NEXT_VERSION, full_phones, views


def purge_in(session: Session, station: Station, now: datetime) -> int:
    """Purge people deactivated `phone_purge_days` ago or more: full phones, e-mail, names and matching
    keys go; the masked phones and the address stay. The caller owns the transaction (and its event)."""
    cutoff = now - timedelta(days=station.settings().phone_purge_days)
    due = select(Recipient.id).where(
        col(Recipient.active).is_(False),
        col(Recipient.purged_at).is_(None),
        col(Recipient.deactivated_at) <= cutoff,
    )
    ids = [i for i in session.exec(due).all() if i is not None]
    if ids:
        blank(session, ids, now)
    return len(ids)


def blank(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Remove the personal data of these entries (purge, or a person's deletion on request). A consent
    note is free text a clerk typed about the person, so it goes too; what they chose and when stays."""
    session.execute(
        update(Recipient)
        .where(col(Recipient.id).in_(list(ids)))
        .values(name="", preferred_name=None, email=None, search_name="", purged_at=now, version=NEXT_VERSION)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(RecipientPhone)
        .where(col(RecipientPhone.recipient_id).in_(list(ids)))
        .values(phone_full=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(RecipientConsent)
        .where(col(RecipientConsent.recipient_id).in_(list(ids)), col(RecipientConsent.note).is_not(None))
        .values(note=None)
        .execution_options(synchronize_session=False)
    )


def with_phone(session: Session, full: str) -> list[Recipient]:
    """Every entry (active or not) holding this full number, for a person's export or deletion."""
    ids = select(RecipientPhone.recipient_id).where(RecipientPhone.phone_full == full)
    return list(session.exec(select(Recipient).where(col(Recipient.id).in_(ids))).all())


def entry_json(session: Session, row: Recipient) -> dict[str, Any]:
    """Everything held about one entry, full numbers included: for the person's own export only."""
    data = views(session, [row])[0].to_json()
    data["phones"] = full_phones(session, row.id or 0)
    data["email"] = row.email
    data["consent_at"] = row.consent_at.isoformat() if row.consent_at else None
    data["consent_history"] = [
        {
            "at": c.at.isoformat(),
            "channel": c.channel,
            "consent": c.consent,
            "delivery_preference": c.delivery_preference,
            "reminders_opt_out": c.reminders_opt_out,
            "proxy_allowed": c.proxy_allowed,
            "note": c.note,
        }
        for c in session.exec(
            select(RecipientConsent)
            .where(RecipientConsent.recipient_id == row.id)
            .order_by(col(RecipientConsent.id))
        ).all()
    ]
    return data
