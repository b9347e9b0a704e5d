"""A dialog opens only over the screen that asked for it: a worker's answer, or a key queued before the
mode key, reaches a screen that is no longer on top, and its dialog opened over another mode's screen."""

from __future__ import annotations

from typing import Any

import pytest

from db.models import Role
from station_console.services.core.station import Station
from station_console.services.pickup import handover
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.pickup import PickupScreen
from station_console.tui.screens.pickup_fees import FeeDialog
from tui import quiet
from tui.pickup_driver import ANN, Clerk_, fee_due, receive, sign_in, statuses


def stacks(app: StationApp) -> list[str]:
    """Every screen of every mode opened so far, by class."""
    return [type(s).__name__ for stack in app._screen_stacks.values() for s in stack]


@pytest.mark.first_mode("pickup")
async def test_a_handover_asked_for_as_the_clerk_left_for_check_in_opens_no_fee_dialog_there(
    station: Station, console: StationApp, clock: Any
) -> None:
    """The scanner's Enter, then F1 before Pickup had read it: the fee question opened over Check-in,
    and back at Pickup, F10 was refused as a handover already under way."""
    parcel = fee_due(station, clock)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(parcel.pickup_code)
        await clerk.scan(parcel.waybill)
        clerk.clock.t += 1.0
        await quiet.burst(pilot, "enter", "f1")
        assert isinstance(console.screen, CheckinScreen)
        assert "FeeDialog" not in stacks(console)
        await clerk.key("f2")
        assert console.screen is screen
        assert clerk.text("#pk-message") == "Not handed over yet: F10 asks for the storage fee."
        await clerk.key("f10")
        assert isinstance(console.screen, FeeDialog)
        await clerk.key("2")  # paid by QR
        assert console.screen is screen
    assert statuses(station) == {parcel.waybill: "picked_up"}


@pytest.mark.first_mode("pickup")
async def test_an_undo_read_as_the_clerk_left_for_check_in_asks_nothing_there(
    station: Station, console: StationApp
) -> None:
    """Ctrl+Z reads the last pickup in a worker; F1 came before its answer, and "Undo the last pickup?"
    opened over Check-in, where a yes put the parcel back on the shelf from another mode's screen."""
    sign_in(station, Role.MANAGER)
    parcel = receive(station, 1, ANN)
    handover.confirm_pickup(station, [parcel.parcel_id], method="code", scanned=[parcel.waybill])
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await quiet.burst(pilot, "ctrl+z", "f1")
        assert isinstance(console.screen, CheckinScreen)
        assert "ConfirmDialog" not in stacks(console)
        await clerk.key("f2")
        assert console.screen is screen
        assert clerk.text("#pk-message") == "Nothing undone: Ctrl+Z asks again."
        await clerk.key("ctrl+z")
        assert isinstance(console.screen, ConfirmDialog)
        await clerk.key("escape")
        assert isinstance(console.screen, PickupScreen)
    assert statuses(station) == {parcel.waybill: "picked_up"}


async def test_a_courier_batch_asked_for_as_the_clerk_left_for_pickup_opens_no_dialog_there(
    app: StationApp,
) -> None:
    """F10 reads the carriers in a worker; F2 came before its answer, and the courier's dialog opened
    over Pickup (a courier's batch opened from another mode's screen)."""
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.settle(pilot)
        await quiet.burst(pilot, "f10", "f2")
        assert isinstance(app.screen, PickupScreen)
        assert "CourierDialog" not in stacks(app)
        await quiet.press(pilot, "f1", "f10")
        assert type(app.screen).__name__ == "CourierDialog"
