"""The courier handover and a batch closed at another counter: a scan refused as closed leaves the
screen on the carrier's next batch, not on the closed one every scan is refused by; so does the close
heard through the live view, before any scan."""

from __future__ import annotations

import pytest
from security.helpers import accept_send as accepted
from textual.widgets import Select

from station_console.services.core.station import Station
from station_console.services.sendout import handover
from station_console.tui.app import StationApp
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import at_sendout, text_of, until
from tui.test_live_bridge import another_counter
from tui.test_sendout_courier import sf_courier_here


@pytest.mark.first_mode("sendout")
async def test_a_scan_after_a_close_at_another_counter_goes_into_the_carriers_next_batch(
    app: StationApp, station: Station, db_url: str
) -> None:
    accepted(station, "SF1234567890123")
    accepted(station, "SF1234567890124")
    async with at_sendout(station) as (app, pilot, _screen), another_counter(station, db_url) as other:
        courier = await sf_courier_here(app, pilot)
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "OK (1 of 2)" in text_of(courier, "#ho-message"))
        assert courier.view is not None
        closed_id = courier.view.batch_id
        handover.close_batch(other, closed_id, courier_name="Chen", print_manifest=False)
        courier.post_message(KeyRouter.Scanned("SF1234567890124"))
        await until(pilot, lambda: courier.has_class("-wrong"))
        said = text_of(courier, "#ho-message")
        assert "is closed" in said, said
        await quiet.settle(pilot)
        # The carrier chosen again, as the refusal says: its next batch, and the scan goes in.
        courier.query_one("#ho-carrier", Select).value = "SF"
        await until(pilot, lambda: courier.view is not None and courier.view.batch_id != closed_id)
        courier.post_message(KeyRouter.Scanned("SF1234567890124"))
        await until(pilot, lambda: "All 1 scanned" in text_of(courier, "#ho-message"))


@pytest.mark.first_mode("sendout")
async def test_a_close_at_another_counter_heard_live_offers_the_carriers_again(
    app: StationApp, station: Station, db_url: str
) -> None:
    """Heard through the live view, the close left the screen on the closed batch as if open: its line
    said to scan on, the next scan was refused, and the carrier, chosen already, could not be chosen."""
    accepted(station, "SF1234567890123")
    accepted(station, "SF1234567890124")
    async with at_sendout(station) as (app, pilot, _screen), another_counter(station, db_url) as other:
        courier = await sf_courier_here(app, pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "OK (1 of 2)" in text_of(courier, "#ho-message"))
        assert courier.view is not None
        closed_id = courier.view.batch_id
        handover.close_batch(other, closed_id, courier_name="Chen", print_manifest=False)
        await until(pilot, lambda: "closed at another counter" in text_of(courier, "#ho-message"))
        assert courier.view is None and not courier.has_class("-wrong")
        await quiet.settle(pilot)
        courier.query_one("#ho-carrier", Select).value = "SF"
        await until(pilot, lambda: courier.view is not None and courier.view.batch_id != closed_id)
        courier.post_message(KeyRouter.Scanned("SF1234567890124"))
        await until(pilot, lambda: "All 1 scanned" in text_of(courier, "#ho-message"))
        assert not courier.has_class("-wrong")
