"""Alembic, driven from code: every command that opens a database brings it to head first.

Opening a current database must be cheap (the console starts on it), so the check reads the version
table with one query and finds the head from the migration file names (`NNNN_<slug>.py`, numbered in
order; tests/test_foundation.py checks that this agrees with Alembic). Alembic itself is imported only
when there is something to migrate.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from db.engine import BUSY_TIMEOUT_MS, is_lock_conflict

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"

# Counters started on a new release at once all find the old revision; the upgraders queue on one
# lock, taken in the migration's transaction before Alembic reads the revision, so the next in line
# finds the database at head and runs nothing. PostgreSQL: this transaction-level advisory lock
# (the key is "stnupgrd" in ASCII; pg_locks shows it as classid 1937010293, objid 1886811748).
# SQLite: the write lock, taken by the transaction's BEGIN IMMEDIATE. Seeding a new database after
# the upgrade holds the same lock (`holding_upgrade_lock`).
UPGRADE_LOCK_KEY = 0x73746E7570677264
# How long an upgrader waits for the one before it: a large station's table rebuilds take seconds,
# far longer than a statement's busy timeout; past this, the other is taken for stuck and refused.
UPGRADE_WAIT_S = 30.0


class UpgradeBusy(Exception):
    """Another process held the upgrade lock for longer than `UPGRADE_WAIT_S`; nothing was migrated."""


class UpgradeBlocked(Exception):
    """With the upgrade lock held, the migrations (or the seeding under the lock) waited `UPGRADE_WAIT_S`
    for a lock another connection holds on the database (a client stuck in its transaction); the
    transaction rolled back, nothing changed."""


def alembic_config(engine: Engine | None = None) -> Any:
    from alembic.config import Config  # Alembic loads only to migrate (see the module docstring)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        # ConfigParser reads % as interpolation: a URL's percent-escapes (a password's @ or /, a
        # socket path in ?host=) would stop the migration.
        url = engine.url.render_as_string(hide_password=False)
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        cfg.attributes["engine"] = engine
    return cfg


@cache
def head_revision() -> str | None:
    """The newest migration, by file name."""
    numbers = [p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")]
    return max(numbers) if numbers else None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def has_version_table(engine: Engine) -> bool:
    """Whether the migrations' version table is there (`current_revision` None with it there: the
    table is empty, which no migration leaves)."""
    with engine.connect() as conn:
        return inspect(conn).has_table(VERSION_TABLE)


def tables_beside_the_version_table(engine: Engine) -> bool:
    """Whether the database holds tables other than the version table (a station's, or another
    program's): with an empty version table, what migrating from the start would run over."""
    with engine.connect() as conn:
        return any(name != VERSION_TABLE for name in inspect(conn).get_table_names())


def upgrade(engine: Engine) -> bool:
    """Migrate to head if needed; True when something ran. Cheap when already current."""
    return upgrade_from(engine, current_revision(engine))


def upgrade_from(engine: Engine, revision: str | None) -> bool:
    """`upgrade`, given the revision `current_revision` just read (opening a station reads it once to
    check it and decide). Alembic reads it again in its own transaction before it migrates anything."""
    if revision == head_revision():
        return False
    from alembic import command  # ~0.15 s to import: only when there is something to migrate

    command.upgrade(alembic_config(engine), "head")
    return True


def begin_upgrade(connection: Connection) -> None:
    """Begin the migration's one transaction holding the upgrade lock (see `UPGRADE_LOCK_KEY`),
    waiting up to `UPGRADE_WAIT_S` for another upgrader's to end; `UpgradeBusy` past that."""
    with _busy_past_the_wait():
        if connection.dialect.name == "sqlite":
            _begin_sqlite_writer(connection)
        else:
            connection.begin()
            if connection.dialect.name == "postgresql":
                _take_advisory_lock(connection)


@contextmanager
def holding_upgrade_lock(connection: Connection) -> Iterator[None]:
    """Hold the upgrade lock for the rest of `connection`'s transaction, already begun: seeding a new
    database under it, two counters opening it at once seed it once, the second finding it done.
    PostgreSQL only; on SQLite a writer's BEGIN IMMEDIATE is that lock already. `UpgradeBusy` when
    another counter held it past `UPGRADE_WAIT_S`, as `begin_upgrade`; `UpgradeBlocked` when the work
    in the block waited as long for another lock."""
    if connection.dialect.name != "postgresql":
        yield
        return
    with _busy_past_the_wait():
        _take_advisory_lock(connection)
    with blocked_past_the_wait(connection):
        yield


@contextmanager
def blocked_past_the_wait(connection: Connection) -> Iterator[None]:
    """With the upgrade lock held: a lock conflict (PostgreSQL's lock_timeout, `UPGRADE_WAIT_S` for the
    transaction) ends in `UpgradeBlocked`. SQLite's upgrader holds the write lock from its BEGIN, so a
    conflict there is left to the caller's own handling."""
    try:
        yield
    except OperationalError as exc:
        if connection.dialect.name == "postgresql" and is_lock_conflict(exc):
            raise UpgradeBlocked(str(exc.orig)) from exc
        raise


@contextmanager
def _busy_past_the_wait() -> Iterator[None]:
    """The one way a wait for the upgrade lock ends in `UpgradeBusy`: migrating and seeding alike."""
    try:
        yield
    except OperationalError as exc:
        if is_lock_conflict(exc):
            raise UpgradeBusy(str(exc.orig)) from exc
        raise


def _begin_sqlite_writer(connection: Connection) -> None:
    # The engine issues BEGIN itself, in the mode the connection's options name (db/engine.py); the
    # PRAGMA goes to the driver, outside the transaction, and the engine's own wait is put back after.
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA busy_timeout={int(UPGRADE_WAIT_S * 1000)}")
    try:
        connection.execution_options(sqlite_begin="IMMEDIATE")
        connection.begin()
    finally:
        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _take_advisory_lock(connection: Connection) -> None:
    # lock_timeout bounds the wait, and the rest of the transaction's waits too: the migrations' DDL
    # waits for the counters' row and table locks as long as for another upgrader (a station engine's
    # connections wait only a moment, db/engine.py, which would fail an upgrade behind any counter's
    # transaction under way), and no longer: behind a client stuck in its transaction it is refused
    # (`UpgradeBlocked`), never a wait without end.
    connection.execute(
        text("SELECT set_config('lock_timeout', :ms, true)"), {"ms": f"{int(UPGRADE_WAIT_S * 1000)}ms"}
    )
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK_KEY})


@cache
def known_revisions() -> tuple[str, ...]:
    """Every revision the migrations know, oldest first."""
    return tuple(sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")))


SchemaObject = tuple[str, str, str, str]  # type, name, table, SQL (normalised)
_NOISE = str.maketrans("", "", " \t\r\n\"'`[]")


def schema_objects(conn: Any) -> set[SchemaObject]:
    """A SQLite database's tables, indexes, triggers and views as `sqlite_master` lists them (a
    sqlite3 connection). SQL is compared without case, spaces or quotes, so a library that words the
    same DDL differently still matches; the planner's statistics tables are left out."""
    rows = conn.execute("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master").fetchall()
    return {
        (kind, name, table, sql.translate(_NOISE).lower())
        for kind, name, table, sql in rows
        if not name.startswith("sqlite_stat")
    }


@cache
def schema_at(revision: str) -> frozenset[SchemaObject]:
    """The schema objects of a new SQLite database migrated from nothing to `revision`."""
    from alembic import command  # Alembic loads only to migrate (see the module docstring)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fresh.sqlite3"
        engine = create_engine(f"sqlite:///{path}")
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            engine.dispose()
        conn = sqlite3.connect(path)
        try:
            return frozenset(schema_objects(conn))
        finally:
            conn.close()
