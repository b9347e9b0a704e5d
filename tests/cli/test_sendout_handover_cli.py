"""`station sendout handover` and `sendout list` through click, on a real SQLite file: a wrong scan said in
Chinese, the manifest saved as a PDF when no printer takes it (or the way to save it when it cannot be),
the sends list by counter, and a DHL waybill shaped as a mobile sent with --confirm-waybill."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlmodel import select

from cli import sendout_cli_helpers as shared
from cli.sendout_cli_helpers import SF_SEND, sends
from station_console.services.admin.setup import open_station

pytestmark = pytest.mark.new_station  # its own clerks: Li and Wang, and nobody signed in by default


db_url, run, staff = shared.db_url, shared.run, shared.staff  # the shared fixtures, as the tests name them


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
        "station: 138****5606 looks like a mobile number; if it is a DHL "
        "waybill, --confirm-waybill takes it.\n"
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
