"""CLI test fixtures: every command runs as a signed-in clerk unless the test says otherwise.

The clerk Tester and the manager Boss share the PIN 2580 (rows added directly, cheap hashes);
$STATION_CLERK/$STATION_PIN make every `station` call act as Tester, and `--clerk Boss` (the PIN from
$STATION_PIN: a `--pin` on the command line brings its warning) acts as the manager. A test marked `new_station` gets a database with no clerk and nobody signed in.
A `new_station` test's database starts as a copy of the migrated template (what the first `station`
command would make, without running the migrations again); the first command seeds it as on a new
station. Every other test's starts as a copy of one made once per process the same way (a copy of that
template, seeded by `open_station`, the two clerks added): seeding it and adding them for each test cost
more than the commands most tests run.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FakeClock
from station_helpers import act_as_new_clerk, commands_at, copy_database_file, fold_wal, new_database_file

from db.models import Role
from station_console.cli import cli
from station_console.services.admin.setup import open_station

PIN = "2580"
AS_MANAGER = ("--clerk", "Boss")  # the PIN: $STATION_PIN


@pytest.fixture(autouse=True)
def _commands_clock(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command reads the test's clock, as the service tests' stations do: on the machine's, a
    test whose commands ran across midnight (check in, then the day's report or the fee owed) found
    the parcel in yesterday's figures, or a day more on the shelf."""
    commands_at(monkeypatch, clock)


@pytest.fixture(autouse=True)
def _station_database(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, _commands_clock: None
) -> None:
    if "db_url" not in request.fixturenames:
        return
    path = Path(request.getfixturevalue("db_url").removeprefix("sqlite:///"))
    if request.node.get_closest_marker("new_station"):
        new_database_file(path)
        return
    copy_database_file(_with_clerks(), path)
    monkeypatch.setenv("STATION_CLERK", "Tester")
    monkeypatch.setenv("STATION_PIN", PIN)


@cache
def _with_clerks() -> Path:
    """A station database as the first command leaves it (seeded by `open_station`), with Boss and
    Tester added; made once per process (per xdist worker), in the first test's isolated folders."""
    folder = Path(tempfile.mkdtemp(prefix="station-cli-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "station.sqlite3"
    station = open_station(new_database_file(path), counter="test-counter")
    try:
        act_as_new_clerk(station, "Boss", Role.MANAGER, PIN)
        act_as_new_clerk(station, "Tester", Role.CLERK, PIN)
    finally:
        station.engine.dispose()
    fold_wal(path)
    return path


@pytest.fixture
def run(db_url: str):  # type: ignore[no-untyped-def]
    """`run(*args, lang="en")`: one `station` command on the test's database (a module may define its
    own `run`, with the clerk it acts as)."""
    runner = CliRunner()

    def invoke(*args: str, lang: str = "en"):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["--db", db_url, "--lang", lang, *args], catch_exceptions=False)

    return invoke
