"""A courier's close with Esc right behind its key (the clerk done, the courier leaving): Send-out's
handover (F10) and a return batch (F8). The close was written, the screen left before its answer came,
and nobody was told what was handed over or what the courier did not collect. Esc waits for the close's
answer, which is said first."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session
from textual.widgets import Input

from db.models import HandoverBatch
from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import at_sf_handover, until
from tui.shelf_data import wb
from tui.shelves_driver import settle
from tui.test_returns_after_close import two_recalled
from tui.test_returns_recall_key import open_jt_returns
from tui.toasts_shown import shown


@pytest.fixture(autouse=True)
def esc_waits_for_the_answer_however_long(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Esc is held until the close's answer, not let go by the hold's 2 s fail-safe: a loaded
    machine's close took longer, the Esc left first and the test waited for an answer never said."""
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", quiet.TIMEOUT)


@pytest.mark.first_mode("sendout")
async def test_esc_right_behind_the_close_waits_for_what_it_handed_over(
    app: StationApp, station: Station
) -> None:
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: courier.view is not None and bool(courier.view.scanned))
        await quiet.settle(pilot)
        batch_id = courier.view.batch_id if courier.view is not None else None
        courier.query_one("#ho-courier", Input).value = "Wang"
        await quiet.asked(pilot, "f10")  # the courier's close asks first
        quiet.send_key(app, "y")
        # Right behind the Yes: the close is on its way as the Esc comes (sent as the question closed),
        # so the Esc waits for its answer, or stays and says so; it never leaves before the answer.
        quiet.send_key(app, "escape")
        said_on_line = ""

        def answered(text: str, **kwargs: Any) -> None:
            nonlocal said_on_line
            said_on_line = text if "Handed over 1 parcel" in text else said_on_line
            say(text, **kwargs)

        say, courier.say = courier.say, answered  # type: ignore[method-assign]

        def told() -> bool:
            toasts = [str(toast.message) for toast in app._notifications]
            return bool(said_on_line) or any("Handed over 1 parcel" in toast for toast in toasts)

        # The close was answered on the handover's line (or in a toast), however long its write took
        # on a loaded machine; the next Esc takes the clerk back.
        await until(pilot, told)
        await quiet.settle(pilot)
        with Session(station.engine) as session:
            closed = session.get(HandoverBatch, batch_id)
            assert closed is not None and closed.status == "closed"
        if app.screen is courier:  # the Esc came as the close was on its way, and said so: again
            await quiet.press(pilot, "escape")
            await quiet.settle(pilot)
        assert isinstance(app.screen, SendoutScreen)


@pytest.mark.first_mode("shelves")
async def test_esc_right_behind_a_return_batchs_close_waits_for_what_went_back(
    app: StationApp, station: Station
) -> None:
    """Returns' F8 with Esc right behind it: the parcels went back to the carrier and the toast saying
    how many (to whom) never came, the screen gone before its answer."""
    two_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        await quiet.burst(pilot, *wb(1), "enter")
        await settle(pilot)
        (closing,) = returns.list_batches(station, status="open")
        returns_screen = app.screen
        signer = returns_screen.query_one("#ret-signer", Input)
        signer.value = "Wang"
        signer.focus()
        await quiet.asked(pilot, "f8")  # the courier's close asks first
        toasts = shown(app)  # kept: on a loaded machine a toast's 5 s may pass before the test looks
        quiet.send_key(app, "y")
        quiet.send_key(app, "escape")  # back to Shelves at once: the close is on its way
        await settle(pilot)
        assert returns.get(station, closing.id).status == "closed"
        assert any("1 parcel returned to" in toast for toast in toasts), toasts
        if app.screen is returns_screen:  # the Esc came as the close was on its way, and said so: again
            await quiet.press(pilot, "escape")
            await settle(pilot)
        assert app.screen is not returns_screen
