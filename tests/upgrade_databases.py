"""Databases an upgrade test starts from: an empty PostgreSQL database of its own, or one left at the
release before this one."""

from __future__ import annotations

import os
from itertools import count
from typing import Any

import pytest

from db.engine import create_station_engine
from db.migrate import alembic_config, known_revisions

_DATABASES = count()


def empty_pg_database(pg_server: Any, request: pytest.FixtureRequest) -> str:
    """A new PostgreSQL database with nothing in it (the test server's usual ones are migrated)."""
    name = f"upgrade_{os.getpid()}_{next(_DATABASES)}"
    pg_server.admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
    request.addfinalizer(lambda: pg_server.release(name))
    return str(pg_server.url(name))


def at_the_release_before(url: str) -> None:
    """The database at the revision before head, as the release before this one left it."""
    from alembic import command

    engine = create_station_engine(url)
    try:
        command.upgrade(alembic_config(engine), known_revisions()[-2])
    finally:
        engine.dispose()
