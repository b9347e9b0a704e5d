"""A question built from a call's answer, the call sent before a lock and answered after the next
clerk signed in: only the clerk who pressed the key is asked; the next clerk finds nothing of theirs."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from station_console.services.core.station import Station
from station_console.tui.screens import checkin_batch
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import batches, console, wang_and_li


@pytest.mark.parametrize(("who", "pin", "asked"), [("Li", "1357", False), ("Wang", "9071", True)])
async def test_carriers_read_across_a_lock_ask_only_the_clerk_who_pressed_f10(
    new_station: Station, monkeypatch: pytest.MonkeyPatch, who: str, pin: str, asked: bool
) -> None:
    """Wang's F10 (open a courier's batch) read the carriers slowly; Li, signed in meanwhile, was asked
    which carrier's courier had come, and her answer opened a batch nobody at the counter asked for."""
    station = wang_and_li(new_station)
    held, real = threading.Event(), checkin_batch.carrier_choices

    def slow(*args: Any) -> Any:
        assert held.wait(quiet.TIMEOUT)  # the database busy at another counter
        return real(*args)

    monkeypatch.setattr(checkin_batch, "carrier_choices", slow)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f10", leave_running=["run"])
        await quiet.press(pilot, "ctrl+l", leave_running=["run"])
        assert isinstance(app.screen, SignInScreen)
        await quiet.press(pilot, *who, "enter", *pin, "enter", leave_running=["run"])
        await quiet.until(pilot, lambda: app.clerk_name == who, what="signed in")
        held.set()  # the carriers come after the sign-in
        await quiet.settle(pilot)
        assert isinstance(app.screen, CourierDialog) is asked
        if asked:
            await quiet.press(pilot, "escape")  # Wang, back, finds his question and goes on without it
    assert batches(station) == []
