"""`station prealert`, `handover`, `checkin --handover`, `fees`, `pickup --pay`, `events` through click."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from station_console.cli import cli
from station_console.services.admin.setup import open_station
from station_console.services.people.clerks import create_first_manager
from station_console.text_columns import display_width

pytestmark = pytest.mark.new_station  # its own manager, boss, made as a first run


@pytest.fixture
def run(db_url: str, boss: tuple[str, str]):  # type: ignore[no-untyped-def]
    """`station ARGS` as boss; `clerk=None` for nobody signed in."""
    runner = CliRunner()

    def invoke(*args: str, clerk: tuple[str, str] | None = boss, lang: str = "en"):  # type: ignore[no-untyped-def]
        who = ["--clerk", clerk[0], "--pin", clerk[1]] if clerk else []
        return runner.invoke(cli, ["--db", db_url, "--lang", lang, *who, *args], catch_exceptions=False)

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


def test_import_list_and_check_in_a_pre_alerted_privacy_waybill(run, boss, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_text = (
        "运单号,快递公司,手机,姓名\n"
        + "".join(f"{zto(n)},中通,17012345678-{n:04d},王{n}\n" for n in (1, 2))
        + "NOT A WAYBILL,中通,,\n"
    )
    nobody = run("prealert", "import", str(write(tmp_path / "a.csv", csv_text, "gbk")), clerk=None)
    assert nobody.exit_code == 1
    result = run("prealert", "import", str(write(tmp_path / "a.csv", csv_text, "gbk")), clerk=boss)
    assert result.exit_code == 0, result.output
    assert "a.csv: 2 of 3 rows loaded, 1 bad" in result.output and "Line 4: NOT A WAYBILL" in result.output
    listed = json.loads(run("prealert", "list", "--json").output)["prealerts"]
    assert [(p["waybill"], p["masked_phone"], p["state"]) for p in listed] == [
        (zto(2), "170****5678-0002", "expected"),
        (zto(1), "170****5678-0001", "expected"),
    ]
    assert "17012345678" not in run("prealert", "list").output  # masked everywhere

    checked = run("checkin", zto(1), "--json")  # no --phone: the pre-alert gives it
    data = json.loads(checked.output)
    assert data["prealerted"] and data["masked_phone"] == "170****5678-0001"
    assert run("checkin", zto(2)).output.count("Pre-alerted: phone 170****5678-0002") == 1
    strict = run("prealert", "import", str(write(tmp_path / "b.csv", csv_text)), "--strict", clerk=boss)
    assert strict.exit_code == 1 and "0 of 3 rows loaded" in strict.output
    assert run("prealert", "import", str(tmp_path / "nope.csv"), clerk=boss).exit_code == 1


def test_a_courier_batch_from_open_to_receipt(run, boss, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_text = "waybill,carrier\n" + "".join(f"{zto(n)},ZTO\n" for n in (1, 2, 3))
    run("prealert", "import", str(write(tmp_path / "a.csv", csv_text)), clerk=boss)
    opened = json.loads(run("handover", "open", "zto", "--courier", "赵师傅", "--json", clerk=boss).output)
    batch = str(opened["id"])
    assert opened["counts"] == {"expected": 3, "received": 0, "missing": 3, "extra": 0, "damaged": 0}
    for n in (1, 2, 9):
        assert run("checkin", zto(n), "--handover", batch).exit_code == 0
    shown = run("handover", "show", batch).output
    assert "expected 3, received 2, missing 1, extra 1" in shown and f"{zto(3)}" in shown
    assert "赵师傅" in run("handover", "list").output
    pdf = tmp_path / "receipt.pdf"
    closed = run("handover", "close", batch, "--no-print", "--pdf", str(pdf), clerk=boss)
    assert closed.exit_code == 0, closed.output
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Courier: 赵师傅" in text and f"{zto(3)} missing" in text and f"{zto(9)} extra" in text
    missing = json.loads(run("prealert", "missing", "--json").output)["not_received"]
    assert [m["waybill"] for m in missing] == [zto(3)]
    again = run("checkin", zto(4), "--handover", batch)
    assert again.exit_code == 1 and "closed" in again.output


def receipt_jobs(db_url: str) -> int:
    from sqlmodel import select

    from db.models import PrintJob

    station = open_station(db_url)
    with station.read() as s:
        count = len(s.exec(select(PrintJob).where(PrintJob.kind == "manifest")).all())
    station.engine.dispose()
    return count


def test_closing_a_batch_with_no_printer_for_the_receipt_saves_it_as_a_pdf(  # type: ignore[no-untyped-def]
    run, boss, db_url: str, tmp_path: Path
) -> None:
    """As the console does: with no printer here for the receipt the close is not refused, nothing is
    queued, the PDF is saved in the user data folder (or at --pdf) and its path said; --no-print saves
    nothing; a counter with a printer for it still queues it."""
    import os

    def batch() -> tuple[str, str]:
        """A batch open with one parcel in it: its id and its label."""
        opened = json.loads(run("handover", "open", "zto", "--courier", "赵师傅", "--json").output)
        assert run("checkin", zto(int(opened["id"])), "--handover", str(opened["id"])).exit_code == 0
        return str(opened["id"]), opened["label"]

    first, label = batch()
    closed = run("handover", "close", first)
    assert closed.exit_code == 0, closed.output
    saved = Path(os.environ["XDG_DATA_HOME"]) / "station-console" / "receipts" / f"{label}.pdf"
    assert f"No printer here takes receipts; saved as {saved}" in closed.output
    assert "Courier: 赵师傅" in PdfReader(saved).pages[0].extract_text() and receipt_jobs(db_url) == 0
    zh = run("handover", "close", batch()[0], lang="zh")
    assert "本柜台没有可打印交接单的打印机；已保存为 " in zh.output, zh.output

    asked = tmp_path / "for-zhao.pdf"
    closed = run("handover", "close", batch()[0], "--pdf", str(asked), "--json")
    assert closed.exit_code == 0, closed.output
    said = json.loads(closed.output)
    assert (said["receipt_pdf"], said["receipt_printing"], said["status"]) == (str(asked), False, "closed")
    assert asked.read_bytes().startswith(b"%PDF") and receipt_jobs(db_url) == 0

    quiet, quiet_label = batch()
    closed = run("handover", "close", quiet, "--no-print")
    assert closed.exit_code == 0 and "saved as" not in closed.output, closed.output
    assert not (saved.parent / f"{quiet_label}.pdf").exists() and receipt_jobs(db_url) == 0

    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printers.office]\nlanguage = "pdf"\ntransport = "dummy"\ntarget = "office"\n', encoding="utf-8"
    )
    printed, printed_label = batch()
    closed = run("handover", "close", printed)
    assert closed.exit_code == 0 and "saved as" not in closed.output, closed.output
    assert not (saved.parent / f"{printed_label}.pdf").exists() and receipt_jobs(db_url) == 1


def test_a_closed_batch_whose_receipt_cannot_be_saved_is_said_closed_with_the_way_to_save_it(  # type: ignore[no-untyped-def]
    run, boss, tmp_path: Path
) -> None:
    """The close commits before its receipt's PDF is written. A PDF that cannot be written (its folder
    is a file) read as the close refused ('station: Cannot write ...', exit 1), with the batch closed
    all the same: now the batch is said closed, then why the PDF was not saved and the command that
    saves it, and the exit status is 3 (done, a later step failed), not 1 (refused, nothing done)."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    target = blocker / "receipt.pdf"
    for as_json in ((), ("--json",)):
        opened = json.loads(run("handover", "open", "zto", "--courier", "赵师傅", "--json").output)
        batch, label = str(opened["id"]), opened["label"]
        assert run("checkin", zto(int(batch)), "--handover", batch).exit_code == 0
        closed = run("handover", "close", batch, "--pdf", str(target), *as_json)
        assert closed.exit_code == 3, closed.output
        said = closed.stderr.splitlines()
        assert said == [
            f"station: {label} is closed.",
            f"station: Its receipt PDF was not saved: Cannot write {target}: a file is where its folder should be",
            f"station: To save it again: station handover receipt {label} --pdf {target}",
        ], closed.stderr
        if as_json:
            data = json.loads(closed.stdout)
            assert (data["status"], data["receipt_pdf"]) == ("closed", None)
            assert data["failed"] == {
                "error": "write_failed",
                "message": f"Cannot write {target}: a file is where its folder should be",
                "again": f"station handover receipt {label} --pdf {target}",
            }
        else:
            assert closed.stdout.startswith(f"{label}  ZTO  赵师傅  handed over: received 1"), closed.stdout
        assert "closed" in run("handover", "close", batch).output  # closed indeed: not again
        saved = tmp_path / f"{label}.pdf"
        again = run("handover", "receipt", label, "--pdf", str(saved))  # as the hint gives it
        assert again.exit_code == 0 and saved.read_bytes().startswith(b"%PDF"), again.output
    zh_batch = json.loads(run("handover", "open", "zto", "--json").output)
    assert run("checkin", zto(9), "--handover", str(zh_batch["id"])).exit_code == 0
    zh = run("handover", "close", str(zh_batch["id"]), "--courier", "钱", "--pdf", str(target), lang="zh")
    assert (
        zh.exit_code == 3
        and f"{zh_batch['label']} 已关闭。\nstation: 交接单 PDF 未能保存：无法写入" in zh.stderr
    ), zh.output
    assert "再次保存：station handover receipt" in zh.stderr, zh.stderr


def test_fee_rules_need_a_manager_and_price_the_pickup(run, boss, db_url: str) -> None:  # type: ignore[no-untyped-def]
    refused = run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5", clerk=None)
    assert refused.exit_code == 1 and "manager" in refused.output
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5", clerk=boss).exit_code == 0
    bad = run("fees", "set", "x", "--per-day", "1.234", clerk=boss)
    assert bad.exit_code == 1 and "two decimals" in bad.output
    # Amounts too large are refused as the money parser refuses any amount: a full sentence, in the
    # reader's language (it read "Invalid value for --per-day: Must be at most 10000.00 CNY").
    for option, typed, most in (
        ("--per-day", "99999999999", "10000.00"),
        ("--cap", "99999999999", "100000000.00"),
    ):
        too_much = run("fees", "set", "x", option, typed, clerk=boss)
        assert too_much.exit_code == 1
        assert too_much.output == f"station: An amount must be at most {most} CNY: {typed}.\n", (
            too_much.output
        )
    zh = run("fees", "set", "x", "--per-day", "20000", clerk=boss, lang="zh")
    assert zh.exit_code == 1 and zh.output == "station: 金额不能大于 10000.00 元：20000。\n", zh.output
    assert "standard: every parcel; free days: 0, then 1.50 CNY a day" in run("fees", "list").output
    assert run("fees", "set", "big", "--size", "L", "--carrier", "zto", clerk=boss).exit_code == 0
    assert "big: Size: L, Carrier: ZTO; free days: 3" in run("fees", "list").output
    assert "big：尺寸：L、快递公司：ZTO；免费天数：3" in run("fees", "list", lang="zh").output
    assert run("fees", "remove", "big", clerk=boss).exit_code == 0
    unknown = run("fees", "set", "odd", "--carrier", "XXX", clerk=boss)
    assert unknown.exit_code == 1 and "Unknown carrier XXX" in unknown.output
    assert "odd" not in run("fees", "list").output

    code = json.loads(run("checkin", zto(1), "--phone", "5678", "--json").output)["pickup_code"]
    due = run("fees", "due", code)
    assert "Owed now: 1.50 CNY (1 day charged of 1 on the shelf" in due.output, due.output
    assert "计费 1 天" in run("fees", "due", code, lang="zh").output
    listed = run("pickup", code)
    assert "Storage fee due: 1.50 CNY" in listed.output
    blocked = run("pickup", code, "--confirm", zto(1))
    assert blocked.exit_code == 1 and "storage fee of 1.50 CNY is due" in blocked.output
    paid = run("pickup", code, "--confirm", zto(1), "--pay", "qr")
    assert paid.exit_code == 0 and "Picked up" in paid.output
    report = json.loads(run("report", "--format", "json").output)
    assert report["storage_fees"]["paid_cents"] == {"qr": 150}
    assert run("fees", "remove", "standard", clerk=boss).exit_code == 0
    assert "storage is free" in run("fees", "list").output


def test_a_fee_rule_saved_over_a_table_changed_meanwhile_is_refused(  # type: ignore[no-untyped-def]
    run, boss, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another manager saves a rule between this command's read of the table and its save: this save
    is refused and the other rule stays (the table read before it was saved over it, losing it)."""
    from station_console.services.admin.settings import save_station_settings
    from station_console.services.fees import rules
    from station_console.settings import FeeRule

    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5").exit_code == 0
    real = rules.with_rule

    def another_manager_meanwhile(settings, rule):  # type: ignore[no-untyped-def]
        other = open_station(db_url, clerk_name=boss[0], pin=boss[1])
        try:
            theirs = real(other.settings(), FeeRule(name="bulky", size="XL", free_days=1, per_day_cents=300))
            other.run(
                lambda session: save_station_settings(session, other, theirs, only={"storage_fee_rules"})
            )
        finally:
            other.engine.dispose()
        return real(settings, rule)

    monkeypatch.setattr(rules, "with_rule", another_manager_meanwhile)
    late = run("fees", "set", "cold", "--free-days", "1", "--per-day", "2")
    assert late.exit_code == 1, late.output
    assert (
        "Storage fee rules: another counter or command saved a change while this one was being made, so "
        "nothing was saved. Make the change again: it starts from what is saved now." in late.output
    ), late.output
    monkeypatch.setattr(rules, "with_rule", real)
    listed = run("fees", "list").output
    assert "standard:" in listed and "bulky:" in listed and "cold:" not in listed, listed
    assert run("fees", "set", "cold", "--free-days", "1", "--per-day", "2").exit_code == 0  # again: saved
    assert "bulky:" in run("fees", "list").output


def test_events_send_list_retry_and_drop(run, boss, db_url: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from db.models import Setting
    from station_console.services.core.settings import STATION_KEY, load_station_settings

    station = open_station(db_url)

    def target(session: Session) -> None:
        row = session.get(Setting, STATION_KEY)
        assert row is not None
        settings = load_station_settings(session).model_dump(mode="json")
        settings["carrier_event_targets"] = {"ZTO": {"channel": "webhook", "url": "http://127.0.0.1:9/x"}}
        row.value = settings
        session.add(row)

    station.run(target)
    station.engine.dispose()
    run("checkin", zto(1))
    no_secret = run("events", "send", "--once")
    assert "ZTO: No secret for ZTO: add it under [carrier_event_secrets]" in no_secret.output
    assert no_secret.exit_code == 3  # done, but ZTO could send nothing: a cron job must notice
    as_json = run("events", "send", "--once", "--json")
    assert as_json.exit_code == 3 and json.loads(as_json.output)["unusable"] == ["ZTO"]
    assert "ZTO：ZTO 没有密钥" in run("events", "send", "--once", lang="zh").output
    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", "k")
    down = run("events", "send", "--once", "--json")
    assert down.exit_code == 4  # a receiver that is down is retried, and a cron job can tell
    sent = json.loads(down.output)
    assert sent["failed"] and "127.0.0.1:9" in sent["errors"]["ZTO"]  # nothing listens on port 9
    assert sent["unusable"] == []
    event_id = str(sent["failed"][0])
    listed = run("events", "list", "--status", "failed").output
    assert "arrived" in listed and "Cannot reach the receiver http://127.0.0.1:9/x: " in listed
    # In Chinese: the state, the kind and our sentence; the carrier code, waybill and the system's words
    # are data. Columns line up by terminal width (a Chinese character takes two).
    header, row = run("events", "list", "--status", "failed", lang="zh").output.splitlines()
    assert "已到站" in row and "失败" in row and "无法连接接收方 http://127.0.0.1:9/x：" in row
    assert "checked_in" not in row and "failed" not in row and "Cannot reach" not in row
    for title, cell in (("事件", "已到站"), ("状态", "失败"), ("错误", "无法连接")):
        assert display_width(header[: header.index(title)]) == display_width(row[: row.index(cell)])
    assert run("events", "retry", event_id, clerk=None).exit_code == 1  # nobody signed in
    assert run("events", "retry", event_id, clerk=boss).exit_code == 0
    assert run("events", "drop", event_id, "--reason", "test station", clerk=None).exit_code == 1
    assert run("events", "drop", event_id, "--reason", "test station", clerk=boss).exit_code == 0
    assert json.loads(run("events", "list", "--json").output)["events"][0]["status"] == "dropped"


def _webhook_for_zto(db_url: str, url: str) -> None:
    _event_targets(db_url, {"ZTO": {"channel": "webhook", "url": url, "timeout_s": 2}})


def _event_targets(db_url: str, targets: dict[str, object]) -> None:
    from sqlmodel import Session

    from db.models import Setting
    from station_console.services.core.settings import STATION_KEY, load_station_settings

    station = open_station(db_url)

    def target(session: Session) -> None:
        row = session.get(Setting, STATION_KEY)
        assert row is not None
        settings = load_station_settings(session).model_dump(mode="json")
        settings["carrier_event_targets"] = targets
        row.value = settings
        session.add(row)

    station.run(target)
    station.engine.dispose()


def test_events_send_once_exits_4_while_events_wait_for_a_retry(run, db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A receiver down exited 0: a cron job could not tell "all sent" from "down for the third hour".
    Events left waiting (tried and failed, held behind one that failed, or not due again yet) exit 4."""
    from cli.event_receiver_here import receiver

    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", "k")
    with receiver("k", ["fail"]) as rx:
        _webhook_for_zto(db_url, rx.url)
        run("checkin", zto(1))
        run("checkin", zto(2))
        down = run("events", "send", "--once")
        assert down.exit_code == 4, down.output
        assert "Sent 0 events; 2 waiting for a retry, 0 dead-lettered" in down.output
        # The next pass, before the retry is due, tries nothing: the events still wait.
        later = run("events", "send", "--once", "--json")
        assert later.exit_code == 4 and json.loads(later.output)["waiting"] == 2
        assert "2 条等待重试" in run("events", "send", "--once", lang="zh").output
        assert rx.keys() == []


def test_events_send_once_exits_3_for_events_whose_carriers_target_was_removed(  # type: ignore[no-untyped-def]
    run, db_url: str, monkeypatch
) -> None:
    """Events queued while ZTO had a target, the targets removed since: nothing will ever send them,
    yet the pass said they waited for a retry and exited 4."""
    from cli.event_receiver_here import receiver

    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", "k")
    with receiver("k", ["fail"]) as rx:
        _webhook_for_zto(db_url, rx.url)
        run("checkin", zto(1))
        run("checkin", zto(2))
    _event_targets(db_url, {})
    stuck = run("events", "send", "--once")
    assert stuck.exit_code == 3, stuck.output
    assert "Sent 0 events; 0 waiting for a retry, 0 dead-lettered" in stuck.output
    assert (
        "ZTO: 2 events cannot be sent, as the carrier has no usable event target: drop them" in stuck.output
    )
    said = run("events", "send", "--once", "--json")
    assert said.exit_code == 3
    outcome = json.loads(said.output)
    assert outcome["waiting"] == 0 and outcome["stranded"] == {"ZTO": 2} and outcome["unusable"] == ["ZTO"]
    assert "ZTO：2 条事件无法发送" in run("events", "send", "--once", lang="zh").output
    # Another carrier's target is set, ZTO's still not: ZTO's events are still no retry's to send.
    _event_targets(db_url, {"SF": {"channel": "file"}})
    other = run("events", "send", "--once")
    assert other.exit_code == 3 and "0 waiting for a retry" in other.output, other.output


def test_events_send_once_exits_4_when_an_event_is_dead_lettered_and_0_when_all_went(  # type: ignore[no-untyped-def]
    run, db_url: str, monkeypatch
) -> None:
    from cli.event_receiver_here import receiver

    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", "k")
    with receiver("k", ["refuse"]) as rx:  # 400: no retry helps
        _webhook_for_zto(db_url, rx.url)
        run("checkin", zto(1))
        refused = run("events", "send", "--once")
        assert refused.exit_code == 4, refused.output
        assert "Sent 0 events; 0 waiting for a retry, 1 dead-lettered" in refused.output
        run("checkin", zto(2))
        sent = run("events", "send", "--once")
        assert sent.exit_code == 0, sent.output  # the dead letter of the pass before is not this pass's
        assert "Sent 1 event; 0 waiting for a retry, 0 dead-lettered" in sent.output
        assert len(rx.keys()) == 1


def test_events_list_counts_the_try_that_went_through(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A sent event's Tries is the send that went through (it read 0: the failures)."""
    from sqlmodel import Session

    from db.models import Setting
    from station_console.services.core.settings import STATION_KEY, load_station_settings

    station = open_station(db_url)

    def target(session: Session) -> None:
        row = session.get(Setting, STATION_KEY)
        assert row is not None
        settings = load_station_settings(session).model_dump(mode="json")
        settings["carrier_event_targets"] = {"*": {"channel": "file", "folder": str(tmp_path)}}
        row.value = settings
        session.add(row)

    station.run(target)
    station.engine.dispose()
    run("checkin", zto(1))
    assert json.loads(run("events", "send", "--once", "--json").output)["sent"]
    header, row = run("events", "list").output.splitlines()
    assert "Tries" in header and " sent " in row and row.split()[-1] == "1", row


@pytest.mark.parametrize(
    ("lang", "says"), [("en", "Paid: 1.50 CNY by QR code."), ("zh", "已收费：1.50 元，付款方式：扫码。")]
)
def test_a_paid_fee_names_its_method_by_its_label(run, boss, lang: str, says: str) -> None:  # type: ignore[no-untyped-def]
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5", clerk=boss).exit_code == 0
    code = json.loads(run("checkin", zto(1), "--phone", "5678", "--json").output)["pickup_code"]
    paid = run("fees", "pay", code, "--method", "qr", lang=lang)
    assert paid.exit_code == 0 and paid.output == says + "\n", paid.output


def test_an_import_report_says_one_duplicate_in_the_singular(run, boss, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_text = "运单号,快递公司,手机\n" + f"{zto(5)},中通,13812345678\n" * 2
    result = run("prealert", "import", str(write(tmp_path / "d.csv", csv_text)), clerk=boss)
    assert "d.csv: 1 of 2 rows loaded, 0 bad, 1 duplicate, 0 on the shelf" in result.output, result.output
    assert "1 loaded, 0 bad, 1 duplicate, 0 on the shelf" in run("prealert", "imports").output
    assert "错误 0，重复 1，已在货架 0" in run("prealert", "imports", lang="zh").output
    one = run(
        "prealert",
        "import",
        str(write(tmp_path / "e.csv", csv_text.splitlines()[0] + "\n" + f"{zto(6)},中通,\n")),
    )
    assert "e.csv: 1 of 1 row loaded, 0 bad, 0 duplicates" in one.output, one.output


@pytest.mark.parametrize(
    ("lang", "before", "summary"),
    [
        (
            "en",
            "d.csv: already loaded on 2026-11-25 02:00 by boss (import 1).",
            "d.csv: 0 of 2 rows loaded, 0 bad, 2 duplicates, 0 on the shelf",
        ),
        ("zh", "d.csv：已于 2026-11-25 02:00 由 boss 导入（导入 1）。", "d.csv：2 行中已导入 0 行"),
    ],
)
def test_a_file_imported_again_by_hand_says_once_when_and_by_whom_it_was_loaded(  # type: ignore[no-untyped-def]
    run, boss, tmp_path: Path, lang: str, before: str, summary: str
) -> None:
    """The folder watch says of a file loaded before when and by whom; the same file imported by hand
    said only a duplicate per row. Now it says that too, once at the top, and its rows as before."""
    path = write(
        tmp_path / "d.csv", "运单号,快递公司,手机\n" + f"{zto(5)},中通,13812345678\n{zto(6)},中通,\n"
    )
    first = run("prealert", "import", str(path))
    assert first.exit_code == 0 and "already loaded" not in first.output, first.output
    again = run("prealert", "import", str(path), lang=lang)
    lines = again.output.splitlines()
    assert again.exit_code == 0 and lines[0] == before, again.output
    assert lines[1].startswith(summary) and len(lines) == 5, again.output  # the two rows' lines, the time
    assert sum(before in line for line in lines) == 1
    assert json.loads(run("prealert", "import", str(path), "--json").output)["loaded_before"] == 1


def test_the_imports_list_says_who_imported_each_file_and_how_many_arrived(run, boss, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_text = "运单号,快递公司,手机\n" + "".join(f"{zto(n)},中通,13812345678\n" for n in (7, 8))
    assert run("prealert", "import", str(write(tmp_path / "w.csv", csv_text))).exit_code == 0
    assert run("checkin", zto(7), "--phone", "5678").exit_code == 0
    listed = run("prealert", "imports").output
    assert " boss " in listed and "2 loaded, 0 bad, 0 duplicates, 0 on the shelf; 1 arrived so far" in listed
    assert "；已到货 1" in run("prealert", "imports", lang="zh").output


@pytest.mark.parametrize("command", [("set", "standard", "--free-days", "2"), ("remove", "standard")])
def test_a_fee_rule_saved_keeps_what_another_counter_saved_since_it_was_read(  # type: ignore[no-untyped-def]
    run, boss, db_url: str, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    """The command saved the whole settings it read a moment before: a station name another counter
    saved in that moment went back to the old one."""
    from station_console.services.admin.settings import save_station_settings
    from station_console.services.fees import rules

    assert run("fees", "set", "standard").exit_code == 0
    other = open_station(db_url, counter="counter-2", clerk_name=boss[0], pin=boss[1])

    def meanwhile(change):  # type: ignore[no-untyped-def]
        def changed(settings, *args):  # type: ignore[no-untyped-def]
            renamed = other.settings().model_copy(update={"station_name": "East Gate"})
            other.run(lambda s: save_station_settings(s, other, renamed, only={"station_name"}))
            return change(settings, *args)  # from the settings read before the rename

        return changed

    monkeypatch.setattr(rules, "with_rule", meanwhile(rules.with_rule))
    monkeypatch.setattr(rules, "without_rule", meanwhile(rules.without_rule))
    result = run("fees", *command)
    assert result.exit_code == 0, result.output
    other.engine.dispose()
    station = open_station(db_url)
    try:
        settings = station.settings()
        assert settings.station_name == "East Gate"
        assert [(r.name, r.free_days) for r in settings.storage_fee_rules] == (
            [("standard", 2)] if command[0] == "set" else []
        )
    finally:
        station.engine.dispose()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_name_longer_than_its_column_is_loaded_cut_and_said_on_its_line(  # type: ignore[no-untyped-def]
    run, boss, tmp_path: Path, lang: str
) -> None:
    long_name = "王" * 5000
    csv_text = (
        f"运单号,快递公司,手机,姓名\n{zto(7)},中通,13812345678,{long_name}\n{zto(8)},中通,13812345679,李四\n"
    )
    result = run("prealert", "import", str(write(tmp_path / "n.csv", csv_text)), "--strict", lang=lang)
    assert result.exit_code == 0, result.output  # a cut name is not a refused row: --strict loads it
    said = {
        "en": f"Line 2: {zto(7)} name cut to 64 characters (it had 5000)",
        "zh": f"{zto(7)} 姓名过长，已截为 64 个字（原有 5000 个字）",
    }[lang]
    assert said in result.output, result.output
    assert "Line 3" not in result.output and "第 3 行" not in result.output
    again = csv_text.replace(zto(7), zto(9))  # the first row new, the second pre-alerted already
    data = json.loads(
        run("prealert", "import", str(write(tmp_path / "m.csv", again)), "--dry-run", "--json").output
    )
    assert data["cut"] == 1 and [i["kind"] for i in data["issues"]] == ["cut", "duplicate"]
    listed = json.loads(run("prealert", "list", "--json").output)["prealerts"]
    assert len(listed) == 2


def test_events_list_names_the_event_a_held_back_one_waits_behind(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A parcel's pickup behind its dead-lettered arrival is not sent, and the listing says behind
    which event it waits (it read "queued", and the next pass sent it)."""
    from sqlmodel import Session, select

    from db.models import CarrierEvent, Setting
    from station_console.services.core.settings import STATION_KEY, load_station_settings

    station = open_station(db_url)

    def target(session: Session) -> None:
        row = session.get(Setting, STATION_KEY)
        assert row is not None
        settings = load_station_settings(session).model_dump(mode="json")
        settings["carrier_event_targets"] = {"*": {"channel": "file", "folder": str(tmp_path)}}
        row.value = settings
        session.add(row)

    station.run(target)
    run("checkin", zto(1))

    def arrival_refused_then_picked_up(session: Session) -> int:
        arrival = session.exec(select(CarrierEvent)).one()
        arrival.status, arrival.attempts, arrival.next_attempt_at = "dead", 1, None
        session.add(arrival)
        pickup = CarrierEvent(
            carrier_id=arrival.carrier_id,
            parcel_id=arrival.parcel_id,
            kind="picked_up",
            waybill=arrival.waybill,
            at=arrival.at,
            idempotency_key="pickup-1",
            payload=arrival.payload,
            status="queued",
            next_attempt_at=arrival.at,
            created_at=arrival.at,
        )
        session.add(pickup)
        assert arrival.id is not None
        return arrival.id

    arrival_id = station.run(arrival_refused_then_picked_up)
    station.engine.dispose()
    assert json.loads(run("events", "send", "--once", "--json").output)["sent"] == []
    pickup_row, arrival_row = run("events", "list").output.splitlines()[1:]
    assert f"waiting behind event {arrival_id}" in pickup_row and "dead letter" in arrival_row
    assert f"排在事件 {arrival_id} 之后等待" in run("events", "list", lang="zh").output.splitlines()[1]
    listed = json.loads(run("events", "list", "--json").output)["events"]
    assert [e["waiting_behind"] for e in listed] == [arrival_id, None]
