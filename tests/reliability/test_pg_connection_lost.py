"""PostgreSQL gone or restarted under a console: a restart is not seen by the next transaction (each
pooled connection is pinged before use), and a server that cannot be reached is refused in words,
for reads as for writes, never as an unexpected error."""

from __future__ import annotations

import re
import socket
import time

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool
from sqlmodel import select
from station_helpers import act_as_new_clerk

from db.engine import create_station_engine
from db.models import Parcel, Role
from station_console.errors import DatabaseUnavailable
from station_console.services.admin.setup import init_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup.lookup import lookup


def _end_every_backend(url: str) -> int:
    """What a server restart does to a console's pooled connections (one may still be opening, for
    the NOTIFY after a commit): ends them until none is left."""
    admin: Engine = create_engine(url, poolclass=NullPool)
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ended = 0
    try:
        with admin.connect() as conn:
            deadline = time.monotonic() + 30  # bounds a hang only
            while conn.execute(text(f"SELECT count(*) {others}")).scalar():
                ended += int(
                    conn.execute(text(f"SELECT count(pg_terminate_backend(pid)) {others}")).scalar_one()
                )
                conn.commit()  # pg_stat_activity is read once per transaction
                assert time.monotonic() < deadline, "backends outlived pg_terminate_backend"
                time.sleep(0.01)
            return ended
    finally:
        admin.dispose()


def test_a_server_restart_is_not_seen_by_the_next_read_or_write(pg_database_url: str) -> None:
    station = Station(engine=create_station_engine(pg_database_url))
    try:
        init_station(station, timezone="Asia/Shanghai")
        act_as_new_clerk(station, "Li", Role.CLERK)
        first = check_in(station, "JT0000000000001", phone="13812345678")
        assert _end_every_backend(pg_database_url) >= 1
        assert [r.waybill for r in lookup(station, first.pickup_code).rows] == [first.waybill]
        check_in(station, "JT0000000000002", phone="13812345678")
        with station.read() as session:
            assert len(session.exec(select(Parcel)).all()) == 2
    finally:
        station.engine.dispose()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens there once the socket is closed


@pytest.mark.parametrize("what", ["read", "connect", "lookup", "write"])
def test_a_server_that_cannot_be_reached_is_refused_in_words(
    what: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql+psycopg://station@127.0.0.1:{_closed_port()}/station?connect_timeout=2"
    station = Station(engine=create_station_engine(url), clerk_id=1, clerk_role=Role.CLERK)
    with pytest.raises(DatabaseUnavailable) as refused:
        if what == "read":
            with station.read() as session:
                session.exec(select(Parcel)).all()
        elif what == "connect":  # a console's pickup lookup, its settings read before the server went
            with station.connect() as conn:
                conn.execute(text("SELECT 1"))
        elif what == "lookup":
            lookup(station, "1-1-1001")
        else:
            check_in(station, "JT0000000000003")
    assert refused.value.code == "database_unreachable"
    said = refused.value.message("en")
    assert "cannot be reached" in said and "\n" not in said
    # The driver's English is logged, its first line only, never inside the clerk's sentence: in
    # Chinese the sentence is all Chinese.
    assert "Connection refused" not in said
    assert not re.search("[A-Za-z]", refused.value.message("zh")), refused.value.message("zh")
    logged = [r.getMessage() for r in caplog.records if r.name.endswith("db_errors")]
    assert any("Connection refused" in line for line in logged), logged
    assert not any("Is the server running" in line for line in logged)  # the hint lines left out
    station.engine.dispose()
