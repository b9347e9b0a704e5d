"""A lock handed to another clerk: the last one's dialogs and half-typed customer entries do not pass
to the next; the same clerk signing back in finds everything as left; Ctrl+Q signs out as a lock does
(a refusal on a message line: test_lock_handover_refusals.py)."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Digits, Input

from db.models import Clerk, EventKind, ParcelEvent
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.clerk_session import QUIT_SIGN_OUT_WAIT_S
from station_console.tui.screens import checkin_writer, pickup
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.clerk_admin import ClerkAdminScreen
from station_console.tui.screens.pickup import PickupScreen
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.screens.scan_test import ScanTestScreen
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.shelf_dialogs import ShelfEditScreen
from station_console.tui.screens.shelves import ShelvesScreen
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet
from tui.checkin_driver import jobs_of, parcels, scan, start, status, type_slowly
from tui.conftest import PersonPace
from tui.lock_driver import (
    batches,
    console,
    idle_lock,
    open_courier_dialog,
    open_from_settings,
    sign_in,
    wang_and_li,
)
from tui.shelf_data import place, wb
from tui.toasts_shown import shown


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


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
        await quiet.press(pilot, "ctrl+l")
        await PersonPace.of(app).press(pilot, *"Wang", "enter")
        await quiet.until(pilot, lambda: bool(sign_outs(station)))
        assert isinstance(app.screen, SignInScreen) and station.clerk_id is None
        assert sign_outs(station) == [{"reason": "lock"}]
        assert dialog.query_one("#courier-name", Input).value == "Zhao Liu"  # nothing typed into it
        await PersonPace.of(app).press(pilot, *"9071", "enter")
        await quiet.settle(pilot)
        assert app.clerk_name == "Wang" and app.screen is dialog
        assert dialog.query_one("#courier-name", Input).value == "Zhao Liu"


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
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await sign_in(pilot, "Wang", "9071")
        await quiet.settle(pilot)
        assert app.clerk_name == "Wang"
        assert app.screen is dialog
        assert dialog.query_one("#courier-name", Input).value == "Zhao Liu"
        assert not any("left open" in t for t in said)


async def test_another_clerk_finds_the_dialog_closed_nothing_written_and_is_told(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        dialog = await open_courier_dialog(pilot, app)
        await idle_lock(pilot, app)
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li"
        assert dialog not in app.screen_stack and not isinstance(app.screen, CourierDialog)
        assert batches(station) == []  # closed as Esc closes it: no batch opened
        assert "Closed a courier's batch being opened, left open by Wang." in said
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
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        assert app.screen is screen and app.clerk_name == who
        typed = (screen.query_one("#so-name", Input).value, screen.query_one("#so-phone", Input).value)
        if kept:
            assert typed == ("Zhang San", "13812345678")
            assert not any("left open" in t for t in said)
        else:
            assert typed == ("", "") and not screen.unsaved_edits()
            assert "Closed the half-filled form on Send-out, left open by Wang." in said


async def test_the_toast_names_a_dialog_by_what_it_is_not_by_its_title(station: Station) -> None:
    """The fee dialog's title carries the amount, and the account's holder beneath it: the next clerk
    reads neither in the toast."""
    app = console(station)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        app.push_screen(FeeDialog(1250, None, station.settings(), account="Zhang San"))
        await quiet.settle(pilot)
        await idle_lock(pilot, app)
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert not isinstance(app.screen, FeeDialog)
        assert "Closed a storage fee payment, left open by Wang." in said
        assert not any("12.50" in t or "Zhang" in t for t in said)


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
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
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
        assert f"Closed {what}, left open by Wang." in said
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
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li"
        assert editor not in app.screen_stack and isinstance(app.screen, ShelvesScreen)
        what = "Edit shelves, a manager's screen (anything not saved there discarded)"
        assert f"Closed {what}, left open by Wang." in said


async def test_unsaved_edits_are_discarded_for_another_clerk_the_screen_stays(station: Station) -> None:
    """Clerks (any clerk may open it): the manager's half-typed new clerk does not pass to the next
    one, whose save would record it under their own name; the screen itself stays."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_from_settings(pilot, app, "f10", ClerkAdminScreen)
        screen.query_one("#c-name", Input).value = "Zhou Qi"
        assert screen.unsaved_edits()
        await idle_lock(pilot, app)
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li" and app.screen is screen
        assert screen.query_one("#c-name", Input).value == "" and not screen.unsaved_edits()
        assert "Closed the unsaved edits on Clerks (discarded), left open by Wang." in said


async def test_a_clerk_added_right_before_the_lock_is_added_by_the_manager_who_sent_it(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Name, Enter, PIN, Enter and Ctrl+L back to back, the add's thread held until the console is
    locked: it still runs as Wang, who sent it (not as nobody, refused, its form then discarded as
    unsaved edits when Li signs in), and the trail records it under Wang."""
    held = threading.Event()
    real = clerks.add_clerk

    def slow(*args: object, **kwargs: object) -> object:
        assert held.wait(quiet.TIMEOUT)  # a busy database: the console locks meanwhile
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(clerks, "add_clerk", slow)
    wang = station.clerk_id
    app = console(station)
    app.key_bounce.clock = PersonPace()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_from_settings(pilot, app, "f10", ClerkAdminScreen)
        for key in [*"Zhou Qi", "enter", *"2468", "enter", "ctrl+l"]:
            quiet.send_key(app, key)
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the lock")
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        held.set()
        await quiet.settle(pilot)
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li" and app.screen is screen
        assert not any("unsaved edits" in toast for toast in said)
        assert "Zhou Qi" in [c.name for c in clerks.list_clerks(station)]
    with station.read() as session:
        added = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.CLERK_CHANGED)).all()
    assert [(e.clerk_id, e.details["clerk"]) for e in added if e.details["change"] == "created"][-1] == (
        wang,
        "Zhou Qi",
    )


async def test_a_scan_queued_right_before_the_lock_is_checked_in_by_the_clerk_who_scanned(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan whose check-in waits (a busy database) while the console locks and Li signs in: it is
    Wang's scan, checked in and recorded under Wang, not refused as nobody's."""
    started, held = threading.Event(), threading.Event()
    real = checkin_writer.check_in

    def slow(*args: object, **kwargs: object) -> object:
        started.set()
        assert held.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checkin_writer, "check_in", slow)
    wang = station.clerk_id
    app = console(station)
    async with app.run_test(size=(140, 44), notifications=True) as pilot:
        screen, clock = await start(app, pilot)
        clock.t += 0.6
        clock.scanner()
        for key in [*"SF1234567890123", "enter"]:
            quiet.send_key(app, key)
        await quiet.until(pilot, started.is_set, what="the scan sent to the writer")
        quiet.send_key(app, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the lock")
        held.set()
        await quiet.settle(pilot)
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.screen is screen and app.clerk_name == "Li"
    assert "SF1234567890123" in parcels(station)
    with station.read() as session:
        checked_in = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.CHECKED_IN)).all()
    assert [e.clerk_id for e in checked_in] == [wang]


async def test_a_lock_whose_sign_out_waits_leaves_the_next_clerk_signed_in(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wang's sign-out waits (a busy database) while Li signs in: it is recorded as Wang's, and its
    end does not sign Li out (the worker records it on a station of its own, not the console's)."""
    started, held = threading.Event(), threading.Event()
    real = clerks.sign_out

    def slow(*args: object, **kwargs: object) -> None:
        started.set()
        assert held.wait(quiet.TIMEOUT)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(clerks, "sign_out", slow)
    wang = station.clerk_id
    app = console(station)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        quiet.send_key(app, "ctrl+l")  # not waiting for a quiet console: the sign-out's worker waits
        await quiet.until(pilot, started.is_set, what="the sign-out sent")
        for key in [*"Li", "enter"]:
            quiet.send_key(app, key)
        await quiet.until(pilot, lambda: getattr(app.focused, "id", None) == "signin-pin", what="the PIN")
        for key in [*"1357", "enter"]:
            quiet.send_key(app, key)
        await quiet.until(pilot, lambda: app.clerk_name == "Li", what="Li signed in")
        li = station.clerk_id
        held.set()
        await quiet.until(pilot, lambda: bool(sign_outs(station)), what="the sign-out written")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li" and station.clerk_id == li != wang
    with station.read() as session:
        signed_out = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.SIGNED_OUT)).all()
    assert [(e.clerk_id, e.details) for e in signed_out] == [(wang, {"reason": "lock"})]


@pytest.mark.parametrize(("who", "pin", "listed"), [("Wang", "9071", True), ("Li", "1357", False)])
async def test_a_lookup_the_lock_cut_short_is_read_again_for_its_clerk_only(
    station: Station, monkeypatch: pytest.MonkeyPatch, who: str, pin: str, listed: bool
) -> None:
    """A customer's lookup still running as the console locks is refused (nobody signed in): the same
    clerk signing back in finds the customer listed, another clerk an empty Pickup."""
    parcel = check_in(station, "73000000000001", phone="13812345678")
    held = threading.Event()
    real = pickup.lookup

    def slow(station_: Station, query: str) -> object:
        assert held.wait(quiet.TIMEOUT)  # a busy database: the console locks meanwhile
        return real(station_, query)

    monkeypatch.setattr(pickup, "lookup", slow)
    app = console(station)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)
        await app.switch_mode("pickup")
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, PickupScreen)
        await quiet.press(pilot, *parcel.pickup_code, "enter", leave_running=["run"])
        app.idle_now[0] += 60 * 60  # type: ignore[attr-defined]
        app.check_auto_lock()
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        held.set()  # the lookup goes on, as nobody
        await quiet.settle(pilot)
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        assert app.screen is screen and app.clerk_name == who
        assert (screen.lookup is not None) is listed
        assert (parcel.waybill in [r.waybill for r in screen.active_rows()]) is listed


async def test_ctrl_q_records_the_clerks_sign_out_as_a_lock_does(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+q")
        await quiet.until(pilot, lambda: not app.is_running, what="quit")
    assert sign_outs(station) == [{"reason": "quit"}]
    assert station.clerk_id is None


async def test_ctrl_q_on_a_locked_database_quits_after_a_bounded_wait(station: Station) -> None:
    """Another program holding the write lock: the quit waits a moment for the sign-out, then goes."""
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        other = sqlite3.connect(str(station.engine.url.database), isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            started = time.monotonic()
            await quiet.press(pilot, "ctrl+q")
            await quiet.until(pilot, lambda: not app.is_running, what="quit")
            waited = time.monotonic() - started
        finally:
            other.close()
    assert 0.9 < waited < QUIT_SIGN_OUT_WAIT_S + 2.0
    assert sign_outs(station) == [] and station.clerk_id is None


async def test_ctrl_q_over_a_dialog_records_the_clerks_sign_out(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+t")  # the audit trail, a dialog over the console
        await quiet.until(pilot, lambda: len(app.screen_stack) > 1, what="the dialog")
        await quiet.press(pilot, "ctrl+q")
        await quiet.until(pilot, lambda: not app.is_running, what="quit")
    assert sign_outs(station) == [{"reason": "quit"}]


async def test_the_terminal_closing_under_a_question_records_the_clerks_sign_out(station: Station) -> None:
    """Ctrl+Q asked whether to keep a clerk's typed name, then the terminal closed (SIGHUP): nobody is
    left to answer, so the console goes and the trail says when the clerk left."""
    app = console(station)
    # Without the console's own handler, the test's: the SIGHUP must not end the test run.
    before = signal.signal(signal.SIGHUP, lambda *_: None)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await open_from_settings(pilot, app, "f10", ClerkAdminScreen)
            await quiet.press(pilot, *"Zhou")  # the new clerk's name, not saved
            await quiet.press(pilot, "ctrl+q")
            await quiet.until(pilot, lambda: isinstance(app.screen, LeaveUnsaved), what="the question")
            os.kill(os.getpid(), signal.SIGHUP)
            await quiet.until(pilot, lambda: not app.is_running, what="quit")
    finally:
        signal.signal(signal.SIGHUP, before)
    assert sign_outs(station) == [{"reason": "quit"}]
    with station.read() as session:
        assert "Zhou" not in session.exec(select(Clerk.name)).all()  # nobody answered for the edit


async def test_f12_after_another_clerk_signs_in_flags_none_of_the_last_clerks_parcels(
    station: Station,
) -> None:
    """F12 flags the last parcel checked in as damaged. After a lock it asked Li about Wang's last
    parcel, one Li never scanned nor saw big (it stays on its row): a note typed in a hurry for the box in
    Li's hands went on Wang's. Li's own scan is the one it asks about."""
    app = console(station)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "SF1234567890123")
        await quiet.settle(pilot)
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.screen is screen and app.clerk_name == "Li"
        await type_slowly(pilot, clock, "f12")
        await quiet.settle(pilot)
        assert app.screen is screen  # no question about Wang's parcel
        assert "Nothing checked in yet to flag." in status(screen, "#ci-message")
        await scan(pilot, clock, "SF1234567890124")
        await quiet.settle(pilot)
        await type_slowly(pilot, clock, "f12")
        await quiet.until(pilot, lambda: app.screen is not screen, what="the damage question")
        assert "SF1234567890124" in str(app.screen.query_one(".dialog-title").render())
