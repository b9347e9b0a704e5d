"""The courier handover quotes a stranger as the clerk typed it: `chen` typed into the scan field was
refused as "CHEN is not a send", as the Returns screen once quoted a carrier."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import quiet
from tui.sendout_driver import at_sf_handover, text_of, until


@pytest.mark.first_mode("sendout")
async def test_a_stranger_typed_is_quoted_as_typed_not_upper_cased(app: StationApp, station: Station) -> None:
    async with at_sf_handover(station) as (_app, pilot, courier):
        field = courier.query_one("#ho-scan", Input)
        field.focus()
        field.value = " chen "
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: courier.has_class("-wrong"))
        assert text_of(courier, "#ho-message") == "Wrong parcel: chen is not a send of this station."
        assert courier.view is not None and courier.view.batch_id is None  # nothing saved
