"""A person's keys (`SF14` typed at a person's pace), Esc, then a scan 30 ms later: the Esc is the
clerk's own act between them, so the typed keys are no head of the scan. It was refused as arrived in
pieces, with nothing said of `SF14`."""

from __future__ import annotations

from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui.checkin_driver import attention, parcels, scan, send_keys, settle, start, type_slowly


async def test_typed_keys_then_esc_then_a_scan_checks_the_scan_in_alone(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await type_slowly(pilot, clock, *"SF14")
        await send_keys(pilot, "escape")
        await scan(pilot, clock, "773100000000100", gap=0.03)
        await settle(app, pilot)
        assert parcels(station) == {"773100000000100": None}  # the scan alone, never joined to SF14
        said = [(i.kind, i.text) for i in attention(screen)]
        assert said == [("typed", "Scan field held SF14: cleared for the scan.")], said
        assert screen.query_one("#scan", Input).value == ""
