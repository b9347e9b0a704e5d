"""Returns after a close: the screen is ready for the carrier's next batch. The closed batch stays
listed (who signed, what went back), the carrier (its own, shown) has the focus so Enter opens the next
batch, and a scan meanwhile is told to open one first, not sent into the closed batch ("RB000002 is
already closed") nor, the focus lost with the disabled scan field, dropped without a word."""

from __future__ import annotations

import pytest
from station_helpers import recall
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.tui.app import StationApp
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import settle
from tui.test_live_bridge import another_counter
from tui.test_returns_recall_key import open_jt_returns

OPEN_FIRST = "Open the batch first: Enter in Carrier opens the JT batch."


def status(app: StationApp) -> str:
    return str(app.screen.query_one("#ret-status").render())


def two_recalled(station: Station) -> None:
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-2")
    recall(station, wb(1), wb(2))


async def the_next_batch_takes_the_scan(  # type: ignore[no-untyped-def]
    app: StationApp, pilot, station: Station, closed_id: int
) -> None:
    """A scan is refused with how to open a batch, nothing added; Enter in the carrier opens JT's
    next batch, and the scan goes into it."""
    carrier = app.screen.query_one("#ret-carrier", Input)
    assert carrier.has_focus and carrier.value == "JT"
    await quiet.burst(pilot, *wb(2), "enter")
    await settle(pilot)
    assert status(app) == OPEN_FIRST
    assert returns.list_batches(station, status="open") == []
    assert [p.waybill for p in returns.get(station, closed_id).parcels] == [wb(1)]
    assert carrier.has_focus and carrier.value == "JT"  # the scan did not become the carrier
    await pilot.pause(0.5)  # a person's Enter, not the scanner's own right behind its scan (dropped)
    await quiet.press(pilot, "enter")
    await settle(pilot)
    (batch,) = returns.list_batches(station, status="open")
    assert batch.id != closed_id and batch.carrier == "JT"
    await quiet.burst(pilot, *wb(2), "enter")
    await settle(pilot)
    assert [p.waybill for p in returns.get(station, batch.id).parcels] == [wb(2)]
    assert "1 parcel" in status(app)


@pytest.mark.first_mode("shelves")
async def test_after_f8_the_carrier_opens_the_next_batch_and_a_scan_is_told_to_open_one(
    app: StationApp, station: Station
) -> None:
    """The walk: the courier's name typed, F8, the focus stayed in the name; Enter there said "F8
    closes the batch" and the next scan was refused as "already closed". The name is cleared too: F8
    on the next batch closed it in the last courier's name."""
    two_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        await quiet.burst(pilot, *wb(1), "enter")
        await settle(pilot)
        (closing,) = returns.list_batches(station, status="open")
        signer = app.screen.query_one("#ret-signer", Input)
        signer.value = "Wang"
        signer.focus()
        await quiet.yes_to(pilot, "f8")
        await settle(pilot)
        assert "closed" in status(app) and "signed by Wang" in status(app)
        assert returns.get(station, closing.id).status == "closed"
        assert signer.value == ""
        await the_next_batch_takes_the_scan(app, pilot, station, closing.id)


@pytest.mark.first_mode("shelves")
async def test_a_batch_closed_at_another_counter_leaves_the_carrier_ready_for_the_next(
    app: StationApp, station: Station, db_url: str
) -> None:
    """Counter-2 closed the batch while this screen's scan field had the focus: the list, read again,
    showed it closed and disabled the field, which dropped the focus; the next scan went nowhere and
    said nothing, and Enter did nothing."""
    two_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await open_jt_returns(app, pilot)
        await quiet.burst(pilot, *wb(1), "enter")
        await settle(pilot)
        assert app.screen.query_one("#ret-scan", Input).has_focus
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        (closing,) = returns.list_batches(station, status="open")
        returns.close(other, closing.id, "Zhao")
        await quiet.until(pilot, lambda: "signed by Zhao" in status(app), what="the close heard")
        await settle(pilot)
        await the_next_batch_takes_the_scan(app, pilot, station, closing.id)
