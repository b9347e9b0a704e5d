"""What the send-out CLI tests (test_sendout_cli.py, test_sendout_rules_cli.py and others) share: the
station's own clerks Li and Wang and their PIN, one `station` command run as one of them, the sender's ID
number from the environment, and the sender, recipient and parcel of a send as typed; and the fixtures
test_sendout_cli.py, test_sendout_handover_cli.py and test_sendout_rules_cli.py take by name
(`db_url, run, staff = shared.db_url, shared.run, shared.staff`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session, select

from db.models import Clerk, Send
from station_console.cli import cli
from station_console.services.admin.setup import open_station

PIN = "482913"
ID = "11010519491231002X"
SENDER = ["--sender-name", "Zhang San", "--sender-phone", "13812345678", "--id-type", "resident", "--id-seen"]
TO = [
    "--to-name",
    "Wang Wu",
    "--to-phone",
    "13987654321",
    "--to",
    "新疆",
    "--address",
    "乌鲁木齐市人民路 88 号",
]
# One send of clothes by SF, all of it checked: `sendout new`'s options but its waybill and payment.
SF_SEND = [*SENDER, *TO, "--contents", "clothes", "--carrier", "SF", "--weight", "1.2", "--checked", "all"]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'station.sqlite3'}"


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    return command_runner(db_url, monkeypatch)


@pytest.fixture
def staff(db_url: str) -> None:
    add_staff(db_url)


def command_runner(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """`run(*args, clerk=None, stdin=None)`: one `station` command on `db_url`, as `clerk` if named."""
    monkeypatch.setenv("STATION_SENDER_ID", ID)  # the ID number never on the command line
    runner = CliRunner()

    def invoke(*args: str, clerk: str | None = None, stdin: str | None = None):  # type: ignore[no-untyped-def]
        who = ["--clerk", clerk] if clerk else []
        return runner.invoke(
            cli,
            ["--db", db_url, "--lang", "en", *who, *args],
            input=stdin,
            env={"STATION_PIN": PIN} if clerk else {},  # not --pin: its warning would be in every output
            catch_exceptions=False,
        )

    return invoke


def add_staff(db_url: str) -> None:
    """Clerk Li and manager Wang, both with PIN, on the station at `db_url`; nobody signed in."""
    from station_console.services.people.pins import hash_pin

    station = open_station(db_url)
    with Session(station.engine) as s:
        for name, role in (("Li", "clerk"), ("Wang", "manager")):
            s.add(Clerk(name=name, role=role, pin_hash=hash_pin(PIN, n=2**10), created_at=station.now()))
        s.commit()
    station.engine.dispose()


def sends(db_url: str) -> list[Send]:
    """Every send in the database at `db_url`."""
    station = open_station(db_url)
    with station.read() as s:
        rows = list(s.exec(select(Send)).all())
    station.engine.dispose()
    return rows
