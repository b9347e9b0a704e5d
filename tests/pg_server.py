"""A private PostgreSQL cluster for the test session, and a fresh database per test.

Each pytest-xdist worker starts its own cluster (own data directory, own free port on 127.0.0.1,
socket inside the data directory), so workers never share state or lock files; it is stopped at
session end. The schema is migrated once into a template database; every test then gets
`CREATE DATABASE ... TEMPLATE station_template`, which is a file copy (milliseconds).

Binaries come from /usr/lib/postgresql/<version>/bin (Debian's `postgresql` package). As root the
cluster runs as the `postgres` user through `runuser`; as a normal user, as that user.
STATION_TEST_PG=0 deselects the PostgreSQL tests; otherwise missing binaries FAIL them.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

TEMPLATE = "station_template"
INSTALL_HINT = (
    "PostgreSQL binaries not found in /usr/lib/postgresql/*/bin: apt-get install postgresql "
    "(or set STATION_TEST_PG=0 to deselect the PostgreSQL tests)"
)


def pg_enabled() -> bool:
    return os.environ.get("STATION_TEST_PG", "1") != "0"


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or None."""
    found = []
    for initdb in Path("/usr/lib/postgresql").glob("*/bin/initdb"):
        try:
            found.append((int(initdb.parent.parent.name), initdb.parent))
        except ValueError:
            continue
    return max(found)[1] if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    datadir: Path
    port: int
    as_root: bool

    _names = itertools.count(1)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def _cmd(self, *args: str) -> list[str]:
        return (["runuser", "-u", "postgres", "--"] if self.as_root else []) + list(args)

    def _run(self, *args: str) -> None:
        result = subprocess.run(self._cmd(*args), capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.datadir),
            "--auth=trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        # A throwaway cluster: durability off for speed; enough connections for 4-process tests.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.datadir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 "
            "-c shared_buffers=64MB"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-o",
            options,
            "-l",
            str(self.datadir / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop"),
            capture_output=True,
            timeout=60,
        )

    def admin(self, sql: str) -> None:
        """Run one statement on the maintenance database, outside a transaction."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        name = f"t_{os.getpid()}_{next(self._names)}"
        for attempt in range(20):
            try:
                self.admin(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
                return name
            except Exception as exc:  # the template is busy for a moment after its last use
                if "being accessed by other users" not in str(exc) or attempt == 19:
                    raise
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _prepare_template(server: PgServer) -> None:
    from db.engine import create_station_engine
    from db.migrate import upgrade

    server.admin(f"CREATE DATABASE {TEMPLATE}")
    engine = create_station_engine(server.url(TEMPLATE))
    try:
        upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer]:
    """This worker's PostgreSQL cluster, started on first use and stopped at session end."""
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    as_root = os.geteuid() == 0
    # Outside pytest's tmp dirs: the postgres user must reach it, and the socket path must stay short.
    base = Path(tempfile.mkdtemp(prefix="station-pg-"))
    base.chmod(0o755)
    datadir = base / "data"
    datadir.mkdir(mode=0o700)
    if as_root:
        shutil.chown(datadir, "postgres", "postgres")
    server = PgServer(bindir=bindir, datadir=datadir, port=free_port(), as_root=as_root)
    for attempt in range(3):  # another process may take the free port between probe and bind
        try:
            server.start()
            break
        except RuntimeError:
            if attempt == 2:
                raise
            server.stop()
            shutil.rmtree(datadir, ignore_errors=True)
            datadir.mkdir(mode=0o700)
            if as_root:
                shutil.chown(datadir, "postgres", "postgres")
            server.port = free_port()
    try:
        _prepare_template(server)
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_database_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, migrated, empty database for one test; dropped afterwards."""
    name = pg_server.new_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
