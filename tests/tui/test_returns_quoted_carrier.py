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
@pytest.mark.parametrize(
    ("typed", "said"),
    [
        # The escape written out, as the command says it.
        ("\x1b[31mZTO", "Unknown carrier \\x1b[31mZTO."),
        # As typed, trimmed: not upper-cased.
        (" zt0 ", "Unknown carrier zt0."),
    ],
)
async def test_an_unknown_carrier_is_refused_quoting_it_as_typed(
    app: StationApp, station: Station, typed: str, said: str
) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9")
        screen = app.screen
        screen.query_one("#ret-carrier", Input).value = typed
        screen.query_one("#ret-carrier", Input).focus()
        await quiet.press(pilot, "enter")
        line = screen.query_one("#ret-status", Static)
        await quiet.until(pilot, lambda: "Unknown carrier" in str(line.render()), what="no refusal")
        assert str(line.render()) == said
        assert returns.list_batches(station, status="open") == []
