"""Forms the service checks keep what was typed when it refuses: the door delivery's run, delivered,
not-delivered and request forms, and a person's consent, new entry and edit. Each types what the
service refuses, by its pure check or, what only the database knows, by the write itself on the form's
worker: the form stays, every field as typed, the refusal in red in it, the cursor in the field at
fault, and nothing is written; put right, Enter saves it once. (The proxy form is in
test_pickup_hurried.py.)"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import select
from station_helpers import snapshot
from textual import events
from textual.widgets import Input, Static

from db.models import DeliveryItem, DeliveryRun, Recipient, RecipientConsent
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs
from station_console.services.recipients import directory
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.widgets.tick import Tick
from tui import quiet
from tui.quiet import TIMEOUT

from .test_delivery_screen import _delivery, _type
from .test_recipients_screens import open_recipients, people, text_of, until

LONG_NOTE = "rang 13911112222 " + "x" * 300  # longer than a note's 200 characters


def form(app: StationApp) -> FormDialog[Any]:
    assert isinstance(app.screen, FormDialog), "the form closed"
    return app.screen


async def refused(
    pilot: Any,
    app: StationApp,
    station: Station,
    typed: dict[str, str],
    message: str,
    *,
    at_fault: str,
) -> None:
    """Type `typed` into the open form and Enter in its last field: refused with `message` in the form,
    which keeps every field as typed and the cursor in `at_fault`, with the bell; nothing written."""
    dialog = form(app)
    for key, value in typed.items():
        dialog.query_one(f"#form-{key}", Input).value = value
    for field in dialog.query(Input):  # the clerk went through every field (Enter, Tab) to the last
        field.focus()
        await quiet.settle(pilot)
    # Enter in the last field sends the form, others' blanks or not
    before, bells = snapshot(station), []
    app.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
    await quiet.press(pilot, "enter")
    assert str(form(app).query_one("#form-refused", Static).render()) == message and bells == ["bell"]
    assert {key: dialog.query_one(f"#form-{key}", Input).value for key in typed} == typed
    assert app.focused is dialog.query_one(f"#form-{at_fault}")
    assert snapshot(station) == before


async def put_right(pilot: Any, app: StationApp, key: str, value: str) -> None:
    """The field at fault corrected (the cursor is in it), and Enter."""
    form(app).query_one(f"#form-{key}", Input).value = value
    await quiet.press(pilot, "enter")


def door_request(station: Station) -> str:
    """The directory's people; a parcel for 张三 (in A3) checked in and asked for at the door; its code."""
    ids = people(station)
    code = check_in(station, "JT0000000000001", recipient_id=ids["张三"]).pickup_code
    assert code is not None
    requests.request(station, code)
    return code


@pytest.mark.first_mode("shelves")
async def test_a_run_without_a_runner_is_refused_in_its_form(app: StationApp, station: Station) -> None:
    door_request(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        await quiet.press(pilot, "f7")
        typed = {"runner": "  ", "building": "A3"}
        await refused(pilot, app, station, typed, "Type the runner's name.", at_fault="runner")
        await quiet.press(pilot, *"小刘", "enter")
        await until(pilot, lambda: "Run DR000001" in text_of(app, "#dl-status"))
    with station.read() as session:
        assert [(r.runner, r.building) for r in session.exec(select(DeliveryRun)).all()] == [("小刘", "A3")]


async def back_from_the_run(station: Station, app: StationApp, pilot: Any) -> None:
    """One parcel out with the runner and scanned back: the delivery screen waits for F9 or F10."""
    code = door_request(station)
    runs.plan(station, "小刘")
    await _delivery(app, pilot)
    await _type(pilot, app, code)
    await until(pilot, lambda: "out with the runner" in text_of(app, "#dl-status"))
    await _type(pilot, app, code)
    await until(pilot, lambda: "is back" in text_of(app, "#dl-status"))


def door_items(station: Station) -> list[tuple[str, str | None, str | None, str | None]]:
    with station.read() as session:
        items = session.exec(select(DeliveryItem)).all()
    return [(i.status, i.received_by, i.signature_name, i.fail_note) for i in items]


@pytest.mark.first_mode("shelves")
async def test_delivered_without_who_received_it_is_refused_in_its_form(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await back_from_the_run(station, app, pilot)
        await quiet.press(pilot, "f9")
        typed = {"received_by": "", "signature": "王五", "photo": "door-1.jpg"}
        await refused(
            pilot,
            app,
            station,
            typed,
            "Type who received it (a name, or 'self').",
            at_fault="received_by",
        )
        await quiet.press(pilot, *"门卫", "enter")
        await until(pilot, lambda: "delivered." in text_of(app, "#dl-status"))
    assert door_items(station) == [("delivered", "门卫", "王五", None)]


@pytest.mark.first_mode("shelves")
async def test_a_long_not_delivered_note_is_refused_in_its_form(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await back_from_the_run(station, app, pilot)
        await quiet.press(pilot, "f10")
        typed = {"note": LONG_NOTE}
        await refused(pilot, app, station, typed, "Note is longer than 200 characters.", at_fault="note")
        await put_right(pilot, app, "note", LONG_NOTE[:40])
        await until(pilot, lambda: "the recipient is told" in text_of(app, "#dl-status"))
    assert door_items(station) == [("failed", None, None, "rang 139****2222 " + "x" * 23)]


async def a_persons_form(app: StationApp, pilot: Any, key: str) -> None:
    """Settings > Recipients, 张三 shown, and the form behind `key` open."""
    await open_recipients(app, pilot)
    app.screen.query_one("#rc-search", Input).value = "zs"
    await until(pilot, lambda: "张三" in text_of(app, "#rc-detail"))
    await quiet.press(pilot, key)


@pytest.mark.first_mode("settings")
async def test_a_long_consent_note_is_refused_in_its_form(app: StationApp, station: Station) -> None:
    ids = people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await a_persons_form(app, pilot, "f7")
        form(app).query_one("#form-consent").value = "granted"  # type: ignore[attr-defined]
        typed = {"note": LONG_NOTE}
        await refused(pilot, app, station, typed, "Note is longer than 200 characters.", at_fault="note")
        assert form(app).query_one("#form-consent").value == "granted"  # type: ignore[attr-defined]
        await put_right(pilot, app, "note", "asked at the counter")
        await until(pilot, lambda: "Saved" in text_of(app, "#rc-status"))
    with station.read() as session:
        said = session.exec(select(RecipientConsent)).all()
    assert [(c.recipient_id, c.consent, c.note) for c in said] == [
        (ids["张三"], "granted", "asked at the counter")
    ]


@pytest.mark.first_mode("settings")
async def test_a_new_persons_long_room_is_refused_in_the_form(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f9")
        typed = {"name": "王五", "building": "C2", "room": "12345678901234567", "phones": "13600001234"}
        message = "Room is longer than 16 characters."
        await refused(pilot, app, station, typed, message, at_fault="room")
        await put_right(pilot, app, "room", "1203")
        await until(pilot, lambda: "Saved: 王五" in text_of(app, "#rc-status"))
    with station.read() as session:
        added = session.exec(select(Recipient).where(Recipient.name == "王五")).all()
    assert [(r.building, r.room, r.floor) for r in added] == [("C2", "1203", 12)]


@pytest.mark.first_mode("settings")
async def test_an_edited_email_that_is_no_address_is_refused_in_the_form(
    app: StationApp, station: Station
) -> None:
    ids = people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await a_persons_form(app, pilot, "f8")
        typed = {"email": "zhangsan at example.com", "room": "503"}
        await refused(pilot, app, station, typed, "Not an e-mail address.", at_fault="email")
        await put_right(pilot, app, "email", "zhangsan@example.com")
        await until(pilot, lambda: "Saved: 张三" in text_of(app, "#rc-status"))
    with station.read() as session:
        row = session.get(Recipient, ids["张三"])
    assert row is not None and (row.email, row.room) == ("zhangsan@example.com", "503")


@pytest.mark.first_mode("settings")
async def test_a_new_person_with_an_id_another_has_is_refused_in_the_form(
    app: StationApp, station: Station
) -> None:
    """Only the database knows the id is taken: the add itself, on the form's worker, refuses it."""
    people(station)
    directory.add(station, {"name": "赵六", "external_id": "00123"})
    async with app.run_test(size=(120, 40)) as pilot:  # the form is longer than the terminal
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f9")
        typed = {
            "external_id": "00123",
            "name": "王五",
            "building": "C2",
            "room": "1203",
            "phones": "13600001234",
        }
        message = "Another recipient already has the id 00123."
        await refused(pilot, app, station, typed, message, at_fault="external_id")
        shown, box = (form(app).query_one(s).region for s in ("#form-refused", ".form-dialog"))
        assert shown.height == 1 and box.contains_region(shown), "the refusal is below the form's bottom"
        # Shift+Tab from the id, the first field, wraps round to OK: the keys typed there were lost.
        await quiet.press(pilot, "shift+tab", "end", "backspace", "5")
        field = form(app).query_one("#form-external_id", Input)
        assert (app.focused, field.value) == (field, "00125")
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "Saved: 王五" in text_of(app, "#rc-status"))
    with station.read() as session:
        added = session.exec(select(Recipient).where(Recipient.name == "王五")).all()
    assert [(r.external_id, r.building, r.room) for r in added] == [("00125", "C2", "1203")]


@pytest.mark.first_mode("shelves")
async def test_a_door_request_for_a_parcel_with_no_address_is_refused_in_its_form(
    app: StationApp, station: Station
) -> None:
    ids = people(station)
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    check_in(station, "JT0000000000002", phone="13600001234")  # in no one's entry: no address
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        await quiet.press(pilot, "f12")
        form(app).query_one("#form-phone", Tick).value = True
        message = "JT0000000000002 has no address: match it to a recipient with a building or room first."
        typed = {"ref": "JT0000000000002"}
        await refused(pilot, app, station, typed, message, at_fault="ref")
        assert form(app).query_one("#form-phone", Tick).value is True
        await put_right(pilot, app, "ref", "JT0000000000001")
        await until(pilot, lambda: "waits for the next run" in text_of(app, "#dl-status"))
    with station.read() as session:
        asked = session.exec(select(DeliveryItem)).all()
    assert [(i.status, i.source) for i in asked] == [("requested", "phone")]


@pytest.mark.first_mode("shelves")
async def test_a_run_for_a_building_with_nothing_waiting_is_refused_in_its_form(
    app: StationApp, station: Station
) -> None:
    door_request(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        await quiet.press(pilot, "f7")
        typed = {"runner": "小刘", "building": "B1"}
        message = "No parcel is waiting for a door delivery."
        await refused(pilot, app, station, typed, message, at_fault="building")
        await put_right(pilot, app, "building", "A3")
        await until(pilot, lambda: "Run DR000001" in text_of(app, "#dl-status"))
    with station.read() as session:
        assert [(r.runner, r.building) for r in session.exec(select(DeliveryRun)).all()] == [("小刘", "A3")]


def held_back(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[Any]]:
    """A busy database: adding a person waits until the test sets the event; each call is listed."""
    release, calls = threading.Event(), []
    real = directory.add

    def slow(*args: Any) -> Any:
        calls.append(args)
        assert release.wait(TIMEOUT)
        return real(*args)

    monkeypatch.setattr(directory, "add", slow)
    return release, calls


async def new_person_saving(app: StationApp, pilot: Any, calls: list[Any]) -> FormDialog[Any]:
    """The new-person form sent with Enter (Textual's own press: the save is held back on purpose, so
    the console is never quiet), its save on its way."""
    await open_recipients(app, pilot)
    await quiet.press(pilot, "f9")
    dialog = form(app)
    dialog.query_one("#form-name", Input).value = "王五"
    dialog.query(Input).last().focus()
    await pilot.press("enter")
    await until(pilot, lambda: len(calls) == 1)
    return dialog


@pytest.mark.first_mode("settings")
async def test_enter_and_esc_while_the_form_saves_wait_for_its_answer_and_it_saves_once(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy database: the form says it is working, a second Enter writes nothing more and Esc does not
    drop an answer on its way; the answer closes the form."""
    release, calls = held_back(monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        dialog = await new_person_saving(app, pilot, calls)
        assert str(dialog.query_one("#form-refused", Static).render()) == "One moment..."
        await pilot.press("enter")
        await pilot.press("escape")
        assert app.screen is dialog
        release.set()
        await until(pilot, lambda: not isinstance(app.screen, FormDialog))
        await until(pilot, lambda: "Saved: 王五" in text_of(app, "#rc-status"))
        assert len(calls) == 1
    with station.read() as session:
        assert len(session.exec(select(Recipient).where(Recipient.name == "王五")).all()) == 1


@pytest.mark.first_mode("settings")
async def test_quit_and_mode_keys_while_the_form_saves_wait_for_its_answer(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+Q while the form saves asks nothing over it (Discard there would quit as the person is
    written, and the form's answer would be lost): the form says it is saving; a mode key changes
    nothing either. The answer closes the form, and the next Ctrl+Q has nothing left to ask about."""
    release, calls = held_back(monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        dialog = await new_person_saving(app, pilot, calls)
        await pilot.press("ctrl+q")
        assert app.screen is dialog and app.is_running
        line = str(dialog.query_one("#form-refused", Static).render())
        assert line == "One moment: saving. Quit or leave once it is done."
        await pilot.press("f2", "ctrl+d")  # a mode key; the question's Discard, had it been asked
        assert app.screen is dialog and app.current_mode == "settings"
        release.set()
        await until(pilot, lambda: not isinstance(app.screen, FormDialog))
        await until(pilot, lambda: "Saved: 王五" in text_of(app, "#rc-status"))
        assert len(calls) == 1
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running)
    with station.read() as session:
        assert len(session.exec(select(Recipient).where(Recipient.name == "王五")).all()) == 1


@pytest.mark.first_mode("shelves")
async def test_a_bug_in_the_forms_service_call_is_one_calm_line_in_the_form(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(requests, "request", broken)
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        await quiet.press(pilot, "f12")
        dialog = form(app)
        dialog.query_one("#form-ref", Input).value = "JT0000000000001"
        await quiet.press(pilot, "enter")
        shown = str(form(app).query_one("#form-refused", Static).render())
        assert (
            shown.startswith("An unexpected error happened; details were written to ") and "\n" not in shown
        )
        assert dialog.query_one("#form-ref", Input).value == "JT0000000000001" and app.is_running


async def a_long_note_pasted(pilot: Any, app: StationApp) -> None:
    """A note pasted too long into the open form: the field takes none of it (it took it whole, refused
    only at Enter) and the form says so by the field's name."""
    note = form(app).query_one("#form-note", Input)
    note.focus()
    note.post_message(events.Paste(LONG_NOTE))
    await quiet.settle(pilot)
    assert note.value == ""
    assert str(form(app).query_one("#form-refused", Static).render()) == (
        f"Note takes at most 200 characters: the paste ({len(LONG_NOTE)} characters) was not put in. "
        "Shorten it and paste again, or type it."
    )


@pytest.mark.first_mode("shelves")
async def test_a_not_delivered_note_pasted_too_long_is_refused_by_its_field(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await back_from_the_run(station, app, pilot)
        await quiet.press(pilot, "f10")
        before = snapshot(station)
        await a_long_note_pasted(pilot, app)
    assert snapshot(station) == before


@pytest.mark.first_mode("settings")
async def test_a_consent_note_pasted_too_long_is_refused_by_its_field(
    app: StationApp, station: Station
) -> None:
    people(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await a_persons_form(app, pilot, "f7")
        before = snapshot(station)
        await a_long_note_pasted(pilot, app)
    assert snapshot(station) == before


@pytest.mark.first_mode("settings")
async def test_an_input_methods_burst_typed_while_ok_has_the_focus_goes_whole_into_the_field(
    app: StationApp, station: Station
) -> None:
    """An input method commits 客户取消 as four keys at once: all four were on their way to OK before
    the first moved the focus to the field, and the three behind it went nowhere."""
    people(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f9")
        field = form(app).query_one("#form-external_id", Input)
        await quiet.press(pilot, "shift+tab")  # from the first field round to OK
        assert app.focused is form(app).query_one("#form-ok")
        await quiet.burst(pilot, "客", "户", "取", "消")
        assert (app.focused, field.value) == (field, "客户取消")
