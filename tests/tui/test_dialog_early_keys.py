"""A key that answers a dialog before it is laid out (held behind an Enter, let go in the same moment a
worker's answer opened the dialog) closes it once it is: its on_mount found none of its widgets."""

from __future__ import annotations

from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.form_dialog import FormDialog, FormField
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
