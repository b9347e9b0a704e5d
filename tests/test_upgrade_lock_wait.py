"""A PostgreSQL upgrade behind a client stuck in its transaction (a row or table lock held, psql left
open) waits as long as for another counter's upgrade and no longer: refused in words, rolled back whole,
never a start-up that hangs without a word for as long as the lock is held."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from pg_server import TEMPLATE
from sqlalchemy import Connection, text
from upgrade_databases import at_the_release_before, empty_pg_database

from db import migrate
from db.engine import create_station_engine
from db.migrate import current_revision, known_revisions
from station_console.errors import DatabaseUnavailable
from station_console.services.admin.setup import open_station

HELD_S = 8.0  # the holder lets go by itself: without a bound the upgrade waited all this time
WAIT_S = 0.5


def opened_while_held(url: str, hold: Callable[[Connection], None], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Open the station at `url` while another connection's transaction holds what `hold` takes: the
    refusal (None when it opened), and how long it took."""
    monkeypatch.setattr(migrate, "UPGRADE_WAIT_S", WAIT_S)
    engine = create_station_engine(url)
    refusal: DatabaseUnavailable | None = None
    try:
        with engine.connect() as holder:
            holder.execute(text("SET lock_timeout = 0"))
            hold(holder)
            release = threading.Timer(HELD_S, holder.rollback)
            release.start()
            started = time.monotonic()
            try:
                open_station(url).engine.dispose()
            except DatabaseUnavailable as exc:
                refusal = exc
            waited = time.monotonic() - started
            release.cancel()
            release.join()
            holder.rollback()
    finally:
        engine.dispose()
    return refusal, waited


def assert_refused_as_blocked(refusal: DatabaseUnavailable | None, waited: float) -> None:
    assert refusal is not None, f"opened after {waited:.1f} s, waiting for the lock's holder"
    assert refusal.code == "database_upgrade_blocked"
    assert refusal.message("en") == (
        "The database upgrade waited 0.5 s for a lock another program holds on the database and changed "
        "nothing; close that program (or end its transaction) and start again."
    )
    assert "0.5 秒" in refusal.message("zh")
    assert waited < HELD_S / 2, waited


@pytest.mark.postgres
def test_an_upgrade_behind_a_row_lock_held_elsewhere_is_refused_in_words_nothing_migrated(
    pg_server: Any, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = empty_pg_database(pg_server, request)
    at_the_release_before(url)

    def hold_the_version_row(holder: Connection) -> None:  # every upgrade ends by updating it
        holder.execute(text("SELECT version_num FROM alembic_version FOR UPDATE"))

    refusal, waited = opened_while_held(url, hold_the_version_row, monkeypatch)
    assert_refused_as_blocked(refusal, waited)
    engine = create_station_engine(url)
    try:
        assert current_revision(engine) == known_revisions()[-2]  # rolled back whole
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_seeding_a_new_station_behind_a_table_lock_held_elsewhere_is_refused_in_words(
    pg_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = pg_server.new_database(TEMPLATE)  # migrated, nothing seeded yet
    try:
        url = str(pg_server.url(name))

        def hold_the_carrier_table(holder: Connection) -> None:  # read it may be, not written
            holder.execute(text("LOCK TABLE carrier IN SHARE MODE"))

        refusal, waited = opened_while_held(url, hold_the_carrier_table, monkeypatch)
        engine = create_station_engine(url)
        try:
            with engine.connect() as conn:
                carriers = conn.execute(text("SELECT count(*) FROM carrier")).scalar()
                shelves = conn.execute(text("SELECT count(*) FROM shelf")).scalar()
        finally:
            engine.dispose()
    finally:
        pg_server.release(name)
    assert_refused_as_blocked(refusal, waited)
    assert (carriers, shelves) == (0, 0)  # the seeding rolled back whole
