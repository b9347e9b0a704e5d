"""The Returns screen and a batch shared with another counter: F8 closes only the parcels listed (a batch
changed at the other counter since is refused, the refusal said over the list read again), and the list
is read again as the screen comes back on top and as the live view hears the other counter."""

from __future__ import annotations

import pytest
from station_helpers import recall
from textual.widgets import DataTable, Input

from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.tui import error_toasts
from station_console.tui.app import StationApp
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import settle
from tui.test_live_bridge import another_counter
from tui.test_returns_recall_key import open_jt_returns


def rows(app: StationApp) -> list[str]:
    table = app.screen.query_one("#ret-items", DataTable)
    return sorted(str(key.value) for key in table.rows)


def status(app: StationApp) -> str:
    return str(app.screen.query_one("#ret-status").render())


def three_recalled(station: Station) -> None:
    for n, location in ((1, "1-1"), (2, "1-2"), (3, "1-3")):
        place(station, wb(n), location)
    recall(station, wb(1), wb(2), wb(3))


@pytest.mark.first_mode("shelves")
async def test_f8_on_a_batch_another_counter_added_to_is_refused_and_the_list_read_again(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk: this console listed JT's batch with one parcel, counter-2's Overdue F9 put two more in,
    and F8 returned all three under "1 parcel". Now F8 is refused saying how many it holds, nothing is
    returned, and the list shows the three; F8 again closes them."""
    monkeypatch.setattr(LiveBridge, "start", lambda self: None)  # the list as the walk saw it: not heard
    three_recalled(station)
    async with (
        app.run_test(size=(160, 45), notifications=True) as pilot,
        another_counter(station, db_url) as other,
    ):
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, *wb(1), "enter")
        await settle(pilot)
        assert rows(app) == [wb(1)]
        (batch,) = returns.list_batches(station, status="open")
        returns.open_batch_with(other, "JT", [wb(2), wb(3)])
        app.screen.query_one("#ret-signer", Input).value = "Wang Wei"
        await quiet.yes_to(pilot, "f8")
        await settle(pilot)
        said = status(app)
        assert f"{batch.number} now holds 3 parcels, not the 1 listed" in said, said
        assert "check the list and close again" in said
        assert rows(app) == [wb(1), wb(2), wb(3)]  # the list read again, under the refusal
        assert returns.get(station, batch.id).status == "open"
        assert all(p.status == "on_shelf" for p in returns.get(station, batch.id).parcels)
        await quiet.yes_to(pilot, "f8")
        await settle(pilot)
        closed = returns.get(station, batch.id)
        assert (closed.status, closed.count, closed.signed_by_name) == ("closed", 3, "Wang Wei")
        assert any("3 parcels returned to" in str(n.message) for n in app._notifications)


@pytest.mark.first_mode("shelves")
async def test_the_list_is_read_again_when_the_screen_comes_back_on_top(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LiveBridge, "start", lambda self: None)  # only the screen's own reads
    three_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, *wb(1), "enter")
        await settle(pilot)
        await quiet.press(pilot, "f10")  # the recall form over the screen; Esc brings it back on top
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await quiet.press(pilot, "escape")
        await settle(pilot)
        assert rows(app) == [wb(1)]
        assert "Not returned: no parcel was recalled." in status(app)  # the batch unchanged: it stays
        returns.open_batch_with(other, "JT", [wb(2)])
        await pilot.pause(0.3)
        assert rows(app) == [wb(1)]  # no reading every second
        await quiet.press(pilot, "f10")
        await settle(pilot)
        await quiet.press(pilot, "escape")
        await settle(pilot)
        assert rows(app) == [wb(1), wb(2)]
        assert "2 parcels" in status(app)
        returns.open_batch_with(other, "JT", [wb(3)])
        await quiet.press(pilot, "f2")  # to Pickup and back to Shelves: Returns on top again
        await settle(pilot)
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert rows(app) == [wb(1), wb(2), wb(3)]


@pytest.mark.first_mode("shelves")
async def test_the_live_view_reads_the_list_again_when_another_counter_adds(
    app: StationApp, station: Station, db_url: str
) -> None:
    three_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, *wb(1), "enter")
        await settle(pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        returns.open_batch_with(other, "JT", [wb(2), wb(3)])
        await quiet.until(
            pilot, lambda: rows(app) == [wb(1), wb(2), wb(3)], what="counter-2's parcels listed"
        )
        assert "3 parcels" in status(app)


@pytest.mark.first_mode("shelves")
async def test_esc_right_behind_a_refused_close_leaves_the_refusal_to_read(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc right behind F8's Yes (the courier signed, leaving), the close refused at once (another
    counter put a parcel in): the Esc held behind the Yes went as soon as the refusal's line was
    written, and Returns with it, "Nothing was closed" said to nobody while the courier left without
    the parcels. The refusal is there to read in a toast, up until read, whichever way the Esc goes."""
    monkeypatch.setattr(LiveBridge, "start", lambda self: None)
    three_recalled(station)
    async with (
        app.run_test(size=(160, 45), notifications=True) as pilot,
        another_counter(station, db_url) as other,
    ):
        await open_jt_returns(app, pilot)
        await quiet.press(pilot, *wb(1), "enter")
        await settle(pilot)
        (batch,) = returns.list_batches(station, status="open")
        returns.open_batch_with(other, "JT", [wb(2)])
        screen = app.screen
        screen.query_one("#ret-signer", Input).value = "Wang Wei"
        await quiet.asked(pilot, "f8")
        quiet.send_key(app, "y")
        quiet.send_key(app, "escape")
        # The Esc goes as soon as the refusal is on the screen's line, and Returns with it: the line
        # may be gone before a poll reads it, the toast is what stays.
        await quiet.until(
            pilot,
            lambda: any("not the 1 listed" in str(t.message) for t in app._notifications),
            what="the refusal's toast",
        )
        await quiet.settle(pilot)
        assert returns.get(station, batch.id).status == "open"
        refused = [t for t in app._notifications if "Nothing was closed" in str(t.message)]
        assert [(t.severity, t.timeout) for t in refused] == [("error", error_toasts.UP_TO_S)], refused
        assert app.screen is not screen, "the Esc behind the Yes was lost, not given once the refusal came"
