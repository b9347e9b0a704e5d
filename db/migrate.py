"""Alembic, driven from code: every command that opens a database brings it to head first.

Opening a current database must be cheap (the console starts on it), so the check reads the version
table with one query and finds the head from the migration file names (`NNNN_<slug>.py`, numbered in
order; tests/test_foundation.py checks that this agrees with Alembic). Alembic itself is imported only
when there is something to migrate.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


def alembic_config(engine: Engine | None = None) -> Any:
    from alembic.config import Config  # Alembic loads only to migrate (see the module docstring)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
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


def upgrade(engine: Engine) -> bool:
    """Migrate to head if needed; True when something ran. Cheap when already current."""
    if current_revision(engine) == head_revision():
        return False
    from alembic import command  # ~0.15 s to import: only when there is something to migrate

    command.upgrade(alembic_config(engine), "head")
    return True
