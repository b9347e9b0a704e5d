"""The big code after a refused scan: it showed the last parcel's code beside the red refusal, and a
hurried clerk wrote it on the parcel in hand. Every refusal empties it and says there is no code; a
double read of the parcel just checked in keeps it (that code is the parcel's)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Digits, Static

from station_console.errors import DatabaseUnavailable
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin_writer
from station_console.tui.screens.checkin import CheckinScreen
from tui import checkin_driver

FIRST, NEXT, EARLIER = "JT0000000000007", "JT0000000000008", "JT0000000000009"


def big(screen: CheckinScreen) -> tuple[str, str]:
    return screen.query_one("#ci-code", Digits).value, str(screen.query_one("#ci-where", Static).render())


@pytest.mark.parametrize("kind", ["not_a_waybill", "duplicate", "database", "partial"])
async def test_a_refused_scan_leaves_no_code_to_read_as_its_own(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    check_in(station, EARLIER)  # on the shelf since before: scanned again, a duplicate
    real = checkin_writer.check_in

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        if args[1] == NEXT:
            raise DatabaseUnavailable("The database server cannot be reached.", code="database_unreachable")
        return real(*args, **kwargs)

    monkeypatch.setattr(checkin_writer, "check_in", unreachable)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, clock = await checkin_driver.start(app, pilot)
        await checkin_driver.scan(pilot, clock, FIRST)
        await checkin_driver.settle(app, pilot)
        code, where = big(screen)
        first = screen.results[-1].pickup_code
        assert code == first and first in where
        if kind == "partial":
            await checkin_driver.scan_split(pilot, clock, NEXT, at=6, hiccup=0.3)
        else:
            refused = {"not_a_waybill": "ABCDEFGH", "duplicate": EARLIER, "database": NEXT}[kind]
            await checkin_driver.scan(pilot, clock, refused)
        await checkin_driver.settle(app, pilot)
        assert checkin_driver.attention(screen), "the scan was refused"
        assert big(screen) == ("", "No code: this scan was refused.")
        assert str(screen.query_one("#ci-whose", Static).render()) == ""  # no parcel named either
        assert screen.query_one("#ci-big").has_class("-refused")
        await checkin_driver.scan(pilot, clock, "JT0000000000010")  # the next parcel checks in
        await checkin_driver.settle(app, pilot)
        code, where = big(screen)
        assert code == screen.results[-1].pickup_code != first and "refused" not in where
        assert not screen.query_one("#ci-big").has_class("-refused")
        assert str(screen.query_one("#ci-whose", Static).render()) == "Waybill: J&T…0010"


async def test_a_double_read_keeps_the_code_of_the_parcel_it_read(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen, clock = await checkin_driver.start(app, pilot)
        await checkin_driver.scan(pilot, clock, FIRST)
        await checkin_driver.settle(app, pilot)
        shown = big(screen)
        await checkin_driver.scan(pilot, clock, FIRST)  # the scanner read it twice
        await checkin_driver.settle(app, pilot)
        assert big(screen) == shown and shown[0] == screen.results[-1].pickup_code
