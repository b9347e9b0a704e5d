"""Send-out: Enter in the waybill field with no number in it. Every send needs one, so the cursor stays
and the line says so: moved on to Payment (a drop-down that takes no letters), the waybill typed next
was lost without a word. With F9's next number chosen, the field is empty by design and Enter moves on."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Select

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.sendout import SendoutScreen
from tui import quiet
from tui.sendout_driver import at_sendout, text_of


async def _in_the_waybill(pilot: Any, screen: SendoutScreen) -> Input:
    """The cursor put in the empty waybill field, the console quiet again."""
    waybill = screen.query_one("#so-waybill", Input)
    waybill.focus()
    await quiet.settle(pilot)
    return waybill


@pytest.mark.first_mode("sendout")
async def test_enter_in_an_empty_waybill_stays_there_and_the_number_typed_next_goes_in(
    app: StationApp, station: Station
) -> None:
    async with at_sendout(station) as (_app, pilot, screen):
        waybill = await _in_the_waybill(pilot, screen)
        await quiet.press(pilot, "enter")
        assert screen.focused is waybill
        assert "waybill number is needed" in text_of(screen, "#so-message")
        assert "F9" in text_of(screen, "#so-message")
        await quiet.press(pilot, *"SF1234567890")
        assert waybill.value == "SF1234567890"


@pytest.mark.first_mode("sendout")
async def test_the_line_asking_for_the_waybill_goes_with_the_first_key_typed_into_it(
    app: StationApp, station: Station
) -> None:
    """It asked for what the clerk is now typing: it stood over the number as if nothing were typed. The
    line shows what it showed before it."""
    async with at_sendout(station) as (_app, pilot, screen):
        await _in_the_waybill(pilot, screen)
        before = text_of(screen, "#so-message")
        await quiet.press(pilot, "enter")
        assert "waybill number is needed" in text_of(screen, "#so-message")
        await quiet.press(pilot, "S")
        assert "waybill number is needed" not in text_of(screen, "#so-message")
        assert text_of(screen, "#so-message") == before
        # Only that line: a refusal said after it is still there to be read as the number is typed.
        await quiet.press(pilot, "backspace", "enter")
        assert "waybill number is needed" in text_of(screen, "#so-message")
        screen.refuse_text("That scan is not a waybill.")
        await quiet.press(pilot, *"SF12")
        assert text_of(screen, "#so-message") == "That scan is not a waybill."


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize(
    ("lang", "takes"),
    [("en", "Payment is chosen from its list, not typed"), ("zh", "付款方式从列表中选择，不能输入")],
)
async def test_letters_typed_into_payment_are_told_what_payment_takes(
    app: StationApp, station: Station, lang: str, takes: str
) -> None:
    """Tab from an empty waybill, then the number typed: Payment, a drop-down, dropped every key without a
    word. It says it is chosen from its list, and how to open it; the choice stays."""
    set_language(lang)
    async with at_sendout(station) as (_app, pilot, screen):
        await _in_the_waybill(pilot, screen)
        await quiet.press(pilot, "tab", *"SF12")
        payment = screen.query_one("#so-pay", Select)
        assert screen.focused is payment
        assert takes in text_of(screen, "#so-message")
        assert ("Space" if lang == "en" else "空格键") in text_of(screen, "#so-message")
        assert payment.value == "cash" and not payment.expanded
        await quiet.press(pilot, "space")  # Space is a key it takes: it opens the list
        assert payment.expanded


@pytest.mark.first_mode("sendout")
async def test_enter_in_a_filled_waybill_moves_on_to_payment(app: StationApp, station: Station) -> None:
    async with at_sendout(station) as (_app, pilot, screen):
        await _in_the_waybill(pilot, screen)
        await quiet.press(pilot, *"SF1234567890", "enter")
        assert screen.focused is screen.query_one("#so-pay")
        assert "waybill number is needed" not in text_of(screen, "#so-message")


@pytest.mark.first_mode("sendout")
async def test_enter_in_the_waybill_moves_on_when_f9_takes_the_next_number(
    app: StationApp, station: Station
) -> None:
    async with at_sendout(station) as (_app, pilot, screen):
        await _in_the_waybill(pilot, screen)
        await quiet.press(pilot, "f9")  # the next number from the station's stock
        assert screen.source == "stock"
        await quiet.press(pilot, "enter")
        assert screen.focused is screen.query_one("#so-pay")
        assert "waybill number is needed" not in text_of(screen, "#so-message")
