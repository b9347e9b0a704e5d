"""The send-out form's declared value, read by the one money parser: what is no amount, or past the
most a send may declare, is said on the quote's line as typed; full-width digits are taken."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input, Select

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui.sendout_driver import at_sendout, fill, text_of, until


@pytest.mark.first_mode("sendout")
async def test_a_declared_value_is_refused_or_taken_as_on_the_command_line(
    app: StationApp, station: Station
) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "1.2"})
        screen.query_one("#so-carrier", Select).value = "SF"
        screen.query_one("#so-insure", Checkbox).value = True
        value = screen.query_one("#so-value", Input)
        for typed, said in (
            ("9" * 5000, f"An amount must be at most 1000000.00 CNY: {'9' * 19}…"),
            ("1e9", "Not an amount of money: 1e9."),
            ("-1", "Not an amount of money: -1."),
            ("0.001", "An amount has at most two decimals: 0.001."),
            ("[/]", "Not an amount of money: [/]."),
        ):
            value.value = typed
            await until(pilot, lambda said=said: said in text_of(screen, "#so-quote"))  # type: ignore[misc]
        value.value = "１２.５"
        await until(pilot, lambda: "declared 12.50" in text_of(screen, "#so-quote"))
