"""Two counters starting a new release at once both come up: upgraders queue on one lock, the second
finds the database at head and runs nothing; one held too long is refused in words, not a traceback.
Two opening a new station at once seed it once: the second finds it seeded."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pg_server import TEMPLATE
from sqlalchemy import text
from upgrade_databases import at_the_release_before, empty_pg_database

from db import migrate
from db.engine import BUSY_TIMEOUT_MS, create_station_engine
from db.migrate import UPGRADE_LOCK_KEY, current_revision, head_revision, known_revisions
from station_console.errors import DatabaseUnavailable
from station_console.services.admin.setup import DEFAULT_LAYOUT, carrier_seed, open_station
from station_console.services.core.anchors import IDENTITY_KEY
from station_console.services.core.settings import STATION_KEY

REPO = Path(__file__).resolve().parent.parent
ROUNDS = 3  # the two upgraders overlap nearly every time; a few rounds make a miss unlikely

# One upgrader, its own process: everything loaded, then waiting for the start file, so that both
# processes reach the migration within a millisecond or so of each other.
UPGRADER = """
import sys, time
from pathlib import Path
import alembic.command  # loaded before the start: both reach the migration together
from db.engine import create_station_engine
from db.migrate import upgrade
engine = create_station_engine(sys.argv[1])
start = Path(sys.argv[2])
while not start.exists():
    time.sleep(0.001)
upgrade(engine)
"""


def upgrade_twice_at_once(url: str, start: Path) -> None:
    """Two processes upgrade the database at `url` at the same moment; both must succeed."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADER, url, str(start)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(1.5)  # both loaded (Alembic, the models) and polling the start file
    start.touch()
    for run in runs:
        _out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err[-3000:]


def test_two_upgraders_of_one_sqlite_file_both_come_up(tmp_path: Path) -> None:
    fresh = migrate.schema_at(head_revision() or "")
    for round_ in range(ROUNDS):
        path = tmp_path / f"station{round_}.sqlite3"
        upgrade_twice_at_once(f"sqlite:///{path}", tmp_path / f"start{round_}")
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
            assert migrate.schema_objects(conn) == fresh
        finally:
            conn.close()


def test_a_new_files_first_connection_waits_for_another_process_holding_it(tmp_path: Path) -> None:
    """Two counters opening a brand-new SQLite file at once: the one that made it first holds it (its
    first transaction), and the other's `journal_mode=WAL` failed 'database is locked' after a statement's
    0.5 s wait; the first connection to a file waits for it as an upgrader waits."""
    path = tmp_path / "new.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE made_first (id INTEGER)")
    release = threading.Timer(1.5, holder.execute, ("COMMIT",))
    release.start()
    engine = create_station_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
    finally:
        release.join()
        engine.dispose()
        holder.close()


def pg_schema(url: str) -> set[tuple[Any, ...]]:
    """The public schema's columns, indexes and constraints (names and definitions)."""
    engine = create_station_engine(url)
    try:
        with engine.connect() as conn:
            columns = conn.exec_driver_sql(
                "SELECT table_name, column_name, data_type, is_nullable, column_default "
                "FROM information_schema.columns WHERE table_schema = 'public'"
            ).all()
            indexes = conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            ).all()
            constraints = conn.exec_driver_sql(
                "SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'"
            ).all()
    finally:
        engine.dispose()
    return (
        {("column", *row) for row in columns}
        | {("index", *row) for row in indexes}
        | {("constraint", *row) for row in constraints}
    )


@pytest.mark.postgres
def test_two_upgraders_of_one_postgresql_database_both_come_up(
    pg_server: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    fresh = pg_schema(pg_server.url(TEMPLATE))  # migrated by one upgrader alone
    for round_ in range(ROUNDS):
        url = empty_pg_database(pg_server, request)
        upgrade_twice_at_once(url, tmp_path / f"start{round_}")
        engine = create_station_engine(url)
        try:
            with engine.connect() as conn:
                versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        finally:
            engine.dispose()
        assert [tuple(row) for row in versions] == [(head_revision(),)]
        assert pg_schema(url) == fresh


def refused_while_held(url: str, monkeypatch: pytest.MonkeyPatch) -> DatabaseUnavailable:
    """Opening the station at `url` while the upgrade lock stays held elsewhere: its refusal."""
    monkeypatch.setattr(migrate, "UPGRADE_WAIT_S", 0.3)
    with pytest.raises(DatabaseUnavailable) as refused:
        open_station(url)
    return refused.value


def assert_refused_as_upgrading(refusal: DatabaseUnavailable, url: str) -> None:
    assert refusal.code == "database_upgrading"
    assert refusal.message("en") == (
        "Cannot open the database: another counter is upgrading it. Try again in a minute."
    )
    assert "另一个柜台正在升级" in refusal.message("zh")
    engine = create_station_engine(url)
    try:
        assert current_revision(engine) == known_revisions()[-2]  # nothing migrated meanwhile
    finally:
        engine.dispose()


def test_a_sqlite_upgrade_held_too_long_elsewhere_is_refused_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "station.sqlite3"
    url = f"sqlite:///{path}"
    at_the_release_before(url)
    other = sqlite3.connect(path, isolation_level=None)  # another counter's upgrade, stuck
    other.execute("BEGIN IMMEDIATE")
    try:
        refusal = refused_while_held(url, monkeypatch)
    finally:
        other.rollback()
        other.close()
    assert_refused_as_upgrading(refusal, url)


def refused_while_another_counter_holds_the_lock(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> DatabaseUnavailable:
    """What opening the station at `url` says while another connection (a counter's upgrade or seeding,
    stuck) holds the PostgreSQL upgrade lock."""
    engine = create_station_engine(url)
    try:
        with engine.connect() as other:
            other.execute(text("SELECT pg_advisory_lock(:key)"), {"key": UPGRADE_LOCK_KEY})
            refusal = refused_while_held(url, monkeypatch)
            other.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": UPGRADE_LOCK_KEY})
    finally:
        engine.dispose()
    return refusal


@pytest.mark.postgres
def test_a_postgresql_upgrade_held_too_long_elsewhere_is_refused_in_words(
    pg_server: Any, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = empty_pg_database(pg_server, request)
    at_the_release_before(url)
    refusal = refused_while_another_counter_holds_the_lock(url, monkeypatch)
    assert_refused_as_upgrading(refusal, url)


# One counter opening the station, its own process, as `upgrade_twice_at_once` runs its upgraders.
OPENER = """
import sys, time
from pathlib import Path
import alembic.command  # loaded before the start: both reach the database together
from station_console.services.admin.setup import DEFAULT_LAYOUT, carrier_seed, open_station
from station_console.services.core.anchors import IDENTITY_KEY
from station_console.services.core.settings import STATION_KEY
start = Path(sys.argv[2])
while not start.exists():
    time.sleep(0.001)
open_station(sys.argv[1], counter=sys.argv[3]).engine.dispose()
"""


def open_twice_at_once(url: str, start: Path) -> None:
    """Two counters open the station at `url` at the same moment; both must come up."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, url, str(start), f"counter-{n}"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    time.sleep(1.5)  # both loaded and polling the start file
    start.touch()
    for run in runs:
        _out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err[-3000:]


def assert_seeded_once(url: str) -> None:
    """The carriers, the shelf layout and the settings rows of one seeding, none twice."""
    engine = create_station_engine(url)
    try:
        with engine.connect() as conn:
            counts = {
                table: conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
                for table in ("carrier", "shelf", "layer", "audit_head")
            }
            settings = sorted(row[0] for row in conn.exec_driver_sql("SELECT key FROM setting").all())
    finally:
        engine.dispose()
    assert counts == {
        "carrier": len(carrier_seed()),
        "shelf": len(DEFAULT_LAYOUT),
        "layer": sum(spec["layers"] for spec in DEFAULT_LAYOUT),
        "audit_head": 1,
    }
    assert settings == sorted({IDENTITY_KEY, STATION_KEY})


def test_two_counters_opening_a_new_sqlite_station_seed_it_once(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        url = f"sqlite:///{tmp_path / f'station{round_}.sqlite3'}"
        open_twice_at_once(url, tmp_path / f"start{round_}")
        assert_seeded_once(url)


@pytest.mark.postgres
@pytest.mark.parametrize("template", ["template0", TEMPLATE], ids=["empty", "migrated"])
def test_two_counters_opening_a_new_postgresql_station_seed_it_once(
    pg_server: Any, tmp_path: Path, template: str
) -> None:
    for round_ in range(ROUNDS):
        name = pg_server.new_database(template)
        try:
            url = str(pg_server.url(name))
            open_twice_at_once(url, tmp_path / f"start{round_}")
            assert_seeded_once(url)
        finally:
            pg_server.release(name)


@pytest.mark.postgres
def test_a_new_postgresql_station_seeded_elsewhere_too_long_is_refused_in_words(
    pg_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another counter stuck seeding the new station holds the upgrade lock: this one is refused as
    for an upgrade held too long, not with the database's own lock-timeout error."""
    name = pg_server.new_database(TEMPLATE)  # migrated, nothing seeded yet
    try:
        url = str(pg_server.url(name))
        refusal = refused_while_another_counter_holds_the_lock(url, monkeypatch)
        engine = create_station_engine(url)
        try:
            with engine.connect() as conn:
                carriers = conn.exec_driver_sql("SELECT count(*) FROM carrier").scalar()
        finally:
            engine.dispose()
    finally:
        pg_server.release(name)
    assert refusal.code == "database_upgrading"
    assert refusal.message("en") == (
        "Cannot open the database: another counter is upgrading it. Try again in a minute."
    )
    assert "另一个柜台正在升级" in refusal.message("zh")
    assert carriers == 0  # nothing seeded meanwhile
