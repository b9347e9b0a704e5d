"""A PostgreSQL connection that died while the counter was quiet is replaced before the next
transaction starts; one back in use at once is not pinged (db/idle_ping.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

import db.idle_ping
from db.engine import create_station_engine


@pytest.fixture
def engines(pg_database_url: str) -> Iterator[tuple[Engine, Engine]]:
    station, admin = (
        create_station_engine(pg_database_url),
        create_engine(pg_database_url, poolclass=NullPool),
    )
    yield station, admin
    station.dispose()
    admin.dispose()


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill(admin: Engine, pid: int) -> None:
    """End that server backend, as a restart or a dropped link would, and wait until it is gone."""
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
        deadline = time.monotonic() + 10
        while conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar():
            assert time.monotonic() < deadline, "the backend outlived pg_terminate_backend"
            time.sleep(0.01)


def test_a_connection_killed_while_idle_is_replaced_before_the_next_transaction(
    engines: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    station, admin = engines
    first = _backend(station)
    _kill(admin, first)
    monkeypatch.setattr(db.idle_ping, "IDLE_BEFORE_PING_S", 0.0)  # it has sat idle long enough
    second = _backend(station)  # no error: the ping found it dead and the pool connected anew
    assert second != first


def test_a_connection_back_in_use_at_once_is_not_pinged(
    engines: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    station, admin = engines
    pings: list[object] = []
    ping = station.dialect.do_ping

    def counted(conn: object) -> bool:
        pings.append(conn)
        return ping(conn)  # type: ignore[arg-type]

    monkeypatch.setattr(station.dialect, "do_ping", counted)
    first = _backend(station)
    assert _backend(station) == first and not pings  # reused within seconds: no round trip first
    # Killed within those seconds, it fails that one transaction, which the pool then replaces.
    _kill(admin, first)
    with pytest.raises(OperationalError) as failed:
        _backend(station)
    assert failed.value.connection_invalidated and not pings
    assert _backend(station) != first
