"""What the Check-in screen looks like after a few parcels (pytest-textual-snapshot), driven by keys:
scans as the scanner sends them, phones typed, the batch chosen with F7."""

from __future__ import annotations

from typing import Any

from station_console.services.scan.carriers import get_detector
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_dialogs import carrier_choices
from tui import quiet
from tui.checkin_driver import scan, settle, start, type_slowly


def test_checkin_screen_after_a_few_parcels(snap_compare: Any, app: StationApp) -> None:
    """A person should see: the status line (batch ZTO, quick mode off, 1 parcel without a phone, 1 scan
    refused this session, in red); under it "No courier batch: F10 opens one for the courier's bag"; the
    scan field, "Phone (scan first)" (the last scan was refused) and the size field; no big code, its box
    in a heavy red border saying "No code: this scan was refused." and naming no parcel (the last good check-in's code is in
    the table, not where this parcel's would be); a red message box saying the SF
    number contradicts the ZTO batch, with "Ctrl+Y: use SF · Ctrl+B: keep ZTO"; the "Needs attention: 1"
    line with that question in it; and the table of three check-ins, newest first, with code, location,
    carrier, waybill, masked phone (****5678, 138****5678, -) and label status."""

    async def run_before(pilot: Any) -> None:
        app = pilot.app
        screen, clock = await start(app, pilot)
        for raw, typed in (
            ("JT0000000000001", ""),
            ("JT0000000000002", "13812345678"),
            ("73123456789012", "5678"),
        ):
            await scan(pilot, clock, raw)  # the scanner's keys, then Enter
            await settle(app, pilot)
            if typed:  # the clerk types the phone of the parcel just shown, then Enter
                await type_slowly(pilot, clock, *typed, "enter")
                await settle(app, pilot)
        choices = [code for code, _name in carrier_choices(get_detector(app.station))]
        await quiet.press(pilot, "f7")  # receiving ZTO's bag
        await quiet.press(pilot, *["down"] * (choices.index("ZTO") + 1), "enter")
        assert screen.batch_carrier == "ZTO"
        await scan(pilot, clock, "SF1234567890123")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(140, 36), run_before=run_before)
