"""`station sendout ...` and `station scale read` through click, on a real SQLite file: quote, accept
(new), refuse, list and hand sends over, refund one, print a receipt, the labels in both languages, the
privacy commands over sends, the scale (tariff, checklist and stock files: test_sendout_rules_cli.py)."""

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

from cli import sendout_cli_helpers as shared
from cli.sendout_cli_helpers import ID, PIN, SENDER, SF_SEND, TO, sends
from db.models import ParcelEvent, Send, Sender
from station_console.cli import cli
from station_console.services.admin.setup import open_station

pytestmark = pytest.mark.new_station  # its own clerks: Li and Wang, and nobody signed in by default


db_url, run, staff = shared.db_url, shared.run, shared.staff  # the shared fixtures, as the tests name them


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
    args = SF_SEND
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


def test_a_fresh_print_queue_process_prints_a_send_receipt(run, staff, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The send-out flow registers its renderer with the print queue: `station print-queue --process` in
    a process that loaded nothing of send-out still draws the receipt a send queued."""
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    Path(os.environ["STATION_CONFIG"]).write_text(
        f'[printer]\nlanguage = "escpos"\ntransport = "device"\ntarget = "{device}"\n', encoding="utf-8"
    )
    args = SF_SEND
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


def test_scale_read_refuses_a_weight_no_send_can_have(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The 20-digit number of a garbled line is not printed as a stable reading: refused, in both languages."""
    config = json.dumps({"kind": "dummy", "grams": 99999999999999999999000})
    result = run("scale", "read", "--config", config, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == "scale_too_heavy"
    assert "more than a send may weigh (100 kg)" in result.stderr
    zh = run("--lang", "zh", "scale", "read", "--config", config)
    assert zh.exit_code == 1 and "超过寄件重量上限（100 千克）" in zh.stderr


def test_privacy_commands_cover_sends_in_english_and_chinese(run, staff, db_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    args = SF_SEND
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
        ("en", "44.00 CNY paid by QR code", "ID Resident ID card ****002X", "Batch SB000001 closed:"),
        ("zh", "44.00 元，扫码支付", "证件 居民身份证 ****002X", "批次 SB000001 已结束："),
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

    args = SF_SEND
    assert paid in run(
        "sendout", "new", *args, "--waybill", "SF1234567890123", "--pay", "qr", "--ref", "WX88"
    )
    assert id_type in run("sendout", "sender", "13812345678")
    assert closed in run("sendout", "handover", "SF", "--courier", "Chen", stdin="SF1234567890123\n")


@pytest.mark.parametrize(
    ("fields", "en", "zh"),
    [
        # Past the real-name period the sender's name is blanked; the masked phone and the ID stay.
        (
            {"name": ""},
            "138****5678, ID Resident ID card ****002X, 1 send",
            "138****5678，证件 居民身份证 ****002X，已寄 1 件",
        ),
        # No ID on file: the line says none, not "ID -".
        (
            {"id_type": None, "id_last4": None},
            "Zhang San 138****5678, 1 send",
            "Zhang San 138****5678，已寄 1 件",
        ),
    ],
)
def test_the_sender_lookup_line_leaves_out_a_part_that_is_empty(  # type: ignore[no-untyped-def]
    run, staff, db_url: str, fields: dict[str, str | None], en: str, zh: str
) -> None:
    """ "{name} {phone}, ID {id}, {sends} sends" with no name began with a space; with no ID it said
    "ID -". Only the parts there are, joined as the send receipt joins them."""
    new = run("sendout", "new", *SF_SEND, "--waybill", "SF1234567890123", "--pay", "cash", clerk="Li")
    assert new.exit_code == 0, new.output
    station = open_station(db_url)
    with Session(station.engine) as s:
        sender = s.exec(select(Sender)).one()
        for name, value in fields.items():
            setattr(sender, name, value)
        s.add(sender)
        s.commit()
    station.engine.dispose()
    for lang, line in (("en", en), ("zh", zh)):
        found = run("--lang", lang, "sendout", "sender", "13812345678", clerk="Li")
        assert found.exit_code == 0, found.output
        assert found.output.splitlines() == [line]
