"""The audit trail: append-only events, each chained to the one before by SHA-256."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col

from db import fast
from db.models import AuditHead, ParcelEvent
from station_console.services.core.changes import announce
from station_console.services.core.closed_day import guard_event  # a closed day takes no new events

if TYPE_CHECKING:
    from station_console.services.core.station import Station


def event_hash(event: ParcelEvent, prev_hash: str) -> str:
    body = {
        "parcel_id": event.parcel_id,
        "kind": event.kind,
        "at": event.at.isoformat(timespec="microseconds"),
        "business_day": event.business_day.isoformat(),
        "clerk_id": event.clerk_id,
        "counter": event.counter,
        "details": event.details,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    session: Session,
    station: Station,
    kind: str,
    *,
    parcel_id: int | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ParcelEvent:
    """Append one event in the caller's transaction.

    The head row is locked (FOR UPDATE on PostgreSQL; SQLite's write lock already serialises), so
    concurrent counters extend one chain, never fork it.
    """
    at = at or station.now()
    business_day = guard_event(session, station, str(kind), parcel_id, at)
    # Core statements: this runs inside every state change, and the ORM unit of work cost more than
    # the writes. The head row is read FOR UPDATE, then moved to the new event.
    conn = session.connection()
    prev_hash = conn.execute(
        sa_select(col(AuditHead.last_hash)).where(col(AuditHead.id) == 1).with_for_update()
    ).scalar_one_or_none()
    event = ParcelEvent(
        parcel_id=parcel_id,
        kind=str(kind),
        at=at,
        business_day=business_day,
        clerk_id=station.clerk_id,
        counter=station.counter,
        details=details or {},
        prev_hash=prev_hash or "",
    )
    event.hash = event_hash(event, event.prev_hash)
    fast.insert(session, event)
    if prev_hash is None:
        conn.execute(sa_insert(AuditHead).values(id=1, last_event_id=event.id, last_hash=event.hash))
    else:
        conn.execute(
            update(AuditHead)
            .where(col(AuditHead.id) == 1)
            .values(last_event_id=event.id, last_hash=event.hash)
        )
    announce(session, event)  # other consoles hear of it at commit
    return event
