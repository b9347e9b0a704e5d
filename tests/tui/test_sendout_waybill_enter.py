"""Send-out: Enter in the waybill field with no number in it. Every send needs one, so the cursor stays
and the line says so: moved on to Payment (a drop-down that takes no letters), the waybill typed next
was lost without a word. With F9's next number chosen, the field is empty by design and Enter moves on."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import quiet
from tui.sendout_driver import at_sendout, text_of


@pytest.mark.first_mode("sendout")
async def test_enter_in_an_empty_waybill_stays_there_and_the_number_typed_next_goes_in(
    app: StationApp, station: Station
) -> None:
    async with at_sendout(station) as (_app, pilot, screen):
        waybill = screen.query_one("#so-waybill", Input)
        waybill.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "enter", *"SF1234567890")
        assert screen.focused is waybill
        assert waybill.value == "SF1234567890"
        assert "waybill number is needed" in text_of(screen, "#so-message")
        assert "F9" in text_of(screen, "#so-message")


@pytest.mark.first_mode("sendout")
async def test_enter_in_a_filled_waybill_moves_on_to_payment(app: StationApp, station: Station) -> None:
    async with at_sendout(station) as (_app, pilot, screen):
        waybill = screen.query_one("#so-waybill", Input)
        waybill.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, *"SF1234567890", "enter")
        assert screen.focused is screen.query_one("#so-pay")
        assert "waybill number is needed" not in text_of(screen, "#so-message")


@pytest.mark.first_mode("sendout")
async def test_enter_in_the_waybill_moves_on_when_f9_takes_the_next_number(
    app: StationApp, station: Station
) -> None:
    async with at_sendout(station) as (_app, pilot, screen):
        waybill = screen.query_one("#so-waybill", Input)
        waybill.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "f9")  # the next number from the station's stock
        assert screen.source == "stock"
        await quiet.press(pilot, "enter")
        assert screen.focused is screen.query_one("#so-pay")
        assert "waybill number is needed" not in text_of(screen, "#so-message")
