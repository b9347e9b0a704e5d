"""A PostgreSQL station's own connection options (`?options=` in its URL, or PGOPTIONS, as libpq reads
them: a schema in search_path, a statement timeout) are kept beside the short lock_timeout the engine
adds (and holds over theirs): a station in its own schema never finds itself opened on another, empty
one."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import make_url, text

from db.engine import BUSY_TIMEOUT_MS, create_station_engine


def settings_read(url: str, *names: str) -> list[Any]:
    engine = create_station_engine(url)
    try:
        with engine.connect() as conn:
            return [conn.execute(text(f"SHOW {name}")).scalar() for name in names]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_options_in_the_url_are_kept_beside_the_lock_timeout(pg_database_url: Any) -> None:
    url = make_url(str(pg_database_url)).update_query_dict({"options": "-c search_path=elsewhere,public"})
    shown = settings_read(url.render_as_string(hide_password=False), "search_path", "lock_timeout")
    assert shown == ["elsewhere,public", f"{BUSY_TIMEOUT_MS}ms"]


@pytest.mark.postgres
def test_pgoptions_from_the_environment_are_kept_beside_the_lock_timeout(
    pg_database_url: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=7s")
    shown = settings_read(str(pg_database_url), "statement_timeout", "lock_timeout")
    assert shown == ["7s", f"{BUSY_TIMEOUT_MS}ms"]


@pytest.mark.postgres
def test_the_lock_timeout_holds_over_one_in_the_environment(
    pg_database_url: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lock_timeout of 0 set for psql's sake would hold a clerk's check-in behind a stuck client for good.
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=0")
    assert settings_read(str(pg_database_url), "lock_timeout") == [f"{BUSY_TIMEOUT_MS}ms"]
