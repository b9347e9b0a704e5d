"""Point 2 (roles): every `station` command has one stated role, and the service enforces it.

The attack: run each command with nobody signed in, then as a plain clerk, on a station with parcels,
a return batch and messages. A command whose role is "anyone signed in" must refuse nobody and serve
the clerk; a manager's command must refuse both, and a refusal writes nothing. The roles come from one
table (`services/core/roles.py`, shown in the README); this test fails when a command has no role, two
roles, or a role the service does not enforce.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from sqlalchemy import text

from security.helpers import PIN, Run, make_station, run_cli, snapshot
from station_console.cli import cli as station_cli
from station_console.i18n import set_language
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.roles import ACTIONS, Need, markdown_table
from station_console.services.exceptions import returns
from station_console.services.people import clerks
from station_console.services.pickup.handover import confirm_pickup

PHONE = "13812345678"
ON_SHELF, IN_BATCH, SPARE, PICKED = "SF1234567890123", "SF1234567890124", "SF1234567890125", "JT1234567890123"

# What each command is run with: real arguments on the prepared station, so an allowed run succeeds.
ARGS: dict[str, list[str]] = {
    "init": [],
    "init --demo": ["--demo"],
    "db upgrade": [],
    "db check": [],
    "devices": ["--json"],
    "scan-test": ["--device", "wedge", "--count", "1"],
    "detect": [ON_SHELF],
    "carriers list": [],
    "audit verify": [],
    "bench": ["--help"],  # a real run builds a million parcels: its role (none) is what is checked
    "notify": ["--once"],
    "privacy purge": [],
    "parcels": [],
    "search": [ON_SHELF],
    "parcel": [ON_SHELF],
    "shelves": [],
    "overdue": [],
    "problems": [],
    "returns list": [],
    "returns show": ["1"],
    "report": [],
    "audit timeline": [ON_SHELF],
    "audit activity": ["Li"],
    "clerk list": [],
    "outbox": [],
    "label": [ON_SHELF, "--format", "tspl", "--out", "{tmp}/label.tspl"],
    "print-queue": [],
    "checkin": ["JT0000000000009", "--phone", PHONE],
    "undo-checkin": [],
    "print": [ON_SHELF],
    "pickup": [PHONE],
    "move": [ON_SHELF, "--to", "2-1"],
    "stocktake": ["3"],
    "returns open": ["JT"],
    "returns add": ["1", SPARE],
    "returns remove": ["1", IN_BATCH],
    "returns manifest": ["1"],
    "returns close": ["1", "--signed-by", "Zhang"],
    "problem": [ON_SHELF, "--kind", "damaged", "--note", "box crushed"],
    "outbox resend": ["1"],
    "clerk pin": ["Li", "--pin", "8642"],
    "close-day": [],
    "shelves import": ["{tmp}/layout.csv"],
    "shelves add": ["Z"],
    "shelves add-layer": ["1"],
    "shelves edit": ["1-1", "--capacity", "30"],
    "shelves retire": ["7"],
    "write-off": [ON_SHELF, "--reason", "lost"],
    "undo-pickup": [PICKED],
    "privacy export": [PHONE],
    "privacy delete": [PHONE, "--yes"],
    "clerk add": ["Zhao", "--pin", "5839"],
    "clerk deactivate": ["Li"],
    "clerk activate": ["Li"],
    "clerk unlock": ["Li"],
    "carriers add": ["--code", "KDN", "--name-en", "Kdn", "--name-zh", "快递鸟"],
    "carriers edit": ["SF", "--fee", "1"],
    "backup": ["{tmp}/new-backup.sqlite3"],
    "restore": ["{tmp}/backup.sqlite3", "--yes"],
}


def command_paths(group: click.Group = station_cli, prefix: str = "") -> list[str]:
    """Every `station` command, groups that run on their own (`shelves`, `outbox`) included."""
    ctx = click.Context(group)
    paths = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            if command.invoke_without_command:
                paths.append(path)
            paths += command_paths(command, f"{path} ")
        else:
            paths.append(path)
    return paths


def role_of(path: str) -> tuple[str, Need]:
    owners = [(name, spec.need) for name, spec in ACTIONS.items() if path in spec.commands]
    assert len(owners) == 1, f"`station {path}` must have exactly one stated role, has {owners}"
    return owners[0]


def test_every_command_has_exactly_one_role_and_sample_arguments() -> None:
    paths = command_paths()
    assert len(paths) > 50
    for path in paths:
        role_of(path)
    listed = {c for spec in ACTIONS.values() for c in spec.commands}
    assert listed - {"init --demo"} == set(paths), "the role table names a command that does not exist"
    assert set(ARGS) == listed


def test_the_readme_shows_the_role_table() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station with the manager Wang and the clerk Li, parcels on the shelf, one picked up, an
    open return batch and a failed message."""
    path = tmp_path_factory.mktemp("roles") / "template.sqlite3"
    station = make_station(path)
    clerks.sign_in(station, "Li", PIN)
    for waybill in (ON_SHELF, IN_BATCH, SPARE):
        check_in(station, waybill, phone=PHONE)
    picked = check_in(station, PICKED, phone=PHONE)
    confirm_pickup(station, [picked.parcel_id], method="code", scanned=[PICKED])
    batch = returns.open_batch(station, "SF")
    returns.add(station, batch.id, IN_BATCH)
    with station.engine.begin() as conn:  # a message that failed, for `outbox resend`
        conn.execute(text("UPDATE notification SET status = 'failed' WHERE id = 1"))
    station.engine.dispose()
    return path


@pytest.fixture
def station_file(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "station.sqlite3"
    shutil.copy(template, path)
    (tmp_path / "layout.csv").write_text("shelf,zone,layers\nY,main,2\n", encoding="utf-8")
    shutil.copy(template, tmp_path / "backup.sqlite3")
    monkeypatch.setenv("STATION_DEMO_SCALE", "0.02")
    set_language("en")
    yield path


def attempt(path: str, db: Path, *who: str) -> Run:
    words = [w for w in path.split() if not w.startswith("--")]  # "init --demo": its flag is in ARGS
    args = [a.replace("{tmp}", str(db.parent)) for a in ARGS[path]]
    return run_cli(["--db", f"sqlite:///{db}", "--lang", "en", *who, *words, *args])


REFUSED_ANONYMOUS = ("Nobody is signed in: sign in to", "Only a manager can")


def refusal(result: Run) -> str | None:
    for phrase in REFUSED_ANONYMOUS:
        if phrase in result.err:
            return phrase
    return None


ALL = sorted({c for spec in ACTIONS.values() for c in spec.commands})


@pytest.mark.parametrize("path", ALL)
def test_nobody_signed_in_is_nobody(path: str, station_file: Path) -> None:
    name, need = role_of(path)
    station = open_station(f"sqlite:///{station_file}")
    before = snapshot(station)
    result = attempt(path, station_file)
    if need is Need.NOBODY:
        assert refusal(result) is None, result.output
        assert result.code == 0, result.output
    else:
        assert result.code == 1 and refusal(result), f"`station {path}` ran with nobody signed in"
        assert snapshot(station) == before, f"`station {path}` wrote while refusing"
    station.engine.dispose()


@pytest.mark.parametrize("path", ALL)
def test_a_clerk_does_a_clerks_work_and_no_managers(path: str, station_file: Path) -> None:
    name, need = role_of(path)
    station = open_station(f"sqlite:///{station_file}")
    before = snapshot(station)
    result = attempt(path, station_file, "--clerk", "Li", "--pin", PIN)
    label = ACTIONS[name].label
    if need is Need.MANAGER:
        assert result.code == 1, f"`station {path}` ran for a clerk"
        assert f"Only a manager can {label}" in result.err, result.output
        assert snapshot(station) == before, f"`station {path}` wrote while refusing"
    else:
        assert refusal(result) is None, result.output
        assert result.code == 0, result.output
    station.engine.dispose()


@pytest.mark.parametrize(
    "path", [p for p in ALL if role_of(p)[1] is Need.MANAGER and p not in ("init --demo",)]
)
def test_a_manager_may(path: str, station_file: Path) -> None:
    result = attempt(path, station_file, "--clerk", "Wang", "--pin", PIN)
    assert result.code == 0, result.output


def console_keys() -> set[str]:
    """Every binding id of the console: the app's and every screen's and widget's."""
    import importlib
    import pkgutil

    from textual.binding import Binding

    import station_console.tui as tui

    found: set[str] = set()
    for info in pkgutil.walk_packages(tui.__path__, f"{tui.__name__}."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            for binding in getattr(value, "BINDINGS", None) or ():
                if isinstance(binding, Binding) and binding.id and value.__module__ == module.__name__:
                    found.add(binding.id)
        for binding in getattr(module, "CLERK_BINDINGS", ()):
            if binding.id:
                found.add(binding.id)
    return found


def test_every_console_key_has_exactly_one_role() -> None:
    keys = console_keys()
    assert len(keys) > 60
    owners = {key: [name for name, spec in ACTIONS.items() if key in spec.keys] for key in keys}
    assert {key: names for key, names in owners.items() if len(names) != 1} == {}
    listed = {k for spec in ACTIONS.values() for k in spec.keys}
    assert listed - keys == set(), "the role table names a key the console does not have"
