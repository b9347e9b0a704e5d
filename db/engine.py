"""Engines and transactions.

SQLite (the default) runs in WAL mode with `synchronous=FULL`, so a check-in the screen acknowledged
survives a power cut; write transactions start with `BEGIN IMMEDIATE`, so two consoles on one file
queue for the write lock instead of failing half-way. PostgreSQL is used as it comes; services take
row locks (`SELECT ... FOR UPDATE`) where they allocate.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from platformdirs import user_data_dir
from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

T = TypeVar("T")

APP_NAME = "station-console"
BUSY_TIMEOUT_MS = 5000


def default_database_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "station.sqlite3"


def resolve_url(url: str | None = None) -> str:
    """`url`, else $STATION_DB, else the default SQLite file (its folder is created)."""
    url = url or os.environ.get("STATION_DB")
    if url:
        return url
    path = default_database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_station_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo=echo)
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    memory = url in ("sqlite://", "sqlite:///:memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}}
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, echo=echo, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN is ours (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _writer(engine: Engine) -> Engine:
    return engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: commits on a clean exit, rolls back on any exception."""
    with Session(_writer(engine), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


# Unique indexes two counters can race for (PostgreSQL): the loser retries the whole unit, whose own
# checks then see the winner's row and refuse properly (duplicate waybill) or pick the next code.
# So can two counters starting their audit chains at once (core/audit.py).
RETRY_ON_UNIQUE = frozenset(
    {
        "uq_parcel_code_on_shelf",
        "uq_parcel_waybill_on_shelf",
        "uq_send_waybill_live",
        "uq_audit_head_chain",
        "audit_head_pkey",
    }
)


def is_retryable(exc: BaseException) -> bool:
    """A lock or serialisation conflict that a fresh attempt of the whole transaction may pass.

    A StaleDataError is a row whose version another transaction changed since this one read it: the
    fresh attempt reads the winner's row, and its own checks then refuse properly or it goes ahead.
    """
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return True
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if sqlstate == "23505":  # unique violation
            diag = getattr(exc.orig, "diag", None)
            return getattr(diag, "constraint_name", None) in RETRY_ON_UNIQUE
        return sqlstate in ("40001", "40P01", "55P03")  # serialization, deadlock, lock not available
    return False


def run_in_transaction(engine: Engine, work: Callable[[Session], T], *, attempts: int = 5) -> T:
    """Run `work` in one write transaction, again from the start on a lock conflict."""
    for attempt in range(1, attempts + 1):
        try:
            with write_session(engine) as session:
                return work(session)
        except (DBAPIError, StaleDataError) as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            time.sleep(0.01 * 2**attempt)
    raise AssertionError("unreachable")
