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

from sqlalchemy import Engine, bindparam, event, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session as OrmSession

from db.fast import Plain, Tx

CHANNEL = "station_changes"

log = logging.getLogger(__name__)
# Nothing to make durable, so its commit need not wait for the disk (nor hold the lock meanwhile).
_NOTIFY = select(
    func.set_config("synchronous_commit", "off", True),
    func.pg_notify(bindparam("channel"), bindparam("payload")),
)
_PENDING = "core.changes.pending"  # in session.info: payloads waiting for the commit


def announce(session: Tx, *, kind: str, counter: str, parcel_id: int | None, event_id: int) -> None:
    """Announce an event to other consoles once the caller's transaction commits (PostgreSQL only)."""
    engine = session.get_bind()
    if engine.dialect.name != "postgresql":
        return  # SQLite consoles poll the event table instead
    payload = json.dumps({"kind": kind, "counter": counter, "parcel_id": parcel_id, "event_id": event_id})
    pending: list[str] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        if isinstance(session, Plain):  # a Session sends them from its after_commit event (below)
            session.after_commit.append(lambda: _notify(session.engine, pending))
    pending.append(payload)


@event.listens_for(OrmSession, "after_commit")
def _send(session: OrmSession) -> None:
    pending: list[str] | None = session.info.pop(_PENDING, None)
    if pending:
        _notify(session.get_bind().engine, pending)


def _notify(engine: Engine, pending: list[str]) -> None:
    try:
        with engine.connect() as conn:
            for payload in pending:
                conn.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})
            conn.commit()
    except DBAPIError as exc:  # the change is committed; a console that misses it sees it on its next reload
        log.warning("could not announce %d change(s): %s", len(pending), exc)


@event.listens_for(OrmSession, "after_rollback")
def _drop(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)
