"""CLI test fixtures: every command runs as a signed-in clerk unless the test says otherwise.

The clerk Tester and the manager Boss share the PIN 2580 (rows added directly, cheap hashes);
$STATION_CLERK/$STATION_PIN make every `station` call act as Tester, and `--clerk Boss --pin 2580`
acts as the manager. A test marked `new_station` gets a database with no clerk and nobody signed in.
Every test's database starts as a copy of the migrated template (what the first `station` command
would make, without running the migrations again); the first command seeds it as on a new station.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from station_helpers import act_as_new_clerk, new_database_file

from db.models import Role
from station_console.cli import cli
from station_console.services.admin.setup import open_station

PIN = "2580"
AS_MANAGER = ("--clerk", "Boss", "--pin", PIN)


@pytest.fixture(autouse=True)
def _station_database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "db_url" not in request.fixturenames:
        return
    db_url = request.getfixturevalue("db_url")
    new_database_file(Path(db_url.removeprefix("sqlite:///")))
    if request.node.get_closest_marker("new_station"):
        return
    station = open_station(db_url, counter="test-counter")
    act_as_new_clerk(station, "Boss", Role.MANAGER, PIN)
    act_as_new_clerk(station, "Tester", Role.CLERK, PIN)
    station.engine.dispose()
    monkeypatch.setenv("STATION_CLERK", "Tester")
    monkeypatch.setenv("STATION_PIN", PIN)


@pytest.fixture
def run(db_url: str):  # type: ignore[no-untyped-def]
    """`run(*args, lang="en")`: one `station` command on the test's database (a module may define its
    own `run`, with the clerk it acts as)."""
    runner = CliRunner()

    def invoke(*args: str, lang: str = "en"):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["--db", db_url, "--lang", lang, *args], catch_exceptions=False)

    return invoke
