"""Overdue's F9 with a selection of parcels due for return and not yet due: the question names only the
early ones, and its Yes records only those as recalled; the due ones go in the same batch for their age."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable

from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.overdue import OverdueScreen
from station_console.tui.screens.returns import ReturnsScreen
from station_console.tui.widgets.plain import Static
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves, settle


@pytest.mark.first_mode("shelves")
async def test_f9_on_a_mixed_selection_recalls_only_the_parcels_not_yet_due(
    app: StationApp, station: Station, clock
) -> None:
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))  # a return candidate
    place(station, wb(2), "1-2", at=clock.now - timedelta(hours=80))  # red, not yet due
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        table = app.screen.query_one("#od-table", DataTable)
        assert table.row_count == 2
        await quiet.press(pilot, "f8")  # the due one
        await settle(pilot)
        early_row = table.get_row_index(wb(2))
        table.move_cursor(row=early_row)
        await quiet.press(pilot, "space")  # and the early one
        await settle(pilot)
        assert isinstance(app.screen, OverdueScreen)
        assert app.screen.chosen == {wb(1), wb(2)}
        await quiet.press(pilot, "f9")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        said = f"{app.screen.question}\n{app.screen.body}"
        assert "Return 1 parcel before its return deadline?" in said
        assert f"{wb(2)}: on the shelf 3 d 8 h, not yet a return candidate" in said
        assert wb(1) not in said  # the due one is not asked about
        await quiet.press(pilot, "y")
        await settle(pilot)
        assert isinstance(app.screen, ReturnsScreen)
        items = app.screen.query_one("#ret-items", DataTable)
        assert {str(k.value) for k in items.rows} == {wb(1), wb(2)}
    # Only the early one is recorded recalled; the due one goes back for its age, no problem made up.
    assert [(r.waybill, r.problem_kind) for r in problems.list_problems(station)] == [(wb(2), "recalled")]


@pytest.mark.first_mode("shelves")
async def test_a_y_typed_right_behind_f9_recalls_nothing(app: StationApp, station: Station, clock) -> None:
    """The question's Yes records a parcel the recipient can still collect as recalled and puts it in a
    return batch: a Y typed right behind F9, before the question was on screen, answered it unread. It
    is dropped and said; a Y typed at the question recalls the parcel."""
    place(station, wb(2), "1-2", at=clock.now - timedelta(hours=80))  # red, not yet due
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        assert isinstance(app.screen, OverdueScreen)
        await quiet.burst(pilot, "f9", "y")  # the highlighted parcel, and the Y right behind it
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog), "the early Y answered the question"
        assert problems.list_problems(station) == []
        said = str(app.screen.query_one("#question-said", Static).render())
        assert "typed before this question appeared were ignored" in said
        await quiet.press(pilot, "y")
        await settle(pilot)
        assert isinstance(app.screen, ReturnsScreen)
    assert [(r.waybill, r.problem_kind) for r in problems.list_problems(station)] == [(wb(2), "recalled")]
