"""`station sendout ...` and `station scale read` through click, on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from db.models import Clerk, ParcelEvent, Send, Sender
from station_console.cli import cli
from station_console.services.admin.setup import open_station

PIN = "482913"
pytestmark = pytest.mark.new_station  # its own clerks: Li and Wang, and nobody signed in by default
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


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'station.sqlite3'}"


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STATION_SENDER_ID", ID)  # the ID number never on the command line
    runner = CliRunner()

    def invoke(*args: str, clerk: str | None = None, stdin: str | None = None):  # type: ignore[no-untyped-def]
        who = ["--clerk", clerk, "--pin", PIN] if clerk else []
        return runner.invoke(
            cli, ["--db", db_url, "--lang", "en", *who, *args], input=stdin, catch_exceptions=False
        )

    return invoke


@pytest.fixture
def staff(db_url: str) -> None:
    from station_console.services.people.pins import hash_pin

    station = open_station(db_url)
    with Session(station.engine) as s:
        for name, role in (("Li", "clerk"), ("Wang", "manager")):
            s.add(Clerk(name=name, role=role, pin_hash=hash_pin(PIN, n=2**10), created_at=station.now()))
        s.commit()
    station.engine.dispose()


def sends(db_url: str) -> list[Send]:
    station = open_station(db_url)
    with station.read() as s:
        rows = list(s.exec(select(Send)).all())
    station.engine.dispose()
    return rows


def test_quote_as_json_shows_its_working(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "sendout",
        "quote",
        "--carrier",
        "SF",
        "--to",
        "新疆",
        "--weight",
        "1.2",
        "--dims",
        "30x20x10",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["total"], data["currency"], data["zone"]) == (4400, "CNY", "remote")
    assert [line["code"] for line in data["lines"]] == ["zone", "weight_volumetric", "first", "additional"]
    assert "30x20x10 cm / 6000" in data["lines"][1]["text"]
    text = run("sendout", "quote", "--carrier", "sf", "--to", "Xinjiang", "--weight", "1.2")
    assert "44.00 CNY" in text.output and "First 1 kg" in text.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--weight", "heavy"], "Weight in kg"),
        (["--weight", "1.2", "--dims", "30x20"], "LxWxH"),
        (["--weight", "1.2", "--to", "Mars"], "Unknown destination"),
    ],
)
def test_quote_refuses_bad_input_in_one_line(run, args: list[str], says: str) -> None:  # type: ignore[no-untyped-def]
    base = ["sendout", "quote", "--carrier", "SF", "--to", "新疆"]
    result = run(*base, *args, "--json")
    assert result.exit_code == 1 and says in json.loads(result.stdout)["message"]


def test_new_records_a_send_and_the_courier_collects_it(run, staff, db_url: str) -> None:  # type: ignore[no-untyped-def]
    args = [*SENDER, *TO, "--contents", "clothes", "--carrier", "SF", "--weight", "1.2", "--checked", "all"]
    done = run("sendout", "new", *args, "--waybill", "SF1234567890123", "--pay", "cash", "--json", clerk="Li")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert (data["waybill"], data["total"], data["weight_manual"], data["recipient"]) == (
        "SF1234567890123",
        4400,
        True,
        "139****4321",
    )
    other = run(
        "sendout", "new", *args, "--waybill", "SF1234567890124", "--pay", "qr", "--ref", "WX88", clerk="Li"
    )
    assert other.exit_code == 0 and "44.00 CNY paid by QR code" in other.output
    nobody = run("sendout", "new", *args, "--waybill", "SF1234567890125", "--pay", "cash")
    assert nobody.exit_code == 1 and "Nobody is signed in" in nobody.output
    listed = json.loads(run("sendout", "list", "--json", clerk="Li").stdout)["sends"]
    assert [s["waybill"] for s in listed] == ["SF1234567890124", "SF1234567890123"]
    scans = "SF1234567890123\nJT1234567890123\n\n"
    handed = run("sendout", "handover", "SF", "--courier", "Chen", "--json", clerk="Li", stdin=scans)
    assert handed.exit_code == 0, handed.output
    batch = json.loads(handed.stdout)
    assert batch["status"] == "closed" and batch["scanned"] == 1
    assert [m["waybill"] for m in batch["missing"]] == ["SF1234567890124"]
    assert batch["refused"][0]["error"] == "wrong_parcel"
    assert {s.waybill: s.status for s in sends(db_url)} == {
        "SF1234567890123": "handed_over",
        "SF1234567890124": "accepted",
    }
    refund = run("sendout", "refund", "SF1234567890124", "--reason", "changed mind", clerk="Li")
    assert refund.exit_code == 1 and "manager" in refund.output
    refund = run("sendout", "refund", "SF1234567890124", "--reason", "changed mind", "--json", clerk="Wang")
    assert refund.exit_code == 0 and json.loads(refund.stdout)["refund"] == 4400


def test_the_id_number_stays_out_of_everything_stored(run, staff, db_url: str) -> None:  # type: ignore[no-untyped-def]
    args = [*SENDER, *TO, "--contents", "books", "--carrier", "SF", "--weight", "0.5", "--checked", "all"]
    done = run("sendout", "new", *args, "--waybill", "SF1234567890123", "--pay", "cash", "--json", clerk="Li")
    assert done.exit_code == 0, done.output
    station = open_station(db_url)
    with station.read() as s:
        details = json.dumps([e.details for e in s.exec(select(ParcelEvent)).all()], ensure_ascii=False)
    station.engine.dispose()
    assert ID not in details and ID[:17] not in details and "13812345678" not in details
    assert "002X" not in details and '"id_type": "resident"' in details  # the purge cannot reach the trail


def test_an_unchecked_inspection_is_refused(run, staff) -> None:  # type: ignore[no-untyped-def]
    args = [
        *SENDER,
        *TO,
        "--contents",
        "books",
        "--carrier",
        "SF",
        "--weight",
        "0.5",
        "--checked",
        "explosives",
    ]
    done = run("sendout", "new", *args, "--waybill", "SF1234567890123", "--pay", "cash", clerk="Li")
    assert done.exit_code == 1 and "Inspection not finished" in done.output


def test_a_refusal_is_recorded(run, staff, db_url: str) -> None:  # type: ignore[no-untyped-def]
    done = run(
        "sendout",
        "refuse",
        *SENDER,
        "--contents",
        "fireworks",
        "--reason",
        "fireworks",
        "--found",
        "explosives",
        clerk="Li",
    )
    assert done.exit_code == 0, done.output
    (row,) = sends(db_url)
    assert (row.status, row.refused_reason) == ("refused", "fireworks")


def test_stock_and_tariff_are_a_managers(run, staff, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    numbers = tmp_path / "sf.csv"
    numbers.write_text("waybill\nSF0000000000011\nSF0000000000012\n", encoding="utf-8")
    assert run("sendout", "stock", "import", "SF", str(numbers), clerk="Li").exit_code == 1
    imported = run("sendout", "stock", "import", "SF", str(numbers), "--json", clerk="Wang")
    assert json.loads(imported.stdout)["imported"] == 2
    assert json.loads(run("sendout", "stock", "list").stdout) == {"stock": {"SF": 2}}
    rates = tmp_path / "sf.csv"
    rates.write_text(
        "zone,first_g,first_cents,step_g,step_cents\nsame,1000,900,1000,100\nnear,1000,1000,1000,200\n"
        "far,1000,1100,1000,300\nremote,1000,1900,1000,900\n",
        encoding="utf-8",
    )
    stored = run("sendout", "tariff", "set", "SF", str(rates), clerk="Wang")
    assert stored.exit_code == 0 and "version 1" in stored.output
    assert (
        json.loads(
            run("sendout", "quote", "--carrier", "SF", "--to", "新疆", "--weight", "1", "--json").stdout
        )["total"]
        == 1900
    )
    history = json.loads(run("sendout", "tariff", "history", "SF").stdout)["versions"]
    assert [v["version"] for v in history] == [1, 0]  # the built-in table stays listed
    builtin = json.loads(run("sendout", "tariff", "show", "SF", "--version", "0").stdout)
    assert (builtin["version"], builtin["sha256"]) == (0, history[1]["sha256"])


def test_tariff_set_takes_a_toml_or_csv_file_as_the_screen_does(run, staff, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A tariff in a file ending neither .toml nor .csv is refused in the Send-out rules screen's
    words and nothing is stored; the same table as .toml is stored."""
    table = 'currency = "CNY"\nzoning = "province"\n' + "".join(
        f"[rates.{zone}]\nfirst_g = 1000\nfirst_cents = {cents}\nstep_g = 1000\nstep_cents = 100\n"
        for zone, cents in (("same", 900), ("near", 1000), ("far", 1100), ("remote", 1900))
    )
    for name in ("sf.txt", "sf"):
        (tmp_path / name).write_text(table, encoding="utf-8")
        refused = run("sendout", "tariff", "set", "SF", str(tmp_path / name), clerk="Wang")
        assert refused.exit_code == 1 and "Tariff: the file must be .toml or .csv" in refused.output, (
            refused.output
        )
    assert [
        v["version"] for v in json.loads(run("sendout", "tariff", "history", "SF").stdout)["versions"]
    ] == [0]
    (tmp_path / "sf.toml").write_text(table, encoding="utf-8")
    stored = run("sendout", "tariff", "set", "SF", str(tmp_path / "sf.toml"), clerk="Wang")
    assert stored.exit_code == 0 and "version 1" in stored.output, stored.output


def test_a_fresh_print_queue_process_prints_a_send_receipt(run, staff, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The send-out flow registers its renderer with the print queue: `station print-queue --process` in
    a process that loaded nothing of send-out still draws the receipt a send queued."""
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    Path(os.environ["STATION_CONFIG"]).write_text(
        f'[printer]\nlanguage = "escpos"\ntransport = "device"\ntarget = "{device}"\n', encoding="utf-8"
    )
    args = [*SENDER, *TO, "--contents", "clothes", "--carrier", "SF", "--weight", "1.2", "--checked", "all"]
    done = run("sendout", "new", *args, "--waybill", "SF1234567890123", "--pay", "cash", clerk="Li")
    assert done.exit_code == 0, done.output
    station = Path(sys.executable).with_name("station")
    out = subprocess.run(
        [str(station), "--db", db_url, "--lang", "en", "--clerk", "Li", "--pin", PIN]
        + ["print-queue", "--process", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    processed = json.loads(out.stdout)["processed"]
    assert len(processed["printed"]) == 1 and processed["failed"] == [], out.stdout
    assert b"SF1234567890123" in device.read_bytes()


def test_scale_read_without_a_scale_is_one_line_and_exit_1(run) -> None:  # type: ignore[no-untyped-def]
    result = run("scale", "read")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "No scale is configured" in result.stderr


def test_scale_read_prints_one_stable_reading(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plate = tmp_path / "plate"
    plate.write_text("1234")
    config = json.dumps({"kind": "dummy", "file": str(plate)})
    result = run("scale", "read", "--config", config, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == {
        "grams": 1234,
        "kg": 1.234,
        "stable": True,
        "source": "dummy",
    }
    assert run("scale", "read", "--config", config).stdout == "1.234 kg (stable, demo)\n"  # its kind's label
    assert run("--lang", "zh", "scale", "read", "--config", config).stdout == "1.234 千克（已稳定，演示）\n"
    plate.write_text("moving 1300")
    moving = run("scale", "read", "--config", config, "--timeout", "0.3")
    assert moving.exit_code == 1 and "did not settle" in moving.stderr


def test_privacy_commands_cover_sends_in_english_and_chinese(run, staff, db_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    args = [*SENDER, *TO, "--contents", "clothes", "--carrier", "SF", "--weight", "1.2", "--checked", "all"]
    assert (
        run("sendout", "new", *args, "--waybill", "SF1234567890123", "--pay", "cash", clerk="Li").exit_code
        == 0
    )
    handed = run("sendout", "handover", "SF", "--courier", "Chen", clerk="Li", stdin="SF1234567890123\n\n")
    assert handed.exit_code == 0, handed.output
    kept = run("privacy", "delete", "13812345678", "--yes", clerk="Wang")
    assert kept.exit_code == 0, kept.output
    assert "Sends: 0 cleared, 1 kept until their real-name period ends; 0 senders taken off" in kept.output
    station = open_station(db_url)  # the courier took it 400 days ago
    with Session(station.engine) as s:
        row, sender = s.exec(select(Send, Sender).join(Sender)).one()
        row.handed_over_at = row.created_at = clock.now - timedelta(days=400)
        sender.updated_at = sender.created_at = row.created_at
        s.add_all([row, sender])
        s.commit()
    station.engine.dispose()
    zh = CliRunner().invoke(cli, ["--db", db_url, "--lang", "zh", "privacy", "purge"], catch_exceptions=False)
    assert zh.exit_code == 0 and "已清除 1 条寄件记录和 1 位寄件人（寄件离站 365 天及以上）" in zh.output
    again = run("privacy", "purge", "--json")
    assert {k: json.loads(again.stdout)[k] for k in ("sends", "senders", "send_days")} == {
        "sends": 0,
        "senders": 0,
        "send_days": 365,
    }
    en = run("privacy", "purge")
    assert "Purged 0 send records and 0 senders (sends gone for 365 days or more)" in en.output
    [send] = sends(db_url)
    assert (send.recipient_name, send.address, send.id_last4) == ("", "", None)


@pytest.mark.parametrize(
    ("lang", "paid", "id_type", "closed"),
    [
        ("en", "44.00 CNY paid by QR code", "ID Resident ID card ****002X", "Batch 1 closed:"),
        ("zh", "44.00 元，扫码支付", "证件 居民身份证 ****002X", "批次 1 已结束："),
    ],
)
def test_payment_method_id_type_and_batch_state_by_their_labels(  # type: ignore[no-untyped-def]
    db_url: str, staff, monkeypatch: pytest.MonkeyPatch, lang: str, paid: str, id_type: str, closed: str
) -> None:
    monkeypatch.setenv("STATION_SENDER_ID", ID)
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> str:
        who = ["--clerk", "Li", "--pin", PIN]
        done = runner.invoke(
            cli, ["--db", db_url, "--lang", lang, *who, *args], input=stdin, catch_exceptions=False
        )
        assert done.exit_code == 0, done.output
        return done.output

    args = [*SENDER, *TO, "--contents", "clothes", "--carrier", "SF", "--weight", "1.2", "--checked", "all"]
    assert paid in run(
        "sendout", "new", *args, "--waybill", "SF1234567890123", "--pay", "qr", "--ref", "WX88"
    )
    assert id_type in run("sendout", "sender", "13812345678")
    assert closed in run("sendout", "handover", "SF", "--courier", "Chen", stdin="SF1234567890123\n")


def test_a_tariff_set_over_a_version_stored_meanwhile_is_refused(  # type: ignore[no-untyped-def]
    run, staff, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another manager stores a version between this command's read of the table and its write: the CSV's
    rates would go over the table it read, that version replaced unseen. Refused, theirs kept; again: saved."""
    from station_console.services.sendout import tariff as tariffs

    rates = tmp_path / "sf.csv"
    rates.write_text(
        "zone,first_g,first_cents,step_g,step_cents\nsame,1000,900,1000,100\nnear,1000,1000,1000,200\n"
        "far,1000,1100,1000,300\nremote,1000,1900,1000,900\n",
        encoding="utf-8",
    )
    real = tariffs.body_from_text

    def another_manager_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        other = open_station(db_url, clerk_name="Wang", pin=PIN)
        try:
            with other.read() as session:
                theirs = tariffs.current_version(session, "SF")
            assert theirs is not None  # the built-in table
            tariffs.set_tariff(other, "SF", {**theirs.body, "minimum_cents": 1200})
        finally:
            other.engine.dispose()
        return real(*args, **kwargs)

    monkeypatch.setattr(tariffs, "body_from_text", another_manager_meanwhile)
    late = run("sendout", "tariff", "set", "SF", str(rates), clerk="Wang")
    assert late.exit_code == 1, late.output
    assert (
        "SF tariff: another counter or command saved a change while this one was being made, so nothing "
        "was saved. Make the change again: it starts from what is saved now." in late.output
    ), late.output
    monkeypatch.setattr(tariffs, "body_from_text", real)
    history = json.loads(run("sendout", "tariff", "history", "SF").stdout)["versions"]
    assert [v["version"] for v in history] == [1, 0]  # theirs alone, over the built-in one
    again = run("sendout", "tariff", "set", "SF", str(rates), clerk="Wang")
    assert again.exit_code == 0 and "version 2" in again.output, again.output
    shown = json.loads(run("sendout", "tariff", "show", "SF").stdout)
    assert shown["table"]["minimum_cents"] == 1200  # their change under this one's rates
    assert shown["table"]["rates"]["remote"]["first_cents"] == 1900


def test_a_checklist_set_over_a_version_stored_meanwhile_is_refused(  # type: ignore[no-untyped-def]
    run, staff, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another manager stores a checklist between this command's read of the current one and its
    write: this file would replace theirs unseen. Refused, theirs kept; run again: stored over it."""
    from station_console.services.sendout import inspection

    mine = tmp_path / "checklist.toml"
    mine.write_text('[[items]]\nid = "knives"\nzh = "管制刀具"\nen = "Controlled knives"\n', encoding="utf-8")
    real = inspection.body_from_text

    def another_manager_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        other = open_station(db_url, clerk_name="Wang", pin=PIN)
        try:
            inspection.set_checklist(other, {"items": [{"id": "cash", "zh": "现金", "en": "Cash"}]})
        finally:
            other.engine.dispose()
        return real(*args, **kwargs)

    monkeypatch.setattr(inspection, "body_from_text", another_manager_meanwhile)
    late = run("sendout", "checklist", "set", str(mine), clerk="Wang")
    assert late.exit_code == 1, late.output
    assert "The inspection checklist: another counter or command saved a new version" in late.output, (
        late.output
    )
    monkeypatch.setattr(inspection, "body_from_text", real)
    shown = json.loads(run("sendout", "checklist", "show").stdout)
    assert (shown["version"], [i["id"] for i in shown["items"]]) == (1, ["cash"])  # theirs kept
    again = run("sendout", "checklist", "set", str(mine), clerk="Wang")
    assert again.exit_code == 0 and "Checklist version 2 stored" in again.output, again.output
    history = json.loads(run("sendout", "checklist", "history").stdout)["versions"]
    assert [v["version"] for v in history] == [2, 1, 0]  # the built-in list stays listed under them
    assert history[2]["sha256"] == inspection.builtin_version().sha256


def test_rule_files_are_read_as_the_console_reads_them(  # type: ignore[no-untyped-def]
    run, staff, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tariff set, checklist set and stock import refuse a folder, a missing file, one too large for a
    rule file and one of no text (neither UTF-8 nor GBK) in the words of the Send-out rules screen, and store nothing; a clerk
    is refused stock before the file is looked at."""
    from station_console.services.sendout import rule_files

    monkeypatch.setattr(rule_files, "MAX_BYTES", 100)
    (tmp_path / "big.csv").write_text("SF0000000000011\n" * 10, encoding="utf-8")
    (tmp_path / "bin.toml").write_bytes(bytes(range(128, 200)))
    commands = (("tariff", "set", "SF"), ("checklist", "set"), ("stock", "import", "SF"))
    for path, said in (
        (tmp_path, "is a folder: type the path of a file"),
        (tmp_path / "gone.csv", "No such file:"),
        (tmp_path / "big.csv", "is larger than 0 MB: not a rule or stock file"),
        (tmp_path / "bin.toml", "is neither UTF-8 nor GBK text: save it as UTF-8"),
    ):
        for command in commands:
            done = run("sendout", *command, str(path), clerk="Wang")
            assert done.exit_code == 1 and said in done.output, (command, done.output)
    assert (
        "Only a manager"
        in run("sendout", "stock", "import", "SF", str(tmp_path / "gone.csv"), clerk="Li").output
    )
    assert json.loads(run("sendout", "stock", "list").stdout) == {"stock": {}}
    assert json.loads(run("sendout", "checklist", "show").stdout)["version"] == 0
    assert [
        v["version"] for v in json.loads(run("sendout", "tariff", "history", "SF").stdout)["versions"]
    ] == [0]


def test_a_wrong_scan_at_a_chinese_handover_is_said_with_the_chinese_colon(run, staff) -> None:  # type: ignore[no-untyped-def]
    args = [*SENDER, *TO, "--contents", "clothes", "--carrier", "SF", "--weight", "1.2", "--checked", "all"]
    assert (
        run("sendout", "new", *args, "--waybill", "SF1234567890123", "--pay", "cash", clerk="Li").exit_code
        == 0
    )
    scans = "JT1234567890123\nSF1234567890123\n\n"
    handed = run("--lang", "zh", "sendout", "handover", "SF", "--courier", "Chen", clerk="Li", stdin=scans)
    assert handed.exit_code == 0, handed.output
    wrong = next(line for line in handed.stderr.splitlines() if "错误" in line)
    assert wrong.endswith("错误：包裹错误：JT1234567890123 不是本站的寄件。") and ":" not in wrong, wrong


def manifest_jobs(db_url: str) -> int:
    from db.models import PrintJob

    station = open_station(db_url)
    with station.read() as s:
        count = len(s.exec(select(PrintJob).where(PrintJob.kind == "manifest")).all())
    station.engine.dispose()
    return count


def test_handover_with_no_printer_for_the_manifest_saves_it_as_a_pdf(  # type: ignore[no-untyped-def]
    run, staff, db_url: str, tmp_path: Path
) -> None:
    """As the console does: with no printer here for the manifest nothing is queued (a job no printer
    takes waited for ever), the PDF is saved in the user data folder, or at --pdf, and its path said; a
    counter with a printer for it still queues it."""
    import os

    args = [*SENDER, *TO, "--contents", "clothes", "--carrier", "SF", "--weight", "1.2", "--checked", "all"]
    for n in (3, 4, 5):
        new = run("sendout", "new", *args, "--waybill", f"SF123456789012{n}", "--pay", "cash", clerk="Li")
        assert new.exit_code == 0, new.output
    handed = run("sendout", "handover", "SF", "--courier", "Chen", clerk="Li", stdin="SF1234567890123\n")
    assert handed.exit_code == 0, handed.output
    saved = Path(os.environ["XDG_DATA_HOME"]) / "station-console" / "manifests" / "SB000001.pdf"
    assert f"No printer here takes manifests; saved as {saved}" in handed.output
    assert saved.read_bytes().startswith(b"%PDF") and manifest_jobs(db_url) == 0
    asked = tmp_path / "for-chen.pdf"
    scan = "SF1234567890124\n"
    handed = run("sendout", "handover", "SF", "--pdf", str(asked), "--json", clerk="Li", stdin=scan)
    assert handed.exit_code == 0, handed.output
    said = json.loads(handed.stdout)
    assert (said["manifest_pdf"], said["manifest_printing"]) == (str(asked), False)
    assert asked.read_bytes().startswith(b"%PDF") and manifest_jobs(db_url) == 0
    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printers.office]\nlanguage = "pdf"\ntransport = "dummy"\ntarget = "office"\n', encoding="utf-8"
    )
    handed = run("sendout", "handover", "SF", clerk="Li", stdin="SF1234567890125\n")
    assert handed.exit_code == 0, handed.output
    assert "saved as" not in handed.output and manifest_jobs(db_url) == 1


def test_the_sends_list_is_every_counters_unless_one_is_asked(  # type: ignore[no-untyped-def]
    run, staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sendout list` lists every counter's sends as before; `--counter NAME` those taken at that one,
    as the console's list shows its own counter's."""
    args = [*SENDER, *TO, "--contents", "clothes", "--carrier", "SF", "--weight", "1.2", "--checked", "all"]
    for counter, n in (("front", 3), ("back", 4)):
        monkeypatch.setenv("STATION_COUNTER", counter)
        new = run("sendout", "new", *args, "--waybill", f"SF123456789012{n}", "--pay", "cash", clerk="Li")
        assert new.exit_code == 0, new.output
    every = json.loads(run("sendout", "list", "--json", clerk="Li").stdout)["sends"]
    assert [s["waybill"] for s in every] == ["SF1234567890124", "SF1234567890123"]
    front = run("sendout", "list", "--counter", "front", clerk="Li")
    assert front.exit_code == 0, front.output
    assert "SF1234567890123" in front.output and "SF1234567890124" not in front.output
    nowhere = run("sendout", "list", "--counter", "side", clerk="Li")
    assert nowhere.exit_code == 0 and nowhere.output.strip() == "No sends.", nowhere.output
