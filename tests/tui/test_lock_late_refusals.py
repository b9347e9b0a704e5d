"""A refusal landing after a lock and another clerk's sign-in: the call was the last clerk's (a scan on
Returns still on its way as they locked), so its refusal is not said to the next clerk, nor does it arm
a key for them (F10, which would recall the refused parcel as the next clerk's); the same clerk, back,
is told it as ever."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.exceptions import problems, return_batch_parcels, returns
from station_console.tui.screens import reports_calls
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.reports import ReportsScreen
from station_console.tui.screens.returns import ReturnsScreen
from station_console.tui.screens.shelves import ShelvesScreen
from tui import quiet
from tui.lock_driver import HeldBefore, console, lock_and_sign_in, toasts, wang_and_li
from tui.shelf_data import place, wb

NOT_DUE = "is not due for return"


@pytest.mark.parametrize(("who", "pin", "told"), [("Li", "1357", False), ("Wang", "9071", True)])
async def test_a_refusal_landing_after_the_next_clerk_signed_in_is_not_theirs(
    new_station: Station, monkeypatch: pytest.MonkeyPatch, who: str, pin: str, told: bool
) -> None:
    station = wang_and_li(new_station)
    place(station, wb(1), "1-1")  # fresh: refused as not due for return
    slow = HeldBefore(return_batch_parcels.add)
    app = console(station)
    rung: list[int] = []
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
        await quiet.press(pilot, "f9")
        await quiet.until(pilot, lambda: isinstance(app.screen, ReturnsScreen))
        screen = app.screen
        assert isinstance(screen, ReturnsScreen)
        await quiet.press(pilot, *"JT", "enter")
        await quiet.until(pilot, lambda: screen.current_batch is not None)
        await quiet.settle(pilot)
        monkeypatch.setattr(return_batch_parcels, "add", slow)
        monkeypatch.setattr(app, "bell", lambda: rung.append(1))
        field = screen.query_one("#ret-scan", Input)
        field.value = wb(1)
        field.focus()
        await quiet.press(pilot, "enter", leave_running=["run"])  # Wang's scan, on its way
        await lock_and_sign_in(pilot, app, who, pin)
        slow.release.set()  # refused now, as Wang (who sent it), after the sign-in
        await quiet.until(pilot, lambda: not screen.calling("added"), what="the refusal")
        await quiet.settle(pilot)
        assert app.screen is screen
        said = str(screen.query_one("#ret-status").render())
        assert (NOT_DUE in said) is told, said
        assert (screen.recall_waybill == wb(1)) is told
        assert bool(rung) is told
        assert not any(NOT_DUE in toast for toast in toasts(app))
        if not told:
            # Nothing refused for Li: F10 asks which parcel, the form empty, and recalls nothing.
            await quiet.press(pilot, "f10")
            await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="F10's form")
            assert app.screen.query_one("#form-ref", Input).value == ""
            await quiet.press(pilot, "escape")
            await quiet.settle(pilot)
            assert problems.list_problems(station) == []
        (batch,) = returns.list_batches(station, status="open")
        assert batch.count == 0


async def test_a_screen_that_says_a_refusal_by_its_own_toast_says_nothing_to_the_next_clerk(
    new_station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports says a day closed meanwhile in a toast of its own, not through the calls' `failed`: Wang's
    F12 refused after Li signed in is not told to Li either, by toast, bell or line."""
    station = wang_and_li(new_station)
    slow = HeldBefore(reports_calls.may_close)
    app = console(station)
    rung: list[int] = []
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f6")
        await quiet.until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await quiet.until(pilot, lambda: screen.report is not None, what="the report")
        await quiet.settle(pilot)
        monkeypatch.setattr(reports_calls, "may_close", slow)
        monkeypatch.setattr(app, "bell", lambda: rung.append(1))
        await quiet.press(pilot, "f12", leave_running=["run"])  # Wang's F12, on its way
        close_day(station, early=True)  # closed meanwhile (at another counter): F12 is refused
        await lock_and_sign_in(pilot, app, "Li", "1357")
        slow.release.set()
        await quiet.until(pilot, lambda: not screen.calling("may_close"), what="the refusal")
        await quiet.settle(pilot)
        assert app.screen is screen
        assert not any("already closed" in toast.lower() for toast in toasts(app)), toasts(app)
        assert not rung
