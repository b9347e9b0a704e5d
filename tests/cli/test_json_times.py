"""Every `--json` output writes its times in ISO 8601 with the "T" and the offset (and days as
YYYY-MM-DD), one JSON document a line: `str` gave a time a space in place of the "T"
("2026-12-06 02:55:16+00:00"), which `sendout handover --json` did not, so one script's parser read
one command and choked on the next. Each command runs on a demo week's station."""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from functools import cache
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from station_helpers import act_as_new_clerk, copy_database_file, fold_wal, new_database_file

from cli.conftest import PIN
from db.models import Role
from station_console.cli import cli
from station_console.services.admin.demo import make_demo_week
from station_console.services.admin.setup import open_station

# A time or a day written any other way than ISO 8601's: a space between the day and the hour.
SPACED_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}")

# Command lines run one after another on one copy of the demo station, each with --json added;
# {shelf}, {shelf2}, {code}, {carrier}, {message}, {closed} name what the demo week holds (see `_parcels`).
SCENARIOS: dict[str, list[str]] = {
    "listings": [
        "audit verify",
        "audit activity Boss",
        "audit show 1",
        "audit timeline {shelf}",
        "carriers list",
        "clerk list",
        "delivery runs",
        "delivery waiting",
        "devices",
        "events list",
        "fees list",
        "fees due {shelf}",
        "handover list",
        "overdue",
        "parcel {shelf}",
        "parcels",
        "prealert imports",
        "prealert list",
        "prealert missing",
        "print-queue",
        "problems",
        "recipients list",
        "recipients mappings",
        "recipients report",
        "recipients unmatched",
        "recipients match 张三",
        "returns list",
        "search {shelf}",
        "sendout list",
        "sendout quote --carrier SF --to 新疆 --weight 1.2",
        "sendout tariff show SF --json",
        "detect SF1234567890123",
        "pickup {code}",
        "stocktake 1-1 --json",
    ],
    "counter": [
        "checkin SF1234567890123 --phone 13800138000",
        "undo-checkin",
        "checkin SF1234567890124 --phone 13800138000",
        "print SF1234567890124",
        "move SF1234567890124 --to 1-2",
        "problem SF1234567890124 --kind damaged --note crushed",
        "write-off SF1234567890124 --reason lost",
        "pickup {code} --confirm {shelf}",
        "undo-pickup {shelf}",
        "notify --once",
        "events send --once",
        "outbox resend {message}",
    ],
    "delivery": [
        "recipients add --set name=张三 --set phones=13800138000 --set building=1 --set room=101",
        "recipients show #1",
        "recipients edit #1 --set room=102",
        "recipients consent #1 --granted --channel counter",
        "recipients link {shelf} #1",
        "checkin SF1234567890125 --recipient #1",
        "checkin SF1234567890126 --recipient #1",
        "delivery request SF1234567890125",
        "delivery request SF1234567890126",
        "delivery plan --runner Li",
        "delivery show 1",
        "delivery out 1 SF1234567890125 SF1234567890126",
        "delivery failed 1 SF1234567890125 --reason not_home",
        "delivery delivered 1 SF1234567890126 --to self",
        "delivery close 1",
        "delivery request SF1234567890125",
        "delivery cancel SF1234567890125",
    ],
    "batches": [
        "handover open SF --courier Chen",
        "handover show 1",
        "handover close 1 --no-print",
        "returns open {carrier}",
        "returns add 2 {shelf} --recalled",
        "returns show 2",
        "returns close 2 --signed-by Wang",
    ],
    "people": [
        "clerk add Li --role clerk --pin 1357",
        "carriers add --code ZZ --name-en Zed --name-zh 泽 --short Z --pattern ^ZZ[0-9]{{8}}$",
        "carriers edit ZZ --fee 30",
        "sendout sender 13900139000",
        "checkin SF1234567890127 --phone 13800138000",
        "privacy delete 13800138000 --yes",
        "privacy purge",
    ],
    "sendout": [
        "sendout new --sender-name 王五 --sender-phone 13900139000 --id-type resident --id-seen"
        " --id-number 11010519491231002X --to-name 李四 --to-phone 13900001234 --to 新疆 --address x"
        " --contents clothes --carrier SF --weight 1.2 --checked all --waybill SF1234567890123 --pay cash",
        "sendout refund SF1234567890123 --reason changed",
        "sendout new --sender-name 王五 --sender-phone 13900139000 --id-type resident --id-seen"
        " --id-number 11010519491231002X --to-name 李四 --to-phone 13900001234 --to 新疆 --address x"
        " --contents clothes --carrier SF --weight 1.2 --checked all --waybill SF1234567890124 --pay cash",
        "sendout handover SF --courier Chen",
        "sendout refuse --sender-name 王五 --sender-phone 13900139000 --id-type resident --id-seen"
        " --id-number 11010519491231002X --reason knives --contents knives",
    ],
    "fees": ["fees receipt {shelf2}"],
    "day": [
        "close-day --early --force",
        "reopen-day --date {closed} --reason typo",
    ],
}
# Commands with --json that no scenario runs, and why.
NOT_RUN = {
    "bench": "builds a dataset of 50,000 parcels",
    "scan-test": "reads a scanner",
    "scale read": "reads a scale",
    "init": "the demo station is made by it",
    "backup": "writes a file, no time in its JSON",
    "restore": "replaces the database",
    "prealert import": "reads a carrier's file",
    "prealert watch": "watches a folder",
    "recipients import": "reads a file",
    "shelves import": "reads a file",
    "sendout stock import": "reads a file",
}
SCANS = {"sendout handover SF --courier Chen": "SF1234567890124\n\n"}
# What a scenario needs first from commands that print no JSON: a fee paid, for its receipt's copy.
SETUP = {"fees": ["fees set standard --free-days 0 --per-day 1.5", "fees pay {shelf2} --method cash"]}


@cache
def _demo_station() -> Path:
    """A demo week (a tenth of its parcels) and the manager Boss, made once per process."""
    folder = Path(tempfile.mkdtemp(prefix="station-json-"))
    path = folder / "demo.sqlite3"
    station = open_station(new_database_file(path), counter="test-counter")
    try:
        make_demo_week(station, scale=0.1)
        act_as_new_clerk(station, "Boss", Role.MANAGER, PIN)
    finally:
        station.engine.dispose()
    fold_wal(path)
    return path


def _station(args: str, url: str, stdin: str | None = None, *, json_out: bool = True) -> click.testing.Result:
    return CliRunner().invoke(  # the PIN not by --pin: its warning would be on stderr
        cli,
        ["--db", url, "--clerk", "Boss", *args.split(), *(["--json"] if json_out else [])],
        input=stdin,
        env={"STATION_PIN": PIN},
    )


def _parcels(url: str) -> dict[str, str]:
    listed = _station("parcels --status on_shelf", url)
    # Once in a full run this printed nothing: say why, should it again.
    assert listed.exit_code == 0 and listed.stdout, (listed.exit_code, listed.stderr, listed.exception)
    on_shelf = json.loads(listed.stdout)["parcels"]
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
        (message,) = conn.execute(
            "SELECT max(id) FROM notification WHERE parcel_id = ?", (on_shelf[1]["id"],)
        ).fetchone()
        (closed,) = conn.execute("SELECT max(business_day) FROM day_close").fetchone()
    return {
        "message": str(message),
        "shelf": on_shelf[0]["waybill"],
        "shelf2": on_shelf[1]["waybill"],
        "code": on_shelf[0]["pickup_code"],
        "carrier": on_shelf[0]["carrier"],
        "closed": closed,
    }


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_json_time_is_iso_8601(scenario: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = copy_database_file(_demo_station(), tmp_path / "station.sqlite3")
    (tmp_path / "counter.toml").write_text(  # a PDF printer: a receipt's copy is printable
        f'[printer]\nlanguage = "pdf"\ntransport = "file"\ntarget = "{tmp_path}/"\n', encoding="utf-8"
    )
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "counter.toml"))
    names = _parcels(url)
    for line in SETUP.get(scenario, []):
        done = _station(line.format(**names), url, json_out=False)
        assert done.exit_code == 0, f"station {line}: {done.output}"
    times = 0
    for line in SCENARIOS[scenario]:
        args = line.format(**names)
        result = _station(args, url, SCANS.get(line))
        assert result.exit_code == 0, f"station {args}: {result.output}"
        for doc in result.stdout.splitlines():
            json.loads(doc)
        assert not SPACED_TIME.search(result.stdout), f"station {args}: {result.stdout}"
        times += len(ISO_TIME.findall(result.stdout))
    assert times, "no time printed at all: the scenario checks nothing"


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[str]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        elif command is not None and any(p.name == "as_json" for p in command.params):
            yield " ".join((*path, name))


def test_every_json_command_is_run() -> None:
    """A new command with --json joins a scenario, or NOT_RUN with its reason."""
    run = {
        command
        for lines in SCENARIOS.values()
        for line in lines
        for command in _commands(cli)
        if f"{line} ".startswith(f"{command} ")
    }
    assert set(_commands(cli)) - set(NOT_RUN) == run
