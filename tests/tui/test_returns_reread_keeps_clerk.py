"""The Returns list read again while the clerk works (the live view hearing another counter): the parcel
highlighted stays highlighted, so F9 and F10 take the one the clerk chose, and a carrier half typed for
the next batch stays as typed."""

from __future__ import annotations

from typing import Any

import pytest
from station_helpers import recall
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input

from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.tui.app import StationApp
from station_console.tui.screens.returns import ReturnsScreen
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import settle
from tui.test_live_bridge import another_counter
from tui.test_returns_recall_key import open_jt_returns
from tui.test_returns_shared_batch import rows, three_recalled


def highlighted(app: StationApp) -> str:
    table = app.screen.query_one("#ret-items", DataTable)
    return str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)


async def jt_batch_of_three(app: StationApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await open_jt_returns(app, pilot)
    for n in (1, 2, 3):
        await quiet.press(pilot, *wb(n), "enter")
        await settle(pilot)
    assert rows(app) == [wb(1), wb(2), wb(3)]
    await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")


@pytest.mark.first_mode("shelves")
async def test_f9_after_another_counter_added_takes_out_the_parcel_still_highlighted(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The list read again cleared the table, its cursor back on the first row: F9 then took out a
    parcel the clerk had not chosen."""
    three_recalled(station)
    place(station, wb(4), "1-4")
    recall(station, wb(4))
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await jt_batch_of_three(app, pilot)
        app.screen.query_one("#ret-items", DataTable).focus()
        await quiet.press(pilot, "down")
        assert highlighted(app) == wb(2)
        returns.open_batch_with(other, "JT", [wb(4)])
        await quiet.until(pilot, lambda: len(rows(app)) == 4, what="counter-2's parcel listed")
        assert highlighted(app) == wb(2)
        await quiet.press(pilot, "f9")
        await settle(pilot)
        assert rows(app) == [wb(1), wb(3), wb(4)]


@pytest.mark.first_mode("shelves")
async def test_a_carrier_half_typed_stays_as_the_list_is_read_again(
    app: StationApp, station: Station, db_url: str
) -> None:
    three_recalled(station)
    place(station, wb(4), "1-4")
    recall(station, wb(4))
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await jt_batch_of_three(app, pilot)
        carrier = app.screen.query_one("#ret-carrier", Input)
        carrier.focus()
        carrier.value = ""
        await quiet.press(pilot, "Y", "T")
        returns.open_batch_with(other, "JT", [wb(4)])
        await quiet.until(pilot, lambda: len(rows(app)) == 4, what="counter-2's parcel listed")
        await quiet.press(pilot, "O")
        assert (carrier.value, carrier.has_focus) == ("YTO", True)


@pytest.mark.first_mode("shelves")
async def test_a_close_at_another_counter_leaves_the_courier_name_being_typed_where_it_is(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The list read again showed the batch closed and sent the focus to Carrier mid-name: the rest of
    the courier's name went into the carrier (Enter then opened a batch for no carrier)."""
    three_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await jt_batch_of_three(app, pilot)
        signer = app.screen.query_one("#ret-signer", Input)
        signer.focus()
        await quiet.press(pilot, *"Wan")
        (batch,) = returns.list_batches(station, status="open")
        returns.close(other, batch.id, "Li")
        await quiet.until(
            pilot, lambda: app.screen.query_one("#ret-scan", Input).disabled, what="the batch shown closed"
        )
        await quiet.press(pilot, *"g")
        carrier = app.screen.query_one("#ret-carrier", Input)
        assert (signer.value, signer.has_focus, carrier.value) == ("Wang", True, "JT")


@pytest.mark.first_mode("shelves")
async def test_a_close_at_another_counter_while_scanning_gives_the_carrier_the_focus(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan field, disabled, drops the focus: the carrier takes it, its Enter opens the next batch.
    It took it only a turn of the app's loop later (a deferred `focus()`): keys meanwhile went to no
    field. The screen's focus is what keys follow; a field's `has_focus` follows it once the field has
    handled its Focus event, so it is looked at once the console is quiet."""
    focused_as_shown: list[str | None] = []
    show = ReturnsScreen.show

    def show_and_look(screen: ReturnsScreen, *args: Any, **kwargs: Any) -> None:
        show(screen, *args, **kwargs)
        focused_as_shown.append(None if screen.focused is None else screen.focused.id)

    three_recalled(station)
    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await jt_batch_of_three(app, pilot)
        assert app.screen.query_one("#ret-scan", Input).has_focus
        monkeypatch.setattr(ReturnsScreen, "show", show_and_look)
        (batch,) = returns.list_batches(station, status="open")
        returns.close(other, batch.id, "Li")
        await quiet.until(
            pilot, lambda: app.screen.query_one("#ret-scan", Input).disabled, what="the batch shown closed"
        )
        assert focused_as_shown == ["ret-carrier"]  # as the batch is shown closed, not a turn later
        await settle(pilot)
        assert app.screen.query_one("#ret-carrier", Input).has_focus  # and nothing took it since
