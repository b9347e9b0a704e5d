"""Alembic environment: the station's SQLModel metadata, batch mode for SQLite's ALTER limits, every pending
migration in one transaction (SQLite's foreign keys off meanwhile, checked before the commit), which
holds the upgrade lock from its start, so upgraders started at once take turns (db/migrate.py)."""

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers every table on SQLModel.metadata)
from db.migrate import begin_upgrade, blocked_past_the_wait

config = context.config
target_metadata = SQLModel.metadata


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = config.attributes.get("engine") or engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection, foreign_keys_checked_at_the_end(connection):
        # All pending migrations in one transaction, SQLite's too (Alembic takes SQLite's DDL for
        # non-transactional and commits each migration alone; our engine issues BEGIN itself, so its
        # DDL rolls back): a failed upgrade leaves the database as it was, openable by the old release.
        # Begun here with the upgrade lock held, before Alembic reads the revision (in run_migrations),
        # so the next upgrader in line reads the head; Alembic then leaves the transaction to us.
        begin_upgrade(connection)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            transactional_ddl=True,
        )
        with context.begin_transaction(), blocked_past_the_wait(connection):
            context.run_migrations()
            if connection.dialect.name == "sqlite":
                refuse_broken_references(connection)
        connection.commit()


@contextmanager
def foreign_keys_checked_at_the_end(connection: Connection) -> Iterator[None]:
    """SQLite: foreign keys off while the migrations run, checked whole before the commit, as SQLite's
    own recipe for rebuilding a table has it (https://sqlite.org/lang_altertable.html#otheralter).

    A batch migration rebuilds a table as copy, DROP, rename; with foreign keys on, the DROP of a table
    other rows refer to deletes them first (their ON DELETE cascades) or fails. The PRAGMA is a no-op
    inside a transaction, so it goes to the driver before the one transaction begins (SQLAlchemy's
    own execute would begin it first), and what it was is set back after."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    was = driver.execute("PRAGMA foreign_keys").fetchone()[0]
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        connection.rollback()  # a failure's transaction ended first: the PRAGMA applies outside one
        driver.execute(f"PRAGMA foreign_keys={'ON' if was else 'OFF'}")


def refuse_broken_references(connection: Connection) -> None:
    """A row whose reference the migrations broke fails the upgrade, all of it rolled back."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _fk = broken[0]
        raise IntegrityError(
            "PRAGMA foreign_key_check",
            {},
            Exception(f"{len(broken)} rows refer to missing rows, the first {table} {rowid} to {parent}"),
        )


if context.is_offline_mode():
    run_offline()
else:
    run_online()
