"""A shared batch read again that the database could not answer (busy): nobody asked for that read, so
it says nothing (no bell, no red line over what the clerk's last action said) and the list shown stays;
the next change heard reads it again (Returns and Send-out's courier handover, shared_batch.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from station_helpers import recall
from textual.widgets import Digits

from station_console.errors import DatabaseUnavailable
from station_console.i18n import N_
from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.services.sendout import handover
from station_console.tui.app import StationApp
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import at_sf_handover, text_of, until
from tui.shelf_data import place, wb
from tui.shelves_driver import settle
from tui.test_live_bridge import another_counter
from tui.test_returns_reread_keeps_clerk import jt_batch_of_three
from tui.test_returns_shared_batch import rows, status


class Busy:
    """A read that the database refuses as busy while `busy` is set, counting its refusals."""

    def __init__(self, read: Callable[..., Any]) -> None:
        self.read, self.busy, self.refused = read, True, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.busy:
            self.refused += 1
            raise DatabaseUnavailable(
                N_("The database cannot be read. Try again in a moment."), code="database_unavailable"
            )
        return self.read(*args, **kwargs)


def counted_bells(app: StationApp, monkeypatch: pytest.MonkeyPatch) -> list[None]:
    bells: list[None] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(None))
    return bells


@pytest.mark.first_mode("shelves")
async def test_returns_list_read_again_refused_busy_keeps_the_list_and_line_without_a_bell(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, location in ((1, "1-1"), (2, "1-2"), (3, "1-3"), (4, "1-4"), (5, "1-5")):
        place(station, wb(n), location)
    recall(station, wb(1), wb(2), wb(3), wb(4), wb(5))
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await jt_batch_of_three(app, pilot)
        said = status(app)
        assert "3 parcels" in said
        bells = counted_bells(app, monkeypatch)
        busy = Busy(returns.get)
        monkeypatch.setattr(returns, "get", busy)
        returns.open_batch_with(other, "JT", [wb(4)])
        await quiet.until(pilot, lambda: busy.refused > 0, what="the list read again, refused busy")
        await settle(pilot)
        assert bells == []
        assert status(app) == said
        assert not app.screen.query_one("#ret-status", StatusLine).has_class("-error")
        assert rows(app) == [wb(1), wb(2), wb(3)]
        busy.busy = False
        returns.open_batch_with(other, "JT", [wb(5)])
        await quiet.until(pilot, lambda: len(rows(app)) == 5, what="the next change read again")
        assert "5 parcels" in status(app)
        assert bells == []


@pytest.mark.first_mode("sendout")
async def test_handover_batch_read_again_refused_busy_keeps_the_batch_and_line_without_a_bell(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from security.helpers import accept_send as accepted

    accepted(station, "SF1234567890125")
    accepted(station, "SF1234567890126")
    async with at_sf_handover(station) as (app, pilot, courier), another_counter(station, db_url) as other:
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "OK (1 of 3)" in text_of(courier, "#ho-message"))
        said = text_of(courier, "#ho-message")
        bells = counted_bells(app, monkeypatch)
        busy = Busy(handover.batch_read_again)  # the screen's read of the batch shown
        monkeypatch.setattr(handover, "batch_read_again", busy)
        batch = handover.open_batch(other, "SF")
        handover.scan(other, batch, "SF1234567890125")
        await quiet.until(pilot, lambda: busy.refused > 0, what="the batch read again, refused busy")
        await quiet.settle(pilot)
        assert bells == []
        assert text_of(courier, "#ho-message") == said
        assert not courier.has_class("-wrong")
        assert courier.query_one("#ho-done", Digits).value == "1"
        busy.busy = False
        handover.scan(other, handover.open_batch(other, "SF"), "SF1234567890126")
        await until(pilot, lambda: courier.query_one("#ho-done", Digits).value == "3")
        assert text_of(courier, "#ho-message") == said
        assert bells == []
