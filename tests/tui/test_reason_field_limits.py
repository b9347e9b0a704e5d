"""A reason or a note typed in a dialog stops at its rule's limit and the dialog says so on its own line,
by the field's name, as a form's limited fields do: the day's reopen reason took a 5,000-character paste
and refused it only at Enter, as did a drop's reason, a fee waiver's and the send-out refund's and
refusal's reasons (the door delivery's and the consent's notes: test_checked_forms.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from station_helpers import snapshot
from textual import events
from textual.screen import Screen
from textual.widgets import Input, Static

from station_console.services.core.free_text import REASON
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.day_close_dialogs import ReopenDay
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.screens.sendout_dialogs import RefundDialog, refuse_form
from tui import quiet

PASTE = "[b]wet[/b] " + "x" * 5000  # markup as text: the count is the paste's characters


async def waive(pilot: Any, dialog: Screen[Any]) -> None:
    await quiet.press(pilot, "w")  # the waiver's reason field comes


async def nothing(pilot: Any, dialog: Screen[Any]) -> None:
    return None


@dataclass(frozen=True)
class Case:
    make: Callable[[Station], Screen[Any]]
    field: str  # the typed field's id
    line: str  # the dialog's line that says what is refused
    name: str  # the field's name on it
    limit: int
    opened: Callable[[Any, Screen[Any]], Awaitable[None]] = nothing


CASES = {
    "reopen": Case(lambda station: ReopenDay("2026-11-25"), "reopen-reason", "reopen-refused", "Reason", 200),
    "drop": Case(
        lambda station: ReasonDialog("Drop?", rule=REASON), "pk-reason", "pk-reason-refused", "Reason", 200
    ),
    "waiver": Case(
        lambda station: FeeDialog(300, date(2026, 11, 20), station.settings()),
        "fee-reason",
        "fee-reason-refused",
        "Reason",
        REASON.limit,
        waive,
    ),
    "refund": Case(
        lambda station: RefundDialog(station, "S1"), "form-reason", "form-refused", "Reason", REASON.limit
    ),
    "refusal": Case(
        lambda station: refuse_form(station, None, dict),
        "form-reason",
        "form-refused",
        "Reason",
        REASON.limit,
    ),
}


@pytest.mark.parametrize("name", CASES)
async def test_a_reason_stops_at_its_limit_and_the_dialog_says_so(
    app: StationApp, station: Station, name: str
) -> None:
    case = CASES[name]
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        dialog = case.make(station)
        app.push_screen(dialog)
        await quiet.settle(pilot)
        await case.opened(pilot, dialog)
        field = dialog.query_one(f"#{case.field}", Input)
        line = dialog.query_one(f"#{case.line}", Static)
        field.focus()
        before, toasts = snapshot(station), len(app._notifications)
        field.post_message(events.Paste(PASTE))
        await quiet.settle(pilot)
        assert field.value == "" and app.screen is dialog
        assert str(line.render()) == (
            f"{case.name} takes at most {case.limit} characters: the paste ({len(PASTE)} characters) was not "
            "put in. Shorten it and paste again, or type it."
        )
        assert line.region.height > 0  # shown, not a hidden line's text
        field.value, field.cursor_position = "x" * case.limit, case.limit
        await quiet.press(pilot, "y")
        assert field.value == "x" * case.limit and app.screen is dialog
        assert str(line.render()) == f"{case.name} takes at most {case.limit} characters."
        assert len(app._notifications) == toasts  # said in the dialog, not in a toast naming no field
    assert snapshot(station) == before
