"""A scanner's burst while Pickup's fee dialog asks is told once: one line in the dialog, one bell, no
toast besides. A burst that was no whole code (a label's stub, a scan split by a busy machine) was told
twice: the dialog's line, and the console's toast over it, with a second bell; then once, but without
why it was refused ("too short"), which the toast had said."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.screens.question_keys import SAID_ID
from station_console.tui.widgets.plain import Static
from tui import quiet
from tui.pickup_driver import Clerk_, fee_asked, fee_due


@pytest.mark.first_mode("pickup")
@pytest.mark.parametrize("burst", ["whole", "short"])
async def test_a_scan_while_the_fee_is_asked_is_told_once(
    station: Station, clock: Any, console: StationApp, burst: str
) -> None:
    parcel = fee_due(station, clock)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        dialog = await fee_asked(clerk, parcel)
        told: list[str] = []
        say = dialog._say

        def say_and_keep(text: Text) -> None:
            told.append(text.plain)
            say(text)

        dialog._say = say_and_keep  # type: ignore[method-assign]
        bells: list[str] = []
        console.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
        toasts_before = len(console._notifications)
        await clerk.scan(parcel.waybill if burst == "whole" else "1234")
        await quiet.until(pilot, lambda: bool(told))
        await quiet.settle(pilot)
        (said,) = told  # once
        assert str(dialog.query_one(f"#{SAID_ID}", Static).render()) == said
        if burst == "whole":
            assert said == FeeDialog.SCAN_NOT_TAKEN
        else:  # why, as the console's toast words it, then that it was not taken
            assert said == f"Not a parcel barcode (1234): too short. {FeeDialog.SCAN_NOT_TAKEN}"
        assert bells == ["bell"]
        assert [n.message for n in console._notifications][toasts_before:] == []
