"""Announce a committed change to the other consoles (the live view's sending side, see admin/live.py)."""

from __future__ import annotations

import json

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from db.fast import Hot

CHANNEL = "station_changes"


_NOTIFY = Hot(select(func.pg_notify(bindparam("channel"), bindparam("payload"))))


def announce(session: Session, *, kind: str, counter: str, parcel_id: int | None, event_id: int) -> None:
    """Announce an event to other consoles when the caller's transaction commits (PostgreSQL only)."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite consoles poll the event table instead
    payload = json.dumps({"kind": kind, "counter": counter, "parcel_id": parcel_id, "event_id": event_id})
    _NOTIFY.first(session, channel=CHANNEL, payload=payload)
