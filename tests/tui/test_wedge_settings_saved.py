"""Wedge scanner settings saved between a scan and the scanner's own extra line end: the screen's new
decoder knows the scan just ended, so the extra CR/LF is the scanner's, dropped, not a person's Enter."""

from __future__ import annotations

import pytest
from textual.message import Message
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import checkin_driver


@pytest.mark.first_mode("checkin")
async def test_the_scanners_line_feed_right_after_a_save_is_still_its_own(
    app: StationApp, station: Station
) -> None:
    submitted: list[str] = []

    def hook(message: Message) -> None:
        if isinstance(message, Input.Submitted):
            submitted.append(message.value)

    async with app.run_test(size=(140, 44), message_hook=hook) as pilot:
        screen, clock = await checkin_driver.start(app, pilot)
        router = screen.router
        assert router is not None
        await checkin_driver.scan(pilot, clock, "JT0000000000021")  # ends with Enter...
        await checkin_driver.settle(app, pilot)
        assert router.scans == 1 and [r.waybill for r in screen.results] == ["JT0000000000021"]
        # ...Settings saves the wedge's shortest code meanwhile (a new `counter_settings`, as its save sets)
        app.counter_settings = app.counter_settings.model_copy(update={"wedge_min_length": 8})
        submitted.clear()
        # ...and the scanner's second line end, 4 ms after its first (an LF the terminal gives as Enter)
        await checkin_driver.send_keys(pilot, "enter")
        assert not router.decoder.pending  # dropped at once, not held as a key to decide on
        clock.person()
        router.flush()  # a second of silence: whatever was held is decided (a lone Enter: a person's)
        await checkin_driver.settle(app, pilot)
        assert router.decoder.min_length == 8  # the saved settings read it
        assert submitted == [] and router.scans == 1 and router.refused == 0
        assert [r.waybill for r in screen.results] == ["JT0000000000021"]
