"""Returns: a waybill pasted right behind the carrier's Enter waits for the batch that Enter opens, and
reaches the scan field it enables."""

from __future__ import annotations

import threading
import time

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.tui.app import StationApp
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves
from tui.test_type_ahead import send_paste


@pytest.mark.first_mode("shelves")
async def test_a_waybill_pasted_right_behind_the_carriers_enter_reaches_the_scan_field(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch opens after the Enter's own round through the queues (a slow database): the paste went
    into the carrier field, which the opened batch then set back to its carrier, and it was gone unsaid."""
    place(station, wb(1), "1-1")
    asked, answer = threading.Event(), threading.Event()
    real = returns.open_batch

    def slow(*args: object, **kwargs: object) -> returns.BatchView:
        asked.set()
        assert answer.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(returns, "open_batch", slow)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9", *"JT")
        at = time.monotonic()
        quiet.send_key(app, "enter", at=at)
        send_paste(app, wb(1), at=at)
        await quiet.until(pilot, asked.is_set, what="no batch opened")
        await quiet.until(pilot, lambda: time.monotonic() > at + 0.4)  # the Enter's own answer went through
        answer.set()
        await quiet.until(pilot, lambda: returns.list_batches(station, status="open") != [], what="no batch")
        await quiet.settle(pilot)
        screen = app.screen
        assert screen.query_one("#ret-carrier", Input).value == "JT"
        scan = screen.query_one("#ret-scan", Input)
        assert app.focused is scan and scan.value == wb(1)
