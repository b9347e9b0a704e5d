"""Reports follows other counters: their check-ins today read the day's figures again, where the manager
was, and never under the day-close question."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from db.engine import create_station_engine
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import reports_calls
from station_console.tui.screens.day_close_dialogs import ConfirmClose
from station_console.tui.screens.live_reread import LIVE_GAP_S
from station_console.tui.screens.reports import ReportsScreen
from tui import quiet
from tui.reports_helpers import said

LIVE_WAIT_S = LIVE_GAP_S + 0.2  # longer than a paced read waits


def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The days the screen reads the report of, as they are read."""
    reads: list[str] = []
    read = reports_calls.read_report

    def counting(station: Station, day):  # type: ignore[no-untyped-def]
        reads.append(day.isoformat())
        return read(station, day)

    monkeypatch.setattr(reports_calls, "read_report", counting)
    return reads


def total_checked_in(screen: ReportsScreen) -> str:
    table = screen.query_one("#rp-table", DataTable)
    return str(table.get_row_at(table.row_count - 1)[2])


def other_counter(station: Station, db_url: str) -> Station:
    return Station(
        engine=create_station_engine(db_url),
        counter="counter-2",
        clerk_id=station.clerk_id,
        clerk_role=station.clerk_role,
        clock=station.clock,
    )


async def _reports_listening(app: StationApp, pilot: object) -> ReportsScreen:
    await quiet.settle(pilot)
    await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
    screen = app.screen
    assert isinstance(screen, ReportsScreen) and screen.report is not None
    return screen


def until_total(pilot: object, screen: ReportsScreen, total: str) -> Awaitable[None]:
    return quiet.until(pilot, lambda: total_checked_in(screen) == total, what=f"total {total}")


@pytest.mark.first_mode("reports")
async def test_another_counters_check_in_today_updates_the_figures_where_the_manager_was(
    app: StationApp, station: Station, db_url: str
) -> None:
    check_in(station, "SF1000000000001", batch="SF", phone="13812345678")
    check_in(station, "73100000000001", batch="ZTO", phone="5678")
    other = other_counter(station, db_url)
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            screen = await _reports_listening(app, pilot)
            assert total_checked_in(screen) == "2"
            table = screen.query_one("#rp-table", DataTable)
            table.move_cursor(row=1)
            check_in(other, "73100000000002", batch="ZTO", phone="5679")
            await until_total(pilot, screen, "3")
            assert table.cursor_row == 1  # the manager's row, not the top again
    finally:
        other.engine.dispose()


@pytest.mark.first_mode("reports")
async def test_a_carriers_first_parcel_elsewhere_keeps_the_manager_on_their_carrier(
    app: StationApp, station: Station, db_url: str
) -> None:
    """A row added above the manager's (another counter's first parcel of a carrier today): the cursor
    stays on the carrier it was on, not on whichever row now has its number."""
    check_in(station, "73100000000001", batch="ZTO", phone="5678")
    check_in(station, "JT1000000000001", batch="JT", phone="5679")
    other = other_counter(station, db_url)
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            screen = await _reports_listening(app, pilot)
            table = screen.query_one("#rp-table", DataTable)
            table.move_cursor(row=1)
            assert str(table.get_row_at(1)[0]) == "J&T"
            check_in(other, "SF1000000000001", batch="SF", phone="13812345678")  # SF's row comes first
            await until_total(pilot, screen, "3")
            assert [str(table.get_row_at(n)[0]) for n in range(3)] == ["SF", "ZTO", "J&T"]
            assert str(table.get_row_at(table.cursor_row)[0]) == "J&T"
    finally:
        other.engine.dispose()


@pytest.mark.first_mode("reports")
async def test_a_burst_of_check_ins_reads_the_figures_about_once_a_second_never_under_the_close_question(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = counted(monkeypatch)
    other = other_counter(station, db_url)
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            screen = await _reports_listening(app, pilot)
            first, began = len(reads), time.monotonic()
            for n in range(6):  # six check-ins, one every 0.1 s, each heard on its own
                check_in(other, f"7310000000001{n}", batch="ZTO", phone="5679")
                await pilot.pause(0.1)
            await until_total(pilot, screen, "6")
            # At once, then at most once a second while they keep coming (a loaded machine stretches
            # the burst past a second); each heard on its own would be six.
            assert len(reads) - first <= 1 + math.ceil(time.monotonic() - began) < 6
            # Heard just after a read, so its own read waits; the manager opens the close question.
            screen._live_last = time.monotonic()
            check_in(other, "73100000000020", batch="ZTO", phone="5679")
            await quiet.until(pilot, lambda: screen._live_timer is not None, what="heard")
            asked = len(reads)
            screen.action_close_day()  # a manager's F12: the question over the figures, once the
            # service said the day may be closed (the figures are not read again meanwhile)
            await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmClose), what="the question")
            await pilot.pause(1.5)
            assert len(reads) == asked and total_checked_in(screen) == "6"
            await quiet.press(pilot, "enter")  # on Cancel: the day stays open
            await until_total(pilot, screen, "7")  # read once the question is gone
    finally:
        other.engine.dispose()


@pytest.mark.first_mode("reports")
async def test_coming_back_reads_the_figures_again_only_if_other_counters_worked_meanwhile(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = counted(monkeypatch)
    other = other_counter(station, db_url)
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            screen = await _reports_listening(app, pilot)
            first = len(reads)
            await quiet.press(pilot, "f1", "f6")  # to Check-in and back: nothing happened meanwhile
            await pilot.pause(LIVE_WAIT_S)
            await quiet.settle(pilot)
            assert len(reads) == first
            await quiet.press(pilot, "f1")
            check_in(other, "73100000000030", batch="ZTO", phone="5679")  # heard by Check-in, in front
            await quiet.until(pilot, lambda: app.live_bridge.delivered > 0, what="heard")
            await quiet.press(pilot, "f6")
            await until_total(pilot, screen, "1")
    finally:
        other.engine.dispose()


@pytest.mark.first_mode("reports")
async def test_the_day_not_closed_stays_over_the_figures_read_again_on_coming_back(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A close asked a second time after the manager left Reports is not closed, and said so on its
    status line: the figures read again as they came back (another counter's check-in meanwhile) put
    the balance over it before it was read. Their next key lets a read say the balance again."""
    station.clerk_role = "manager"
    asked, release = threading.Event(), threading.Event()
    close = reports_calls.close_or_ask

    def held(*args: Any) -> Any:
        asked.set()
        assert release.wait(quiet.TIMEOUT)
        return close(*args)

    monkeypatch.setattr(reports_calls, "close_or_ask", held)
    other = other_counter(station, db_url)
    not_closed = "The day is not closed: F12 asks again."
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            screen = await _reports_listening(app, pilot)
            line = screen.query_one("#rp-status", Static)
            await quiet.press(pilot, "f12")
            assert isinstance(app.screen, ConfirmClose)
            quiet.send_key(app, "ctrl+y")  # the first yes: the close is on its way, held
            await quiet.until(pilot, asked.is_set, what="the close asked")
            await quiet.press(pilot, "f1", leave_running=("run",))  # to Check-in before the second question
            release.set()
            await quiet.until(pilot, lambda: not_closed in said(line), what="not closed")
            check_in(other, "73100000000040", batch="ZTO", phone="5679")  # heard by Check-in, in front
            await quiet.until(pilot, lambda: app.live_bridge.delivered > 0, what="heard")
            await quiet.press(pilot, "f6")
            await until_total(pilot, screen, "1")  # the figures read again on coming back
            await quiet.settle(pilot)
            assert not_closed in said(line) and line.has_class("-error")
            await quiet.press(pilot, "ctrl+r")  # the manager's next key: the balance is said again
            await quiet.until(pilot, lambda: "Balanced" in said(line), what="balance")
            assert not line.has_class("-error")
    finally:
        other.engine.dispose()


@pytest.mark.first_mode("reports")
async def test_this_counters_own_check_in_in_another_mode_is_in_the_figures_on_coming_back(
    app: StationApp, station: Station
) -> None:
    """The manager leaves Reports, a parcel is checked in at this very counter, and F6 shows it: the
    figures the day close is then confirmed on are today's, not the ones read before (the close was
    refused as 'another counter changed the figures', with no other counter at all)."""
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await _reports_listening(app, pilot)
        assert total_checked_in(screen) == "0"
        await quiet.press(pilot, "f1")
        check_in(station, "73100000000050", batch="ZTO", phone="5679")  # this counter's own
        await quiet.press(pilot, "f6")
        await until_total(pilot, screen, "1")
        assert reports_calls.shown_totals(screen.report or {})["checked_in"] == 1


@pytest.mark.first_mode("reports")
async def test_no_live_read_is_sent_while_a_reopening_is_on_its_way(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change heard while the manager's reopening was being written was read at once: that read saw
    the day still closed and, landing after the reopening's own read, put "Closed by" back over
    "Reopened". The reopening's read says what changed."""
    from station_console.services.day.close import close_day

    check_in(station, "SF1000000000001", batch="SF", phone="13812345678")
    day = station.business_day()
    close_day(station, day, early=True)
    asked, held = threading.Event(), threading.Event()
    reopen, live_reads = reports_calls.reopen, []
    read_if_moved = reports_calls.read_report_if_moved

    def slow_reopen(*args: Any) -> str:
        asked.set()
        assert held.wait(quiet.TIMEOUT)
        return reopen(*args)

    def counting(*args: Any, **kwargs: Any) -> Any:
        live_reads.append(1)
        return read_if_moved(*args, **kwargs)

    monkeypatch.setattr(reports_calls, "reopen", slow_reopen)
    monkeypatch.setattr(reports_calls, "read_report_if_moved", counting)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await _reports_listening(app, pilot)
        if screen.day != day:
            await quiet.press(pilot, "f7")  # the closed day, the one before the business day now
            await quiet.until(pilot, lambda: screen.day == day and screen.report is not None, what="the day")
        await quiet.until(pilot, lambda: bool((screen.report or {}).get("closed")), what="the closed day")
        await quiet.press(pilot, "ctrl+o", *"wrong day")
        quiet.send_key(app, "enter")  # the reopening waits: no settling for it
        await quiet.until(pilot, asked.is_set, what="the reopening sent")
        screen._live_heard = False  # a change heard meanwhile (a close or reopening elsewhere)
        screen._live_last = 0.0
        screen._live_soon()
        await quiet.until(pilot, lambda: screen._live_timer is None, what="the live read due")
        # Not sent (its worker thread may not have run yet: what the screen kept is asked too).
        assert screen._live_heard is False and not screen.read_coming("live")
        assert live_reads == []  # left to the reopening's own read
        held.set()
        status = screen.query_one("#rp-status", Static)
        await quiet.until(pilot, lambda: "Reopened" in said(status), what="the reopening said")
