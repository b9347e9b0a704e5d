"""The Check-in screen, driven like a clerk with a keyboard-wedge scanner.

Key timing goes through the router's clock seam (`KeyRouter.clock`): Pilot delivers keys tens of ms
apart, so the test says how far apart they "arrived": 4 ms for a scanner, 250 ms for a person.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from db.models import Notification, Parcel, PrintJob
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens import checkin as checkin_screen
from station_console.tui.screens.checkin import CheckinScreen

SCANNER, PERSON = 0.004, 0.25


class KeyClock:
    """Every key arrives `step` s after the previous one; a timer flush sees `idle` s of silence."""

    def __init__(self) -> None:
        self.t = 100.0
        self.scanner()

    def scanner(self) -> None:
        self.step, self.idle = SCANNER, 0.0

    def person(self) -> None:
        self.step, self.idle = PERSON, 1.0

    def __call__(self, event: Any) -> float:
        if event is None:
            return self.t + self.idle
        self.t += self.step
        return self.t


async def start(app: StationApp, pilot: Any) -> tuple[CheckinScreen, KeyClock]:
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CheckinScreen)
    clock = KeyClock()
    assert screen.router is not None
    screen.router.clock = clock
    return screen, clock


async def scan(pilot: Any, clock: KeyClock, code: str, *, gap: float = 0.3) -> None:
    clock.t += gap  # the time between two parcels
    clock.scanner()
    await pilot.press(*list(code), "enter")


async def type_slowly(pilot: Any, clock: KeyClock, *keys: str) -> None:
    clock.person()
    await pilot.press(*keys)
    await pilot.pause(0.1)  # the router releases a person's last key after the gap


async def settle(app: StationApp, pilot: Any) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def db_counts(station: Station) -> tuple[int, int, int]:
    with station.read() as s:
        return tuple(
            int(s.exec(select(func.count()).select_from(m)).one())  # type: ignore[return-value]
            for m in (Parcel, PrintJob, Notification)
        )


@pytest.fixture
def bells(app: StationApp, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    rung: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rung.append(1))
    return rung


async def test_scans_land_once_each_from_any_field(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen, clock = await start(app, pilot)
        screen.query_one("#scan").focus()
        for code in ("SF1234567890123", "73123456789012", "JT0000000000001"):
            await scan(pilot, clock, code)
        await settle(app, pilot)
        assert db_counts(station) == (3, 3, 3)
        assert screen.query_one("#scan").value == ""  # type: ignore[attr-defined]
        # The clerk types a phone tail in the phone field, then scans: the scan is not typed into it.
        phone = screen.query_one("#phone")
        phone.focus()
        await type_slowly(pilot, clock, *"5678")
        assert phone.value == "5678"  # type: ignore[attr-defined]
        await scan(pilot, clock, "YT1234567890123")
        await settle(app, pilot)
        assert phone.value == ""  # type: ignore[attr-defined]
        assert db_counts(station) == (4, 4, 4)
        assert screen.results[-1].waybill == "YT1234567890123"
        assert screen.results[-1].masked_phone == "****5678"
        table = screen.query_one("#ci-table")
        assert table.row_count == 4  # type: ignore[attr-defined]
        first_row = table.get_row_at(0)  # type: ignore[attr-defined]
        assert first_row[1] == screen.results[-1].pickup_code  # newest first
        assert "****5678" in first_row
        where = str(screen.query_one("#ci-where").render())
        assert screen.results[-1].pickup_code in where


async def test_a_burst_of_scans_never_splits_or_merges(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen, clock = await start(app, pilot)
        codes = [f"JT{n:013d}" for n in range(1, 13)]
        for code in codes:
            await scan(pilot, clock, code, gap=0.3)
        await settle(app, pilot)
        assert [r.waybill for r in screen.results] == codes  # in scan order, each exactly once
        assert db_counts(station) == (12, 12, 12)
        assert len({r.pickup_code for r in screen.results}) == 12


async def test_a_person_typing_is_never_a_scan(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen, clock = await start(app, pilot)
        phone = screen.query_one("#phone")
        phone.focus()
        await type_slowly(pilot, clock, *"13812345678", "enter")
        assert phone.value == "13812345678"  # type: ignore[attr-defined]
        assert screen.router is not None and screen.router.scans == 0
        assert "138****5678" in str(screen.query_one("#ci-message").render())
        # A damaged label: the clerk types the waybill into the scan field and presses Enter.
        screen.query_one("#scan").focus()
        await type_slowly(pilot, clock, *"JT0000000000042", "enter")
        await settle(app, pilot)
        assert [r.waybill for r in screen.results] == ["JT0000000000042"]
        assert screen.results[0].masked_phone == "138****5678"
        assert db_counts(station) == (1, 1, 1)


async def test_carrier_conflict_enter_accepts_ctrl_b_keeps_batch(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen, clock = await start(app, pilot)
        await pilot.press("f7")
        await pilot.pause()
        from textual.widgets import OptionList

        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        for _ in range(ids.index("ZTO") - (options.highlighted or 0)):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.batch_carrier == "ZTO"
        await scan(pilot, clock, "SF1234567890123")
        await settle(app, pilot)
        message = str(screen.query_one("#ci-message").render())
        assert "looks like SF" in message and "Ctrl+B" in message and bells == [1]
        assert db_counts(station) == (0, 0, 0)
        await type_slowly(pilot, clock, "enter")
        await settle(app, pilot)
        assert [r.carrier for r in screen.results] == ["SF"]
        await scan(pilot, clock, "SF1234567890124")
        await settle(app, pilot)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert [r.carrier for r in screen.results] == ["SF", "ZTO"]
        await scan(pilot, clock, "73123456789012")  # a ZTO number: no question
        await settle(app, pilot)
        assert len(screen.results) == 3 and bells == [1, 1]


async def test_duplicate_offers_a_reprint(app: StationApp, station: Station, bells: list[int]) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        assert "already on the shelf" in str(screen.query_one("#ci-message").render())
        assert bells == [1] and db_counts(station) == (1, 1, 1)
        await pilot.press("ctrl+r")
        await pilot.pause()
        with station.read() as s:
            jobs = s.exec(select(PrintJob.status).order_by(PrintJob.id)).all()  # type: ignore[arg-type]
        assert jobs == ["cancelled", "queued"]  # one sticker: the old job replaced by the new
        assert "queued again" in str(screen.query_one("#ci-message").render())


async def test_quick_mode_then_phones_from_the_list(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen, clock = await start(app, pilot)
        await pilot.press("f8")
        assert screen.quick and screen.query_one("#phone").disabled
        for n in (1, 2):
            await scan(pilot, clock, f"JT{n:013d}")
        await settle(app, pilot)
        assert [r.masked_phone for r in screen.results] == [None, None]
        assert "2" in str(screen.query_one("#ci-missing").render())
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press(*"5678", "enter")  # modal fields are plain inputs: no routing
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert "1" in str(screen.query_one("#ci-missing").render())
        with station.read() as s:
            tails = s.exec(select(Parcel.phone_tail).order_by(Parcel.id)).all()  # type: ignore[arg-type]
        assert tails == ["5678", None]  # the oldest first in the list


async def test_undo_last_on_a_key(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        await pilot.press("ctrl+z")
        await pilot.pause()
        with station.read() as s:
            statuses = s.exec(select(Parcel.status).order_by(Parcel.id)).all()  # type: ignore[arg-type]
        assert statuses == ["on_shelf", "cancelled"]
        table = screen.query_one("#ci-table")
        assert table.get_row_at(0)[-1] == "undone"  # type: ignore[attr-defined]
        screen._refresh_labels()  # the 3 s label-status refresh: its job is cancelled, the row stays undone
        assert table.get_row_at(0)[-1] == "undone"  # type: ignore[attr-defined]


async def test_device_scanner_takes_the_same_path(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen, _clock = await start(app, pilot)
        screen.post_message(ScannerBridge.Scanned("SF1234567890123", "hid:test"))
        await pilot.pause()
        await settle(app, pilot)
        assert [r.waybill for r in screen.results] == ["SF1234567890123"]


async def test_a_bug_is_one_calm_line_not_a_traceback(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = checkin_screen.check_in
    calls: list[int] = []

    def broken_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(checkin_screen, "check_in", broken_once)
    async with app.run_test(size=(140, 40)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        assert "unexpected error" in str(screen.query_one("#ci-message").render())
        assert app.return_code is None  # still running
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        assert [r.waybill for r in screen.results] == ["JT0000000000002"]


async def test_a_bad_phone_refuses_one_parcel_not_the_ones_after(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen, clock = await start(app, pilot)
        phone = screen.query_one("#phone")
        phone.focus()
        await type_slowly(pilot, clock, *"12J")  # letters never enter the phone field
        assert phone.value == "12"  # type: ignore[attr-defined]
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        assert "phone" in str(screen.query_one("#ci-message").render())
        assert len(bells) == 2  # the rejected letter, then the refused parcel
        assert phone.value == ""  # type: ignore[attr-defined]
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        assert [r.waybill for r in screen.results] == ["JT0000000000002"]
