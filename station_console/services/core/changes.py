"""Announce a committed change to the other consoles (the live view's sending side, see admin/live.py).

On PostgreSQL a NOTIFY inside the writing transaction would serialise every writer: the server holds
one database-wide lock from a notifying transaction's commit until its WAL is flushed, so counters
could only commit one after another, each waiting for the disk. So the changes are collected in the
transaction and sent once it has committed, in a small transaction of their own that has nothing to
make durable (its commit does not wait for the disk). A rolled-back transaction announces nothing.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import bindparam, event, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

CHANNEL = "station_changes"

log = logging.getLogger(__name__)
# Nothing to make durable, so its commit need not wait for the disk (nor hold the lock meanwhile).
_NOTIFY = select(
    func.set_config("synchronous_commit", "off", True),
    func.pg_notify(bindparam("channel"), bindparam("payload")),
)
_PENDING = "core.changes.pending"  # in session.info: payloads waiting for the commit


def announce(session: Session, *, kind: str, counter: str, parcel_id: int | None, event_id: int) -> None:
    """Announce an event to other consoles once the caller's transaction commits (PostgreSQL only)."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite consoles poll the event table instead
    payload = json.dumps({"kind": kind, "counter": counter, "parcel_id": parcel_id, "event_id": event_id})
    session.info.setdefault(_PENDING, []).append(payload)


@event.listens_for(OrmSession, "after_commit")
def _send(session: OrmSession) -> None:
    pending: list[str] | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    try:
        with session.get_bind().engine.connect() as conn:
            for payload in pending:
                conn.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})
            conn.commit()
    except DBAPIError as exc:  # the change is committed; a console that misses it sees it on its next reload
        log.warning("could not announce %d change(s): %s", len(pending), exc)


@event.listens_for(OrmSession, "after_rollback")
def _drop(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)
