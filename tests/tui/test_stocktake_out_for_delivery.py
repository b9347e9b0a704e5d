"""A parcel out with a door runner, found on its shelf at a stocktake: the screen says it is out for
delivery (its run scans it back, not the stocktake), and the close counts it as an extra it neither
checks in again nor takes off its run."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, DataTable, Input

from station_console.services.core.station import Station
from station_console.services.delivery import runs
from station_console.services.exceptions import stocktake
from station_console.services.shelves.search import timeline
from station_console.tui.app import StationApp
from tui import quiet
from tui.door_run import WAYBILLS, a_run_of_three
from tui.shelves_driver import begin_stocktake_typed, settle


@pytest.mark.first_mode("shelves")
async def test_a_parcel_out_with_a_runner_scanned_at_a_stocktake_shows_out_for_delivery(
    app: StationApp, station: Station
) -> None:
    run = a_run_of_three(station)
    out = WAYBILLS[0]  # scanned out to the runner
    layer = timeline(station, out).parcel.location
    assert layer
    async with app.run_test(size=(160, 45)) as pilot:
        await begin_stocktake_typed(app, pilot, layer)
        scan = app.screen.query_one("#st-scan", Input)
        scan.value = out
        await quiet.press(pilot, "enter")
        await settle(pilot)
        items = app.screen.query_one("#st-items", DataTable)
        rows = [[str(cell) for cell in items.get_row_at(row)] for row in range(items.row_count)]
        (found,) = [row for row in rows if out in row]
        assert found[0] == "extra" and found[4] == "out for delivery", found
        counts = str(app.screen.query_one("#st-counts").render())
        assert "extra 1" in counts and "match 0" in counts, counts
        await quiet.press(pilot, "f8")
        await settle(pilot)
        offered = [str(box.label) for box in app.screen.query(Checkbox)]
        assert not any("not on record" in text for text in offered), offered  # not checked in again
        await quiet.press(pilot, "enter")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
    assert any("0 checked in" in text for text in said), said
    closed = stocktake.view(station, 1)
    assert closed.status == "closed" and closed.counts["extra"] == 1
    (extra,) = closed.result["extra"]
    assert (extra["waybill"], extra["out_on_run"]) == (out, run.id)
    assert closed.result["fixes"]["rechecked"] == [] and closed.result["matched"] == []
    assert [s.status for s in runs.view(station, run.id).stops if s.waybill == out] == ["out"]
