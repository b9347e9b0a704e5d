"""Consent and delivery choice (2024 express rules): what the recipient said, when, how, to which clerk.

Since 2024 a station needs the recipient's consent before it holds a parcel instead of delivering it.
`record` stores each answer in the history (`recipient_consent`) and as the entry's current state, with
an audit event; check-in warns (never blocks) when the consent is missing, and the customer's messages
carry the choice and how to change it. `coverage` and `parcels_by_preference` are the report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from db import fast
from db.models import Clerk, EventKind, Parcel, ParcelStatus, Recipient, RecipientConsent
from station_console.errors import Refused
from station_console.i18n import N_, _, label_of, listed
from station_console.services.checkin.recipient import consent_missing, consent_state
from station_console.services.core import audit
from station_console.services.core.free_text import NOTE
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.notify.templates import PREFERENCE_LABELS
from station_console.services.recipients import fields as entry_fields
from station_console.services.recipients.directory import RecipientView, find_row, touch, views

UNCHANGED: Any = object()
# A history row's consent when the answer took an earlier one back: the entry's consent is None then, as
# "not asked" is, and a row's None means the answer did not touch consent (a proxy change alone).
WITHDRAWN = "withdrawn"

# The tag a list of people shows beside one who has not consented (check-in's fuller sentences:
# checkin/recipient.py, which sits below the directory).
CONSENT_TAGS = {
    "not_asked": N_("no consent"),
    "refused": N_("refused consent"),
    "withdrawn": N_("consent withdrawn"),
}


def consent_tag(state: str) -> str:
    """The list's tag for a consent state (CONSENT_STATES), translated ("" for a person who consented)."""
    return _(CONSENT_TAGS[state]) if state in CONSENT_TAGS else ""


@dataclass(frozen=True)
class Choice:
    """What the recipient said this time; a field left UNCHANGED was not part of it."""

    consent: Any = UNCHANGED  # "granted" | "refused" | None (withdrawn)
    delivery_preference: Any = UNCHANGED  # a DeliveryPreference or None
    reminders_opt_out: Any = UNCHANGED
    proxy_allowed: Any = UNCHANGED

    def given(self) -> dict[str, Any]:
        # Not asdict(): it copies the values, and a copy of UNCHANGED is not UNCHANGED.
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not UNCHANGED}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    channel: str
    clerk: str | None
    consent: str | None
    delivery_preference: str | None
    reminders_opt_out: bool | None
    proxy_allowed: bool | None
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def said(self) -> str:
        """What the person said, each code as its catalogue labels it ("Consent=consented,
        Choice=door delivery"): as the detail pane and `station recipients show` list it."""
        consent = (
            _("answer withdrawn")
            if self.consent == WITHDRAWN
            else self.consent and _(entry_fields.CONSENT_LABELS.get(self.consent, self.consent))
        )
        told = (
            (N_("Consent"), consent),
            (
                N_("Choice"),
                self.delivery_preference and label_of(PREFERENCE_LABELS, self.delivery_preference),
            ),
            (
                N_("Reminders"),
                None
                if self.reminders_opt_out is None
                else _(N_("off") if self.reminders_opt_out else N_("on")),
            ),
            (
                N_("Proxies allowed"),
                None if self.proxy_allowed is None else _(N_("yes") if self.proxy_allowed else N_("no")),
            ),
        )
        said = listed(f"{_(name)}={value}" for name, value in told if value)
        # A row written before withdrawals were recorded as WITHDRAWN says nothing else: it is one.
        return said or f"{_('Consent')}={_('answer withdrawn')}"

    def told(self) -> str:
        """Who wrote it down, what was said and the note after it ("boss: Consent=consented (on the
        phone)"), in Chinese with the Chinese colon and brackets, as the catalogue has them."""
        line = _("{clerk}: {said}", clerk=self.clerk or "-", said=self.said())
        return line + (_(" ({note})", note=self.note) if self.note else "")


def check(choice: Choice) -> dict[str, Any]:
    given = choice.given()
    if not given:
        raise Refused(N_("Nothing to record: give a consent or a choice."), code="nothing_given")
    if given.get("consent") not in (UNCHANGED, None, "granted", "refused"):
        raise Refused(N_("Consent is granted or refused."), code="bad_consent")
    pref = given.get("delivery_preference")
    if pref is not None and pref not in entry_fields.PREFERENCES:
        entry_fields.preference(pref)  # raises with the reason
    return given


@dataclass(frozen=True)
class Answer:
    """One answer as `record` stores it: what was said, how, and the clerk's note as stored."""

    choice: Choice
    channel: str
    note: str | None = None


def answer_of(choice: Choice, channel: str, note: str | None = None) -> Answer:
    """The answer checked as `record` checks it (the screen's form checks with it too): refuses nothing
    said, an unknown consent, choice or channel, a note too long."""
    check(choice)
    return Answer(choice, entry_fields.channel(channel), NOTE.read(note) or None)


def choice_fields(told: dict[str, Any], channel: str, now: datetime, clerk: int | None) -> dict[str, Any]:
    """The entry's consent stamp when the answer includes the consent itself."""
    if "consent" not in told:
        return {}
    return {"consent_at": now, "consent_channel": channel, "consent_by": clerk}


def history_row(
    recipient_id: int,
    told: dict[str, Any],
    channel: str,
    now: datetime,
    clerk: int | None,
    note: str | None = None,
) -> dict[str, Any]:
    """One `recipient_consent` row: what was said this time (None: not part of it; a consent taken
    back: WITHDRAWN)."""
    withdrawn = "consent" in told and told["consent"] is None
    return {
        "recipient_id": recipient_id,
        "at": now,
        "channel": channel,
        "clerk_id": clerk,
        "note": note,
        **{k: told.get(k) for k in ("delivery_preference", "reminders_opt_out", "proxy_allowed")},
        "consent": WITHDRAWN if withdrawn else told.get("consent"),
    }


def _first_withdrawal(row: Recipient, key: str, value: Any) -> bool:
    """A withdrawal from someone never asked is news: it makes them "withdrawn", not "not asked",
    though their consent stays None."""
    return key == "consent" and value is None and row.consent_at is None


def record_in(
    session: Session,
    station: Station,
    row: Recipient,
    given: dict[str, Any],
    *,
    channel: str,
    note: str | None = None,
) -> bool:
    """Store one answer for `row` in the caller's transaction; False when it changed nothing."""
    told = {k: v for k, v in given.items() if getattr(row, k) != v or _first_withdrawal(row, k, v)}
    if not told:
        return False
    now = station.now()
    for key, value in {**told, **choice_fields(told, channel, now, station.clerk_id)}.items():
        setattr(row, key, value)
    touch(row, now)
    session.add(row)
    fast.insert(
        session, RecipientConsent(**history_row(row.id or 0, told, channel, now, station.clerk_id, note))
    )
    audit.record(
        session,
        station,
        EventKind.CONSENT_RECORDED,
        at=now,
        details={"recipient": row.id, "channel": channel, **told},
    )
    return True


@dataclass(frozen=True)
class Recorded:
    """An answer as `record_answer` took it: the person after it, and whether it changed anything."""

    view: RecipientView
    changed: bool  # False: the person had said so already; nothing was written

    def unchanged_words(self, choice: Choice) -> str:
        """What the clerk is told when `choice` changed nothing: a withdrawal by its name, as the
        house says no-change (never the person's line alone, which reads as a change)."""
        if choice.given().get("consent", UNCHANGED) is None:
            return _("Nothing changed: the consent was already withdrawn.")
        return _("Nothing changed: that answer was recorded already.")


def record(
    station: Station, ref: str | int, choice: Choice, *, channel: str, note: str | None = None
) -> RecipientView:
    """Record what the recipient told the station (any signed-in clerk, who is named in the record)."""
    return record_answer(station, ref, choice, channel=channel, note=note).view


def record_answer(
    station: Station, ref: str | int, choice: Choice, *, channel: str, note: str | None = None
) -> Recorded:
    """`record`, telling whether the answer changed anything (a withdrawal repeated: nothing)."""
    require(station, "consent")
    answer = answer_of(choice, channel, note)
    given, channel, note = answer.choice.given(), answer.channel, answer.note

    def work(session: Session) -> Recorded:
        row = find_row(session, ref)
        if not row.active:
            raise Refused(N_("This recipient is deactivated."), code="recipient_inactive")
        changed = record_in(session, station, row, given, channel=channel, note=note)
        return Recorded(views(session, [row])[0], changed)

    return station.run(work)


def history(station: Station, ref: str | int) -> list[HistoryEntry]:
    """Every recorded answer of one person, oldest first."""
    require(station, "view")
    with station.read() as session:
        row = find_row(session, ref)
        rows = session.exec(
            select(RecipientConsent, Clerk.name)
            .outerjoin(Clerk, col(Clerk.id) == RecipientConsent.clerk_id)
            .where(RecipientConsent.recipient_id == row.id)
            .order_by(col(RecipientConsent.id))
        ).all()
    return [
        HistoryEntry(
            at=c.at,
            channel=c.channel,
            clerk=name,
            consent=c.consent,
            delivery_preference=c.delivery_preference,
            reminders_opt_out=c.reminders_opt_out,
            proxy_allowed=c.proxy_allowed,
            note=c.note,
        )
        for c, name in rows
    ]


def coverage(station: Station) -> dict[str, Any]:
    """Active people by consent and by delivery choice; reminders opted out."""
    require(station, "view")
    with station.read() as session:
        return coverage_in(session)


def coverage_in(session: Session) -> dict[str, Any]:
    # A withdrawal stores no answer, as never asked does: its time tells them apart, as the list says.
    recorded = col(Recipient.consent_at).is_not(None)
    by_consent: dict[str, int] = {}
    for answer, was_recorded, n in session.exec(
        select(Recipient.consent, recorded, func.count())
        .where(col(Recipient.active))
        .group_by(col(Recipient.consent), recorded)
    ).all():
        state = consent_state(answer, recorded=bool(was_recorded))
        key = "unknown" if state == "not_asked" else state
        by_consent[key] = by_consent.get(key, 0) + int(n)
    by_pref = {
        str(k or "unknown"): int(n)
        for k, n in session.exec(
            select(Recipient.delivery_preference, func.count())
            .where(col(Recipient.active))
            .group_by(Recipient.delivery_preference)
        ).all()
    }
    opted_out = session.exec(
        select(func.count())
        .select_from(Recipient)
        .where(col(Recipient.active), col(Recipient.reminders_opt_out))
    ).one()
    active = sum(by_consent.values())
    granted = by_consent.get("granted", 0)
    return {
        "active": active,
        "consent": {k: by_consent.get(k, 0) for k in ("granted", "refused", "withdrawn", "unknown")},
        "coverage_percent": round(100 * granted / active, 1) if active else None,
        "by_preference": {k: by_pref.get(k, 0) for k in (*entry_fields.PREFERENCES, "unknown")},
        "reminders_opt_out": int(opted_out),
    }


def parcels_by_preference(station: Station) -> dict[str, int]:
    """Parcels on the shelves now, by their recipient's delivery choice (`none`: not in the directory),
    and how many of them are held without the recipient's consent."""
    require(station, "view")
    with station.read() as session:
        return parcels_by_preference_in(session)


def parcels_by_preference_in(session: Session) -> dict[str, int]:
    linked = session.exec(
        select(Recipient.delivery_preference, Recipient.consent, func.count())
        .select_from(Parcel)
        .join(Recipient, col(Recipient.id) == Parcel.recipient_id)
        .where(Parcel.status == ParcelStatus.ON_SHELF)
        .group_by(col(Recipient.delivery_preference), col(Recipient.consent))
    ).all()
    unlinked = session.exec(
        select(func.count())
        .select_from(Parcel)
        .where(Parcel.status == ParcelStatus.ON_SHELF, col(Parcel.recipient_id).is_(None))
    ).one()
    out = dict.fromkeys((*entry_fields.PREFERENCES, "unknown"), 0)
    out["none"], out["without_consent"] = int(unlinked), 0
    for pref, consent, n in linked:
        out[pref or "unknown"] += int(n)
        if consent_missing(consent):
            out["without_consent"] += int(n)
    return out
