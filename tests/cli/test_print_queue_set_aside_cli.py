"""`station print-queue` after the printer refused one label three times and printed the next: the
printer reads ready, the refused job reads "set aside" with its refusal and the commands that retry
or cancel it, and those commands work."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from db.models import PrintJob
from hardware.printers import DummyTransport
from station_console.services.admin.setup import open_station
from station_console.services.printing.order import REFUSED_AFTER


def _backoff_over(db_url: str) -> None:
    def work(session: Session) -> None:
        for job in session.exec(select(PrintJob)).all():
            job.updated_at = job.updated_at - timedelta(minutes=5) if job.updated_at else None
            session.add(job)

    open_station(db_url).run(work)


def test_a_set_aside_label_is_listed_with_its_refusal_and_retried_or_cancelled(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    DummyTransport.forget_all()
    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printer]\nlanguage = "tspl"\ntransport = "dummy"\ntarget = "desk"\n', encoding="utf-8"
    )
    desk = DummyTransport.named("desk")
    assert run("checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    assert run("checkin", "SF1234567890124", "--phone", "13812345679").exit_code == 0
    for n in range(REFUSED_AFTER):
        desk.fail_next(1, "error")  # the first label only: the printer refuses it, as a wrong sticker
        passed = run("print-queue", "--process", *(["--json"] if n == REFUSED_AFTER - 1 else []))
        _backoff_over(db_url)
    # The last pass went past the refused label and printed the next one: the printer is ready.
    processed = json.loads(passed.stdout)["processed"]
    assert processed["printer_state"] == "ready" and processed["error"] is None, processed
    assert processed["printed"] == [2] and processed["failed"] == [1] and processed["set_aside"] == [1]
    assert len(desk.sent) == 1
    listed = run("print-queue")
    job_line = next(line for line in listed.output.splitlines() if line.startswith("1 "))
    assert "set aside" in job_line and "Dummy printer desk failed (error)" in job_line, listed.output
    assert "Set aside: the printer refused it and printed the jobs after it." in listed.output
    assert "Job 1: station print-queue --retry 1, or --cancel 1" in listed.output
    chinese = run("print-queue", lang="zh")
    assert "已搁置" in chinese.output and "--retry 1" in chinese.output, chinese.output
    [job] = json.loads(run("print-queue", "--json").stdout)["jobs"]
    assert job["id"] == 1 and job["set_aside"] is True and job["status"] == "failed"

    retried = run("print-queue", "--retry", "1", "--process")
    assert "Print job 1 queued again" in retried.output and "Printed 1, failed 0" in retried.output
    assert len(desk.sent) == 2 and "No print jobs waiting." in retried.output

    refused = run("print-queue", "--cancel", "1")
    assert refused.exit_code != 0 and "Print job 1 is printed: nothing to cancel" in refused.output


def test_cancelling_a_waiting_job_takes_it_off_the_queue(run) -> None:  # type: ignore[no-untyped-def]
    assert run("checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    cancelled = run("print-queue", "--cancel", "1")
    assert cancelled.exit_code == 0 and "Print job 1 cancelled" in cancelled.output
    assert "No print jobs waiting." in cancelled.output
    missing = run("print-queue", "--retry", "99")
    assert missing.exit_code != 0 and "Print job 99 not found" in missing.output


def test_a_retry_and_a_cancel_from_the_command_line_are_in_the_audit_list(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    DummyTransport.forget_all()
    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printer]\nlanguage = "tspl"\ntransport = "dummy"\ntarget = "desk"\n', encoding="utf-8"
    )
    assert run("checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    assert run("checkin", "SF1234567890124", "--phone", "13812345679").exit_code == 0
    DummyTransport.named("desk").fail_next(1, "offline")
    assert run("print-queue", "--process").exit_code == 0  # job 1 failed, job 2 still queued
    assert run("print-queue", "--retry", "1").exit_code == 0
    assert run("print-queue", "--cancel", "2").exit_code == 0
    refused = run("print-queue", "--cancel", "2")  # twice: nothing left to cancel, nothing written
    assert refused.exit_code != 0 and "Print job 2 is cancelled: nothing to cancel" in refused.output
    monkeypatch.delenv("STATION_CLERK")
    monkeypatch.delenv("STATION_PIN")
    nobody = run("print-queue", "--cancel", "1")
    assert nobody.exit_code != 0 and "Nobody is signed in" in nobody.output
    monkeypatch.setenv("STATION_CLERK", "Tester")
    monkeypatch.setenv("STATION_PIN", "2580")

    trail = json.loads(run("audit", "activity", "Tester", "--json").stdout)
    printing = [e for e in trail["entries"] if e["kind"].startswith("print_job_")]
    assert [(e["kind"], e["details"]["job"], e["details"]["was"]) for e in printing] == [
        ("print_job_cancelled", 2, "queued"),
        ("print_job_retried", 1, "failed"),
    ]
    assert all(e["parcel_id"] == e["details"]["job"] and e["details"]["kind"] == "label" for e in printing)
    assert all(e["details"]["counter"] == e["counter"] and e["details"]["code"] for e in printing)
    jobs = {j["id"]: j for j in json.loads(run("print-queue", "--all", "--json").stdout)["jobs"]}
    assert (jobs[1]["status"], jobs[2]["status"]) == ("queued", "discarded")  # the list and the trail agree
    assert "取消打印任务" in run("audit", "activity", "Tester", lang="zh").output
    listed = run("print-queue", "--all", lang="zh").output
    assert any(line.startswith("2 ") and "已取消" in line for line in listed.splitlines()), listed
    assert run("audit", "verify").exit_code == 0


def test_a_job_is_named_as_the_audit_trail_shows_it_or_bare(run) -> None:  # type: ignore[no-untyped-def]
    """The trail shows a print job as #1: typed so (quoted, for the shell), it names job 1 as 1 does; a
    paper's number or no number is refused in the clerk's words, exit 1, nothing done."""
    assert run("checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    assert run("checkin", "SF1234567890124", "--phone", "13812345679").exit_code == 0
    assert run("print-queue", "--cancel", "#1").exit_code == 0
    assert "print job: #1" in run("audit", "activity", "Tester").output
    other = run("print-queue", "--retry", "RB000002", "--json")
    assert other.exit_code == 1
    assert json.loads(other.stdout) == {
        "error": "other_kind",
        "message": "RB000002 is a return batch's number, not a print job's number (#3).",
    }
    zh = run("print-queue", "--cancel", "x2", lang="zh")
    assert zh.exit_code == 1 and "打印任务的编号" in zh.stderr, zh.stderr
    jobs = {j["id"]: j["status"] for j in json.loads(run("print-queue", "--all", "--json").stdout)["jobs"]}
    assert jobs == {1: "discarded", 2: "queued"}
