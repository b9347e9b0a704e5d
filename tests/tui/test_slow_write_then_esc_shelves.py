"""Esc while a write is on its way, on the shelf and settings screens with a write key (a layer saved, a
parcel moved, reminders queued, a message resent): the screen or dialog left, and the answer went with
it. It now stays, saying the answer comes first; Esc then goes back. Built as test_slow_write_then_esc.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from station_console.services import notify
from station_console.services.core.station import Station
from station_console.services.exceptions import overdue
from station_console.services.shelves import edits, moves
from station_console.tui.app import StationApp
from station_console.tui.screens.outbox import OutboxScreen
from station_console.tui.screens.shelf_dialogs import MoveDialog, ShelfEditScreen
from tui import quiet
from tui.shelf_data import location_of, place, wb
from tui.shelves_driver import open_shelves
from tui.test_outbox_screen import two_messages
from tui.test_slow_write_then_esc import Held, esc_waits_for_the_answer, short_fail_safe

__all__ = ["short_fail_safe"]  # autouse here too


def toasts(app: StationApp) -> str:
    return "\n".join(str(toast.message) for toast in app._notifications)


@pytest.mark.first_mode("shelves")
async def test_esc_during_a_slow_layer_save_stays_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Held(monkeypatch, edits, "edit_layer")
    async with app.run_test(size=(160, 45)) as pilot:
        await app.push_screen(ShelfEditScreen("1-1"))
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#edit-capacity", Input).value = "30"

        def result() -> str:
            return str(screen.query_one("#edit-result").render())

        quiet.send_key(app, "f7")
        await esc_waits_for_the_answer(app, pilot, held, result, lambda: result() == "1-1 updated")


@pytest.mark.first_mode("shelves")
async def test_esc_during_a_slow_move_keeps_the_move_dialog_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, wb(1), "1-1")
    held = Held(monkeypatch, moves, "move_parcel")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        dialog = MoveDialog(parcel=wb(1), source="1-1")
        answers: list[str | None] = []
        app.push_screen(dialog, answers.append)
        await quiet.settle(pilot)
        dialog.query_one("#move-target", Input).value = "2-3"
        dialog.query_one("#move-target", Input).focus()
        quiet.send_key(app, "enter")

        def said() -> str:
            return str(dialog.query_one("#move-error").render())

        # The move's answer closes the dialog itself, saying what moved: no second Esc is needed.
        await quiet.until(pilot, held.asked.is_set)
        quiet.send_key(app, "escape")
        try:
            await quiet.until(pilot, lambda: app.screen is not dialog or "still on its way" in said())
            assert app.screen is dialog, "the Esc left while the move was on its way"
        finally:
            held.released.set()
        await quiet.until(pilot, lambda: bool(answers))
        await quiet.settle(pilot)
        assert answers[0] is not None and "Moved 1 parcel to 2-3" in answers[0], answers
    assert location_of(station, wb(1)) == "2-3"


@pytest.mark.first_mode("shelves")
async def test_esc_during_slow_reminders_on_overdue_stays_until_they_are_said(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    held = Held(monkeypatch, overdue, "resend")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        assert app.screen.query_one("#od-table", DataTable).row_count == 1
        quiet.send_key(app, "f7")
        await esc_waits_for_the_answer(
            app, pilot, held, lambda: toasts(app), lambda: "Reminders queued" in toasts(app)
        )


async def test_esc_during_a_slow_resend_on_the_outbox_stays_until_it_is_said(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_messages(station, clock)
    held = Held(monkeypatch, notify, "resend")
    async with app.run_test(size=(160, 40)) as pilot:
        await app.push_screen(OutboxScreen())
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, OutboxScreen)

        def status() -> str:
            return str(screen.query_one("#outbox-status").render())

        quiet.send_key(app, "r")
        await esc_waits_for_the_answer(app, pilot, held, status, lambda: "queued again" in status())
