"""A write on its way as the console locks: its answer comes under the sign-in, and whoever signs in
next learns it was written, the dialog that sent it closing with that answer."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from station_console.services.core.station import Station
from station_console.services.shelves import moves
from station_console.tui.app import StationApp
from station_console.tui.screens import carrier_editor
from station_console.tui.screens.carrier_editor import CarrierEditorScreen, CarrierForm
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.shelves import ShelvesScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import (
    HeldBack,
    batches,
    console,
    lock_and_sign_in,
    open_courier_dialog,
    open_move_dialog,
    sign_in,
    wang_and_li,
)
from tui.shelf_data import location_of, place, wb
from tui.toasts_shown import shown


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


def note_form(release: threading.Event) -> FormDialog[str]:
    """A one-field form whose write waits for `release`, then answers what it wrote."""

    def submit(values: dict[str, object]) -> str:
        release.wait(quiet.TIMEOUT)
        return f"written: {values['note']}"

    return FormDialog("A note", [FormField("note", "Note")], submit=submit)


async def lock_as_it_saves(pilot, app: StationApp, dialog: Any, held: HeldBack) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+S sends the dialog's save, Ctrl+L locks once it has written and before it answers, and it
    answers under the sign-in, which stays over the dialog."""
    await quiet.press(pilot, "ctrl+s", leave_running=["run"])
    await quiet.until(pilot, held.written.is_set, what="written")
    assert dialog.writing()
    await quiet.press(pilot, "ctrl+l", leave_running=["run"])
    assert isinstance(app.screen, SignInScreen)
    held.release.set()
    await quiet.until(pilot, lambda: not dialog.writing())
    await quiet.settle(pilot)
    assert isinstance(app.screen, SignInScreen) and dialog in app.screen_stack


@pytest.mark.parametrize(("who", "pin"), [("Wang", "9071"), ("Li", "1357")])
async def test_a_write_on_its_way_as_ctrl_l_locks_gives_its_answer_to_whoever_signs_in(
    station: Station, who: str, pin: str
) -> None:
    """The form's write answers under the sign-in: it was written, so the form closes with that answer
    for the same clerk and for another (closed as by Esc, the caller would not learn it was written)."""
    app = console(station)
    release = threading.Event()
    answers: list[object] = []

    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        form = note_form(release)
        app.push_screen(form, answers.append)
        await quiet.settle(pilot)
        await quiet.press(pilot, *"ok", "enter", leave_running=["run"])
        assert form.writing()
        await quiet.press(pilot, "ctrl+l", leave_running=["run"])
        assert isinstance(app.screen, SignInScreen)
        release.set()
        await quiet.until(pilot, lambda: not form.writing())
        assert form in app.screen_stack and answers == []  # under the sign-in: no answer yet
        await sign_in(pilot, who, pin)
        await quiet.until(pilot, lambda: bool(answers))
        assert answers == ["written: ok"] and form not in app.screen_stack


@pytest.mark.parametrize(("who", "pin"), [("Wang", "9071"), ("Li", "1357")])
async def test_a_move_that_answers_under_the_sign_in_closes_with_its_answer(
    station: Station, who: str, pin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Move dialog closes itself when its move answers: under the sign-in it waited there for good
    (the same clerk found it open, the move unsaid), or another clerk's sign-in closed it as by Esc."""
    place(station, wb(1), "1-1")
    held = HeldBack(moves.move_parcel)
    monkeypatch.setattr(moves, "move_parcel", held)
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        dialog = await open_move_dialog(pilot, app, wb(1), "2-3")
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await lock_as_it_saves(pilot, app, dialog, held)
        await sign_in(pilot, who, pin)
        await quiet.until(pilot, lambda: dialog not in app.screen_stack, what="the dialog closed")
        await quiet.settle(pilot)
        assert app.clerk_name == who and isinstance(app.screen, ShelvesScreen)
        assert any(t.startswith("Moved 1 parcel to 2-3.") for t in said)
        assert location_of(station, wb(1)) == "2-3"
        assert not any("left open" in t for t in said)


@pytest.mark.parametrize(("who", "pin"), [("Wang", "9071"), ("Li", "1357")])
async def test_a_carrier_saved_under_the_sign_in_is_said_saved(
    station: Station, who: str, pin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldBack(carrier_editor.add_carrier)
    monkeypatch.setattr(carrier_editor, "add_carrier", held)
    app = console(station)
    async with app.run_test(size=(140, 48), notifications=True) as pilot:
        await quiet.settle(pilot)
        await app.switch_mode("settings")
        await quiet.settle(pilot)
        await quiet.press(pilot, "f7")
        editor = app.screen
        assert isinstance(editor, CarrierEditorScreen)
        await quiet.press(pilot, "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        form.query_one("#cf-code", Input).value = "kdn"
        form.query_one("#cf-name_en", Input).value = "Kuaidi Nine"
        form.query_one("#cf-name_zh", Input).value = "快递九"
        form.query_one("#cf-patterns", TextArea).text = "^KD[0-9]{11}$ luhn\n"
        await lock_as_it_saves(pilot, app, form, held)
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: form not in app.screen_stack, what="the form closed")
        await quiet.settle(pilot)
        assert app.clerk_name == who and app.screen is editor
        assert "Carrier KDN saved." in str(editor.query_one("#carrier-status", Static).render())
        assert "KDN" in [str(row[0]) for row in map(editor.query_one(DataTable).get_row_at, range(17))]


async def test_the_dialogs_beneath_one_kept_for_its_answer_close_once_it_has_answered(
    station: Station,
) -> None:
    """A form writing as the console locked stays for its answer; the courier dialog beneath it (the
    last clerk's, nothing on its way) does not pass to the next clerk either: it closes as by Esc once
    the form has closed, so the answer still reaches the screen beneath it first."""
    app = console(station)
    release = threading.Event()
    answers: list[object] = []

    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        courier = await open_courier_dialog(pilot, app)
        form = note_form(release)
        app.push_screen(form, answers.append)
        await quiet.settle(pilot)
        await quiet.press(pilot, *"ok", "enter", leave_running=["run"])
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await lock_and_sign_in(pilot, app, "Li", "1357")
        assert app.screen is form  # still writing: it stays for its answer
        release.set()
        await quiet.until(pilot, lambda: bool(answers))
        await quiet.settle(pilot)
        assert answers == ["written: ok"]
        assert courier not in app.screen_stack and type(app.screen).__name__ == "CheckinScreen"
        assert batches(station) == []  # closed as Esc closes it: no batch opened
        assert "Closed a courier's batch being opened, left open by Wang." in said
