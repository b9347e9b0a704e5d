"""Door delivery runs for the Door delivery screen's tests: a run of three stops, one out with the runner,
one on the sheet, one back not delivered, so the stops table shows its widest status words; two runs
to choose between; the screen opened and a run chosen by keys."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs, scan_back
from station_console.tui.app import StationApp
from tui import quiet
from tui.recipients_driver import people, text_of, until

WAYBILLS = ("JT0000000000001", "JT0000000000002", "SF1234567890123")
FIRST, SECOND, THIRD = "JT0000000000001", "JT0000000000002", "JT0000000000003"
HELD = ("run",)  # a held call's worker, left running while the clerk goes on


def a_run_of_three(station: Station, runner: str = "派送员小王") -> runs.RunView:
    """The directory's three people, a parcel each, asked at the door and planned on one run."""
    ids = people(station)
    for waybill, person in zip(WAYBILLS, ids.values(), strict=True):
        check_in(station, waybill, recipient_id=person)
        requests.request(station, waybill)
    run = runs.plan(station, runner)
    runs.scan_out(station, run.id, WAYBILLS[0])
    runs.scan_out(station, run.id, WAYBILLS[2])
    scan_back.fail(station, run.id, WAYBILLS[2], reason="not_home")
    return run


def two_runs(station: Station, *, first_out: bool) -> tuple[runs.RunView, runs.RunView]:
    """Run 1 with 张三's and 李四's parcels (张三's out with the runner if `first_out`), then run 2 with
    the third person's: the screen opens on run 2, the newest."""
    ids = list(people(station).values())
    for waybill, person in zip((FIRST, SECOND, THIRD), ids, strict=True):
        check_in(station, waybill, recipient_id=person)
    requests.request(station, FIRST)
    requests.request(station, SECOND)
    first = runs.plan(station, "小刘")
    if first_out:
        runs.scan_out(station, first.id, FIRST)
    requests.request(station, THIRD)
    return first, runs.plan(station, "小王")


async def open_delivery(app: StationApp, pilot: Any) -> None:
    await quiet.press(pilot, "f4")
    await quiet.settle(pilot)
    await quiet.press(pilot, "ctrl+d")
    await until(pilot, lambda: "Waiting for a run" in text_of(app, "#dl-summary"))


async def choose_run(app: StationApp, pilot: Any, run: runs.RunView) -> None:
    """The clerk moves the runs' cursor to `run` (up or down), as a person does."""
    table = app.screen.query_one("#dl-runs", DataTable)
    table.focus()
    row = table.get_row_index(str(run.id))
    key = "down" if row > table.cursor_row else "up"
    while table.cursor_row != row:
        await quiet.press(pilot, key, leave_running=HELD)
    await until(pilot, lambda: app.screen.run_id == run.id)  # type: ignore[attr-defined]
    shown = {stop.waybill for stop in run.stops}
    await until(pilot, lambda: {stop.waybill for stop in app.screen.stops} == shown)  # type: ignore[attr-defined]
