"""`station print-queue` with a printer that is off: why each job failed, in the language the command
speaks, whichever language the console spoke when the job failed."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from db.models import PrintJob
from station_console.services.admin.setup import open_station
from station_console.text_columns import display_width


def test_a_printer_whose_folder_is_gone_failed_in_english_and_is_read_in_chinese(
    run, db_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = f"{tmp_path}/labels/"
    Path(os.environ["STATION_CONFIG"]).write_text(
        f'[printer]\nlanguage = "tspl"\ntransport = "file"\ntarget = "{folder}"\n', encoding="utf-8"
    )
    assert run("checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    english = run("print-queue", "--process")
    assert english.exit_code == 0, english.output
    why_en = f"Folder {folder} not found: check that its drive or network share is connected"
    assert "Printed 0, failed 1; printer offline" in english.output and why_en in english.output

    chinese = run("print-queue", lang="zh")
    why_zh = f"找不到文件夹 {folder}：检查其所在磁盘或网络共享是否已连接"
    assert chinese.exit_code == 0 and why_zh in chinese.output
    assert "失败" in chinese.output and "not found" not in chinese.output and "msgid" not in chinese.output
    # The columns stay in line under their Chinese headers: each row's third cell (the status, 失败) starts
    # at the terminal column where the header's third starts.
    header, row = [line for line in chinese.output.splitlines() if line.strip()][:2]
    starts = {display_width(line[: line.index(line.split()[2])]) for line in (header, row)}
    assert len(starts) == 1, chinese.output

    listed = json.loads(run("print-queue", "--json", lang="zh").stdout)
    assert [job["last_error"] for job in listed["jobs"]] == [why_zh]

    # Tried again while the command speaks Chinese, once the queue's backoff has passed.
    assert run("checkin", "SF1234567890124", "--phone", "13812345678").exit_code == 0
    station = open_station(db_url)

    def backoff_over(session: Session) -> None:
        for job in session.exec(select(PrintJob)).all():
            job.updated_at = job.updated_at - timedelta(minutes=5) if job.updated_at else None
            session.add(job)

    station.run(backoff_over)
    again = run("print-queue", "--process", lang="zh")
    assert again.output.startswith("已打印 0，失败 1；打印机状态 离线\n  " + why_zh), again.output


def test_a_pass_that_sends_nothing_does_not_call_an_offline_printer_ready(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The label failed (folder gone) and waits for its backoff: the next pass sends nothing, so it cannot
    know the printer is ready. Each job's kind is read by its label, in the command's language."""
    folder = f"{tmp_path}/labels/"
    Path(os.environ["STATION_CONFIG"]).write_text(
        f'[printer]\nlanguage = "tspl"\ntransport = "file"\ntarget = "{folder}"\n', encoding="utf-8"
    )
    assert run("checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    assert "printer offline" in run("print-queue", "--process").output
    idle = run("print-queue", "--process")
    assert "Printed 0, failed 0; printer unknown: nothing was sent to it" in idle.output, idle.output
    assert "ready" not in idle.output
    header, row = idle.output.splitlines()[1:3]
    assert row.split()[1:3] == ["parcel", "label"]
    chinese = run("print-queue", "--process", lang="zh")
    assert chinese.output.startswith("已打印 0，失败 0；打印机状态 未知（本次未向其发送任务）\n"), (
        chinese.output
    )
    assert "就绪" not in chinese.output
    row = chinese.output.splitlines()[2]
    assert row.split()[1] == "包裹标签"
    assert json.loads(run("print-queue", "--process", "--json").stdout)["processed"]["printer_state"] == (
        "untried"
    )
