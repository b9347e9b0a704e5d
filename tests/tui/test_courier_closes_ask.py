"""A batch handed to a courier closes on a Yes, never on one key: Returns' F8 and Send-out's handover
F10 ask, naming the batch, the carrier and the count (the walk: F4 for the shelf map did nothing over
Returns, and the F8 meant for the stocktake closed the return batch unasked). And the mode's own key on
a screen opened over the mode's first goes back to that first screen."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from textual.widgets import Input

from db.models import HandoverBatch
from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.returns import ReturnsScreen
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.shelves import ShelvesScreen
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import at_sf_handover, until
from tui.shelf_data import wb
from tui.shelves_driver import settle
from tui.test_returns_after_close import status, two_recalled
from tui.test_returns_recall_key import open_jt_returns


def question_of(app: StationApp) -> str:
    screen = app.screen
    assert isinstance(screen, ConfirmDialog)
    return f"{screen.question}\n{screen.body}"


async def jt_batch_with_one_signed(app: StationApp, pilot, station: Station) -> returns.BatchView:  # type: ignore[no-untyped-def]
    await open_jt_returns(app, pilot)
    await quiet.burst(pilot, *wb(1), "enter")
    await settle(pilot)
    (batch,) = returns.list_batches(station, status="open")
    signer = app.screen.query_one("#ret-signer", Input)
    signer.value = "Wang"
    signer.focus()
    return batch


@pytest.mark.first_mode("shelves")
async def test_f8_asks_naming_the_batch_and_no_leaves_it_open(app: StationApp, station: Station) -> None:
    two_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot:
        batch = await jt_batch_with_one_signed(app, pilot, station)
        await quiet.press(pilot, "f8")
        await settle(pilot)
        asked = question_of(app)
        assert batch.number in asked and "1 J&T parcel" in asked and "Wang" in asked
        await quiet.press(pilot, "n")
        await settle(pilot)
        assert isinstance(app.screen, ReturnsScreen)
        assert "Not closed: the batch stays open." in status(app)
        assert returns.get(station, batch.id).status == "open"
        await quiet.press(pilot, "f8")
        await settle(pilot)
        await quiet.press(pilot, "y")
        await settle(pilot)
        assert returns.get(station, batch.id).status == "closed"
        assert "signed by Wang" in status(app)


@pytest.mark.first_mode("shelves")
async def test_f4_over_returns_goes_back_to_the_shelf_map_and_f8_closes_nothing(
    app: StationApp, station: Station
) -> None:
    """The walk: F4 (back to the shelf map), then F8 (stocktake)."""
    two_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot:
        batch = await jt_batch_with_one_signed(app, pilot, station)
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert isinstance(app.screen, ShelvesScreen) and len(app.screen_stack) == 1
        assert returns.get(station, batch.id).status == "open"


@pytest.mark.first_mode("sendout")
async def test_handover_f10_asks_and_f3_goes_back_to_send_out(app: StationApp, station: Station) -> None:
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: courier.view is not None and bool(courier.view.scanned))
        await quiet.settle(pilot)
        batch_id = courier.view.batch_id if courier.view is not None else None
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        assert "1 send goes to the SF courier" in question_of(app)
        await quiet.press(pilot, "n")
        await quiet.settle(pilot)
        with Session(station.engine) as session:
            still = session.get(HandoverBatch, batch_id)
            assert still is not None and still.status == "open"
        assert app.screen is courier
        await quiet.press(pilot, "f3")
        await quiet.settle(pilot)
        assert isinstance(app.screen, SendoutScreen)
