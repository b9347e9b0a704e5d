"""A dialog whose Enter says no has its no focused as it opens: an Enter typed right behind the key
that opened it (a hurried clerk, keys in the terminal's buffer) answers no, never the first button."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from db.models import DayClose
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.day_close_dialogs import ConfirmClose
from station_console.tui.screens.reports import ReportsScreen
from tui import quiet


@pytest.mark.first_mode("reports")
async def test_enter_right_behind_f12_closes_no_day_and_answers_nothing(
    app: StationApp, station: Station
) -> None:
    check_in(station, "SF1000000000001", batch="SF", phone="13812345678")
    station.clerk_role = "manager"
    async with app.run_test(size=(140, 45)) as pilot:
        await quiet.press(pilot, "f6")
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await quiet.burst(pilot, "f12", "enter")  # the question opens, then Enter before a breath
        # A closed day is not opened again: the Enter typed before the question answers nothing. The
        # question stays with Cancel focused and says so; no day closed.
        question = app.screen
        assert isinstance(question, ConfirmClose) and app.focused is question.query_one("#close-no")
        assert "typed before this question appeared were ignored" in str(
            question.query_one("#question-said", Static).render()
        )
        with station.read() as session:
            assert list(session.exec(select(DayClose)).all()) == []
        await quiet.press(pilot, "escape")
        assert app.screen is screen
        with station.read() as session:
            assert list(session.exec(select(DayClose)).all()) == []


@pytest.mark.first_mode("settings")
async def test_enter_right_behind_a_mode_key_keeps_unsaved_settings_unsaved(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#st-station_name", Input).value = "Campus North"
        await quiet.burst(pilot, "f1", "enter")  # the question opens, then Enter before a breath
        assert app.screen is screen and app.current_mode == "settings"  # Stay: the edit kept, unsaid
        assert screen.query_one("#st-station_name", Input).value == "Campus North"
    station.forget_settings()
    assert station.settings().station_name != "Campus North"


async def test_a_questions_enter_says_no_even_typed_right_as_it_opens(app: StationApp) -> None:
    """A yes/no question over a text (an import's preview, a pickup undone, a return batch): No has the
    focus from the start, so an Enter right behind what opened it answers no and closes it; the focus
    went to the scrolling text first, where Enter did nothing and said nothing."""
    answers: list[bool | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        app.push_screen(ConfirmDialog("Write these changes?", "1: 张三 A3-502\n" * 60), answers.append)
        quiet.send_key(app, "enter")  # before a breath: the dialog is not laid out yet
        await quiet.settle(pilot)
        assert answers == [False] and app.screen is screen
