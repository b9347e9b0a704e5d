"""The recipient directory: read it (masked, like every parcel list), add and edit people, deactivate.

People are never deleted: one who left is deactivated and keeps their parcels; after the station's
keep period (`phone_purge_days`) their full phones, e-mail, name and the notes on their consent
history are purged (`directory_privacy.py`, run by people/privacy.py with the parcels' purge). Reading needs a clerk signed in; changes are a manager's,
each an audit event that names the fields changed, never their values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from db import fast
from db.models import EventKind, Parcel, ParcelStatus, Recipient, RecipientPhone
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.phone_masking import mask_phones
from station_console.safe_text import cut
from station_console.services.checkin.phones import Phone
from station_console.services.core import audit
from station_console.services.core.roles import require, require_manager
from station_console.services.core.station import Station
from station_console.services.notify.listing import mask_email
from station_console.services.recipients import fields
from station_console.services.recipients.names import search_key
from station_console.services.recipients.phone_links import (
    link_left_to_one,
    link_waiting_parcels,
    matched_to_another,
)

# Fields `edit` changes; consent and delivery choice are recorded with their channel (consent.py).
EDITABLE = (*fields.TEXT_FIELDS, "phones", "floor", "language")


@dataclass(frozen=True)
class RecipientView:
    """A directory entry as screens, lists and JSON show it: phones and e-mail masked."""

    id: int
    external_id: str | None
    name: str
    preferred_name: str | None
    phones: tuple[str, ...]  # masked: 138****5678
    email: str | None  # masked: z***@example.com
    building: str | None
    unit: str | None
    floor: int | None
    room: str | None
    department: str | None
    language: str | None
    delivery_preference: str | None
    consent: str | None
    consent_at: datetime | None
    consent_channel: str | None
    proxy_allowed: bool
    reminders_opt_out: bool
    active: bool
    source: str
    version: int  # one up on every write to the entry (`touch`): what a form's save is based on
    # Parcels on the shelf this add, edit or reactivation made theirs by phone (phone_links.py).
    parcels_linked: int = 0
    # Pickup codes of parcels on the shelf matched to another person by a phone the change made shared.
    parcels_shared: tuple[str, ...] = ()
    # Parcels on the shelf linked to the one other person left with a phone this deactivation or edit
    # took from this one (phone_links.link_left_to_one).
    parcels_left_to_other: int = 0

    @property
    def location(self) -> str:
        """`A3-2-502`, else the department, else ``."""
        parts = [p for p in (self.building, self.unit, self.room) if p]
        return "-".join(parts) if parts else (self.department or "")

    @property
    def consent_recorded(self) -> bool:
        """An answer was recorded once: with no consent now, it was withdrawn."""
        return self.consent_at is not None

    @property
    def shown_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.name:
            return f"{self.name} ({self.preferred_name})"
        return self.name

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["phones"] = list(self.phones)
        data["location"] = self.location
        return data


def masked_phones(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    if ids:
        for rid, masked in session.exec(
            select(RecipientPhone.recipient_id, RecipientPhone.masked_phone)
            .where(col(RecipientPhone.recipient_id).in_(list(ids)))
            .order_by(col(RecipientPhone.recipient_id), col(RecipientPhone.position))
        ).all():
            found.setdefault(rid, []).append(masked)
    return {rid: tuple(v) for rid, v in found.items()}


def views(session: Session, rows: Iterable[Recipient]) -> list[RecipientView]:
    rows = list(rows)
    phones = masked_phones(session, [r.id for r in rows if r.id is not None])
    return [
        RecipientView(
            id=r.id or 0,
            external_id=r.external_id,
            name=r.name,
            preferred_name=r.preferred_name,
            phones=phones.get(r.id or 0, ()),
            email=mask_email(r.email) if r.email else None,
            building=r.building,
            unit=r.unit,
            floor=r.floor,
            room=r.room,
            department=r.department,
            language=r.language,
            delivery_preference=r.delivery_preference,
            consent=r.consent,
            consent_at=r.consent_at,
            consent_channel=r.consent_channel,
            proxy_allowed=r.proxy_allowed,
            reminders_opt_out=r.reminders_opt_out,
            active=r.active,
            source=r.source,
            version=r.version,
        )
        for r in rows
    ]


# `#12`: at most 18 digits, as a database's 64-bit id holds (a longer one overflowed the driver).
_ROW_NUMBER = re.compile(r"#([0-9]{1,18})")


def find_row(session: Session, ref: str | int) -> Recipient:
    """The entry `ref` names: its id (`#12` or 12 as a number), else its external id (text, `00123`)."""
    if isinstance(ref, int):
        row = session.get(Recipient, ref)
    else:
        text = unicodedata.normalize("NFKC", ref or "").strip()
        if not text:  # said as such: "No recipient  in the directory" would name a blank one
            raise NotFound(N_("Name a recipient: their id (00123) or #number."), code="no_ref")
        row = session.exec(select(Recipient).where(Recipient.external_id == text)).first()
        number = _ROW_NUMBER.fullmatch(text)
        if row is None and number:
            row = session.get(Recipient, int(number.group(1)))
    if row is None:
        raise NotFound(
            N_("No recipient {ref} in the directory."),
            code="no_recipient",
            ref=cut(mask_phones(str(ref)), 40),
        )
    return row


def get(station: Station, ref: str | int) -> RecipientView:
    require(station, "view")
    with station.read() as session:
        return views(session, [find_row(session, ref)])[0]


def parcels_on_shelf(station: Station, recipient_id: int) -> int:
    """How many of the person's parcels wait on the shelves: what deactivating them leaves linked."""
    require(station, "view")
    with station.read() as session:
        on_shelf = (col(Parcel.recipient_id) == recipient_id) & (col(Parcel.status) == ParcelStatus.ON_SHELF)
        return int(session.exec(select(func.count()).select_from(Parcel).where(on_shelf)).one())


def list_recipients(
    station: Station,
    *,
    building: str | None = None,
    include_inactive: bool = False,
    limit: int = 500,
    offset: int = 0,
) -> list[RecipientView]:
    """By building, unit, room and name; active people only unless asked."""
    require(station, "view")
    query = select(Recipient)
    if not include_inactive:
        query = query.where(col(Recipient.active))
    if building:
        query = query.where(Recipient.building == fields.clean(building))
    query = query.order_by(
        col(Recipient.building),
        col(Recipient.unit),
        col(Recipient.room),
        col(Recipient.name),
        col(Recipient.id),
    )
    with station.read() as session:
        return views(session, session.exec(query.offset(offset).limit(limit)).all())


# -- changes -------------------------------------------------------------------------------------------


def parse_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Typed values for `changes` (text as typed); refuses an unknown field or a bad value."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name in fields.TEXT_FIELDS:
            out[name] = fields.text_field(name, value)
        elif name == "phones":
            out[name] = fields.phones(value)
        elif name == "floor":
            out[name] = fields.floor(value)
        elif name == "language":
            out[name] = fields.language(value)
        else:
            raise Refused(
                N_("{field} cannot be changed here; editable: {fields}."),
                code="bad_field",
                field=cut(str(name), 30),
                fields=", ".join(EDITABLE),
            )
    return out


def parse_new(values: dict[str, Any]) -> dict[str, Any]:
    """A new person's typed values (`parse_changes`), a name required."""
    return parse_changes({"name": values.get("name"), **values})


def keyed(row: Recipient) -> None:
    """Recompute the matching key after the name or the address changed."""
    row.search_name = search_key(
        [row.name, row.preferred_name],
        building=row.building,
        unit=row.unit,
        room=row.room,
        external_id=row.external_id,
    )


def apply_changes(row: Recipient, values: dict[str, Any]) -> list[str]:
    """Set the (typed) values on `row`; returns the names of the fields that changed (phones apart)."""
    changed = []
    for name, value in values.items():
        if name == "phones":
            continue
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    if "room" in changed and "floor" not in values:
        row.floor = fields.floor_of_room(row.room)
    if changed:
        keyed(row)
    return changed


# A Core UPDATE's value for `version`: every statement that writes the entry sets it.
NEXT_VERSION = col(Recipient.version) + 1


def touch(row: Recipient, now: datetime) -> None:
    """An ORM write to the entry or its phones: stamped and its version one up, so a form's save
    based on the version before refuses (the phones it showed were masked, the change may be hidden).
    One up in the UPDATE itself: a writer that read the row unlocked (a consent) still counts on from
    a write committed meanwhile; read again after the flush."""
    row.updated_at = now
    row.version = NEXT_VERSION  # type: ignore[assignment]  # an SQL expression the ORM writes as such


def set_phones(session: Session, recipient_id: int, phones: Sequence[Phone]) -> None:
    session.execute(delete(RecipientPhone).where(col(RecipientPhone.recipient_id) == recipient_id))
    for n, phone in enumerate(phones):
        fast.insert(session, phone_row(recipient_id, n, phone))


def phone_row(recipient_id: int, position: int, phone: Phone) -> RecipientPhone:
    return RecipientPhone(
        recipient_id=recipient_id,
        position=position,
        phone_tail=phone.tail,
        masked_phone=phone.masked,
        phone_full=phone.full,
    )


def full_phones(session: Session, recipient_id: int) -> list[str]:
    return [
        p
        for p in session.exec(
            select(RecipientPhone.phone_full)
            .where(RecipientPhone.recipient_id == recipient_id)
            .order_by(col(RecipientPhone.position))
        ).all()
        if p
    ]


def _unique_external_id(session: Session, external_id: str | None, own_id: int | None) -> None:
    if external_id is None:
        return
    other = session.exec(select(Recipient.id).where(Recipient.external_id == external_id)).first()
    if other is not None and other != own_id:
        raise Refused(
            N_("Another recipient already has the id {external_id}."),
            code="external_id_taken",
            external_id=external_id,
        )


def add(station: Station, values: dict[str, Any]) -> RecipientView:
    """A person typed in by a manager (the import adds them in bulk)."""
    require_manager(station, "recipients")
    parsed = parse_new(values)

    def work(session: Session) -> RecipientView:
        _unique_external_id(session, parsed.get("external_id"), None)
        now = station.now()
        row = Recipient(created_at=now, updated_at=now, source="")
        apply_changes(row, parsed)
        if row.floor is None:
            row.floor = fields.floor_of_room(row.room)
        keyed(row)
        session.add(row)
        session.flush()
        assert row.id is not None
        set_phones(session, row.id, parsed.get("phones", []))
        audit.record(
            session,
            station,
            EventKind.RECIPIENT_CHANGED,
            details={"recipient": row.id, "change": "added", "fields": sorted(parsed)},
        )
        linked = link_waiting_parcels(session, station, [row.id])
        shared = matched_to_another(session, [row.id])
        return replace(views(session, [row])[0], parcels_linked=linked, parcels_shared=shared)

    return station.run(work)


def edit(
    station: Station, ref: str | int, changes: dict[str, Any], *, based_on: RecipientView | None = None
) -> RecipientView:
    """Change some fields of one person (text as typed; `phones` is every phone, first one first).

    `based_on`: the entry as the form the changes were typed in showed it; refused when it is no longer
    stored so, as the phones (replaced whole) or a field would put another manager's change back unseen."""
    require_manager(station, "recipients")
    parsed = parse_changes(changes)

    def work(session: Session) -> RecipientView:
        row = find_row(session, ref)
        assert row.id is not None
        # PostgreSQL: a save of this entry at another counter waits for the commit, then compares.
        session.refresh(row, with_for_update=True)
        if based_on is not None:
            _refuse_if_saved_meanwhile(row, based_on)
        if "external_id" in parsed:
            _unique_external_id(session, parsed["external_id"], row.id)
            _refuse_changing_an_imported_id(row, parsed["external_id"])
        changed = apply_changes(row, parsed)
        dropped: set[str] = set()  # full phones the edit takes from an active person
        if "phones" in parsed:
            before = full_phones(session, row.id)
            if row.active:
                dropped = set(before) - {p.full for p in parsed["phones"]}
            if before != [p.full for p in parsed["phones"]]:
                set_phones(session, row.id, parsed["phones"])
                changed.append("phones")
        if changed:
            touch(row, station.now())
            session.add(row)
            audit.record(
                session,
                station,
                EventKind.RECIPIENT_CHANGED,
                details={"recipient": row.id, "change": "edited", "fields": sorted(changed)},
            )
        phoned = "phones" in changed and row.active
        linked = link_waiting_parcels(session, station, [row.id]) if phoned else 0
        shared = matched_to_another(session, [row.id]) if phoned else ()
        session.flush()  # the phones as saved, for the other holder of one dropped to be found alone
        other = link_left_to_one(session, station, dropped)
        return replace(
            views(session, [row])[0],
            parcels_linked=linked,
            parcels_shared=shared,
            parcels_left_to_other=other,
        )

    return station.run(work)


def _refuse_changing_an_imported_id(row: Recipient, new_id: str | None) -> None:
    """An imported person's id is what the next import finds them by: cleared or changed here, an import
    of a file that still lists the old id adds them again as a second person of the same name. Refused,
    either way: a warning would leave the duplicate to be found later, matching imports by phone would
    merge two people who share one (a family's, a dorm's), and keeping the old id as an alias would leave
    the directory and the source's file disagreeing about who a person is. An id that changed at its
    source comes in by the import (`--full` deactivates the old entry); a typed-in person's id may change."""
    if row.source and row.external_id and (new_id or None) != row.external_id:
        raise Refused(
            N_(
                "The id {external_id} came from a directory import: the next import finds this person by "
                "it, so changing or clearing it would add them again. Change it in the source's file and "
                "import that, or deactivate them."
            ),
            code="imported_id_required",
            external_id=row.external_id,
        )


def _refuse_if_saved_meanwhile(stored: Recipient, read: RecipientView) -> None:
    """Compare and set: the entry's version is still the one the form read. Its fields would not
    do: the phones and e-mail it showed are masked, and a change to their hidden digits looks the same."""
    if stored.version != read.version:
        raise Refused(
            N_(
                "{name}: another counter or command saved a change to this person while this one was being "
                "made, so nothing was saved. Close this form and open the person again: it shows what is "
                "saved now."
            ),
            code="recipient_saved_meanwhile",
            name=read.shown_name,
        )


def set_active(station: Station, ref: str | int, active: bool) -> RecipientView:
    """Deactivate a person who left (their parcels stay theirs), or bring them back."""
    require_manager(station, "recipients")

    def work(session: Session) -> RecipientView:
        row = find_row(session, ref)
        if row.active != active:
            now = station.now()
            row.active = active
            row.deactivated_at = None if active else now
            touch(row, now)
            session.add(row)
            audit.record(
                session,
                station,
                EventKind.RECIPIENT_CHANGED,
                details={"recipient": row.id, "change": "activated" if active else "deactivated"},
            )
            if active:
                assert row.id is not None
                linked = link_waiting_parcels(session, station, [row.id])
                shared = matched_to_another(session, [row.id])
                return replace(views(session, [row])[0], parcels_linked=linked, parcels_shared=shared)
            assert row.id is not None
            session.flush()  # inactive as saved, so the phones' other holder is found alone
            other = link_left_to_one(session, station, full_phones(session, row.id))
            return replace(views(session, [row])[0], parcels_left_to_other=other)
        return views(session, [row])[0]

    return station.run(work)


def active_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Recipient).where(col(Recipient.active))).one())
