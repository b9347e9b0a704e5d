"""Announce a committed change to the other consoles (the live view's sending side, see admin/live.py)."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlmodel import Session

from db.models import ParcelEvent

CHANNEL = "station_changes"


def announce(session: Session, event: ParcelEvent) -> None:
    """Announce `event` to other consoles when the caller's transaction commits (PostgreSQL only)."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite consoles poll the event table instead
    payload = json.dumps(
        {"kind": event.kind, "counter": event.counter, "parcel_id": event.parcel_id, "event_id": event.id}
    )
    session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})
