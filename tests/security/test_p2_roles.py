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
from datetime import timedelta
from pathlib import Path

import click
import pytest
from conftest import FakeClock
from sqlalchemy import text
from station_helpers import Rows, commands_at, file_snapshot

from security.helpers import PIN, Run, accept_send, change_settings, make_station, run_cli
from station_console.cli import cli as station_cli
from station_console.i18n import set_language
from station_console.secrets_file import secrets_path
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.roles import ACTIONS, Need, markdown_table
from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.exceptions import return_batch_parcels, returns
from station_console.services.people import clerks
from station_console.services.pickup.handover import confirm_pickup

PHONE = "13812345678"
ON_SHELF, IN_BATCH, SPARE, PICKED = "SF1234567890123", "SF1234567890124", "SF1234567890125", "JT1234567890123"
FEE_PAID = "SF1234567890137"  # its storage fee paid in cash: a receipt to print again
# Parcels of the directory's 张三 (00123, room 502): on run 1 (planned), out on run 2, waiting, linked.
# Run 3 is done (its one parcel delivered), ready to close.
DOOR_PLANNED, DOOR_OUT, DOOR_WAITING, DOOR_LINKED, DOOR_DONE = (f"YT12345678901{n}" for n in range(31, 36))
DOOR_PHONE = "13900001111"
SENDER = ["--sender-name", "Zhang San", "--sender-phone", "13712345678", "--id-type", "resident", "--id-seen"]
SEND_TO = ["--to-name", "Wang Wu", "--to-phone", "13987654321", "--to", "新疆", "--address", "人民路 88 号"]

# What each command is run with: real arguments on the prepared station, so an allowed run succeeds.
ARGS: dict[str, list[str]] = {
    "init": [],
    "init --demo": ["--demo"],
    "db upgrade": [],
    "db check": [],
    "devices": ["--json"],
    "scan-test": ["--device", "wedge", "--count", "1"],
    "scan-test --save": ["--device", "wedge", "--count", "1", "--save"],
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
    "audit show": ["1"],
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
    "stocktake --fix put-back": ["3", "--close", "--fix", "put-back"],
    "returns open": ["JT"],
    "returns add": ["1", SPARE, "--recalled"],
    "returns remove": ["1", IN_BATCH],
    "returns manifest": ["1"],
    "returns close": ["1", "--signed-by", "Zhang"],
    "problem": [ON_SHELF, "--kind", "damaged", "--note", "box crushed"],
    "outbox resend": ["1"],
    "clerk pin": ["Li", "--pin", "8642"],
    "close-day": ["--early"],
    "reopen-day": ["--date", "{closed}", "--reason", "a parcel was counted twice"],
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
    "clerk role": ["Li", "manager"],
    "carriers add": ["--code", "KDN", "--name-en", "Kdn", "--name-zh", "快递鸟"],
    "carriers edit": ["SF", "--fee", "1"],
    "backup": ["{tmp}/new-backup.sqlite3"],
    "restore": ["{tmp}/backup.sqlite3", "--yes"],
    "scale read": ["--config", '{"kind": "dummy", "file": "{tmp}/plate"}'],
    "sendout quote": ["--carrier", "SF", "--to", "新疆", "--weight", "1.2"],
    "sendout tariff show": ["SF"],
    "sendout tariff history": ["SF"],
    "sendout checklist history": [],
    "sendout checklist show": [],
    "sendout stock list": [],
    "sendout list": [],
    "sendout sender": ["13712345678"],
    "sendout new": [*SENDER, *SEND_TO, "--contents", "books", "--carrier", "SF", "--weight", "1.2"]
    + ["--checked", "all", "--waybill", "SF1234567890130", "--pay", "cash"],
    "sendout refuse": [*SENDER, "--contents", "fireworks", "--reason", "fireworks", "--found", "explosives"],
    "sendout reprint": ["1"],
    "sendout handover": ["SF", "--courier", "Chen"],
    "sendout manifest": ["1", "--pdf", "{tmp}/manifest.pdf"],
    "sendout refund": ["1", "--reason", "changed their mind"],
    "sendout tariff set": ["SF", "{tmp}/rates.csv"],
    "sendout checklist set": ["{tmp}/checklist.json"],
    "sendout stock import": ["SF", "{tmp}/stock.csv"],
    "recipients list": [],
    "recipients show": ["00123"],
    "recipients match": ["502"],
    "recipients unmatched": [],
    "recipients report": [],
    "recipients mappings": [],
    "recipients consent": ["00123", "--granted", "--channel", "counter"],
    "recipients link": [ON_SHELF, "00123"],
    "recipients add": ["--set", "name=赵六", "--set", "phones=13700004321", "--set", "room=601"],
    "recipients edit": ["00123", "--set", "room=608"],
    "recipients deactivate": ["00123"],
    "recipients activate": ["00124"],
    "recipients import": ["{tmp}/people.csv", "--yes"],
    "delivery waiting": [],
    "delivery runs": [],
    "delivery show": ["1"],
    "delivery request": [DOOR_LINKED],
    "delivery cancel": [DOOR_WAITING],
    "delivery plan": ["--runner", "小刘"],
    "delivery sheet": ["1", "--pdf", "{tmp}/sheet.pdf"],
    "delivery out": ["1", DOOR_PLANNED],
    "delivery delivered": ["2", DOOR_OUT, "--to", "self"],
    "delivery failed": ["2", DOOR_OUT, "--reason", "not_home"],
    "delivery close": ["3"],
    "prealert import": ["{tmp}/prealert.csv"],
    "prealert list": [],
    "prealert missing": [],
    "prealert imports": [],
    "prealert watch": ["{tmp}/watched", "--once"],
    "handover open": ["ZTO", "--courier", "Zhao"],
    "handover show": ["1"],
    "handover list": [],
    "handover close": ["2", "--no-print"],
    "handover receipt": ["1", "--pdf", "{tmp}/receipt.pdf"],
    "fees list": [],
    "fees due": [ON_SHELF],
    "fees set": ["standard", "--free-days", "0", "--per-day", "1.5"],
    "fees remove": ["long"],
    "fees pay": [ON_SHELF, "--method", "cash"],
    "fees waive": [ON_SHELF, "--reason", "a regular"],
    "fees receipt": [FEE_PAID],
    "events send": ["--once"],
    "events list": [],
    "events retry": ["1"],
    "events drop": ["1", "--reason", "test station"],
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
    flags = {c for c in listed if " --" in c}  # "init --demo": a command's flag with a role of its own
    assert {c.split(" --")[0] for c in flags} <= set(paths), "a flag of a command that does not exist"
    assert listed - flags == set(paths), "the role table names a command that does not exist"
    assert set(ARGS) == listed


def test_the_readme_shows_the_role_table() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme


@pytest.fixture(scope="module", autouse=True)
def _one_clock() -> Iterator[None]:
    """The template and every command on its copies read one clock: on the machine's, midnight
    passing between the template made and a test turned `{closed}` (yesterday, station time) into the
    day its parcels came in, which `reopen-day` refused as not closed."""
    with pytest.MonkeyPatch.context() as patch:
        commands_at(patch, FakeClock())
        yield


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
    return_batch_parcels.add(station, batch.id, IN_BATCH, recalled=True)  # fresh: recalled to go back
    with station.engine.begin() as conn:  # a message that failed, for `outbox resend`
        conn.execute(text("UPDATE notification SET status = 'failed' WHERE id = 1"))
    door_delivery_and_sends(station)
    carrier_data(station, path.parent)
    clerks.sign_in(station, "Wang", PIN)  # yesterday, closed: for `reopen-day`
    close_day(station, station.business_day() - timedelta(days=1))
    station.engine.dispose()
    # This counter's audit key, which sealed the close: each test's counter has it, as the real one does.
    shutil.copy(secrets_path(), path.with_name("secrets.toml"))
    return path


def carrier_data(station: Station, folder: Path) -> None:
    """Pre-alerts, a closed and an open courier batch, a failed carrier event, a storage fee on SF
    parcels from the first day, one paid (the door-delivery parcels are YTO's: their runs go on as before)."""
    from station_console.services.fees import ledger
    from station_console.services.prealerts import batches
    from station_console.services.prealerts.importer import import_file

    expected = folder / "expected.csv"
    expected.write_text("waybill,carrier\n73000000000001\n73000000000002\n", encoding="utf-8")
    import_file(station, expected, carrier="ZTO")
    closed = batches.open_batch(station, "ZTO", "Zhao")
    batches.close_batch(station, closed.id, print_receipt=False)
    batches.open_batch(station, "ZTO", "Qian")
    change_settings(
        station, carrier_event_targets={"SF": {"channel": "webhook", "url": "http://127.0.0.1:9/x"}}
    )
    check_in(station, "SF1234567890127", phone=PHONE)  # its event is queued for SF
    change_settings(
        station,
        carrier_event_targets={},
        storage_fee_rules=[{"name": "long", "carrier": "SF", "free_days": 0, "per_day_cents": 150}],
    )
    ledger.settle(station, check_in(station, FEE_PAID, phone=PHONE).parcel_id, ledger.Settlement("cash"))
    with station.engine.begin() as conn:
        conn.execute(text("UPDATE carrier_event SET status = 'failed'"))


def door_delivery_and_sends(station: Station) -> None:
    """Directory people, door-delivery runs (one planned, one out), a send at the counter and one
    handed over."""
    from station_console.services.delivery import requests, runs, scan_back
    from station_console.services.recipients import directory
    from station_console.services.sendout import handover

    clerks.sign_in(station, "Wang", PIN)
    directory.add(station, {"name": "张三", "external_id": "00123", "phones": DOOR_PHONE, "room": "502"})
    directory.add(station, {"name": "李四", "external_id": "00124", "phones": "13900002222", "room": "503"})
    directory.set_active(station, "00124", False)
    clerks.sign_in(station, "Li", PIN)
    for waybill in (DOOR_PLANNED, DOOR_OUT, DOOR_WAITING, DOOR_LINKED, DOOR_DONE):
        check_in(station, waybill, phone=DOOR_PHONE)
    requests.request(station, DOOR_PLANNED)
    runs.plan(station, "小王")
    requests.request(station, DOOR_OUT)
    runs.scan_out(station, runs.plan(station, "小张").id, DOOR_OUT)
    requests.request(station, DOOR_DONE)
    done = runs.plan(station, "小李").id
    runs.scan_out(station, done, DOOR_DONE)
    scan_back.deliver(station, done, DOOR_DONE, received_by="self")
    requests.request(station, DOOR_WAITING)
    accept_send(station, "SF1234567890129")
    # Another send, handed over in the closed batch 1: for `sendout manifest`.
    accept_send(station, "SF1234567890131")
    batch = handover.open_batch(station, "SF")
    batch_id = handover.scan(station, batch, "SF1234567890131").batch_id
    handover.close_batch(station, batch_id, courier_name="Chen", print_manifest=False)


@pytest.fixture(scope="module")
def template_rows(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Rows:
    """The rows every test's station file starts with (each is a copy of the template): what a refused
    command must leave. Read once, from a copy of its own, not once a test."""
    copy = tmp_path_factory.mktemp("rows") / "station.sqlite3"
    shutil.copy(template, copy)
    return file_snapshot(copy)


@pytest.fixture
def station_file(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "station.sqlite3"
    shutil.copy(template, path)
    (tmp_path / "layout.csv").write_text("shelf,zone,layers\nY,main,2\n", encoding="utf-8")
    (tmp_path / "plate").write_text("1234", encoding="utf-8")
    (tmp_path / "prealert.csv").write_text("waybill,carrier\n73000000000003,ZTO\n", encoding="utf-8")
    (tmp_path / "watched").mkdir()
    (tmp_path / "rates.csv").write_text(
        "zone,first_g,first_cents,step_g,step_cents\nsame,1000,900,1000,100\nnear,1000,1000,1000,200\n"
        "far,1000,1100,1000,300\nremote,1000,1900,1000,900\n",
        encoding="utf-8",
    )
    (tmp_path / "checklist.json").write_text(
        '{"items": [{"id": "liquids", "zh": "液体", "en": "Liquids"}]}', encoding="utf-8"
    )
    (tmp_path / "stock.csv").write_text("waybill\nSF0000000000011\n", encoding="utf-8")
    (tmp_path / "people.csv").write_text(
        "工号,姓名,手机,房间\n00125,王五,13900003333,504\n", encoding="utf-8"
    )
    (tmp_path / "counter.toml").write_text(  # a PDF printer: manifests and run sheets are printable
        f'[printer]\nlanguage = "pdf"\ntransport = "file"\ntarget = "{tmp_path}/"\n', encoding="utf-8"
    )
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "counter.toml"))
    shutil.copy(template.with_name("secrets.toml"), secrets_path())
    secrets_path().chmod(0o600)
    monkeypatch.setenv("STATION_SENDER_ID", "11010519491231002X")  # real-name sending, off the command line
    shutil.copy(template, tmp_path / "backup.sqlite3")
    monkeypatch.setenv("STATION_DEMO_SCALE", "0.02")
    set_language("en")
    yield path


STDIN = {"sendout handover": "SF1234567890129\n"}  # the courier takes the send at the counter


def attempt(path: str, db: Path, *who: str) -> Run:
    words = path.split(" --")[0].split()  # "init --demo", "stocktake --fix put-back": the flag is in ARGS
    args = [a.replace("{tmp}", str(db.parent)) for a in ARGS[path]]
    if "{closed}" in args:  # the template's closed day: yesterday, station time
        station = open_station(f"sqlite:///{db}")
        closed = (station.business_day() - timedelta(days=1)).isoformat()
        station.engine.dispose()
        args = [a.replace("{closed}", closed) for a in args]
    return run_cli(
        ["--db", f"sqlite:///{db}", "--lang", "en", *who, *words, *args], stdin=STDIN.get(path, "")
    )


REFUSED_ANONYMOUS = ("Nobody is signed in: sign in to", "Only a manager can")


def refusal(result: Run) -> str | None:
    for phrase in REFUSED_ANONYMOUS:
        if phrase in result.err:
            return phrase
    return None


ALL = sorted({c for spec in ACTIONS.values() for c in spec.commands})
# Commands that ran and say with their exit status that not everything went out: the template leaves a
# customer message waiting for its retry (4) and an SF event whose carrier has no target left (3).
RAN_WITH = {"notify": 4, "events send": 3}


@pytest.mark.parametrize("path", ALL)
def test_nobody_signed_in_is_nobody(path: str, station_file: Path, template_rows: Rows) -> None:
    name, need = role_of(path)
    result = attempt(path, station_file)
    if need is Need.NOBODY:
        assert refusal(result) is None, result.output
        assert result.code == RAN_WITH.get(path, 0), result.output
    else:
        assert result.code == 1 and refusal(result), f"`station {path}` ran with nobody signed in"
        assert file_snapshot(station_file) == template_rows, f"`station {path}` wrote while refusing"


@pytest.mark.parametrize("path", ALL)
def test_a_clerk_does_a_clerks_work_and_no_managers(
    path: str, station_file: Path, template_rows: Rows
) -> None:
    name, need = role_of(path)
    result = attempt(path, station_file, "--clerk", "Li", "--pin", PIN)
    label = ACTIONS[name].label
    if need is Need.MANAGER:
        assert result.code == 1, f"`station {path}` ran for a clerk"
        assert f"Only a manager can {label}" in result.err, result.output
        assert file_snapshot(station_file) == template_rows, f"`station {path}` wrote while refusing"
    else:
        assert refusal(result) is None, result.output
        assert result.code == RAN_WITH.get(path, 0), result.output


@pytest.mark.parametrize(
    "path", [p for p in ALL if role_of(p)[1] is Need.MANAGER and p not in ("init --demo",)]
)
def test_a_manager_may(path: str, station_file: Path) -> None:
    result = attempt(path, station_file, "--clerk", "Wang", "--pin", PIN)
    if path == "scan-test --save":
        # Past the role check to the measuring, which needs a terminal to time the keys: here they are
        # piped in, and it says so (nothing saved) rather than refusing the manager.
        assert result.code == 1 and "piped in" in result.err, result.output
        assert refusal(result) is None and "Only a manager" not in result.err, result.output
        return
    assert result.code == 0, result.output
