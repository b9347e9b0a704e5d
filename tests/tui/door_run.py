"""A door delivery run of three stops for the Door delivery screen's tests: one out with the runner, one
on the sheet, one back not delivered, so the stops table shows its widest status words."""

from __future__ import annotations

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs
from tui.recipients_driver import people

WAYBILLS = ("JT0000000000001", "JT0000000000002", "SF1234567890123")


def a_run_of_three(station: Station, runner: str = "派送员小王") -> runs.RunView:
    """The directory's three people, a parcel each, asked at the door and planned on one run."""
    ids = people(station)
    for waybill, person in zip(WAYBILLS, ids.values(), strict=True):
        check_in(station, waybill, recipient_id=person)
        requests.request(station, waybill)
    run = runs.plan(station, runner)
    runs.scan_out(station, run.id, WAYBILLS[0])
    runs.scan_out(station, run.id, WAYBILLS[2])
    runs.fail(station, run.id, WAYBILLS[2], reason="not_home")
    return run
