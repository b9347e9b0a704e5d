"""Reading the audit trail: verify the hash chain, a parcel's timeline, a clerk's activity.

`verify` walks every event in id order, recomputing each hash from the stored fields and the stored
`prev_hash`, and checks that each `prev_hash` is the hash of the event before it in its chain (each
counter writes its own; the events from before chains were per counter form one). An edited row fails
its own hash; a deleted or reordered row breaks the link of the event after it; a deleted last row no
longer matches its chain's head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from db.models import AuditHead, Clerk, EventKind, Parcel, ParcelEvent
from station_console.errors import NotFound
from station_console.i18n import N_, _
from station_console.services.core.audit import event_hash
from station_console.services.core.station import Station
from station_console.services.people.clerks import get_clerk
from station_console.services.scan.waybill import normalise

_BATCH = 2000  # events read per round trip; a busy station has millions

REASONS = {
    "edited": N_("event {id} was changed after it was written"),
    "broken_link": N_("event {id} does not follow the event before it: an event was deleted or reordered"),
    "head_mismatch": N_("the newest event ({id}) is missing or was replaced"),
}


# How each kind of event reads on a screen (translated when shown).
KIND_LABELS: dict[str, str] = {
    EventKind.CHECKED_IN: N_("checked in"),
    EventKind.CHECKIN_UNDONE: N_("check-in undone"),
    EventKind.PICKED_UP: N_("picked up"),
    EventKind.PICKUP_UNDONE: N_("pickup undone"),
    EventKind.RETURNED: N_("returned to courier"),
    EventKind.WRITTEN_OFF: N_("written off"),
    EventKind.MOVED: N_("moved"),
    EventKind.PROBLEM_MARKED: N_("problem marked"),
    EventKind.PROBLEM_RESOLVED: N_("problem resolved"),
    EventKind.PHONE_SET: N_("phone set"),
    EventKind.PHONE_PURGED: N_("phones purged"),
    EventKind.LABEL_REPRINTED: N_("label reprinted"),
    EventKind.NOTIFIED: N_("notified"),
    EventKind.LOOKUP_LOCKED: N_("lookups locked"),
    EventKind.STOCKTAKE_CLOSED: N_("stocktake closed"),
    EventKind.DAY_CLOSED: N_("day closed"),
    EventKind.SETTINGS_CHANGED: N_("settings changed"),
    EventKind.SHELF_CHANGED: N_("shelf changed"),
    EventKind.CARRIER_CHANGED: N_("carrier changed"),
    EventKind.CLERK_CHANGED: N_("clerk changed"),
    EventKind.SIGNED_IN: N_("signed in"),
    EventKind.SIGNED_OUT: N_("signed out"),
    EventKind.DATA_EXPORTED: N_("data exported"),
    EventKind.PERSON_DELETED: N_("person's data deleted"),
}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None  # a key of REASONS

    def message(self) -> str:
        if self.ok:
            return _("ok {n} events", n=self.checked)
        return _("Audit trail broken: {what}", what=_(REASONS[self.reason or "edited"], id=self.first_bad_id))

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "first_bad_id": self.first_bad_id,
            "reason": self.reason,
        }


def verify(station: Station) -> VerifyResult:
    """Check every chain; names the first bad event."""
    checked = 0
    # Per chain (a counter's name; "" for the events before chains were per counter): the newest
    # event's hash and id so far.
    prev: dict[str, str] = {}
    last: dict[str, int] = {}
    with station.read() as session:
        after = 0
        while True:
            batch = session.exec(
                select(ParcelEvent)
                .where(col(ParcelEvent.id) > after)
                .order_by(col(ParcelEvent.id))
                .limit(_BATCH)
            ).all()
            if not batch:
                break
            for event in batch:
                assert event.id is not None
                chain = event.chain or ""
                if event.prev_hash != prev.get(chain, ""):
                    return VerifyResult(False, checked, event.id, "broken_link")
                if event_hash(event, event.prev_hash) != event.hash:
                    return VerifyResult(False, checked, event.id, "edited")
                checked += 1
                prev[chain], last[chain] = event.hash, event.id
                after = event.id
            session.expunge_all()
        heads = {head.chain: head for head in session.exec(select(AuditHead)).all()}
    for chain in sorted(set(heads) | set(prev)):
        head = heads.get(chain)
        head_hash = head.last_hash if head else ""
        head_id = head.last_event_id if head else None
        if head_hash != prev.get(chain, "") or head_id != last.get(chain):
            return VerifyResult(
                False, checked, head_id if head_id is not None else last.get(chain), "head_mismatch"
            )
    return VerifyResult(True, checked)


@dataclass(frozen=True)
class Entry:
    """One audit event as a person reads it."""

    id: int
    at: datetime
    kind: str
    clerk: str | None
    counter: str
    parcel_id: int | None
    waybill: str | None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "kind": self.kind,
            "clerk": self.clerk,
            "counter": self.counter,
            "parcel_id": self.parcel_id,
            "waybill": self.waybill,
            "details": self.details,
        }


def _entries(station: Station, query: Any) -> list[Entry]:
    with station.read() as session:
        rows = session.exec(
            query.outerjoin(Clerk, col(Clerk.id) == ParcelEvent.clerk_id).outerjoin(
                Parcel, col(Parcel.id) == ParcelEvent.parcel_id
            )
        ).all()
        return [
            Entry(
                id=ev.id or 0,
                at=ev.at,
                kind=ev.kind,
                clerk=name,
                counter=ev.counter,
                parcel_id=ev.parcel_id,
                waybill=waybill,
                details=dict(ev.details or {}),
            )
            for ev, name, waybill in rows
        ]


def parcel_timeline(station: Station, waybill: str) -> list[Entry]:
    """Every event of every parcel with this waybill (a re-delivered waybill has several), oldest first."""
    key = normalise(waybill).waybill or waybill.strip()
    with station.read() as session:
        ids = session.exec(select(Parcel.id).where(Parcel.waybill == key)).all()
    if not ids:
        raise NotFound(N_("No parcel with waybill {waybill}"), code="no_parcel", waybill=key)
    query = (
        select(ParcelEvent, Clerk.name, Parcel.waybill)
        .where(col(ParcelEvent.parcel_id).in_(ids))
        .order_by(col(ParcelEvent.id))
    )
    return _entries(station, query)


@dataclass(frozen=True)
class Activity:
    clerk: str
    day: date | None
    counts: dict[str, int]
    entries: list[Entry]

    def to_json(self) -> dict[str, Any]:
        return {
            "clerk": self.clerk,
            "day": self.day.isoformat() if self.day else None,
            "counts": self.counts,
            "entries": [e.to_json() for e in self.entries],
        }


def clerk_activity(station: Station, name: str, *, day: date | None = None, limit: int = 500) -> Activity:
    """What one clerk did (on one business day, or lately): counts by kind and the newest events."""
    clerk = get_clerk(station, name)
    query = select(ParcelEvent, Clerk.name, Parcel.waybill).where(ParcelEvent.clerk_id == clerk.id)
    if day is not None:
        # The (clerk_id, at) index serves this range; business_day follows from `at`.
        zone = station.zone()
        start = datetime.combine(day, time.min, zone)
        query = query.where(col(ParcelEvent.at) >= start, col(ParcelEvent.at) < start + timedelta(days=1))
    entries = _entries(station, query.order_by(col(ParcelEvent.id).desc()).limit(limit))
    count_query = select(ParcelEvent.kind, func.count()).where(ParcelEvent.clerk_id == clerk.id)
    if day is not None:
        count_query = count_query.where(
            col(ParcelEvent.at) >= start, col(ParcelEvent.at) < start + timedelta(days=1)
        )
    with station.read() as session:
        counts = {kind: int(n) for kind, n in session.exec(count_query.group_by(ParcelEvent.kind)).all()}
    return Activity(clerk=clerk.name, day=day, counts=dict(sorted(counts.items())), entries=entries)


def describe(entry: Entry) -> str:
    """A one-line summary of an event's details for screens (masked data only is ever in details)."""
    parts = []
    # The waybill last: screens show it in its own column, and the details column cuts off the end.
    for key in (
        "code",
        "masked_phone",
        "carrier",
        "shelf",
        "layer",
        "clerk",
        "change",
        "reason",
        "count",
        "changed",
        "day",
        "waybill",
    ):
        value = entry.details.get(key)
        if value not in (None, "", [], {}):
            parts.append(f"{key}={value}")
    return " ".join(parts)[:160]
