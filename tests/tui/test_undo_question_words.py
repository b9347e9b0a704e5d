"""Pickup's undo question for a door delivery: the runner brought the parcel back from the door, so it
says so, not only "still at the counter", which a parcel delivered at a door never was."""

from __future__ import annotations

import pytest

from station_console.services.core.station import Station
from station_console.services.delivery import scan_back
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from tui import quiet
from tui.door_run import WAYBILLS, a_run_of_three
from tui.recipients_driver import until


@pytest.mark.first_mode("pickup")
async def test_undoing_a_door_delivery_asks_in_words_for_a_parcel_brought_back_from_the_door(
    app: StationApp, station: Station
) -> None:
    run = a_run_of_three(station)
    scan_back.deliver(station, run.id, WAYBILLS[0], received_by="门卫")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.table is not None and WAYBILLS[0] in dialog.table[1][0][1]
        assert (
            "Only for parcels here at the counter (never taken away, or brought back from the door): they "
            "go back on their shelves under their old codes, and the pickup or delivery is taken back."
        ) in dialog.body
        assert "still at the counter" not in dialog.body
