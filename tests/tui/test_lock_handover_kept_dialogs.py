"""A dialog the hand-over kept open for the write on its way as the console locked: refused once
another clerk signed in, nothing was written and the dialog is not theirs to act on, so it closes as
its Esc would, the toast naming what closed; the same clerk, back, finds it with the refusal."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from station_console.services.core.station import Station
from station_console.services.shelves import moves
from station_console.tui.screens.shelf_dialogs import MoveDialog
from station_console.tui.screens.shelves import ShelvesScreen
from tui import quiet
from tui.lock_driver import HeldBefore, console, lock_and_sign_in, open_move_dialog, wang_and_li
from tui.shelf_data import location_of, place, wb
from tui.toasts_shown import shown


@pytest.mark.parametrize(("who", "pin", "same"), [("Li", "1357", False), ("Wang", "9071", True)])
async def test_a_move_refused_after_another_clerk_signed_in_closes_for_them(
    new_station: Station, monkeypatch: pytest.MonkeyPatch, who: str, pin: str, same: bool
) -> None:
    station = wang_and_li(new_station)
    place(station, wb(1), "1-1")
    held = HeldBefore(moves.move_parcel)  # refused only once the next clerk has signed in
    monkeypatch.setattr(moves, "move_parcel", held)
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        dialog = await open_move_dialog(pilot, app, wb(1), "99-9")  # no such layer: refused
        await quiet.press(pilot, "ctrl+s", leave_running=["run"])
        assert dialog.writing()
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await lock_and_sign_in(pilot, app, who, pin)
        assert app.screen is dialog  # kept for its write's answer
        held.release.set()
        await quiet.until(pilot, lambda: not dialog.writing(), what="the refusal")
        await quiet.settle(pilot)
        assert location_of(station, wb(1)) == "1-1"  # nothing moved
        refusal = str(dialog.query_one("#move-error", Static).render()) if same else ""
        if same:  # Wang finds the move as left, told why it was refused
            assert app.screen is dialog and "no shelf or layer 99-9 here" in refusal, refusal
            assert not any("left open" in t for t in said)
        else:  # Li finds the Shelves map, told what closed; not the refusal
            assert dialog not in app.screen_stack and isinstance(app.screen, ShelvesScreen)
            assert "Closed a move, left open by Wang." in said
            assert not any("no shelf or layer 99-9" in t for t in said)
            await quiet.press(pilot, "f7")  # the console goes on: a new move, empty
            await quiet.until(pilot, lambda: isinstance(app.screen, MoveDialog))
            assert app.screen.query_one("#move-parcel", Input).value == ""
