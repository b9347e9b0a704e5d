"""A placeholder that shows what to type reads as an example, not as the value: Returns' Carrier
showed a grey "ZTO", and Enter on it said "Carrier is empty.", a contradiction to a hurried clerk."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import quiet
from tui.shelves_driver import open_shelves, settle


@pytest.mark.parametrize(("lang", "shown"), [("en", "e.g. ZTO"), ("zh", "例如 ZTO")])
@pytest.mark.first_mode("shelves")
async def test_returns_carrier_placeholder_reads_as_an_example(
    app: StationApp, station: Station, lang: str, shown: str
) -> None:
    set_language(lang)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9")
        await settle(pilot)
        carrier = app.screen.query_one("#ret-carrier", Input)
        assert carrier.value == "" and carrier.placeholder == shown
        await quiet.press(pilot, "f4")  # back to the shelf map: the mode's own key
        await settle(pilot)
        await quiet.press(pilot, "f8")  # the stocktake's scope field, whose placeholder is an example too
        await settle(pilot)
        assert app.screen.query_one("#st-scope", Input).placeholder.startswith(shown.split(" ")[0])
