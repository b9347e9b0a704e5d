"""A migration that rebuilds a table other rows refer to (batch mode's copy, DROP, rename) runs with
SQLite's foreign keys off, in the one transaction, and a reference it leaves broken fails the upgrade
with nothing changed; the connection goes back to the pool with foreign keys on."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from db.engine import create_station_engine
from db.migrate import MIGRATIONS, alembic_config, head_revision, upgrade

NEXT = f"{int(head_revision() or 0) + 1:04d}"


def with_migration(tmp_path: Path, body: str) -> Path:
    """The station's migrations and one more after the head, `body` its upgrade."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / f"{NEXT}_test_step.py").write_text(
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f"revision = {NEXT!r}\ndown_revision = {head_revision()!r}\nbranch_labels = None\ndepends_on = None\n\n"
        f"def upgrade() -> None:\n{body}\n\ndef downgrade() -> None:\n    pass\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """A station database at the head with a clerk, and a row referring to that clerk."""
    engine = create_station_engine(f"sqlite:///{tmp_path / 'station.sqlite3'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO clerk (id, name, role, pin_hash, active, created_at) "
            "VALUES (1, 'Wang', 'manager', 'x', 1, '2026-01-01 00:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO lookup_failure (counter, at, query_shape, clerk_id) "
            "VALUES ('c1', '2026-01-01 00:00:00', 'phone', 1)"
        )
    return engine


def run(engine: Engine, folder: Path) -> None:
    config = alembic_config(engine)
    config.set_main_option("script_location", str(folder))
    command.upgrade(config, "head")


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_table_other_rows_refer_to_is_rebuilt_with_them_kept(engine: Engine, tmp_path: Path) -> None:
    body = (
        '    with op.batch_alter_table("clerk", recreate="always") as batch:\n'
        '        batch.add_column(sa.Column("note", sa.String(16), nullable=True))'
    )
    try:
        run(engine, with_migration(tmp_path, body))
        with engine.connect() as conn:  # the pool's connection the migration used
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    path = tmp_path / "station.sqlite3"
    assert rows(path, "SELECT version_num FROM alembic_version") == [(NEXT,)]
    assert rows(path, "SELECT id, name, note FROM clerk") == [(1, "Wang", None)]
    assert rows(path, "SELECT clerk_id FROM lookup_failure") == [(1,)]


def test_a_migration_leaving_a_broken_reference_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    body = '    op.execute("DELETE FROM clerk")'
    try:
        with pytest.raises(IntegrityError, match="lookup_failure"):
            run(engine, with_migration(tmp_path, body))
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    path = tmp_path / "station.sqlite3"
    assert rows(path, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert rows(path, "SELECT name FROM clerk") == [("Wang",)]
