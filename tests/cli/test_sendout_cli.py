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

from cli.sendout_cli_helpers import ID, PIN, SENDER, SF_SEND, TO, add_staff, command_runner
from db.models import ParcelEvent, Send, Sender
from station_console.cli import cli
from station_console.services.admin.setup import open_station

pytestmark = pytest.mark.new_station  # its own clerks: Li and Wang, and nobody signed in by default


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'station.sqlite3'}"


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    return command_runner(db_url, monkeypatch)


@pytest.fixture
def staff(db_url: str) -> None:
    add_staff(db_url)


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


def test_a_wrong_scan_at_a_chinese_handover_is_said_with_the_chinese_colon(run, staff) -> None:  # type: ignore[no-untyped-def]
    args = SF_SEND
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

    args = SF_SEND
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


def test_a_handover_whose_manifest_cannot_be_saved_is_said_closed_with_the_way_to_save_it(  # type: ignore[no-untyped-def]
    run, staff, db_url: str, tmp_path: Path
) -> None:
    """The batch closes (the sends handed over) before its manifest's PDF is written. A PDF that cannot
    be written (its folder is a file) escaped as an error with the batch closed, and no command could
    save that manifest again: now the handover is said done, then why the PDF was not saved and the
    command that saves it (`station sendout manifest`), exit 3 (done, a later step failed), as
    `station handover close` does."""
    args = SF_SEND
    for n in (3, 4, 5):
        new = run("sendout", "new", *args, "--waybill", f"SF123456789012{n}", "--pay", "cash", clerk="Li")
        assert new.exit_code == 0, new.output
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    target = blocker / "manifest.pdf"
    for batch, scan, as_json in ((1, "SF1234567890123\n", ()), (2, "SF1234567890124\n", ("--json",))):
        handed = run("sendout", "handover", "SF", "--pdf", str(target), *as_json, clerk="Li", stdin=scan)
        assert handed.exit_code == 3, handed.output
        assert handed.stderr.splitlines()[-3:] == [
            f"station: SB00000{batch} is closed.",
            f"station: Its manifest PDF was not saved: Cannot write {target}: a file is where its folder should be",
            f"station: To save it again: station sendout manifest SB00000{batch} --pdf {target}",
        ], handed.stderr
        if as_json:
            data = json.loads(handed.stdout)
            assert (data["status"], data["manifest_pdf"], data["failed"]["error"]) == (
                "closed",
                None,
                "write_failed",
            )
        else:
            assert f"Batch SB00000{batch} closed: 1 parcel handed over to SF" in handed.stdout, handed.stdout
        assert sends(db_url)[batch - 1].status == "handed_over"  # the sends left with the courier
        saved = tmp_path / f"SB00000{batch}.pdf"
        again = run("sendout", "manifest", f"SB00000{batch}", "--pdf", str(saved), clerk="Li")  # as the hint
        assert again.exit_code == 0 and saved.read_bytes().startswith(b"%PDF"), again.output
        assert f"Wrote {saved}" in again.output
    nobody = run("sendout", "manifest", "1", "--pdf", str(tmp_path / "nobody.pdf"))
    assert nobody.exit_code == 1 and "Nobody is signed in" in nobody.stderr, nobody.output
    assert not (tmp_path / "nobody.pdf").exists()
    opened = run("sendout", "handover", "SF", "--keep-open", clerk="Li", stdin="SF1234567890125\n")
    assert opened.exit_code == 0, opened.output
    # Kept open, nothing left with the courier: said as scanned, not as handed over.
    assert "Batch SB000003 open: 1 parcel scanned for SF" in opened.stdout, opened.stdout
    assert "handed over" not in opened.stdout, opened.stdout
    still_open = run("sendout", "manifest", "3", "--pdf", str(tmp_path / "open.pdf"), clerk="Li")
    assert still_open.exit_code == 1 and "still open" in still_open.stderr, still_open.output


def test_the_sends_list_is_every_counters_unless_one_is_asked(  # type: ignore[no-untyped-def]
    run, staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sendout list` lists every counter's sends as before, whichever counter runs it; `--taken-at
    NAME` those taken at that one, as the console's list shows its own counter's."""
    args = SF_SEND
    for counter, n in (("front", 3), ("back", 4)):
        monkeypatch.setenv("STATION_COUNTER", counter)
        new = run("sendout", "new", *args, "--waybill", f"SF123456789012{n}", "--pay", "cash", clerk="Li")
        assert new.exit_code == 0, new.output
    every = json.loads(run("sendout", "list", "--json", clerk="Li").stdout)["sends"]
    assert [s["waybill"] for s in every] == ["SF1234567890124", "SF1234567890123"]
    front = run("sendout", "list", "--taken-at", "front", clerk="Li")
    assert front.exit_code == 0, front.output
    assert "SF1234567890123" in front.output and "SF1234567890124" not in front.output
    nowhere = run("sendout", "list", "--taken-at", "side", clerk="Li")
    assert nowhere.exit_code == 0 and nowhere.output.strip() == "No sends.", nowhere.output
    monkeypatch.setenv("STATION_COUNTER", "front")  # the counter running the list: no filter
    assert json.loads(run("sendout", "list", "--json", clerk="Li").stdout)["sends"] == every


def test_the_sends_lists_counter_option_is_refused_with_both_ways(run, staff) -> None:  # type: ignore[no-untyped-def]
    """`--counter` after `sendout list` once filtered, before it names the counter acting: neither is
    guessed, the refusal names both."""
    refused = run("sendout", "list", "--counter", "front", clerk="Li")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr == (
        "station: The sends taken at counter front: sendout list --taken-at front. --counter names "
        "the counter this command acts as and goes before it: station --counter front sendout list.\n"
    )
    zh = run("--lang", "zh", "sendout", "list", "--counter", "front", "--json", clerk="Li")
    assert zh.exit_code == 1
    assert json.loads(zh.stdout) == {
        "error": "counter_or_taken_at",
        "message": "在柜台 front 收寄的寄件：sendout list --taken-at front。--counter 指定本命令以哪个柜台运行，"
        "写在命令之前：station --counter front sendout list。",
    }


def test_a_dhl_waybill_shaped_as_a_mobile_is_sent_with_confirm_waybill(  # type: ignore[no-untyped-def]
    run, staff, db_url: str, tmp_path: Path
) -> None:
    """A DHL Express waybill starting 13-19 (its check digit right) was refused as a phone with
    --carrier DHL, and no flag took it: such a send could not be made. Refused naming DHL and the flag,
    masked; --confirm-waybill takes it; a mobile SF would not take is a phone with the flag too."""
    rates = tmp_path / "dhl.toml"
    zones = ("same", "near", "far", "remote")
    rates.write_text(
        'currency = "CNY"\nzoning = "province"\nremote = ["新疆", "西藏"]\n'
        + "".join(
            f"[rates.{z}]\nfirst_g = 1000\nfirst_cents = 2000\nstep_g = 1000\nstep_cents = 800\n"
            for z in zones
        ),
        encoding="utf-8",
    )
    assert run("sendout", "tariff", "set", "DHL", str(rates), clerk="Wang").exit_code == 0
    dhl = [*(a if a != "SF" else "DHL" for a in SF_SEND), "--waybill", "13812345606", "--pay", "cash"]
    refused = run("sendout", "new", *dhl, clerk="Li")
    assert refused.exit_code == 1 and sends(db_url) == []
    assert refused.stderr == (
        "station: 138****5606 looks like a mobile number, but it passes DHL's check digit: confirm it is a "
        "DHL waybill. If it is that carrier's waybill, add --confirm-waybill.\n"
    )
    wrong = run(
        "sendout",
        "new",
        *SF_SEND,
        "--waybill",
        "13812345606",
        "--pay",
        "cash",
        "--confirm-waybill",
        clerk="Li",
    )
    assert wrong.exit_code == 1 and "not a waybill" in wrong.stderr and sends(db_url) == []
    done = run("sendout", "new", *dhl, "--confirm-waybill", "--json", clerk="Li")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["waybill"] == "13812345606"
    assert [(s.waybill, s.status) for s in sends(db_url)] == [("13812345606", "accepted")]
