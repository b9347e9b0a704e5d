"""A key whose screen reads the service before it opens a question or picker holds the keys typed right
behind it until the answer has opened it: given at once, they went to the screen below, and the picker
stayed open. Each service read here is slowed 0.3 s, a busy database, so the race shows every time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import Input

from db.models import DayClose
from station_console.services.core.station import Station
from station_console.services.prealerts import batches
from station_console.services.sendout import payments
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin, reports_calls
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.checkin_dialogs import BatchPicker
from station_console.tui.screens.day_close_dialogs import ConfirmClose
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.sendout_dialogs import RefundDialog
from tui.quiet import burst, press, settle
from tui.reports_helpers import open_reports, said, seed


def slowed(fn: Any) -> Any:
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # a busy database: the keys behind are in before the answer
        return fn(*args, **kwargs)

    return slow


async def test_down_and_enter_right_behind_check_in_f7_choose_in_the_batch_picker(
    station: Station, app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F7 reads the carriers, then opens the picker: Down and Enter typed right behind it reached the
    scan field instead, and the picker stayed open. They wait for it and choose its second line."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, checkin.CheckinScreen)
        first = checkin.carrier_choices(checkin.get_detector(station))[0][0]
        monkeypatch.setattr(checkin, "carrier_choices", slowed(checkin.carrier_choices))
        await burst(pilot, "f7", "down", "enter")
        assert not isinstance(app.screen, BatchPicker)
        assert app.screen is screen
        assert screen.batch_carrier == first


async def test_enter_right_behind_check_in_f10_chooses_the_couriers_carrier(
    station: Station, app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F10 reads the batches open here and the carriers, then opens the courier dialog: an Enter typed
    right behind it reached the scan field, and the dialog opened with nothing chosen. It waits for the
    dialog and chooses its highlighted carrier, the courier's name next."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = checkin.carrier_choices(checkin.get_detector(station))[0][0]
        monkeypatch.setattr(batches, "open_here", slowed(batches.open_here))
        await burst(pilot, "f10", "enter")
        dialog = app.screen
        assert isinstance(dialog, CourierDialog)
        assert dialog.carrier == first
        assert app.focused is dialog.query_one("#courier-name")


@pytest.mark.first_mode("sendout")
async def test_a_digit_right_behind_send_out_f7_goes_to_the_refund_form(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F7 reads the newest send that can be refunded, then opens the refund form: a digit typed right
    behind it went into the send form below. It waits for the refund form's send number field."""
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        below = app.focused
        assert isinstance(below, Input)
        typed_below = below.value
        monkeypatch.setattr(payments, "newest_refundable", slowed(payments.newest_refundable))
        await burst(pilot, "f7", "7")
        dialog = app.screen
        assert isinstance(dialog, RefundDialog)
        assert below.value == typed_below
        assert isinstance(app.focused, Input) and app.focused.value == "7"


@pytest.mark.first_mode("reports")
async def test_enter_right_behind_the_close_yes_does_not_answer_the_early_close_question(
    station: Station, app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before closing time the close's answer asks again, an early close: an Enter typed right behind
    Ctrl+Y reached the report below, and the second question stayed open. It waits for that question,
    which a key typed before it appeared does not answer (a closed day is not opened again): the
    question stays, Cancel focused, and says the key was ignored; no day closed. Esc then cancels."""
    seed(station)
    station.clerk_role = "manager"
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_reports(app, pilot)
        await press(pilot, "f12")
        assert isinstance(app.screen, ConfirmClose) and not app.screen.early
        monkeypatch.setattr(reports_calls, "close_or_ask", slowed(reports_calls.close_or_ask))
        await burst(pilot, "ctrl+y", "enter")
        question = app.screen
        assert isinstance(question, ConfirmClose) and question.early
        assert app.focused is question.query_one("#close-no")
        assert "typed before this question appeared were ignored" in said(
            question.query_one("#question-said")
        )
        with station.read() as session:
            assert list(session.exec(select(DayClose)).all()) == []
        await press(pilot, "escape")
        assert app.screen is screen
        assert "The day is not closed: F12 asks again." in said(screen.query_one("#rp-status"))
        with station.read() as session:
            assert list(session.exec(select(DayClose)).all()) == []
