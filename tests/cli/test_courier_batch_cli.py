"""`station handover` and `checkin --handover` through click: a courier's batch opened, checked in
against, closed, and its receipt printed or saved as a PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from cli import carrierdata_cli_helpers as shared
from cli.carrierdata_cli_helpers import write, zto
from station_console.services.admin.setup import open_station

pytestmark = pytest.mark.new_station  # its own manager, boss, made as a first run
run, boss = shared.run, shared.boss  # the shared fixtures, as the tests name them
UPS = "1Z5R89390357567127"  # a valid UPS number (its check digit holds)
DHL = "3318810025"  # a valid DHL Express number


def test_a_courier_batch_from_open_to_receipt(run, boss, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_text = "waybill,carrier\n" + "".join(f"{zto(n)},ZTO\n" for n in (1, 2, 3))
    run("prealert", "import", str(write(tmp_path / "a.csv", csv_text)), clerk=boss)
    opened = json.loads(run("handover", "open", "zto", "--courier", "赵师傅", "--json", clerk=boss).output)
    batch = str(opened["id"])
    assert opened["counts"] == {
        "expected": 3,
        "received": 0,
        "missing": 3,
        "extra": 0,
        "other_carrier": 0,
        "damaged": 0,
    }
    for n in (1, 2, 9):
        assert run("checkin", zto(n), "--handover", batch).exit_code == 0
    # A UPS parcel in the ZTO courier's bag, the clerk's "use UPS": listed apart, not ZTO's extra.
    assert run("checkin", UPS, "--handover", batch, "--carrier", "UPS").exit_code == 0
    assert run("checkin", DHL, "--handover", batch, "--carrier", "DHL").exit_code == 0  # named, not "DHL"
    shown = run("handover", "show", batch).output
    assert "expected 3, received 2, missing 1, extra 1" in shown and f"{zto(3)}" in shown
    assert "UPS: 1 parcel, another carrier's" in shown and f"{UPS:<22} UPS: another carrier's" in shown
    assert "DHL Express: 1 parcel" in shown and f"{DHL:<22} DHL Express: another carrier's" in shown
    as_json = json.loads(run("handover", "show", batch, "--json").output)
    assert (as_json["extra"], as_json["other_carrier"]) == (
        [zto(9)],
        [
            {"waybill": UPS, "carrier": "UPS", "carrier_name": "UPS"},
            {"waybill": DHL, "carrier": "DHL", "carrier_name": "DHL Express"},
        ],
    )
    assert (as_json["counts"]["extra"], as_json["counts"]["other_carrier"]) == (1, 2)
    assert "赵师傅" in run("handover", "list").output
    pdf = tmp_path / "receipt.pdf"
    closed = run("handover", "close", batch, "--no-print", "--pdf", str(pdf), clerk=boss)
    assert closed.exit_code == 0, closed.output
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Courier: 赵师傅" in text and f"{zto(3)} missing" in text and f"{zto(9)} extra" in text
    assert "Received: 3 ZTO Express parcels" in text and f"{UPS} UPS: another carrier's" in text
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
