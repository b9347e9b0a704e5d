"""Settings > Printers > Print queue: a label the printer refused and went past is listed first, as set
aside, with the printer's refusal; the clerk retries it or cancels it by key, each in the audit trail.
A cancelled label reads "cancelled" in the check-in's label column, an undone check-in's "undone"."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import col, select
from station_helpers import events
from textual.content import Content
from textual.widgets import DataTable, Static

from db.models import EventKind, PrintJob
from hardware.printers import DummyTransport, make_printer
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.printing import queue_view, sending
from station_console.services.printing.order import REFUSED_AFTER
from station_console.tui.app import StationApp
from station_console.tui.print_worker import PrintWorker
from station_console.tui.screens.calls_leaving import WAIT_FOR_ANSWER, WAIT_STYLE
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.print_queue import PrintQueueScreen
from station_console.tui.widgets.plain import Table
from station_console.tui.widgets.status_line import StatusLine
from tui import quiet
from tui.checkin_driver import scan, start


def set_aside_first_label(station: Station, clock: Any) -> list[int]:
    """Three labels; the printer refuses the first three times and prints the next two."""
    DummyTransport.forget_all()
    for n in range(3):
        check_in(station, f"SF12345678901{n:02d}", phone=f"138123456{n:02d}")
    printer = make_printer({"language": "tspl", "transport": "dummy", "target": "picky"}, name="desk")
    for _ in range(REFUSED_AFTER):
        DummyTransport.named("picky").fail_next(1, "error")
        sending.process_queue(station, printer, lang="en")
        clock.advance(seconds=61)
    with station.read() as session:
        return [j.id or 0 for j in session.exec(select(PrintJob).order_by(col(PrintJob.id))).all()]


def statuses(station: Station) -> list[str]:
    with station.read() as session:
        return [j.status for j in session.exec(select(PrintJob).order_by(col(PrintJob.id))).all()]


def rows(screen: PrintQueueScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.mark.parametrize(("lang", "aside_word"), [("en", "set aside"), ("zh", "已搁置")])
@pytest.mark.first_mode("settings")
async def test_a_set_aside_label_is_listed_with_its_refusal_and_retried_or_cancelled_by_key(
    app: StationApp, station: Station, clock: Any, lang: str, aside_word: str
) -> None:
    first, *_printed = set_aside_first_label(station, clock)
    assert statuses(station) == ["failed", "printed", "printed"]
    set_language(lang)
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f8", "f10")  # from Settings (`first_mode`): printers, their queue
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, PrintQueueScreen)
        [row] = rows(screen)
        assert row[0] == str(first) and row[1] == aside_word and row[5] == str(REFUSED_AFTER)
        assert "picky" in row[6]  # the printer's refusal, in the reader's language
        status = str(screen.query_one("#print-queue-status", Static).render())
        # The failed job is counted as failed, not as waiting to print.
        said = "1 failed. Set aside: " if lang == "en" else "1 个打印失败。已搁置："
        assert status.startswith(said), status  # how many, why, and what to do
        await quiet.press(pilot, "r")
        await quiet.settle(pilot)
        assert statuses(station)[0] == "queued"
        assert rows(screen)[0][1] != aside_word  # queued again: waiting, no longer set aside
        status = str(screen.query_one("#print-queue-status", Static).render())
        done = f"Print job {first} queued again" if lang == "en" else f"打印任务 {first} 已重新排队"
        assert status.startswith(f"{done}  ·  "), status  # what was done, then what the list holds
        waiting = "1 job waiting to print" if lang == "en" else "1 个任务等待打印"
        assert status.endswith(waiting), status  # queued again: now it waits to print
        [retried] = events(station, EventKind.PRINT_JOB_RETRIED)
        assert retried.clerk_id == station.clerk_id and retried.parcel_id is not None
        assert retried.details["job"] == first and retried.details["was"] == "failed"
        assert retried.details["set_aside"] is True and retried.details["kind"] == "label"
        await quiet.press(pilot, "c")
        await quiet.settle(pilot)
        assert statuses(station)[0] == "discarded" and rows(screen) == []
        [cancelled] = events(station, EventKind.PRINT_JOB_CANCELLED)
        assert cancelled.clerk_id == station.clerk_id and cancelled.parcel_id == retried.parcel_id
        assert cancelled.details["job"] == first and cancelled.details["was"] == "queued"
        await quiet.press(pilot, "c")  # again, on an empty list: nothing to act on, nothing written
        await quiet.settle(pilot)
        assert len(events(station, EventKind.PRINT_JOB_CANCELLED)) == 1
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert not isinstance(app.screen, PrintQueueScreen)


@pytest.mark.parametrize(
    ("lang", "cancelled", "undone"), [("en", "cancelled", "undone"), ("zh", "已取消", "已撤销")]
)
async def test_the_label_column_tells_a_cancelled_label_from_an_undone_check_in(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, lang: str, cancelled: str, undone: str
) -> None:
    monkeypatch.setattr(CheckinScreen, "LABELS_EVERY", 0.05)  # the label column's re-read, at test speed
    set_language(lang)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await quiet.press(pilot, "f8")  # quick mode: each label is queued at once
        for code in ("JT0000000000001", "JT0000000000002"):
            await scan(pilot, clock, code)
        await quiet.settle(pilot, routers=False)
        await quiet.press(pilot, "ctrl+z")  # the second check-in undone: its label goes with it
        kept = screen.results[0].parcel_id
        [job] = [j for j in queue_view.list_jobs(station) if j.parcel_id == kept]
        queue_view.cancel_job(station, job.id or 0)  # from the print queue, or another console
        table = screen.query_one("#ci-table", Table)

        def labels() -> list[str]:
            return [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]

        await quiet.until(pilot, lambda: labels() == [undone, cancelled], what="the cancelled label's word")


@pytest.mark.first_mode("settings")
async def test_what_the_clerk_did_stays_said_when_the_worker_reads_the_list_again(
    app: StationApp, station: Station, clock: Any
) -> None:
    first, *_printed = set_aside_first_label(station, clock)
    set_language("en")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f8", "f10")
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, PrintQueueScreen)

        def status() -> str:
            return str(screen.query_one("#print-queue-status", Static).render())

        await quiet.press(pilot, "r")
        await quiet.settle(pilot)
        done = f"Print job {first} queued again  ·  "
        assert status().startswith(done), status()
        queue_view.cancel_job(station, first)  # gone from the list, as when the worker prints it
        screen.post_message(PrintWorker.Drained(printed=1, failed=0, state="ready", error=None))
        await quiet.until(pilot, lambda: rows(screen) == [], what="the list read again")
        assert status() == f"{done}0 jobs waiting to print", (
            status()
        )  # the retry's words, the list as it is now
        await quiet.press(pilot, "ctrl+r")  # the clerk's own read: just what the list holds
        await quiet.settle(pilot)
        assert status() == "0 jobs waiting to print", status()


@pytest.mark.first_mode("settings")
async def test_a_bell_or_escape_in_a_job_s_printer_or_error_is_written_out_in_the_list(
    app: StationApp, station: Station, clock: Any
) -> None:
    """A job keeps the printer name counter.toml had (edited by hand) and the error a printer or system
    said: Rich drops a BEL as a cell is made, so the list named "label" a printer the Printers list and
    its fault call "lab\\x07el". Both cells written out, as the Printers list does, never sent raw."""
    first, *_printed = set_aside_first_label(station, clock)
    with station.write() as session:
        job = session.get(PrintJob, first)
        assert job is not None
        job.printer, job.last_error = "lab\x07el", "jam\x1b]0;owned\x07 at the head"
        session.add(job)
    set_language("en")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f8", "f10")
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, PrintQueueScreen)
        [row] = rows(screen)
        drawn = "".join(strip.text for strip in screen._compositor.render_strips())
    assert row[4] == "lab\\x07el"
    assert row[6] == "jam\\x1b]0;owned\\x07 at the head"
    assert "\x1b" not in drawn and "\x07" not in drawn


@pytest.mark.first_mode("settings")
async def test_escape_while_a_retry_is_on_its_way_stays_and_says_so_on_the_status_line(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue lists say a way back held for their action's answer on their own status line, in the
    look every screen says it in (not a toast, not a refusal's red), and leave once it is said."""
    first, *_printed = set_aside_first_label(station, clock)
    set_language("en")
    held, real = threading.Event(), queue_view.retry_job

    def slow(*args: Any, **kwargs: Any) -> Any:
        assert held.wait(quiet.TIMEOUT)  # the database busy at another counter
        return real(*args, **kwargs)

    monkeypatch.setattr(queue_view, "retry_job", slow)
    try:
        async with app.run_test(size=(160, 45), notifications=True) as pilot:
            await quiet.press(pilot, "f8", "f10")
            await quiet.settle(pilot)
            screen = app.screen
            assert isinstance(screen, PrintQueueScreen)
            line = screen.query_one("#print-queue-status", StatusLine)
            await quiet.press(pilot, "r", leave_running=["run"])
            await quiet.press(pilot, "escape", leave_running=["run"])
            assert app.screen is screen
            said = line.visual
            assert isinstance(said, Content) and said.plain == WAIT_FOR_ANSWER  # in English
            assert said.spans and said.spans[0].style == WAIT_STYLE and not line.has_class("-error")
            assert not app._notifications  # said on the line, not in a toast
            held.set()
            await quiet.until(pilot, lambda: "queued again" in str(line.render()), what="the retry said")
            await quiet.press(pilot, "escape")
            assert app.screen is not screen
    finally:
        held.set()
    assert statuses(station)[0] == "queued"
