"""The audit trail: append-only events, each chained by SHA-256 to the one before it in its counter's chain."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db import fast
from db.fast import Hot, Tx
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
    return hashlib.sha256(_CANONICAL.encode(body).encode()).hexdigest()


# What `json.dumps` with these arguments would build for every call (an encoder: a third of the hash's
# cost inside every check-in), made once: the same text.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


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
_MOVE_KNOWN_HEAD = Hot(
    update(AuditHead)
    .where(col(AuditHead.chain) == bindparam("chain"), col(AuditHead.last_hash) == bindparam("prev"))
    .values(last_event_id=bindparam("event_id"), last_hash=bindparam("hash"))
)
# An event written on a head that had moved, taken back inside its own transaction (never seen).
_WITHDRAW = Hot(delete(ParcelEvent).where(col(ParcelEvent.id) == bindparam("id")))
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
    session: Tx,
    station: Station,
    kind: str,
    *,
    parcel_id: int | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
    day_of: tuple[date, bool] | None = None,
) -> int:
    """Append one event to this counter's chain in the caller's transaction; returns its id.

    Usually the chain's head is known from this process's last event: the event is written on it and
    the head moved only if it is still there (one conditional UPDATE, which also locks it). Otherwise
    (another process of this counter wrote since, or this process's last transaction rolled back) the
    event is withdrawn and written again on the head read under its lock, so a chain never forks and
    its event ids follow it. Other counters write their own chains meanwhile: none waits for another.
    `day_of`: `station.day_of(at)` already read in this transaction (see `guard_event`).
    """
    at = at or station.now()
    business_day = guard_event(session, station, str(kind), parcel_id, at, day_of)
    chain = station.counter
    values: dict[str, Any] = {
        "parcel_id": parcel_id,
        "kind": str(kind),
        "at": at,
        "business_day": business_day,
        "clerk_id": station.clerk_id,
        "counter": station.counter,
        "details": details or {},
    }
    heads = _known_heads(station)
    known = heads.get(chain)
    event_id = None
    if known is not None:
        event_id, new_hash = _write(session, values, chain, known)
        if _MOVE_KNOWN_HEAD.count(session, chain=chain, prev=known, event_id=event_id, hash=new_hash) != 1:
            _WITHDRAW.count(session, id=event_id)
            event_id = None
    if event_id is None:
        prev_hash = _HEAD.scalar(session, chain=chain)
        event_id, new_hash = _write(session, values, chain, prev_hash or "")
        head = _NEW_HEAD if prev_hash is None else _MOVE_HEAD
        head.count(session, chain=chain, event_id=event_id, hash=new_hash)
    heads[chain] = new_hash
    announce(session, kind=values["kind"], counter=station.counter, parcel_id=parcel_id, event_id=event_id)
    return event_id


def _write(session: Tx, values: dict[str, Any], chain: str, prev_hash: str) -> tuple[int, str]:
    """INSERT the event on `prev_hash`; its id and hash."""
    new_hash = _hash(**values, prev_hash=prev_hash)
    row = {**values, "prev_hash": prev_hash, "hash": new_hash, "chain": chain}
    return fast.insert_row(session, ParcelEvent, row), new_hash


def _known_heads(station: Station) -> dict[str, str]:
    """This process's last hash per chain it wrote: a hint, checked by `_MOVE_KNOWN_HEAD`."""
    heads: dict[str, str] | None = getattr(station, "_audit_heads", None)
    if heads is None:
        heads = {}
        station._audit_heads = heads  # type: ignore[attr-defined]
    return heads


def chain_heads(session: Session) -> dict[str, dict[str, Any]]:
    """Every chain's newest event id, its hash and how many events the chain holds, as of this
    transaction; keyed by chain ("" for the events from before chains were per counter)."""
    counts = {
        chain or "": int(n)
        for chain, n in session.connection().execute(
            sa_select(col(ParcelEvent.chain), func.count()).group_by(col(ParcelEvent.chain))
        )
    }
    heads = session.connection().execute(
        sa_select(col(AuditHead.chain), col(AuditHead.last_event_id), col(AuditHead.last_hash))
    )
    return {
        chain: {"id": last_id, "hash": last_hash, "count": counts.get(chain, 0)}
        for chain, last_id, last_hash in heads
        if last_id is not None or counts.get(chain)
    }
