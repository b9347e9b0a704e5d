"""Shared fixtures: a fresh, seeded database per test; no developer config leaks in.

The seeded database is built once per session (per xdist worker) and copied for each test: a file copy
on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL (tests/pg_server.py).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import textual.constants
from hypothesis import settings
from pg_server import memory_dir, pg_database_url, pg_enabled, pg_server  # noqa: F401  (fixtures for PostgreSQL runs)
from station_helpers import CHEAP_SCRYPT_N, act_as_new_clerk, copy_database_file, fold_wal, migrated_template
from textual.css.stylesheet import Stylesheet

from db.engine import create_station_engine
from db.models import Role
from station_console import settle_memory, settle_signed_in
from station_console.i18n import set_language
from station_console.services.admin.setup import init_station
from station_console.services.core.station import Station

# STATION_TEST_CPU_LOG=path: per-test CPU seconds (tests/cpu_times.py); one collector per folder, so each
# folder's conftest fixtures reach all its tests whatever the order of the files named (same_directories.py).
pytest_plugins = ["cpu_times", "same_directories", "shared_dialects"]

# The tests look at where a scroll ends, not at how it gets there: with Textual's animations on, a Tab
# into a scrolled form waited for each scroll's animation to play out (a tenth of the Pilot tests' wall
# time). Textual reads $TEXTUAL_ANIMATIONS once, at import (the snapshot plugin imports it before this
# file), and every App takes its level from there: the level a clerk can set with that variable too.
textual.constants.TEXTUAL_ANIMATIONS = "none"  # type: ignore[misc]  # Final to Textual; set on purpose

# Property tests assert what their examples give, never how fast: Hypothesis's default deadline (200 ms
# an example) failed a masking property now and then on a loaded machine (the full suite beside other
# work), a timing test in all but name. Speed is the benchmarks' to measure.
settings.register_profile("station", deadline=None)
settings.load_profile("station")

# Test paths (under tests/) whose `db_url` runs on both databases; everything else stays on SQLite.
BOTH_DATABASES = ("services/", "test_concurrency.py")


def pytest_configure(config: pytest.Config) -> None:
    """Every test's `tmp_path` in memory (/dev/shm) where there is one, unless `--basetemp` or
    $PYTEST_DEBUG_TEMPROOT says where. A station commits with `synchronous=FULL` and checkpoints its
    WAL when its last connection closes: on a disk each of those fsyncs waited for the disk (10 to 20
    ms a test, more under load), most of what the service tests' fixtures cost; in memory they return
    at once, and SQLite and the services run the same code. pytest keeps the last three runs' folders
    there, as it would under /tmp. Set by the controller; pytest-xdist hands its workers their folders."""
    shm = memory_dir()
    if shm and config.option.basetemp is None and not hasattr(config, "workerinput"):
        os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", shm)
    # The console settles its memory once loaded (station_console.settle_memory: Python's default
    # collector thresholds, what is loaded set aside); here that is now, so the first Pilot test's app
    # does not put the default back. At the default first threshold (700 new objects) a Pilot test's
    # live widgets were promoted again and again and a full collection followed every few tests: some
    # 70 a worker at 0.3 s each, on a heap the session keeps growing (modules loaded, caches filled),
    # a quarter of the Pilot tests' CPU. At 10,000 a worker made a handful, but its young collections
    # still took some 14 s of a worker's CPU (gc callbacks over a whole run: 44 s for three workers);
    # at 50,000 new objects and a middle collection every 50 young ones, 33 s, with 660 MB at most
    # for a worker. Garbage is still collected; only less often.
    settle_memory()
    # And its second settle, as the first signed-in console would ask it mid-session: it would keep
    # the objects alive then (that test's app among them) out of every later collection, for good.
    settle_signed_in()
    gc.set_threshold(50_000, 50, 10)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """The process ends next: pytest's last collections (five, looking for unraisable exceptions) and
    the interpreter's own at exit walked every object the session made, some 3 s a worker, while the
    run waited for its workers to exit. Every test's own garbage was collected in its turn."""
    gc.freeze()


class FakeClock:
    """A clock the test moves by hand; starts on a Wednesday morning, station time UTC+8."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


def isolate(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The developer's own config, database and language kept out: what every test runs in, and
    what a module fixture that runs commands sets up for itself (`folder` holds config, data, log)."""
    monkeypatch.setenv("STATION_CONFIG", str(folder / "counter.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(folder / "state"))  # the log
    for var in ("STATION_DB", "STATION_LANG", "STATION_COUNTER", "STATION_CLERK", "STATION_PIN"):
        monkeypatch.delenv(var, raising=False)
    # The bundled Chinese font on every machine: rendered labels (and their golden bytes) must not
    # depend on which fonts a developer happens to have. tests/hardware/test_fonts.py tests the choice.
    monkeypatch.setenv("STATION_CJK_FONT", "bundled")
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")


@pytest.fixture(autouse=True, scope="session")
def _isolated_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The same isolation for what module and session fixtures make before any test's own (a module's
    template station closing a day writes the audit anchors and key): never the developer's
    ~/.local/share, ~/.config or ~/.cache. The cache too: escpos's capabilities, pickled once."""
    folder = tmp_path_factory.mktemp("session-home")
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, folder)
        patch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
        yield


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep the developer's own config, database and language out of every test."""
    isolate(monkeypatch, tmp_path)
    yield
    set_language("en")


@pytest.fixture(autouse=True, scope="session")
def _cheap_pin_hashes() -> Iterator[None]:
    """New PIN hashes at scrypt n=CHEAP_SCRYPT_N (2**4) instead of 2**14: the same code path, 0.04 ms
    instead of 90 per hash (a signed-in manager costs two). The cost travels in the hash, so checks
    follow it. Session-wide, so the stations that module and session fixtures build get cheap hashes too (a PIN checked on every
    CLI run of a shared template otherwise costs the full 90 ms each time); tests marked
    `real_pin_cost` keep the production cost (`_real_pin_cost`)."""
    from station_console.services.people import pins

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            pins.hash_pin, "__kwdefaults__", {**(pins.hash_pin.__kwdefaults__ or {}), "n": CHEAP_SCRYPT_N}
        )
        yield


@pytest.fixture(autouse=True)
def _real_pin_cost(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests marked `real_pin_cost` hash PINs at the production cost."""
    if not request.node.get_closest_marker("real_pin_cost"):
        return
    from station_console.services.people import pins

    monkeypatch.setattr(
        pins.hash_pin, "__kwdefaults__", {**(pins.hash_pin.__kwdefaults__ or {}), "n": pins.SCRYPT_N}
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Service and concurrency tests run once on SQLite and once on PostgreSQL (marked `postgres`)."""
    relative = metafunc.definition.path.relative_to(Path(__file__).parent).as_posix()
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    postgres_only = metafunc.definition.get_closest_marker("postgres_only") is not None
    if "db_url" in metafunc.fixturenames and relative.startswith(BOTH_DATABASES) and not sqlite_only:
        on_postgres = pytest.param("postgresql", marks=pytest.mark.postgres)
        metafunc.parametrize(
            "db_url", [on_postgres] if postgres_only else ["sqlite", on_postgres], indirect=True
        )


# Files holding the longest tests (tens of seconds each): with few workers a long test dealt out last runs
# alone at the end, so these start first and the short tests fill in around them. Groups
# (`xdist_group`: the concurrency tests, the demo week's) each go to one worker whole.
LONG_FIRST = (
    "tui/test_shift_replay.py",
    "security/test_p3_markup.py",
    "test_bench.py",
    "tui/test_ui_thread.py",
    "tui/test_shell.py",
    "test_privacy_scan.py",
    "reliability/test_crash.py",
    "tui/test_shelves_snapshot.py",
)


def _started_first(item: pytest.Item) -> int:
    relative = item.path.relative_to(Path(__file__).parent).as_posix()
    return LONG_FIRST.index(relative) if relative in LONG_FIRST else len(LONG_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest tests first (see LONG_FIRST); STATION_TEST_PG=0 deselects the PostgreSQL tests
    (otherwise missing binaries fail them)."""
    items.sort(key=_started_first)  # stable: the rest keep their order
    if pg_enabled():
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite file by default; a fresh PostgreSQL database for the `postgresql` parameter."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return str(request.getfixturevalue("pg_database_url"))
    return f"sqlite:///{tmp_path / 'station.sqlite3'}"


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded SQLite file, made once per session (per xdist worker) and copied by every `station`
    fixture: migrated by Alembic as a station's own database is, then the carriers, the default shelf
    layout, zone Asia/Shanghai."""
    path = tmp_path_factory.mktemp("seeded") / "station.sqlite3"
    engine = create_station_engine(copy_database_file(migrated_template(), path))
    try:
        init_station(Station(engine=engine, counter="test-counter"), timezone="Asia/Shanghai")
        fold_wal(path)
    finally:
        engine.dispose()
    return path


@pytest.fixture
def new_station(request: pytest.FixtureRequest, db_url: str, clock: FakeClock) -> Iterator[Station]:
    """A new seeded database (see `seed`): SQLite, or PostgreSQL for the `postgresql` parameter, where
    `pg_database_url` already made it from the seeded template; no clerk yet and nobody signed in (a
    first run)."""
    if db_url.startswith("sqlite:///"):
        copy_database_file(request.getfixturevalue("seeded_sqlite"), Path(db_url.removeprefix("sqlite:///")))
    engine = create_station_engine(db_url)
    st = Station(engine=engine, counter="test-counter", clock=clock)
    yield st
    engine.dispose()


@pytest.fixture
def station(new_station: Station) -> Station:
    """`new_station` with the clerk Tester (role clerk) signed in: nobody signed in may do nothing."""
    act_as_new_clerk(new_station, "Tester", Role.CLERK)
    return new_station


@pytest.fixture(autouse=True, scope="session")
def _stylesheets_parsed_once() -> Iterator[None]:
    """Every Pilot test builds a new App, and every App parsed the same stylesheets again (the app's
    .tcss and each widget's DEFAULT_CSS: about 0.3 s of CPU a test). Here parsed rules are kept for the
    session, keyed as Textual's own per-stylesheet cache keys them, plus the CSS variables they were
    parsed with; Textual never changes a parsed rule set (its own cache hands the same ones out again
    on every re-parse). Rules with errors are not kept, so a bad stylesheet still fails every time.
    The variables are found by comparing dicts (one or two sets a session): a key holding them sorted
    cost a sort and a hash of some 150 pairs for each of the 80-odd sources of every parse."""
    original = Stylesheet._parse_rules
    shared: list[tuple[dict[str, str], dict[tuple[object, ...], Any]]] = []  # (variables, rules by source)

    def parsed_with(variables: dict[str, str]) -> dict[tuple[object, ...], Any]:
        for seen, rules_by_source in shared:
            if seen == variables:
                return rules_by_source
        shared.append((dict(variables), {}))
        return shared[-1][1]

    def parse_rules(
        self: Stylesheet,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> Any:
        rules_by_source = parsed_with(self._variables)
        key = (css, read_from, is_default_rules, tie_breaker, scope)
        rules = rules_by_source.get(key)
        if rules is None:
            rules = original(self, css, read_from, is_default_rules, tie_breaker, scope)
            if not any(rule.errors for rule in rules):
                rules_by_source[key] = rules
        return rules

    Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]
    yield
    Stylesheet._parse_rules = original  # type: ignore[method-assign]
