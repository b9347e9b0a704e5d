"""`station print-queue --process` serves every printer of the counter, as the console does: a counter
with a label printer and a receipt printer gets both kinds out."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlmodel import select

from db.models import Parcel
from station_console.services.admin.setup import open_station
from station_console.services.printing import jobs as printing


def two_printers(tmp_path: Path) -> tuple[Path, Path]:
    labels, receipts = tmp_path / "labels", tmp_path / "receipts"
    labels.write_bytes(b"")
    receipts.write_bytes(b"")
    Path(os.environ["STATION_CONFIG"]).write_text(
        f'[printers.labels]\nlanguage = "tspl"\ntransport = "device"\ntarget = "{labels}"\njobs = ["label"]\n'
        f'[printers.receipts]\nlanguage = "escpos"\ntransport = "device"\ntarget = "{receipts}"\n'
        'jobs = ["receipt"]\n',
        encoding="utf-8",
    )
    return labels, receipts


def test_process_sends_each_printers_own_jobs(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    labels, receipts = two_printers(tmp_path)
    checked = run("checkin", "SF1234567890123", "--phone", "13812345678", "--json")
    assert checked.exit_code == 0, checked.output
    station = open_station(db_url)

    def receipt(session):  # type: ignore[no-untyped-def]
        parcel = session.exec(select(Parcel)).one()
        printing.queue_receipt(session, station, [parcel.id])

    station.run(receipt)
    done = run("print-queue", "--process", "--json")
    doc = json.loads(done.output)
    assert doc["jobs"] == [], doc
    assert len(doc["processed"]["printed"]) == 2 and doc["processed"]["printer_state"] == "ready"
    assert {name: len(one["printed"]) for name, one in doc["printers"].items()} == {
        "labels": 1,
        "receipts": 1,
    }
    assert b"PRINT 1,1" in labels.read_bytes() and b"\x1dV" in receipts.read_bytes()  # TSPL; ESC/POS cut


def test_process_names_each_printer_and_can_take_one(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    labels, receipts = two_printers(tmp_path)
    receipts.unlink()  # the receipt printer is unplugged
    assert run("checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    only = run("print-queue", "--process", "--printer", "receipts")
    assert only.exit_code == 0 and "Printed 0, failed 0" in only.output and labels.read_bytes() == b""
    both = run("print-queue", "--process", lang="zh")
    assert both.exit_code == 0
    assert "labels：已打印 1，失败 0；打印机状态 就绪" in both.output, both.output
    assert "receipts：已打印 0，失败 0" in both.output, both.output
    unknown = run("print-queue", "--process", "--printer", "nope")
    assert unknown.exit_code == 1 and "nope" in unknown.output


def test_two_label_printers_one_counter_every_parcel_label_comes_out_of_the_first(
    run, db_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The counter's label printer (the first that takes labels) prints every parcel label, whichever
    printer is served first: a label on the other (a send-out waybill printer, say) is one the clerk
    does not find, and comes out of the order the parcels came in."""
    desk, waybills = tmp_path / "desk", tmp_path / "waybills"
    desk.write_bytes(b"")
    waybills.write_bytes(b"")
    Path(os.environ["STATION_CONFIG"]).write_text(
        f'[printers.desk]\nlanguage = "tspl"\ntransport = "device"\ntarget = "{desk}"\n'
        f'[printers.waybills]\nlanguage = "tspl"\ntransport = "device"\ntarget = "{waybills}"\n'
        'size = "100x150"\n',
        encoding="utf-8",
    )
    for n in range(3):
        assert run("checkin", f"SF12345678901{n:02d}", "--phone", "13812345678").exit_code == 0
    other_first = run("print-queue", "--process", "--printer", "waybills", "--json")
    assert json.loads(other_first.output)["processed"]["printed"] == [], other_first.output
    assert waybills.read_bytes() == b""
    done = json.loads(run("print-queue", "--process", "--json").output)
    assert {name: len(one["printed"]) for name, one in done["printers"].items()} == {"desk": 3, "waybills": 0}
    assert desk.read_bytes().count(b"PRINT 1,1") == 3
    # A job named for the other printer still goes there.
    assert run("print", "SF1234567890100", "--printer", "waybills").exit_code == 0
    assert run("print-queue", "--process").exit_code == 0
    assert waybills.read_bytes().count(b"PRINT 1,1") == 1


def test_process_prints_on_the_good_printer_and_says_the_one_set_up_wrong(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    labels = tmp_path / "labels"
    labels.write_bytes(b"")
    Path(os.environ["STATION_CONFIG"]).write_text(
        f'[printers.labels]\nlanguage = "tspl"\ntransport = "device"\ntarget = "{labels}"\n'
        '[printers.roll]\nlanguage = "escpos"\ntransport = "dummy"\ndpi = 600\n',
        encoding="utf-8",
    )
    assert run("checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    done = run("print-queue", "--process")
    assert done.exit_code == 0, done.output
    assert "labels: Printed 1, failed 0; printer ready" in done.output, done.output
    assert "roll: Printed 0, failed 0; printer set up wrong" in done.output, done.output
    assert (
        "  Printer roll is misconfigured: Resolution (printers.roll.dpi) = 600: use 203 or 300. "
        "Fix it in Settings > Printers (F8)." in done.output
    ), done.output
    assert b"PRINT 1,1" in labels.read_bytes()
    doc = json.loads(run("print-queue", "--process", "--json", lang="zh").stdout)
    assert doc["printers"]["roll"]["printer_state"] == "set_up_wrong"
    assert doc["printers"]["roll"]["error"].startswith(
        "打印机 roll 配置有误：分辨率（printers.roll.dpi） = 600"
    )


def test_process_with_every_printer_set_up_wrong_names_each(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """None set up right: the refusal names both, not the first alone (fixing it would leave the
    queue stuck on the second without a word)."""
    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printers.labels]\nlanguage = "tspl"\ntransport = "dummy"\ndpi = 500\n'
        '[printers.roll]\nlanguage = "escpos"\ntransport = "dummy"\ndpi = 600\n',
        encoding="utf-8",
    )
    done = run("print-queue", "--process")
    assert done.exit_code != 0
    assert "Printer labels is misconfigured" in done.output, done.output
    assert "Printer roll is misconfigured" in done.output, done.output
    assert "Fix them in Settings > Printers (F8)." in done.output, done.output


def test_two_names_alike_in_their_first_40_characters_are_two_printers_in_the_pass(
    run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Two printers whose names no printer may have, alike in their first 40 characters: each has its
    pass, under its whole name in `--json`, each said cut in the text (the second was lost under the
    first's cut name)."""
    labels = tmp_path / "labels"
    labels.write_bytes(b"")
    stem = "P" * 40
    Path(os.environ["STATION_CONFIG"]).write_text(
        f'[printers.labels]\nlanguage = "tspl"\ntransport = "device"\ntarget = "{labels}"\n'
        f'[printers.{stem}-a]\nlanguage = "tspl"\ntransport = "dummy"\n'
        f'[printers.{stem}-b]\nlanguage = "tspl"\ntransport = "dummy"\n',
        encoding="utf-8",
    )
    doc = json.loads(run("print-queue", "--process", "--json").stdout)
    assert {name: one["printer_state"] for name, one in doc["printers"].items()} == {
        "labels": "untried",  # nothing queued
        f"{stem}-a": "set_up_wrong",
        f"{stem}-b": "set_up_wrong",
    }
    done = run("print-queue", "--process")
    assert done.exit_code == 0, done.output
    assert done.output.count(f"{stem}…: Printed 0, failed 0; printer set up wrong") == 2, done.output


def test_a_file_printer_with_a_relative_folder_prints_nothing_where_the_command_was_started(
    run,
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """`labels/` would be read against the folder the command was started in (a cron job's, a
    launcher's): the printer is set up wrong, said with the rule, and nothing lands in `./labels/`."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "labels").mkdir()
    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printer]\nlanguage = "tspl"\ntransport = "file"\ntarget = "labels/"\n', encoding="utf-8"
    )
    checked = run("checkin", "SF1234567890123", "--phone", "13812345678")
    assert checked.exit_code == 0, checked.output
    done = run("print-queue", "--process")
    assert done.exit_code != 0
    assert (
        "Printer default is misconfigured: Target (printer.target) = labels/: a file printer's folder or "
        "file is given by its whole path, such as /srv/labels/, never one relative to the folder the "
        "console was started in." in done.output
    ), done.output
    assert list((tmp_path / "labels").iterdir()) == []
