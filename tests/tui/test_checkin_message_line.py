"""Check-in's message line: a refusal said while an earlier scan is still being written (the clerk scans
on) stays first over that scan's answer, said below it, until the clerk's next key or scan; the big
code shows the parcel the answer names, and names it ("Earlier parcel: J&T…0001"). The answer
replaced the refusal before it was read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Digits, Static

from hardware.scanners.base import ScanEvent
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin_writer
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.checkin_state import MESSAGE_BOX_HEIGHT
from tui import quiet
from tui.checkin_driver import KeyClock, attention, parcels, scan, send_keys, settle, start, status
from tui.drawn_text import reads_whole
from tui.test_chinese_line_breaks import shown_lines

WRITER = ("_run",)  # the check-in writer's jobs, left running while one is held


class HeldWriter:
    """The writer's first check-in waits until the test lets it go (a busy database)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked, self.release = threading.Event(), threading.Event()
        real = checkin_writer.check_in

        def held(*args: Any, **kwargs: Any) -> Any:
            self.asked.set()
            assert self.release.wait(quiet.TIMEOUT)
            return real(*args, **kwargs)

        monkeypatch.setattr(checkin_writer, "check_in", held)


@pytest.fixture
def writer(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldWriter]:
    held = HeldWriter(monkeypatch)
    yield held
    held.release.set()  # a failed test leaves no writer thread waiting


async def scan_on(pilot: Any, clock: KeyClock, code: str) -> None:
    """A scan while the writer is held: its keys handled, the writer's job left waiting."""
    clock.t += 0.6
    clock.scanner()
    await send_keys(pilot, *code, "enter", settle=False)
    await quiet.settle(pilot, routers=False, leave_running=WRITER)


def message(screen: CheckinScreen) -> Static:
    return screen.query_one("#ci-message", Static)


def big_code(screen: CheckinScreen) -> str:
    return str(screen.query_one("#ci-code", Digits).value)


def squashed(text: str) -> str:
    return "".join(text.split())


# The answer below the refusal says labels wait for a printer too: wide, both fit the usual box; on a
# small console the box grows for them, as far as the parcel list leaves it room. At 80x24 check-in's
# keys take two footer rows and the list leaves none: the answer's first line shows below the refusal.
@pytest.mark.parametrize(("size", "grows"), [((140, 44), False), ((80, 24), False), ((80, 25), True)])
async def test_a_garbage_scan_refused_while_the_last_one_is_written_stays_first_over_its_answer(
    app: StationApp, station: Station, writer: HeldWriter, size: tuple[int, int], grows: bool
) -> None:
    async with app.run_test(size=size) as pilot:
        screen, clock = await start(app, pilot)
        await scan_on(pilot, clock, "JT0000000000001")
        await quiet.until(pilot, writer.asked.is_set, what="the scan written")
        await scan_on(pilot, clock, "123")  # a short barcode off the box: refused at once
        refusal = status(screen, "#ci-message")
        assert "too short" in refusal
        writer.release.set()
        await settle(app, pilot)
        said = status(screen, "#ci-message")
        assert said.startswith(f"{refusal}\nJ&T JT0000000000001 checked in."), said
        assert message(screen).has_class("-error")
        code = screen.results[-1].pickup_code
        assert big_code(screen) == code.upper() and code in status(screen, "#ci-where")
        # The box names whose code it is, the parcel scanned before the refused one (the clerk holds
        # that one): a code beside a refusal without a name was read as the refused parcel's.
        assert status(screen, "#ci-whose") == "Earlier parcel: J&T…0001"
        assert screen.query_one("#ci-big").has_class("-earlier")
        # On screen: the refusal whole, the answer right below it.
        lines = shown_lines(app, message(screen))
        assert squashed("".join(lines)).startswith(squashed(f"{refusal}\nJ&T JT0000000000001 checked in.")), (
            lines
        )
        assert (screen.query_one("#ci-last").outer_size.height > MESSAGE_BOX_HEIGHT) is grows
        # The clerk scans on: the next answer takes the line.
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        assert status(screen, "#ci-message").startswith("J&T JT0000000000002 checked in.")
        assert not message(screen).has_class("-error")
        assert status(screen, "#ci-whose") == "Waybill: J&T…0002"  # the parcel in hand's own
        assert not screen.query_one("#ci-big").has_class("-earlier")
    assert list(parcels(station)) == ["JT0000000000001", "JT0000000000002"]


async def test_a_duplicate_refused_between_two_good_scans_stays_first_over_the_next_ones_answer(
    app: StationApp, station: Station, writer: HeldWriter
) -> None:
    """A hurried clerk: the first, a parcel already on the shelf, and the next, scanned before any
    answer. The duplicate's refusal was replaced by the next one's answer as it landed."""
    writer.release.set()
    check_in(station, "JT0000000000009")  # on the shelf already
    writer.release.clear()
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        for code in ("JT0000000000001", "JT0000000000009", "JT0000000000002"):
            await scan_on(pilot, clock, code)
        writer.release.set()
        await settle(app, pilot)
        said = status(screen, "#ci-message")
        assert said.startswith("JT0000000000009") and "Ctrl+Y: reprint its label" in said, said
        assert "\nJ&T JT0000000000002 checked in." in said, said
        assert message(screen).has_class("-error")
        assert big_code(screen) == screen.results[-1].pickup_code.upper()
        assert screen.results[-1].waybill == "JT0000000000002"
        assert status(screen, "#ci-whose") == "Waybill: J&T…0002"  # the last scan's: in hand
        assert [i.kind for i in attention(screen)] == ["duplicate"]


async def test_a_device_scan_after_a_refusal_says_its_answer_in_its_place(
    app: StationApp, station: Station
) -> None:
    """A device scanner presses no key: its scan is the clerk's next act all the same."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "123")
        await settle(app, pilot)
        assert "too short" in status(screen, "#ci-message")
        app.scanner_bridge.deliver(ScanEvent("JT0000000000001", "hid:test", "hid"))
        await settle(app, pilot)
        assert status(screen, "#ci-message").startswith("J&T JT0000000000001 checked in.")
        assert not message(screen).has_class("-error")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_big_codes_parcel_reads_whole_under_it_beside_a_refusal(
    app: StationApp, station: Station, writer: HeldWriter, lang: str, size: tuple[int, int]
) -> None:
    """The line under a late code naming the earlier parcel is drawn whole in its half of the screen,
    in either language, at the smallest console and the usual one."""
    set_language(lang)
    async with app.run_test(size=size) as pilot:
        screen, clock = await start(app, pilot)
        await scan_on(pilot, clock, "JT0000000000001")
        await quiet.until(pilot, writer.asked.is_set, what="the scan written")
        await scan_on(pilot, clock, "123")
        writer.release.set()
        await settle(app, pilot)
        whose = reads_whole(app, screen.query_one("#ci-whose", Static))
        assert whose == {"en": "Earlier parcel: J&T…0001", "zh": "之前的包裹：J&T…0001"}[lang]
        reads_whole(app, screen.query_one("#ci-where", Static))


def test_a_long_carrier_name_and_the_waybill_end_are_parted_by_one_ellipsis(station: Station) -> None:
    """A carrier's label name is up to 16 characters: cut to fit the big code's line, its "…" stood
    beside the one before the waybill's end ("Cainiao……0001"), read as two parts left out."""
    from station_console.tui.parcel_names import parcel_end

    result = check_in(station, "JT0000000000001")
    assert parcel_end(result.carrier_name, result.waybill) == "J&T…0001"
    assert parcel_end("Cainiao Post", result.waybill) == "Cainiao…0001"
    assert parcel_end("Cainiao!", result.waybill) == "Cainiao!…0001"  # 8: whole


def test_a_chinese_carrier_name_is_cut_to_the_same_columns(station: Station) -> None:
    """A Chinese character takes two columns: a Chinese carrier's name is cut by columns, so it
    fits the big code's line as a Latin one does ("顺丰速…0001", not eight characters wide as 16)."""
    from rich.cells import cell_len

    from station_console.tui.parcel_names import parcel_end

    result = check_in(station, "JT0000000000001")
    assert parcel_end("顺丰速运标准快递", result.waybill) == "顺丰速…0001"
    assert cell_len(parcel_end("顺丰速运标准快递", result.waybill)) <= cell_len("Cainiao…0001")
    assert parcel_end("中通快递", result.waybill) == "中通快递…0001"  # 8 columns: whole
    assert parcel_end("中通ZTO快递", result.waybill) == "中通ZTO…0001"  # 7 columns and "…"
