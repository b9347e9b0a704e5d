"""A key that answers a dialog before it is laid out (held behind an Enter, let go in the same moment a
worker's answer opened the dialog) closes it once it is: its on_mount found none of its widgets. Any
other key bound on a dialog or a screen put on top runs its action once the screen is laid out
(`tui/early_actions.py`): run at once, it read widgets not made yet."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Static

from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.clerk_admin import ClerkAdminScreen
from station_console.tui.screens.day_close_dialogs import ReopenDay
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from tui import quiet


async def test_esc_before_the_courier_dialog_is_laid_out_closes_it_once_it_is(app: StationApp) -> None:
    answers: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        checkin = app.screen
        dialog = CourierDialog([("SF", "SF Express"), ("ZTO", "ZTO")], None)
        app.push_screen(dialog, answers.append)
        assert not dialog.is_mounted
        await app.run_action("dismiss(None)", dialog)  # its Esc, before a breath
        await quiet.settle(pilot)
        assert app._exception is None
        assert answers == [None] and app.screen is checkin


async def test_ctrl_s_before_a_form_is_laid_out_sends_it_once_it_is(app: StationApp) -> None:
    """The send-out's refund form, opened by F7's worker answer with a Ctrl+S let go in that moment:
    its values were read from fields not made yet."""
    answers: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        checkin = app.screen
        fields = [FormField("send", "Send", "12"), FormField("reason", "Reason", "torn")]
        dialog: FormDialog[dict[str, object]] = FormDialog("Refund", fields)
        app.push_screen(dialog, answers.append)
        assert not dialog.is_mounted
        await app.run_action("send", dialog)  # its Ctrl+S, before a breath
        await quiet.settle(pilot)
        assert app._exception is None
        assert answers == [{"send": "12", "reason": "torn"}] and app.screen is checkin


async def test_ctrl_s_before_a_reason_dialog_is_laid_out_sends_its_reason_once_it_is(app: StationApp) -> None:
    """A reason dialog opened by a worker's answer (a refusal's reason) with a Ctrl+S let go in that moment:
    its reason was read from a field not made yet."""
    answers: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        checkin = app.screen
        dialog = ReasonDialog("Why?", value="torn box")
        app.push_screen(dialog, answers.append)
        assert not dialog.is_mounted
        await app.run_action("send", dialog)  # its Ctrl+S, before a breath
        await quiet.settle(pilot)
        assert app._exception is None
        assert answers == ["torn box"] and app.screen is checkin


async def test_ctrl_s_before_the_courier_dialog_is_laid_out_asks_for_the_carrier_once_it_is(
    app: StationApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        dialog = CourierDialog([("SF", "SF Express"), ("ZTO", "ZTO")], None)
        app.push_screen(dialog)
        assert not dialog.is_mounted
        await app.run_action("send", dialog)
        await quiet.settle(pilot)
        assert app._exception is None
        assert app.screen is dialog
        assert "Choose the carrier first." in str(dialog.query_one("#courier-why", Static).render())


async def test_ctrl_s_before_a_days_reopening_is_laid_out_refuses_the_empty_reason_once_it_is(
    app: StationApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        dialog = ReopenDay("2026-11-20")
        app.push_screen(dialog)
        assert not dialog.is_mounted
        await app.run_action("send", dialog)
        await quiet.settle(pilot)
        assert app._exception is None
        assert app.screen is dialog and dialog.query_one("#reopen-refused").has_class("-shown")


async def test_waive_before_the_fee_dialog_is_laid_out_asks_for_the_reason_once_it_is(
    app: StationApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        dialog = FeeDialog(300, date(2026, 11, 20), app.station.settings())
        app.push_screen(dialog)
        assert not dialog.is_mounted
        await app.run_action("waive", dialog)
        await quiet.settle(pilot)
        assert app._exception is None
        assert app.screen is dialog and app.focused is dialog.query_one("#fee-reason", Input)


async def test_a_key_before_a_screen_put_on_top_is_laid_out_acts_once_it_is(app: StationApp) -> None:
    """Not only dialogs: a screen pushed over a mode (Settings' Clerks) takes its F-keys from its table."""
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        screen = ClerkAdminScreen()
        app.push_screen(screen)
        assert not screen.is_mounted
        await app.run_action("toggle_active", screen)  # its F7, before a breath
        await quiet.settle(pilot)
        assert app._exception is None
        assert app.screen is screen


async def test_a_key_held_behind_one_that_closed_the_screen_does_nothing_once_it_is_laid_out(
    app: StationApp,
) -> None:
    """Esc, then Ctrl+S, both before the form is laid out: the Esc closes it as it is laid out, and the
    Ctrl+S, pressed a breath later, would find the form gone; it must not send the closed form."""
    answers: list[object] = []
    sent: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        checkin = app.screen
        fields = [FormField("send", "Send", "12")]
        dialog: FormDialog[object] = FormDialog("Refund", fields, submit=sent.append)
        app.push_screen(dialog, answers.append)
        assert not dialog.is_mounted
        await app.run_action("cancel", dialog)  # its Esc, before a breath
        await app.run_action("send", dialog)  # then its Ctrl+S
        await quiet.settle(pilot)
        assert app._exception is None
        assert sent == [] and answers == [None] and app.screen is checkin
