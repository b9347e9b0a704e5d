"""A scanner's burst while Pickup's fee dialog asks is told once: one line in the dialog, one bell, no
toast besides. A burst that was no whole code (a label's stub, a scan split by a busy machine) was told
twice: the dialog's line, and the console's toast over it, with a second bell."""

from __future__ import annotations

from typing import Any

import pytest
from station_helpers import configure

from db.models import Role
from station_console.services.core.station import Station
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.screens.pickup_fees import FeeDialog
from tui import quiet
from tui.pickup_driver import Clerk_, receive, sign_in


@pytest.mark.first_mode("pickup")
@pytest.mark.parametrize("burst", ["whole", "short"])
async def test_a_scan_while_the_fee_is_asked_is_told_once(
    station: Station, clock: Any, console: StationApp, burst: str
) -> None:
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, "13812345678")
    clock.advance(days=2)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(parcel.pickup_code)
        await clerk.scan(parcel.waybill)
        await clerk.key("f10")
        dialog = console.screen
        assert isinstance(dialog, FeeDialog)
        told: list[str] = []
        say = dialog.say_not_taken

        def say_and_keep(text: str, *, bell: bool = True) -> None:
            told.append(text)
            say(text, bell=bell)

        dialog.say_not_taken = say_and_keep  # type: ignore[method-assign]
        bells: list[str] = []
        console.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
        toasts_before = len(console._notifications)
        await clerk.scan(parcel.waybill if burst == "whole" else "1234")
        await quiet.until(pilot, lambda: bool(told))
        await quiet.settle(pilot)
        assert told == [FeeDialog.SCAN_NOT_TAKEN]
        assert bells == ["bell"]
        assert [n.message for n in console._notifications][toasts_before:] == []
