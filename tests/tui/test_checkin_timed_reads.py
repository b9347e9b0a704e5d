"""Check-in's timed re-reads (its label states, other counters' couriers): while the clerk works in
another mode nobody sees them, so they wait, and run as Check-in comes back."""

from __future__ import annotations

import pytest

from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from tui import quiet


async def test_the_timed_rereads_wait_while_another_mode_is_shown(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Check-in re-reads its label states and other counters' couriers every few seconds, each a query
    of the shared database. While the clerk works in another mode nobody sees them: the ticks are
    skipped, and a skipped read is done as Check-in comes back."""
    monkeypatch.setattr(CheckinScreen, "BATCHES_EVERY", 0.3)
    started = quiet.workers_started(monkeypatch, of=CheckinScreen)
    async with app.run_test(size=(140, 44)) as pilot:
        await quiet.settle(pilot)
        checkin = app.screen
        assert isinstance(checkin, CheckinScreen)
        await quiet.until(pilot, lambda: started["courier-batch-read"] >= 2, what="a timed re-read in view")
        await quiet.press(pilot, "f4")
        started.clear()
        await quiet.until(
            pilot,
            lambda: started["courier-batch-read"] or getattr(checkin, "_skipped_reads", None),
            what="a tick while Shelves is shown",
        )
        assert started["courier-batch-read"] == 0  # the tick came, and read nothing
        await quiet.press(pilot, "f1")
        assert started["courier-batch-read"] >= 1 and checkin._skipped_reads == []  # read on coming back
