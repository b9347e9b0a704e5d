"""A lock handed to another clerk: the last one's dialogs and half-typed customer entries do not pass
to the next; the same clerk signing back in finds everything as left."""

from __future__ import annotations

import threading
from typing import Any, TypeVar

import pytest
from sqlmodel import col, select
from textual.widgets import Checkbox, DataTable, Digits, Input, Static, TextArea

from db.models import EventKind, ParcelEvent
from db.models.carrierdata import CourierBatch
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.shelves import moves
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens import carrier_editor
from station_console.tui.screens.carrier_editor import CarrierEditorScreen, CarrierForm
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.clerk_admin import ClerkAdminScreen
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.screens.scan_test import ScanTestScreen
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.shelf_dialogs import MoveDialog, ShelfEditScreen
from station_console.tui.screens.shelves import ShelvesScreen
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.screens.unsaved import LeaveUnsaved
from station_console.tui.widgets.wedge import WedgeInput
from tui import quiet
from tui.checkin_driver import jobs_of, parcels, scan, start, status, type_slowly
from tui.shelf_data import location_of, place, wb


@pytest.fixture
def station(new_station: Station) -> Station:
    """A manager, Wang, signed in, and a clerk, Li."""
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    clerks.add_clerk(new_station, "Li", "1357")
    return new_station


def console(station: Station) -> StationApp:
    app = StationApp(
        station, CounterSettings(counter="test-counter"), database_label="SQLite test", require_sign_in=True
    )
    now = [1000.0]
    app.idle_clock = lambda: now[0]
    app._last_activity = now[0]
    app.idle_now = now  # type: ignore[attr-defined]  # the test moves the idle clock
    return app


async def idle_lock(pilot, app: StationApp) -> None:  # type: ignore[no-untyped-def]
    """The console left alone past `auto_lock_minutes`."""
    app.idle_now[0] += 60 * 60  # type: ignore[attr-defined]
    app.check_auto_lock()
    await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
    await quiet.settle(pilot)


async def sign_in(pilot, name: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    await quiet.press(pilot, *name, "enter")
    await quiet.press(pilot, *pin, "enter")


def toasts(app: StationApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_courier_dialog(pilot, app: StationApp) -> CourierDialog:  # type: ignore[no-untyped-def]
    await quiet.press(pilot, "f10")
    await quiet.until(pilot, lambda: isinstance(app.screen, CourierDialog))
    await quiet.press(pilot, "enter")  # the first carrier, then the courier's name
    await quiet.press(pilot, *"Zhao Liu")
    dialog = app.screen
    assert isinstance(dialog, CourierDialog)
    assert dialog.query_one("#courier-name", Input).value == "Zhao Liu"
    return dialog


T = TypeVar("T")


async def open_from_settings(pilot, app: StationApp, key: str, kind: type[T]) -> T:  # type: ignore[no-untyped-def]
    """Settings (Ctrl+S), then its screen under `key`, once the console is quiet."""
    await quiet.settle(pilot)
    await quiet.press(pilot, "ctrl+s")
    await quiet.settle(pilot)
    await quiet.press(pilot, key)
    await quiet.until(pilot, lambda: isinstance(app.screen, kind))
    await quiet.settle(pilot)
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


def batches(station: Station) -> list[CourierBatch]:
    with station.read() as session:
        return list(session.exec(select(CourierBatch)).all())


def sign_outs(station: Station) -> list[object]:
    with station.read() as session:
        events = session.exec(select(ParcelEvent).order_by(col(ParcelEvent.id))).all()
        return [e.details for e in events if e.kind == EventKind.SIGNED_OUT]


async def test_ctrl_l_locks_over_a_dialog_and_the_same_clerk_finds_it_as_left(station: Station) -> None:
    """A dialog is modal, and keeps the app's keys: Ctrl+L passes it, and the keys after it go to the
    sign-in."""
    app = console(station)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        dialog = await open_courier_dialog(pilot, app)
        await quiet.press(pilot, "ctrl+l", *"Wang", "enter")
        await quiet.until(pilot, lambda: bool(sign_outs(station)))
        assert isinstance(app.screen, SignInScreen) and station.clerk_id is None
        assert sign_outs(station) == [{"reason": "lock"}]
        assert dialog.query_one("#courier-name", Input).value == "Zhao Liu"  # nothing typed into it
        await quiet.press(pilot, *"9071", "enter")
        await quiet.settle(pilot)
        assert app.clerk_name == "Wang" and app.screen is dialog
        assert dialog.query_one("#courier-name", Input).value == "Zhao Liu"


def note_form(release: threading.Event) -> FormDialog[str]:
    """A one-field form whose write waits for `release`, then answers what it wrote."""

    def submit(values: dict[str, object]) -> str:
        release.wait(quiet.TIMEOUT)
        return f"written: {values['note']}"

    return FormDialog("A note", [FormField("note", "Note")], submit=submit)


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


class HeldBack:
    """A service call that writes at once and answers only once released: its answer comes under the
    sign-in of a lock made meanwhile."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.written, self.release = threading.Event(), threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        answer = self.real(*args, **kwargs)
        self.written.set()
        self.release.wait(quiet.TIMEOUT)
        return answer


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
        await quiet.press(pilot, "f4")
        await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
        await quiet.press(pilot, "f7")
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        dialog.query_one("#move-parcel", Input).value = wb(1)
        dialog.query_one("#move-layer", Checkbox).value = False
        dialog.query_one("#move-target", Input).value = "2-3"
        await lock_as_it_saves(pilot, app, dialog, held)
        await sign_in(pilot, who, pin)
        await quiet.until(pilot, lambda: dialog not in app.screen_stack, what="the dialog closed")
        await quiet.settle(pilot)
        assert app.clerk_name == who and isinstance(app.screen, ShelvesScreen)
        assert any(t.startswith("Moved 1 parcel to 2-3.") for t in toasts(app))
        assert location_of(station, wb(1)) == "2-3"
        assert not any("left open" in t for t in toasts(app))


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


async def test_the_scan_test_clears_by_f7_and_ctrl_l_locks_there(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_from_settings(pilot, app, "f9", ScanTestScreen)
        await quiet.press(pilot, *"SF1", "enter")
        assert screen.query_one("#keys", DataTable).row_count == 4
        await quiet.press(pilot, "f7")
        assert screen.keys == [] and screen.query_one("#keys", DataTable).row_count == 0
        assert screen.query_one("#capture").has_focus
        await quiet.press(pilot, "a", "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert station.clerk_id is None and screen.keys != []  # a lock, not a clear


async def test_the_same_clerk_finds_the_dialog_and_what_was_typed(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        dialog = await open_courier_dialog(pilot, app)
        await idle_lock(pilot, app)
        await sign_in(pilot, "Wang", "9071")
        await quiet.settle(pilot)
        assert app.clerk_name == "Wang"
        assert app.screen is dialog
        assert dialog.query_one("#courier-name", Input).value == "Zhao Liu"
        assert not any("left open" in t for t in toasts(app))


async def test_another_clerk_finds_the_dialog_closed_nothing_written_and_is_told(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        dialog = await open_courier_dialog(pilot, app)
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li"
        assert dialog not in app.screen_stack and not isinstance(app.screen, CourierDialog)
        assert batches(station) == []  # closed as Esc closes it: no batch opened
        assert "Closed what Wang left open: a courier's batch being opened" in toasts(app)
        await quiet.press(pilot, "f10")  # the console goes on: a new dialog, empty
        await quiet.until(pilot, lambda: isinstance(app.screen, CourierDialog))
        assert app.screen.query_one("#courier-name", Input).value == ""


async def test_a_dialog_on_another_modes_stack_is_closed_too(station: Station) -> None:
    """Behind another mode (a mode key does not pass a dialog, but a dialog can be left there): its
    caller gets Esc's answer, and the mode shows its own screen when the clerk comes back."""
    app = console(station)
    answers: list[object] = []
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        dialog = LeaveUnsaved("Check-in")
        app.push_screen(dialog, answers.append)
        await quiet.settle(pilot)
        await app.switch_mode("pickup")
        await quiet.settle(pilot)
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert dialog not in app._screen_stacks["checkin"] and answers == ["stay"]
        await quiet.press(pilot, "f1")
        await quiet.settle(pilot)
        assert app.current_mode == "checkin" and type(app.screen).__name__ == "CheckinScreen"


@pytest.mark.parametrize(("who", "pin", "kept"), [("Wang", "9071", True), ("Li", "1357", False)])
async def test_a_half_filled_send_out_form_is_kept_for_its_clerk_and_cleared_for_another(
    station: Station, who: str, pin: str, kept: bool
) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f3")
        await quiet.until(pilot, lambda: isinstance(app.screen, SendoutScreen))
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        screen.query_one("#so-name", Input).value = "Zhang San"
        screen.query_one("#so-phone", Input).value = "13812345678"
        assert screen.unsaved_edits()
        await idle_lock(pilot, app)
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        assert app.screen is screen and app.clerk_name == who
        typed = (screen.query_one("#so-name", Input).value, screen.query_one("#so-phone", Input).value)
        if kept:
            assert typed == ("Zhang San", "13812345678")
            assert not any("left open" in t for t in toasts(app))
        else:
            assert typed == ("", "") and not screen.unsaved_edits()
            assert "Closed what Wang left open: the half-filled form on Send-out" in toasts(app)


async def test_the_toast_names_a_dialog_by_what_it_is_not_by_its_title(station: Station) -> None:
    """The fee dialog's title carries the amount, and the account's holder beneath it: the next clerk
    reads neither in the toast."""
    app = console(station)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        app.push_screen(FeeDialog(1250, None, station.settings(), account="Zhang San"))
        await quiet.settle(pilot)
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert not isinstance(app.screen, FeeDialog)
        assert "Closed what Wang left open: a storage fee payment" in toasts(app)
        assert not any("12.50" in t or "Zhang" in t for t in toasts(app))


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
        await quiet.press(pilot, "ctrl+l", leave_running=["run"])
        assert isinstance(app.screen, SignInScreen)
        await quiet.press(pilot, *"Li", "enter", *"1357", "enter", leave_running=["run"])
        await quiet.until(pilot, lambda: app.clerk_name == "Li", what="Li signed in")
        assert app.screen is form  # still writing: it stays for its answer
        release.set()
        await quiet.until(pilot, lambda: bool(answers))
        await quiet.settle(pilot)
        assert answers == ["written: ok"]
        assert courier not in app.screen_stack and type(app.screen).__name__ == "CheckinScreen"
        assert batches(station) == []  # closed as Esc closes it: no batch opened
        assert "Closed what Wang left open: a courier's batch being opened" in toasts(app)


@pytest.mark.parametrize(("who", "pin", "kept"), [("Wang", "9071", True), ("Li", "1357", False)])
async def test_the_parcel_waiting_for_its_phone_is_let_go_for_another_clerk(
    station: Station, who: str, pin: str, kept: bool
) -> None:
    """The last scan's parcel waits for its phone, its label held: the next clerk does not know that
    parcel, so a phone they type must not go to it. It stays checked in, its label prints now without
    the phone, and the toast says F9 adds it; the same clerk finds it waiting as left."""
    app = console(station)
    async with app.run_test(size=(140, 44), notifications=True) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "SF1234567890123")
        await quiet.settle(pilot)
        parcel = screen.results[-1]
        assert jobs_of(station, parcel.parcel_id) == ["held"]
        await idle_lock(pilot, app)
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        assert app.screen is screen and app.clerk_name == who
        if kept:
            assert f"Phone for {parcel.pickup_code}" in status(screen, "#ci-phone-for")
            assert jobs_of(station, parcel.parcel_id) == ["held"]
            assert parcel.pickup_code in status(screen, "#ci-where")  # the big code, as left
            return
        assert status(screen, "#ci-phone-for") == "Phone (scan first)"
        # Nor does the big code show Wang's parcel to Li: it stays on its row of the table.
        assert status(screen, "#ci-where") == "" and screen.query_one("#ci-code", Digits).value == ""
        assert jobs_of(station, parcel.parcel_id) == ["queued"]  # the screen's row says so too
        assert (
            str(screen.query_one("#ci-table", DataTable).get_cell(str(parcel.parcel_id), "label")) == "queued"
        )
        what = f"{parcel.pickup_code} on Check-in, still without its phone (F9 adds it)"
        assert f"Closed what Wang left open: {what}" in toasts(app)
        screen.query_one("#phone", Input).focus()
        await type_slowly(pilot, clock, *"13812345678", "enter")
        await quiet.settle(pilot)
        assert parcels(station) == {"SF1234567890123": None}  # not given to the last clerk's parcel


async def test_a_managers_screen_closes_for_a_clerk_signing_in_after_the_manager(station: Station) -> None:
    """Edit shelves is a manager's screen (its key is the role table's): a clerk signing in after a lock
    finds the shelf map, not the manager's editor, and the toast says what went."""
    place(station, wb(1), "1-1")
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
        await quiet.press(pilot, "f12")
        await quiet.until(pilot, lambda: isinstance(app.screen, ShelfEditScreen))
        editor = app.screen
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li"
        assert editor not in app.screen_stack and isinstance(app.screen, ShelvesScreen)
        what = "Edit shelves, a manager's screen (anything not saved there discarded)"
        assert f"Closed what Wang left open: {what}" in toasts(app)


async def test_unsaved_edits_are_discarded_for_another_clerk_the_screen_stays(station: Station) -> None:
    """Clerks (any clerk may open it): the manager's half-typed new clerk does not pass to the next
    one, whose save would record it under their own name; the screen itself stays."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_from_settings(pilot, app, "f10", ClerkAdminScreen)
        screen.query_one("#c-name", Input).value = "Zhou Qi"
        assert screen.unsaved_edits()
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li" and app.screen is screen
        assert screen.query_one("#c-name", Input).value == "" and not screen.unsaved_edits()
        assert "Closed what Wang left open: the unsaved edits on Clerks (discarded)" in toasts(app)


async def test_a_partial_scan_decided_under_the_lock_is_no_toast_on_the_locked_console(
    station: Station,
) -> None:
    """Keys at a scanner's pace, Ctrl+L right behind them: the router decides they were a partial scan
    only once the sign-in is up, and its toast quoted them (a customer's code) to whoever came by."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f3")
        assert isinstance(app.screen, SendoutScreen)  # no panel of its own for a partial scan: a toast
        router = app.screen.query(WedgeInput).first().router
        assert router is not None
        for key in [*"SF1234", "ctrl+l"]:
            quiet.send_key(app, key)
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await quiet.settle(pilot)
        assert station.clerk_id is None
        assert router.refused == 1  # decided as a partial scan, once the lock was up
        assert toasts(app) == []


async def test_a_printer_problem_under_the_lock_waits_for_the_clerk_who_signs_in(station: Station) -> None:
    """The printer fails while the console is locked: its toast named the label's waybill and code over
    the sign-in, to whoever came to the counter. It waits for the next clerk, who must hear of it."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await idle_lock(pilot, app)
        app.print_worker._told("75836893774689k2-1-1009n: usb:first printer")
        await quiet.settle(pilot)
        assert toasts(app) == []  # nothing over the sign-in
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li"
        problem = "Printer problem: 75836893774689k2-1-1009n: usb:first printer. Labels wait in the queue."
        assert problem in toasts(app)


async def test_a_printer_problem_over_before_the_sign_in_is_not_told(station: Station) -> None:
    """Taken back while still locked (the printer is ready again): the clerk who signs in is not told of
    a problem that is gone, as a toast up then would have gone too."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        app.print_worker._told("usb:first printer: offline")
        app.print_worker._told(None)
        await sign_in(pilot, "Wang", "9071")
        await quiet.settle(pilot)
        assert app.clerk_name == "Wang"
        assert not any("Printer problem" in t for t in toasts(app))
