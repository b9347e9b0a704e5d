"""Ping a pooled PostgreSQL connection before reuse only when it has sat idle.

A link dropped by the network, or a server restarted, shows up after a quiet spell: a connection
back in use within `IDLE_BEFORE_PING_S` of its last transaction is taken as it is. SQLAlchemy's
`pool_pre_ping` pinged before every transaction, a round trip per check-in (two at a busy counter,
with the transaction's own) that also kept the server's backends waking for nothing. A connection
found dead is replaced, and the pool's older connections with it (a restart closed them all), before
the transaction starts, so the work never sees it.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import InvalidatePoolError

IDLE_BEFORE_PING_S = 10.0


def ping_after_idle(engine: Engine) -> None:
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_from = record.info.get("idle_from")
        if idle_from is None or time.monotonic() - idle_from < IDLE_BEFORE_PING_S:
            return  # new, or back within seconds: in use, and alive a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as err:
            if dialect.is_disconnect(err, dbapi_connection, None):
                # The pool checks out a new connection and drops the ones older than this one.
                raise InvalidatePoolError() from err
            raise
