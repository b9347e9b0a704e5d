"""Commands that need no station (`devices`, `scan-test`, `scale read`, `bench`) sign a clerk given in
(--clerk, or $STATION_CLERK as a counter's shell may export it), and the broken counter.toml refusal
is the one JSON document of every command that answers in JSON, a report's `--format json` too.

Signing in opened the station, and opening a station that is not there creates and seeds it: a
technician's `station devices`, with $STATION_CLERK set, left a new station database behind in the
user data folder, made only to refuse the clerk it could not know."""

from __future__ import annotations

import json
import os
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine

from cli.conftest import PIN
from db.engine import default_database_path
from station_console.cli import cli
from station_console.errors import StationError

_EMPTY = count()


@pytest.mark.parametrize(
    "words", [["devices", "--json"], ["scale", "read", "--json"], ["scan-test", "--count", "1", "--json"]]
)
def test_a_clerk_given_creates_no_database_where_there_is_none(
    words: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_CLERK", "Tester")
    monkeypatch.setenv("STATION_PIN", PIN)
    path = default_database_path()
    assert not path.exists()
    asked = CliRunner().invoke(cli, ["--lang", "en", *words], input="", catch_exceptions=False)
    assert asked.exit_code == 1, (asked.stdout, asked.stderr)
    answer = json.loads(asked.stdout)
    assert answer["error"] == "database_missing" and str(path) in answer["message"]
    assert asked.stderr == f"station: {answer['message']}\n"
    assert not path.exists() and not path.parent.exists()  # nothing made, not even its folder


def test_a_clerk_given_without_json_is_refused_on_stderr_and_nothing_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A --db naming a file that is not there: the same, the file is not created."""
    monkeypatch.delenv("STATION_PIN", raising=False)
    missing = tmp_path / "nowhere.sqlite3"
    asked = CliRunner().invoke(
        cli,
        ["--db", f"sqlite:///{missing}", "--lang", "en", "--clerk", "Tester", "--pin", PIN, "devices"],
    )
    # Let through to `main`, which says it on stderr (CliRunner does not run `main`).
    assert isinstance(asked.exception, StationError) and asked.stdout == ""
    assert asked.exception.code == "database_missing"
    assert (
        asked.exception.message()
        == f"There is no station database at {missing}: the clerk cannot be checked."
    )
    assert not missing.exists()


def test_without_a_clerk_a_device_command_opens_no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STATION_CLERK", raising=False)
    asked = CliRunner().invoke(cli, ["--lang", "en", "devices", "--json"], catch_exceptions=False)
    assert asked.exit_code == 0 and "devices" in json.loads(asked.stdout)
    assert not default_database_path().exists()


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_broken_counter_file_under_a_reports_format_json_is_the_one_document(fmt: str) -> None:
    """`station report --format json` answers in JSON as `--json` does (`answers_in_json`): its
    refusal of a broken counter.toml was on stderr only, a script parsing stdout had nothing."""
    Path(os.environ["STATION_CONFIG"]).write_text("counter = 5\n", encoding="utf-8")
    asked = CliRunner().invoke(cli, ["--lang", "en", "report", "--format", fmt], catch_exceptions=False)
    assert asked.exit_code == 1
    assert "(Counter name (counter): Must be text)" in asked.stderr and asked.stderr.count("\n") == 1
    if fmt == "json":
        assert json.loads(asked.stdout)["error"] == "bad_counter_settings"
    else:
        assert asked.stdout == ""


@pytest.mark.parametrize(
    "words",
    [
        ["sendout", "handover", "ZTO", "--courier", "--json"],  # "--json" is the courier's name
        ["sendout", "handover", "ZTO", "--courier=--json"],
        ["parcels", "--", "--json"],
        ["report", "--format", "text", "--out", "json"],
    ],
)
def test_json_as_an_options_value_asks_for_no_json(words: list[str]) -> None:
    Path(os.environ["STATION_CONFIG"]).write_text("counter = 5\n", encoding="utf-8")
    asked = CliRunner().invoke(cli, ["--lang", "en", *words], input="", catch_exceptions=False)
    assert asked.exit_code == 1 and asked.stdout == "" and "Must be text" in asked.stderr


@pytest.mark.parametrize(
    "words", [["--help"], ["returns", "open", "--help"], ["report", "--format", "json", "-h"]]
)
def test_help_shows_whatever_the_counter_file_holds(words: list[str]) -> None:
    Path(os.environ["STATION_CONFIG"]).write_text("counter = 5\n", encoding="utf-8")
    asked = CliRunner().invoke(cli, ["--lang", "en", *words], catch_exceptions=False)
    assert asked.exit_code == 0 and asked.stdout.startswith("Usage: ") and asked.stderr == ""


@pytest.mark.postgres
@pytest.mark.parametrize(
    "words", [["devices", "--json"], ["scale", "read", "--json"], ["scan-test", "--count", "1", "--json"]]
)
def test_a_clerk_given_seeds_no_empty_postgresql_database(
    words: list[str], pg_server: Any, request: pytest.FixtureRequest
) -> None:
    """PostgreSQL has no file to look for: an empty database was migrated and seeded as a new station,
    only to refuse the clerk it could not know. It is refused as a SQLite file not there is."""
    name = f"no_station_{os.getpid()}_{next(_EMPTY)}"
    pg_server.admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
    request.addfinalizer(lambda: pg_server.release(name))
    url = pg_server.url(name)
    asked = CliRunner().invoke(
        cli, ["--db", url, "--lang", "en", "--clerk", "Tester", "--pin", PIN, *words], input=""
    )
    assert asked.exit_code == 1, (asked.stdout, asked.stderr)
    answer = json.loads(asked.stdout)
    assert answer == {
        "error": "database_missing",
        "message": f"There is no station database at {url}: the clerk cannot be checked.",
    }
    tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql(tables).scalar() == 0
    finally:
        engine.dispose()


def _station_file_at(path: Path, revision: str) -> None:
    """A station's SQLite file at migration `revision` (an older release's), nothing seeded."""
    from alembic import command

    from db.migrate import alembic_config

    engine = create_engine(f"sqlite:///{path}")
    try:
        command.upgrade(alembic_config(engine), revision)
    finally:
        engine.dispose()


def _revision(path: Path) -> list[tuple[str, ...]]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return [tuple(row) for row in conn.execute("SELECT version_num FROM alembic_version").fetchall()]
    finally:
        conn.close()


def _devices_as_tester(path: Path) -> Any:
    """`station devices --json` at the SQLite file `path`, the clerk Tester given."""
    return CliRunner().invoke(
        cli,
        ["--db", f"sqlite:///{path}", "--lang", "en", "--clerk", "Tester", "--pin", PIN, "devices", "--json"],
    )


def test_a_clerk_given_to_a_device_command_does_not_upgrade_an_older_database(tmp_path: Path) -> None:
    """Signing a clerk in for `station devices` migrated an older release's database as a side effect:
    the counter still on that release could no longer open it. Refused, saying how to upgrade it."""
    path = tmp_path / "older.sqlite3"
    _station_file_at(path, "0013")
    asked = _devices_as_tester(path)
    assert asked.exit_code == 1, (asked.stdout, asked.stderr)
    assert json.loads(asked.stdout) == {
        "error": "database_outdated",
        "message": f"The database at {path} is at an older version: open the console, or run station db "
        "upgrade, to bring it up to date. Signing in alone changes nothing.",
    }
    assert _revision(path) == [("0013",)]


def test_a_clerk_given_to_a_database_with_an_empty_version_table_is_told_it_is_damaged(
    tmp_path: Path,
) -> None:
    """An empty version table read as "there is no station database": the file is there, and it is
    either damaged or not a station's. Nothing is migrated or seeded into it."""
    import sqlite3

    path = tmp_path / "emptied.sqlite3"
    _station_file_at(path, "0013")
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM alembic_version")
    conn.commit()
    conn.close()
    asked = _devices_as_tester(path)
    assert asked.exit_code == 1, (asked.stdout, asked.stderr)
    assert json.loads(asked.stdout) == {
        "error": "database_damaged",
        "message": f"The database at {path} has an empty version table: it is damaged, or not a station's. "
        "The clerk cannot be checked.",
    }
    assert _revision(path) == []
