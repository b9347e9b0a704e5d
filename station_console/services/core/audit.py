"""The audit trail: append-only events, each chained by SHA-256 to the one before it in its counter's chain."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, update
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db import fast
from db.fast import Hot
from db.models import AuditHead, ParcelEvent
from station_console.services.core.changes import announce
from station_console.services.core.closed_day import guard_event  # a closed day takes no new events

if TYPE_CHECKING:
    from station_console.services.core.station import Station


def event_hash(event: ParcelEvent, prev_hash: str) -> str:
    return _hash(
        parcel_id=event.parcel_id,
        kind=event.kind,
        at=event.at,
        business_day=event.business_day,
        clerk_id=event.clerk_id,
        counter=event.counter,
        details=event.details,
        prev_hash=prev_hash,
    )


def _hash(
    *,
    parcel_id: int | None,
    kind: str,
    at: datetime,
    business_day: date,
    clerk_id: int | None,
    counter: str,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    body = {
        "parcel_id": parcel_id,
        "kind": kind,
        "at": at.isoformat(timespec="microseconds"),
        "business_day": business_day.isoformat(),
        "clerk_id": clerk_id,
        "counter": counter,
        "details": details,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# This counter's chain head read and locked (FOR UPDATE on PostgreSQL; SQLite's write lock already
# serialises), and moved to the new event; a counter's first event starts its chain. Hot statements:
# this runs inside every state change.
_HEAD = Hot(
    sa_select(col(AuditHead.last_hash)).where(col(AuditHead.chain) == bindparam("chain")).with_for_update()
)
_MOVE_HEAD = Hot(
    update(AuditHead)
    .where(col(AuditHead.chain) == bindparam("chain"))
    .values(last_event_id=bindparam("event_id"), last_hash=bindparam("hash"))
)
_NEW_HEAD = Hot(
    sa_insert(AuditHead).values(
        # Explicit: the model's id default (1) is the first chain's. Two counters starting their chains
        # at the same moment may both take the next id; the loser is retried (db/engine.py).
        id=sa_select(func.coalesce(func.max(AuditHead.id), 0) + 1).scalar_subquery(),
        chain=bindparam("chain"),
        last_event_id=bindparam("event_id"),
        last_hash=bindparam("hash"),
    )
)


def record(
    session: Session,
    station: Station,
    kind: str,
    *,
    parcel_id: int | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Append one event to this counter's chain in the caller's transaction; returns its id.

    The chain's head row is locked before the event is written, so two processes of one counter extend
    its chain, never fork it, and a chain's event ids follow it. Other counters write their own chains
    meanwhile: none waits for another's commit.
    """
    at = at or station.now()
    guard_event(session, station, str(kind), parcel_id, at)
    chain = station.counter
    prev_hash = _HEAD.scalar(session, chain=chain)
    values: dict[str, Any] = {
        "parcel_id": parcel_id,
        "kind": str(kind),
        "at": at,
        "business_day": station.business_day(at),
        "clerk_id": station.clerk_id,
        "counter": station.counter,
        "details": details or {},
        "prev_hash": prev_hash or "",
    }
    values["hash"] = _hash(**values)
    event_id = fast.insert_row(session, ParcelEvent, {**values, "chain": chain})
    head = _NEW_HEAD if prev_hash is None else _MOVE_HEAD
    head.count(session, chain=chain, event_id=event_id, hash=values["hash"])
    announce(session, kind=values["kind"], counter=station.counter, parcel_id=parcel_id, event_id=event_id)
    return event_id
