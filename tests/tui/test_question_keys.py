"""Every question dialog (yes/no, close the day, the stocktake's close, the batch's carrier, the
courier's carrier) says a key or a scan it does not take, as the 'changes not saved' question does: it
rang nothing and dropped them unseen, and a scan's Enter answered it. Its own keys still answer; the
form behind gets nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input, OptionList

from station_console.services.core.station import Station
from station_console.services.day.report import build_report
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.checkin_dialogs import BatchPicker
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.day_close_dialogs import ConfirmClose
from station_console.tui.screens.question_keys import QuestionDialog
from station_console.tui.screens.stocktake_close_dialog import CloseDialog
from station_console.tui.widgets.plain import Static
from station_console.tui.widgets.wedge import WedgeInput
from tui import quiet
from tui.quiet import until

NOT_TAKEN = "That key does nothing here: answer with a key below."
SCAN_NOT_TAKEN = "A scan came while this question is open: it was not taken. Answer, then scan again."


def yes_no(_station: Station) -> ConfirmDialog:
    return ConfirmDialog("Write these changes?", "1: 张三 A3-502")


def day_close(station: Station) -> ConfirmClose:
    return ConfirmClose(build_report(station, station.business_day()))


FIXES = {"relocate": ["JT1"], "mark_missing": ["JT2"], "recheck_in": ["JT3"]}
NOTHING_TO_FIX: dict[str, list[str]] = {"relocate": [], "mark_missing": [], "recheck_in": []}


def stocktake_close(_station: Station) -> CloseDialog:
    return CloseDialog(FIXES)


def nothing_to_fix(_station: Station) -> CloseDialog:
    """No tick box: nothing has the focus, the dialog takes the keys itself."""
    return CloseDialog(NOTHING_TO_FIX)


def batch_carrier(_station: Station) -> BatchPicker:
    return BatchPicker([("SF", "SF Express"), ("ZTO", "ZTO Express")], "ZTO")


def said(dialog: Any) -> str:
    return "\n".join(str(line.render()) for line in dialog.query(Static))


@pytest.mark.parametrize(
    ("make", "answer", "expected"),
    [
        (yes_no, "n", False),
        (yes_no, "y", True),
        (day_close, "ctrl+y", True),
        (day_close, "escape", False),
        (stocktake_close, "enter", {**FIXES, "recheck_in": [], "put_back": []}),  # ticked as offered
        (stocktake_close, "space enter", {**FIXES, "relocate": [], "recheck_in": [], "put_back": []}),
        (stocktake_close, "escape", None),
        (nothing_to_fix, "enter", {**NOTHING_TO_FIX, "put_back": []}),
        (batch_carrier, "enter", "ZTO"),
        (batch_carrier, "escape", None),
    ],
    ids=[
        "yes-no-n",
        "yes-no-y",
        "day-close-ctrl+y",
        "day-close-esc",
        "stocktake-close-enter",
        "stocktake-close-space-enter",
        "stocktake-close-esc",
        "nothing-to-fix-enter",
        "batch-carrier-enter",
        "batch-carrier-esc",
    ],
)
async def test_a_question_says_keys_and_scans_it_does_not_take_and_answers_its_own(
    app: StationApp, station: Station, make: Callable[[Station], Any], answer: str, expected: object
) -> None:
    answers: list[object] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        behind = app.focused
        assert isinstance(behind, WedgeInput) and behind.value == ""
        rung: list[int] = []
        app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
        dialog = make(station)
        app.push_screen(dialog, answers.append)
        await until(pilot, lambda: app.screen is dialog)
        await quiet.settle(pilot)
        assert NOT_TAKEN not in said(dialog)
        await quiet.press(pilot, "f4")
        assert NOT_TAKEN in said(dialog) and len(rung) == 1 and app.screen is dialog
        assert isinstance(dialog, QuestionDialog) and dialog.router is not None
        start = time.monotonic() + 10  # a whole scan, well after the last key
        clock = iter(start + 0.001 * n for n in range(100))
        dialog.router.clock = lambda _event: next(clock)
        await quiet.burst(pilot, *"SF1234567890124", "enter")
        assert (app.screen, dialog.router.scans, SCAN_NOT_TAKEN in said(dialog)) == (dialog, 1, True)
        assert len(rung) == 2 and answers == [] and behind.value == ""
        dialog.post_message(ScannerBridge.Scanned("SF1234567890125", "hid"))
        await quiet.settle(pilot)
        assert (app.screen, len(rung), answers) == (dialog, 3, [])
        dialog.router.clock = lambda _event: time.monotonic() + 20  # a person's key, seconds later
        await quiet.press(pilot, *answer.split())  # Space ticks a box, said as nothing
        await until(pilot, lambda: answers != [], what="the question answered by its own key")
        assert answers == [expected] and len(rung) == 3


async def test_the_couriers_carrier_list_says_keys_and_scans_and_its_name_field_takes_typing(
    app: StationApp,
) -> None:
    """F10's carrier list took a scan's Enter as choosing the highlighted carrier, and dropped a key it
    does not take unseen. Now both are said there; Enter chooses, and the name field's own keys
    (Backspace, the arrows) are typing, not keys said as doing nothing."""
    answers: list[object] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        rung: list[int] = []
        app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
        dialog = CourierDialog([("SF", "SF Express"), ("ZTO", "ZTO Express")], "ZTO")
        app.push_screen(dialog, answers.append)
        await until(pilot, lambda: app.screen is dialog)
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        assert NOT_TAKEN in said(dialog) and len(rung) == 1 and app.screen is dialog
        assert dialog.router is not None
        start = time.monotonic() + 10  # a whole scan, well after the last key
        clock = iter(start + 0.001 * n for n in range(100))
        dialog.router.clock = lambda _event: next(clock)
        await quiet.burst(pilot, *"SF1234567890124", "enter")
        assert (dialog.router.scans, SCAN_NOT_TAKEN in said(dialog), dialog.carrier) == (1, True, None)
        assert isinstance(app.focused, OptionList) and len(rung) == 2
        dialog.post_message(ScannerBridge.Scanned("SF1234567890125", "hid"))
        await quiet.settle(pilot)
        assert (app.screen, len(rung), dialog.carrier) == (dialog, 3, None)
        dialog.router.clock = lambda _event: time.monotonic() + 20  # a person's key, seconds later
        await quiet.press(pilot, "enter")
        name = dialog.query_one("#courier-name", Input)
        await until(pilot, lambda: app.focused is name, what="the carrier chosen")
        dialog.query_one("#question-said", Static).update("")
        await quiet.press(pilot, *"Zhao Liuu", "backspace", "left", "right")
        assert (name.value, said(dialog).count(NOT_TAKEN), len(rung)) == ("Zhao Liu", 0, 3)
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: answers != [], what="the courier's batch opened")
        assert answers == [("ZTO", "Zhao Liu")]


@pytest.mark.parametrize(
    ("make", "taken"),
    [(yes_no, "tab"), (stocktake_close, "space"), (batch_carrier, "down")],
    ids=["yes-no-tab", "stocktake-close-space", "batch-carrier-down"],
)
async def test_what_a_question_said_of_a_stray_key_goes_at_the_next_key_it_takes(
    app: StationApp, station: Station, make: Callable[[Station], Any], taken: str
) -> None:
    """'That key does nothing here' stayed until the next stray key replaced it, read as true of the
    clerk's move, tick or choice after it."""
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        app.bell = lambda: None  # type: ignore[method-assign]
        dialog = make(station)
        app.push_screen(dialog)
        await until(pilot, lambda: app.screen is dialog)
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        assert NOT_TAKEN in said(dialog)
        await quiet.press(pilot, taken)
        assert app.screen is dialog and NOT_TAKEN not in said(dialog)


async def test_the_early_close_says_its_answers_below_where_a_stray_key_is_sent(
    app: StationApp, station: Station
) -> None:
    """Before closing time the close is asked again without Ctrl+Y. A stray key there said 'answer with
    a key below' and nothing was below: how to close anyway stood above the buttons, and Esc unsaid."""
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        app.bell = lambda: None  # type: ignore[method-assign]
        dialog = ConfirmClose(build_report(station, station.business_day()), early=True)
        app.push_screen(dialog)
        await until(pilot, lambda: app.screen is dialog)
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        line = dialog.query_one(f"#{dialog.SAID_ID}", Static)
        assert NOT_TAKEN in str(line.render())
        keys = [each for each in dialog.query(".form-keys") if each.region.y > line.region.y]
        assert [str(each.render()) for each in keys] == [
            "Tab to “Close the day”, then Enter: close it anyway · Enter or Esc: cancel"
        ]
        assert "ctrl+y" not in dialog.taken_keys()  # the second yes stays the button's


@pytest.mark.first_mode("settings")
async def test_a_terminals_ctrl_d_discards_at_the_changes_not_saved_question(app: StationApp) -> None:
    """A terminal sends Ctrl+D as the character a GS1 separator is (0x04): the question's wedge router
    held it as a scan's and dropped it as a person's, so Discard, the key its line names, did nothing."""
    from textual import events

    from station_console.tui.screens.unsaved import LeaveUnsaved

    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f10")  # the clerks' form
        await quiet.settle(pilot)
        form = app.screen
        form.query_one("#c-name", Input).value = "Zhao"
        await quiet.press(pilot, "escape")
        assert isinstance(app.screen, LeaveUnsaved)
        key = events.Key("ctrl+d", "\x04")  # as Textual's parser makes it of the terminal's byte
        key.set_sender(app)
        app._driver.send_message(key)  # type: ignore[union-attr]
        # Discard closes the question, then the form: on a loaded machine the two come apart.
        await until(pilot, lambda: type(app.screen).__name__ == "SettingsScreen", what="Discard never came")
