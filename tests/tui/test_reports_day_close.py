"""Closing a day from the Reports mode: its figures shown and asked for twice before closing time, for a
manager; only what was confirmed frozen; an early close's next day; a closed day's status line; an
audit anchor that could not be written."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FakeClock
from sqlmodel import select
from textual.screen import Screen
from textual.widgets import DataTable, Static

from db.models import Clerk, DayClose
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.day_close_dialogs import ConfirmClose, ReopenDay
from tui import quiet
from tui.reports_helpers import open_reports, said, seed, settle
from tui.test_chinese_line_breaks import shown_lines


def figures_of(dialog: Screen[Any]) -> str:
    """The day close's figures as read (the no-break spaces that hold each figure to its words, as spaces)."""
    return str(dialog.query_one("#close-figures", Static).render()).replace("\u00a0", " ")


def _closes(station: Station) -> list[DayClose]:
    with station.read() as session:
        return list(session.exec(select(DayClose)).all())


@pytest.mark.first_mode("reports")
async def test_closing_the_day_shows_the_figures_asks_twice_before_closing_time_and_is_for_a_manager(
    app: StationApp, station: Station
) -> None:
    """10:00 station time, closing hour 21:00: a deliberate close takes the figures, a yes, and a second
    yes; Enter alone and a clerk close nothing."""
    seed(station)

    def add(name: str, role: str) -> int:
        def work(session: object) -> int:
            clerk = Clerk(name=name, role=role, created_at=station.now())
            session.add(clerk)  # type: ignore[attr-defined]
            session.flush()  # type: ignore[attr-defined]
            return clerk.id or 0

        return station.run(work)  # type: ignore[arg-type]

    station.clerk_id, station.clerk_role = add("ann", "clerk"), "clerk"
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_reports(app, pilot)
        await quiet.press(pilot, "f12", "ctrl+y")  # a clerk: told at once, no figures to say yes to
        await settle(app, pilot)
        assert app.screen is screen and _closes(station) == []
        said = [n.message for n in app._notifications]
        assert "Only a manager can close the day. Ask a manager to sign in." in said
        station.clerk_id, station.clerk_role = add("mei", "manager"), "manager"
        await quiet.press(pilot, "f12")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmClose)
        figures = figures_of(dialog)
        assert "checked in 3" in figures and "closing 3" in figures
        keys = [str(line.render()) for line in dialog.query(".form-keys")]
        assert keys == ["Ctrl+Y: close the day · Enter or Esc: cancel"]  # Enter is no yes: it says so
        body = dialog.query_one("#close-figures", Static).styles.color
        assert dialog.query_one(".form-keys", Static).styles.color != body  # muted, as every key line
        await quiet.press(pilot, "enter")  # the focus is on Cancel: Enter alone never closes a day
        await quiet.settle(pilot)
        assert app.screen is screen and _closes(station) == []
        await quiet.press(pilot, "f12", "ctrl+y")
        await settle(app, pilot)
        second = app.screen
        assert isinstance(second, ConfirmClose) and second.early  # before 21:00: asked again
        assert "before closing time (21:00)" in str(second.query_one("#close-question", Static).render())
        keys = [str(line.render()) for line in second.query(".form-keys")]
        assert keys == [
            "Tab to “Close the day”, then Enter: close it anyway · Enter or Esc: cancel"
        ]  # no Ctrl+Y
        assert _closes(station) == []
        await quiet.press(pilot, "ctrl+y")  # Ctrl+Y pressed twice in a hurry is not the second yes
        await settle(app, pilot)
        assert app.screen is second and _closes(station) == []
        await quiet.press(pilot, "tab", "enter")  # the red button, on purpose
        await settle(app, pilot)
        assert len(_closes(station)) == 1
        closed = str(screen.query_one("#rp-status", Static).render())
        assert "Closed by mei at 2026-11-25 10:00," in closed  # station time, as the clerk reads a clock
        sha = _closes(station)[0].sha256[:16]
        assert f"Closed 2026-11-25; SHA-256 {sha}." in [str(n.message) for n in app._notifications]
        # Reopening takes a reason; the status says so.
        await quiet.press(pilot, "ctrl+o")
        await quiet.settle(pilot)
        assert isinstance(app.screen, ReopenDay)
        await quiet.press(pilot, "enter")  # no reason: nothing happens
        await quiet.settle(pilot)
        assert isinstance(app.screen, ReopenDay)
        await quiet.press(pilot, *"wrong day", "enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert _closes(station)[0].reopened_at is not None
        assert "Reopened" in str(screen.query_one("#rp-status", Static).render())


@pytest.mark.first_mode("reports")
async def test_a_close_freezes_only_the_figures_the_manager_confirmed(
    app: StationApp, station: Station
) -> None:
    """Another counter checks a parcel in while the figures are on screen: the yes closes nothing and the
    figures are read again (the day was frozen with figures nobody had seen)."""
    seed(station)
    station.clerk_role = "manager"
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_reports(app, pilot)
        await quiet.press(pilot, "f12")
        await settle(app, pilot)
        assert "checked in 3" in figures_of(app.screen)
        check_in(station, "73100000000003", batch="ZTO", phone="5680")  # the other counter, meanwhile
        await quiet.press(pilot, "ctrl+y")
        await settle(app, pilot)
        await quiet.press(pilot, "tab", "enter")  # before closing time: the second yes
        await settle(app, pilot)
        assert _closes(station) == []
        said = [n.message for n in app._notifications]
        assert (
            "Another counter changed the day's figures while you were confirming them; nothing was closed. "
            "Ask the other counters to pause, check the figures again, then close." in said
        )
        table = screen.query_one("#rp-table", DataTable)
        assert str(table.get_row_at(table.row_count - 1)[2]) == "4"  # read again: the figures as they are now
        await quiet.press(pilot, "f12", "ctrl+y")
        await settle(app, pilot)
        await quiet.press(pilot, "tab", "enter")
        await settle(app, pilot)
        (closed,) = _closes(station)
        assert '"checked_in":4' in closed.figures


@pytest.mark.first_mode("reports")
async def test_f12_on_the_day_after_an_early_close_says_when_it_can_be_closed_and_asks_nothing(
    app: StationApp, station: Station, clock: FakeClock
) -> None:
    """Today closed early: the business day is tomorrow, which the close refuses. F12 says so at once
    rather than putting its figures to the manager and refusing the yes."""
    from station_console.services.day.close import close_day

    seed(station)
    station.clerk_role = "manager"
    today = close_day(station, early=True).day
    clock.advance(minutes=1)  # work now belongs to tomorrow
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_reports(app, pilot)
        assert screen.day is not None and screen.day > today  # the business day after the close
        await quiet.press(pilot, "f12")
        await settle(app, pilot)
        assert app.screen is screen  # no figures to say yes to
        status = said(screen.query_one("#rp-status", Static))
        # The day in progress, not one 'that has not happened yet' (F8 calls it today)
        refused = (
            f"Cannot close {screen.day.isoformat()} yet: it began with {today.isoformat()}'s early close"
        )
        assert refused in status
        assert len(_closes(station)) == 1


@pytest.mark.first_mode("reports")
async def test_f12_on_a_day_closed_at_another_counter_says_who_closed_it_and_asks_nothing(
    app: StationApp, station: Station
) -> None:
    """Reports left open here while another counter's manager closed the day: F12 put the old figures
    and the early-close question first, and only after both yeses said the day was closed. It says at
    once who closed it and when, asks nothing, and reads the report again."""
    from station_console.services.day.close import close_day

    seed(station)

    def add(name: str) -> int:
        def work(session: Any) -> int:
            clerk = Clerk(name=name, role="manager", created_at=station.now())
            session.add(clerk)
            session.flush()
            return clerk.id or 0

        return station.run(work)

    mei, li = add("mei"), add("li")
    station.clerk_id, station.clerk_role = mei, "manager"
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_reports(app, pilot)
        assert not (screen.report or {}).get("closed")
        station.clerk_id = li  # the other counter's manager, on the shared database
        info = close_day(station, early=True)
        station.clerk_id = mei
        await quiet.press(pilot, "f12")
        await settle(app, pilot)
        assert app.screen is screen  # no figures, no early-close question
        closed_at = info.at.astimezone(station.zone()).strftime("%H:%M")
        refused = f"Business day {info.day.isoformat()} was already closed by li at {closed_at}."
        assert refused in [n.message for n in app._notifications]
        assert "already closed by li" in said(screen.query_one("#rp-status", Static)).replace("\u00a0", " ")
        assert screen.report is not None and screen.report["closed"]["by"] == "li"  # read again
        assert len(_closes(station)) == 1


@pytest.mark.first_mode("reports")
async def test_the_refusal_after_an_early_close_keeps_its_clauses_whole_at_80_columns_in_chinese(
    app: StationApp, station: Station, clock: FakeClock
) -> None:
    """At 80 columns the status line broke "提前日结" (early close) in two, "提前" / "日结": each short
    clause of the refusal goes down whole, as a report's line does."""
    from station_console.services.day.close import close_day

    seed(station)
    station.clerk_role = "manager"
    today = close_day(station, early=True).day
    clock.advance(minutes=1)
    set_language("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(app, pilot)
        await quiet.press(pilot, "f12")
        await settle(app, pilot)
        lines = [line.replace("\u00a0", " ") for line in shown_lines(app, screen.query_one("#rp-status"))]
        assert len(lines) == 2, lines
        assert any(f"它始于 {today.isoformat()} 的提前日结" in line for line in lines), lines
        assert len(_closes(station)) == 1


@pytest.mark.first_mode("reports")
@pytest.mark.parametrize(("lang", "size"), [("en", (120, 40)), ("zh", (80, 24))])
async def test_a_closed_days_status_line_shows_whether_its_figures_still_match(
    app: StationApp, station: Station, lang: str, size: tuple[int, int]
) -> None:
    """The whole SHA-256 pushed the end of the line, whether the figures still match the close, out of
    the status line's two lines; its start is enough there (the summary below has it whole)."""
    from station_console.services.day.close import close_day

    seed(station)
    station.clerk_role = "manager"
    info = close_day(station, early=True)
    set_language(lang)
    async with app.run_test(size=size) as pilot:
        screen = await open_reports(app, pilot)
        await settle(app, pilot)
        line = screen.query_one("#rp-status", Static)
        shown = str(line.render())
        assert info.sha256[:16] in shown and info.sha256 not in shown
        assert ("figures still match" if lang == "en" else "数据仍然一致") in shown
        region = line.content_region
        assert line.get_content_height(region.size, app.size, region.width) <= region.height
        assert info.sha256 in str(screen.query_one("#rp-summary", Static).render())


def test_a_day_closed_whose_audit_anchor_cannot_be_written_is_said_closed_and_what_to_do(
    station: Station,
) -> None:
    """The Reports screen's close said "Closed ..." whatever became of the anchor (only the log said
    it was missing): now it says the day closed, why the anchor was not written and what to do."""
    from datetime import date

    from station_helpers import act_as_new_clerk

    from station_console.services.core import anchors
    from station_console.tui.screens.reports_calls import ClosedBut, close_or_ask

    act_as_new_clerk(station, "mei", "manager")
    anchors.anchors_path().unlink(missing_ok=True)  # the line saying the station was made
    anchors.anchors_path().mkdir(parents=True, exist_ok=True)
    answer = close_or_ask(station, date(2000, 1, 1), False, {})
    assert isinstance(answer, ClosedBut)
    assert answer.text.startswith("Closed 2000-01-01; SHA-256")
    assert "Its audit anchor was not written" in answer.text and "it is a folder, not a file" in answer.text
    assert "station reopen-day --date 2000-01-01" in answer.text


@pytest.mark.first_mode("reports")
async def test_a_day_closed_whose_anchor_was_not_written_says_so_until_read(
    app: StationApp, station: Station
) -> None:
    """Closed, but its audit anchor not written: the toast saying so, and what to do, went after 5 s
    like a passing "Closed", the manager busy with the day's figures. It stays until read."""
    from station_console.services.core import anchors
    from station_console.tui import error_toasts

    seed(station)
    station.clerk_role = "manager"
    anchors.anchors_path().unlink(missing_ok=True)
    anchors.anchors_path().mkdir(parents=True, exist_ok=True)  # a folder where the file goes
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await open_reports(app, pilot)
        await quiet.press(pilot, "f12", "ctrl+y")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmClose) and app.screen.early
        await quiet.press(pilot, "tab", "enter")
        await settle(app, pilot)
        assert len(_closes(station)) == 1
        said = [t for t in app._notifications if "Its audit anchor was not written" in str(t.message)]
        assert [(t.severity, t.timeout) for t in said] == [("warning", error_toasts.UNTIL_READ)], said
