"""Pickup: a key the screen binds (F9, a proxy) pressed right behind the customer's Enter waits for the
lookup that Enter starts, and acts on the customer it lists."""

from __future__ import annotations

import threading
import time

import pytest
from textual.widgets import Static

from db.models import Role
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import pickup
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.pickup_driver import ANN, Clerk_, receive, sign_in


@pytest.mark.first_mode("pickup")
async def test_f9_right_behind_the_customers_enter_opens_the_proxy_form_for_that_customer(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lookup answers after the Enter's own round through the queues (a slow database): F9 acted
    before it, said 'Look up a customer first.' and opened nothing."""
    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, ANN)
    asked, answer = threading.Event(), threading.Event()
    real = pickup.lookup

    def slow(*args: object, **kwargs: object) -> object:
        asked.set()
        assert answer.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pickup, "lookup", slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        clerk.clock.step, clerk.clock.idle = 0.25, 1.0  # a person typing
        await quiet.press(pilot, *parcel.pickup_code)
        at = time.monotonic()
        quiet.send_key(console, "enter", at=at)
        quiet.send_key(console, "f9", at=at)
        await quiet.until(pilot, asked.is_set, what="no lookup")
        await quiet.until(pilot, lambda: time.monotonic() > at + 0.4)  # the Enter's own answer went through
        answer.set()
        await quiet.until(
            pilot, lambda: isinstance(console.screen, FormDialog), what="no proxy form", timeout=5
        )
        await quiet.settle(pilot)
        assert screen.lookup is not None and [row.waybill for row in screen.lookup.rows] == [parcel.waybill]
        assert "Look up a customer first." not in str(screen.query_one("#pk-message", Static).render())
