"""What the carrier data CLI tests share (test_prealert_import_cli.py, test_courier_batch_cli.py,
test_fees_cli.py, test_carrier_events_cli.py): the manager boss made as a first run, one `station`
command as boss or nobody, ZTO waybills and the files written for an import."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from station_console.cli import cli
from station_console.services.admin.setup import open_station
from station_console.services.people.clerks import create_first_manager


@pytest.fixture
def run(db_url: str, boss: tuple[str, str]):  # type: ignore[no-untyped-def]
    """`station ARGS` as boss; `clerk=None` for nobody signed in."""
    runner = CliRunner()

    def invoke(*args: str, clerk: tuple[str, str] | None = boss, lang: str = "en"):  # type: ignore[no-untyped-def]
        who, pin = (["--clerk", clerk[0]], {"STATION_PIN": clerk[1]}) if clerk else ([], {})
        # The PIN in $STATION_PIN, not --pin: its warning would be in every output.
        return runner.invoke(
            cli, ["--db", db_url, "--lang", lang, *who, *args], env=pin, catch_exceptions=False
        )

    return invoke


@pytest.fixture
def boss(db_url: str) -> tuple[str, str]:
    station = open_station(db_url)
    create_first_manager(station, "boss", "2468")
    station.engine.dispose()
    return ("boss", "2468")


def zto(n: int) -> str:
    return f"73{n:012d}"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
