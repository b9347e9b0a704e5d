"""What the Check-in screen looks like after a few parcels (pytest-textual-snapshot)."""

from __future__ import annotations

from typing import Any

from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen


def test_checkin_screen_after_a_few_parcels(snap_compare: Any, app: StationApp) -> None:
    """A person should see: the status line (batch ZTO, quick mode off, 1 parcel without a phone, 1 scan
    refused this session, in red); under it "No courier batch: F10 opens one for the courier's bag"; the
    scan field, "Phone (scan first)" (the last scan was refused) and the size field; the last good
    check-in's pickup code in large digits with "shelf · layer" under it; a red message box saying the SF
    number contradicts the ZTO batch, with "Ctrl+Y: use SF · Ctrl+B: keep ZTO"; the "Needs attention: 1"
    line with that question in it; and the table of three check-ins, newest first, with code, location,
    carrier, waybill, masked phone (****5678, 138****5678, -) and label status."""

    async def run_before(pilot: Any) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, CheckinScreen)
        for raw, typed in (
            ("JT0000000000001", ""),
            ("JT0000000000002", "13812345678"),
            ("73123456789012", "5678"),
        ):
            screen.submit(raw)
            await pilot.app.workers.wait_for_complete()
            if typed:
                screen.query_one("#phone").value = typed
                await pilot.press("enter")
                await pilot.app.workers.wait_for_complete()
        screen.batch_carrier = "ZTO"
        screen.submit("SF1234567890123")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(140, 36), run_before=run_before)
