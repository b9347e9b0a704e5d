"""Check-in with a scanner prefix configured: intake is exact, so a whole prefixed scan right after the
clerk's keys is a scan, and those keys stay theirs."""

from __future__ import annotations

from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from tui.checkin_driver import (
    attention,
    parcels,
    scan,
    scan_split,
    settle,
    start,
    status,
    type_phone_at_a_persons_pace,
)
from tui.conftest import PersonPace, sign_in_manager


def prefixed_console(station: Station) -> StationApp:
    """The test console with a scanner that sends `~` before each code (counter.toml's wedge_prefix)."""
    sign_in_manager(station)
    app = StationApp(
        station, CounterSettings(counter="test-counter", wedge_prefix="~"), database_label="SQLite test"
    )
    app.key_bounce.clock = PersonPace()
    return app


async def test_a_prefixed_scan_right_after_a_typed_phone_is_checked_in_and_the_phone_kept(
    station: Station,
) -> None:
    """The next parcel scanned 150 ms after the phone's last key: it carries its prefix, so no key of the
    phone is its head. Without a prefix that last key would be taken back and the scan refused."""
    app = prefixed_console(station)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "~JT0000000000001")
        await settle(app, pilot)
        phone = screen.query_one("#phone", Input)
        assert app.focused is phone
        await type_phone_at_a_persons_pace(pilot, clock, "13800138000")
        assert phone.value == "13800138000"
        await scan(pilot, clock, "~773100000000100", gap=0.146)  # its first key 150 ms after the last
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": "13800138000", "773100000000100": None}
        assert attention(screen) == [] and "Refused this session: 0" in status(screen, "#ci-refused")
        # a burst without the prefix is still no scan
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        assert [i.kind for i in attention(screen)] == ["partial"]
        assert "Refused this session: 1" in status(screen, "#ci-refused")
        assert list(parcels(station)) == ["JT0000000000001", "773100000000100"]


async def test_a_prefixed_scan_soon_after_a_refused_head_is_checked_in(station: Station) -> None:
    """A scan's head whose rest never came is refused; the next parcel scanned 0.6 s later, within
    twice the rejoin window, carries its prefix: it is a whole scan, not the refused head's tail."""
    app = prefixed_console(station)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan_split(pilot, clock, "~JT0000000000001", at=6, hiccup=None)  # the rest never comes
        await scan(pilot, clock, "~773100000000100", gap=0.6)
        await settle(app, pilot)
        assert [i.kind for i in attention(screen)] == ["partial"]  # the head, and only it
        assert "Refused this session: 1" in status(screen, "#ci-refused")
        assert parcels(station) == {"773100000000100": None}
