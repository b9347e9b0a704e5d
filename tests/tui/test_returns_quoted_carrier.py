"""Returns: a carrier code typed with an escape sequence in it is refused quoting it as the command does,
the escape written out (`\\x1b`), never sent to the terminal raw nor dropped."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.tui.app import StationApp
from tui import quiet
from tui.shelves_driver import open_shelves


@pytest.mark.first_mode("shelves")
async def test_a_carrier_with_an_escape_sequence_is_refused_quoting_it_written_out(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9")
        screen = app.screen
        screen.query_one("#ret-carrier", Input).value = "\x1b[31mZTO"
        screen.query_one("#ret-carrier", Input).focus()
        await quiet.press(pilot, "enter")
        line = screen.query_one("#ret-status", Static)
        await quiet.until(pilot, lambda: "Unknown carrier" in str(line.render()), what="no refusal")
        # As the command says it, as typed (not upper-cased): the escape written out.
        assert str(line.render()) == "Unknown carrier \\x1b[31mZTO."
        assert returns.list_batches(station, status="open") == []


@pytest.mark.first_mode("shelves")
async def test_an_unknown_carrier_is_quoted_as_typed_not_upper_cased(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9")
        screen = app.screen
        screen.query_one("#ret-carrier", Input).value = " zt0 "
        screen.query_one("#ret-carrier", Input).focus()
        await quiet.press(pilot, "enter")
        line = screen.query_one("#ret-status", Static)
        await quiet.until(pilot, lambda: "Unknown carrier" in str(line.render()), what="no refusal")
        assert str(line.render()) == "Unknown carrier zt0."
        assert returns.list_batches(station, status="open") == []
