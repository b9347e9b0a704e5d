"""Check-in's big code when the scans outrun the writer (a busy database): a parcel's code that lands
after the clerk scanned the next one stays readable over that next scan's refusal, and while the next
scan is written the last code is named as an earlier parcel's, not the one in hand. At 80x24 with
three items needing attention the parcel list is off screen: the box is where the code is read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Static

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from tui import quiet
from tui.checkin_driver import KeyClock, attention, parcels, scan, settle, start, status
from tui.drawn_text import reads_whole
from tui.test_checkin_message_line import HeldWriter, big_code, message, scan_on

# The writer's check-in refuses it (no carrier takes it), after the scans before it were written.
GARBAGE = "ABCDEFGH"


@pytest.fixture
def writer(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldWriter]:
    held = HeldWriter(monkeypatch)
    yield held
    held.release.set()  # a failed test leaves no writer thread waiting


async def three_needing_attention(
    app: StationApp, pilot: object, screen: CheckinScreen, clock: KeyClock
) -> None:
    for code in ("ABCDEFG1", "ABCDEFG2", "ABCDEFG3"):
        await scan(pilot, clock, code)
        await settle(app, pilot)
    assert len(attention(screen)) == 3


def whose(app: StationApp, screen: CheckinScreen) -> str:
    return reads_whole(app, screen.query_one("#ci-whose", Static))


async def test_a_code_landing_after_the_next_scan_stays_up_over_that_scans_refusal_at_80x24(
    app: StationApp, station: Station, writer: HeldWriter
) -> None:
    """A written slowly, then a garbage scan B refused once A landed: A's code, "Earlier parcel" and
    its "checked in" line gave way to B's refusal at once, and with the list off screen a clerk with
    no printer never read A's code. It stays, named as the earlier parcel's, B's refusal beside it and
    A's line below that, until the clerk's next scan."""
    async with app.run_test(size=(80, 24)) as pilot:
        screen, clock = await start(app, pilot)
        writer.release.set()
        await three_needing_attention(app, pilot, screen, clock)
        writer.release.clear()
        writer.asked.clear()
        await scan_on(pilot, clock, "JT0000000000001")
        await quiet.until(pilot, writer.asked.is_set, what="the scan written")
        await scan_on(pilot, clock, GARBAGE)
        assert len(attention(screen)) == 3  # refused by the writer, behind the first: not yet
        writer.release.set()
        await settle(app, pilot)
        assert len(attention(screen)) == 4 and GARBAGE in attention(screen)[0].text
        code = screen.results[-1].pickup_code
        assert big_code(screen) == code.upper()
        assert code in reads_whole(app, screen.query_one("#ci-where", Static))
        assert whose(app, screen) == "Earlier parcel: J&T…0001"
        assert screen.query_one("#ci-big").has_class("-earlier")
        said = status(screen, "#ci-message")
        assert said.startswith(GARBAGE) and "\nJ&T JT0000000000001 checked in." in said, said
        assert message(screen).has_class("-error")
        # The clerk scans on: that code was read, and the next refusal leaves no code up.
        await scan(pilot, clock, "ABCDEFGI")
        await settle(app, pilot)
        assert big_code(screen) == "" and status(screen, "#ci-where") == "No code: this scan was refused."
    assert list(parcels(station)) == ["JT0000000000001"]


@pytest.mark.parametrize("then", ["JT0000000000002", GARBAGE])
async def test_the_last_code_is_named_an_earlier_parcels_while_the_next_scan_is_written_at_80x24(
    app: StationApp, station: Station, writer: HeldWriter, then: str
) -> None:
    """A checked in, then B scanned and written slowly: A's code stayed up as "Waybill: J&T…0001", the
    parcel in hand's own style, though the clerk holds B. It is named as the earlier parcel's until
    B's answer: B's code, or B's refusal, which leaves no code (A's was read before B was scanned)."""
    async with app.run_test(size=(80, 24)) as pilot:
        screen, clock = await start(app, pilot)
        writer.release.set()
        await three_needing_attention(app, pilot, screen, clock)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        first = screen.results[-1].pickup_code
        assert whose(app, screen) == "Waybill: J&T…0001"
        assert not screen.query_one("#ci-big").has_class("-earlier")
        writer.release.clear()
        writer.asked.clear()
        await scan_on(pilot, clock, then)
        await quiet.until(pilot, writer.asked.is_set, what="the scan written")
        assert big_code(screen) == first.upper()
        assert whose(app, screen) == "Earlier parcel: J&T…0001"
        assert screen.query_one("#ci-big").has_class("-earlier")
        writer.release.set()
        await settle(app, pilot)
        if then == GARBAGE:
            assert big_code(screen) == "" and status(screen, "#ci-where") == "No code: this scan was refused."
        else:
            assert big_code(screen) == screen.results[-1].pickup_code.upper() != first.upper()
            assert whose(app, screen) == "Waybill: J&T…0002"
            assert not screen.query_one("#ci-big").has_class("-earlier")
