"""Check-in: a phone the writer could not save (the database busy, the parcel gone from the shelf) is said
with the parcel it was for and the phone, masked: it is in no field any more, and F9 adds it."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from station_console.errors import DatabaseUnavailable
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin_writer
from tui.checkin_driver import attention, parcels, scan, settle, start, type_slowly

WAYBILL = "JT0000000000001"
NEXT = "773100000000100"


@pytest.mark.parametrize("kept", [False, True])
async def test_a_phone_the_database_refused_is_said_with_its_parcel_and_the_phone(
    app: StationApp, station: Station, bells: list[int], monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    """The refusal said only "the database is busy": the clerk, scanning on, could not tell which
    parcel went without its phone, nor what the phone was."""

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseUnavailable("The database is busy.", code="database_locked")

    monkeypatch.setattr(checkin_writer, "set_phone_for", busy)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, WAYBILL)
        await settle(app, pilot)
        code = screen.results[-1].pickup_code
        await type_slowly(pilot, clock, *"13800138000")
        if kept:  # a refused scan took the last key back; the clerk puts it back
            await scan(pilot, clock, NEXT, gap=0.1)
            await settle(app, pilot)
            assert screen.query_one("#phone", Input).value == "1380013800"
            await type_slowly(pilot, clock, "0")
        await scan(pilot, clock, NEXT)
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: None, NEXT: None}
        refused = [item for item in attention(screen) if item.kind == "phone"]
        assert len(refused) == 1
        assert code in refused[0].text and "8000" in refused[0].text and "13800138000" not in refused[0].text
        assert "F9" in refused[0].hint
