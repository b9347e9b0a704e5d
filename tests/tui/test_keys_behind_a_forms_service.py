"""A pop-up form whose Enter asks a service (`FormDialog`'s `submit`): keys and a paste typed right
behind that Enter wait for the answer, then go where it put the cursor: the question it opened (a
refund's), or the field at fault (the directory's person form). Given at once, they went into the field
the Enter was pressed in, while the service still weighed the form. Each service here is held like a
slow database until the test lets it answer (`quiet.held`)."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select
from textual.widgets import Input

from db.models import Recipient
from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.services.sendout import payments
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.sendout_dialogs import RefundDialog
from tui import quiet
from tui.recipients_driver import open_recipients
from tui.sendout_driver import accept_send, at_sendout, sends, text_of
from tui.test_type_ahead import send_paste


@pytest.mark.parametrize("typed", ["enter", "y"])
@pytest.mark.first_mode("sendout")
async def test_a_key_right_behind_the_refunds_enter_does_not_answer_its_question(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    """The reason typed, Enter, and a hurried key while the send is read for the question: it waited
    for the question and answered it, a Y refunding the send unasked. A refund moves money: keys typed
    before its question appeared are dropped (not given to the form's field either), the question
    opens as it is, No focused, and says so; the clerk's own N then says no."""
    slow, asked, answer, answered = quiet.held(payments.ask_refund)
    monkeypatch.setattr(payments, "ask_refund", slow)
    async with at_sendout(station) as (app, pilot, screen):
        await accept_send(pilot, screen, "SF1234567890123")
        await quiet.press(pilot, "f7")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, RefundDialog) and app.focused is form.query_one("#form-reason", Input)
        await quiet.press(pilot, *"customer left")
        # Both stamped in the past: a key stamped ahead of the clock counted as typed after the question,
        # were the answer quicker than its stamp.
        at = time.monotonic() - 0.08
        quiet.send_key(app, "enter", at=at)
        quiet.send_key(app, typed, at=at + 0.08)  # a person's second press, not a bounce
        await quiet.until(pilot, asked.is_set, what="the send read for the question")
        await quiet.type_ahead_handed_over(pilot)  # past the type-ahead's own hold: the key still waits
        assert app.type_ahead.keys_waiting
        answer.set()
        await quiet.until(pilot, answered.is_set, what="the send read")
        await quiet.settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmDialog), "the question was answered by a key typed before it"
        assert app.focused is question.query_one("#confirm-no")
        assert "typed before this question appeared were ignored" in text_of(question, "#question-said")
        assert form.query_one("#form-reason", Input).value == "customer left"
        assert [s.status for s in sends(station)] == ["accepted"]
        await quiet.press(pilot, "n")
        await quiet.settle(pilot)
        assert app.screen is form and "Not refunded" in text_of(form, "#form-refused")
    assert [s.status for s in sends(station)] == ["accepted"]


@pytest.mark.first_mode("sendout")
async def test_y_typed_at_the_refunds_question_once_it_is_up_refunds(
    app: StationApp, station: Station
) -> None:
    """The guard drops only keys typed before the question appeared: a Y typed at it still says yes."""
    async with at_sendout(station) as (app, pilot, screen):
        await accept_send(pilot, screen, "SF1234567890123")
        await quiet.press(pilot, "f7")
        await quiet.settle(pilot)
        await quiet.press(pilot, *"customer left", "enter")
        await quiet.settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await quiet.press(pilot, "y")
        await quiet.settle(pilot)
    assert [s.status for s in sends(station)] == ["cancelled"]


@pytest.mark.first_mode("settings")
async def test_an_id_pasted_right_behind_the_person_forms_enter_goes_to_the_id_at_fault(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new person with an id another person has, sent from the last field: only the database knows
    the id is taken, and its refusal puts the cursor in the id. The id pasted right behind the Enter went
    into the field the Enter was pressed in (Language); it waits for the refusal and replaces the id."""
    directory.add(station, {"external_id": "00123", "name": "张三", "phones": "13812345678"})
    directory.add(station, {"name": "李四", "phones": "13987654321"})
    slow, asked, answer, answered = quiet.held(directory.add)
    monkeypatch.setattr(directory, "add", slow)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f9")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-external_id", Input).value = "00123"
        form.query_one("#form-name", Input).value = "王五"
        language = form.query_one("#form-language", Input)
        language.focus()
        await quiet.settle(pilot)
        at = time.monotonic()
        quiet.send_key(app, "enter", at=at)
        send_paste(app, "00999", at=at)
        await quiet.until(pilot, asked.is_set, what="the person sent")
        await quiet.type_ahead_handed_over(pilot)  # past the type-ahead's own hold: the paste still waits
        assert app.type_ahead.keys_waiting
        answer.set()
        await quiet.until(pilot, lambda: "00123" in text_of(form, "#form-refused"), what="the id refused")
        await quiet.settle(pilot)
        external_id = form.query_one("#form-external_id", Input)
        assert answered.is_set() and app.screen is form and app.focused is external_id
        assert external_id.value == "00999"  # over the id refused, which the focus selected
        assert language.value == ""
    with station.read() as session:
        assert [r.name for r in session.exec(select(Recipient))] == ["张三", "李四"]  # nobody added
