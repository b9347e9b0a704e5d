"""Check-in: the parcel in hand scanned again while an earlier answer of the writer is still on its way.

An undo asked for just before the scan: the scan is the parcel checked in anew, the parcel in hand (it went
nowhere, its phone refused). The next parcel scanned right behind a double read: the double read is said
calmly, not listed as a duplicate to dismiss."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Input

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin_writer
from tui import quiet
from tui.checkin_driver import (
    KeyClock,
    attention,
    parcels,
    scan,
    send_keys,
    settle,
    start,
    status,
    type_slowly,
)

WAYBILL = "JT0000000000001"
NEXT = "JT0000000000002"
WRITER = ("_run",)  # the check-in writer's jobs, left running while one is held


class Held:
    """The writer's next call of `name` waits until the test lets it go (a busy database)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.release = threading.Event()
        real = getattr(checkin_writer, name)

        def held(*args: Any, **kwargs: Any) -> Any:
            assert self.release.wait(quiet.TIMEOUT)
            return real(*args, **kwargs)

        monkeypatch.setattr(checkin_writer, name, held)


@pytest.fixture
def holds() -> Iterator[list[Held]]:
    made: list[Held] = []
    yield made
    for held in made:
        held.release.set()  # a failed test leaves no writer thread waiting


async def scan_on(pilot: Any, clock: KeyClock, code: str) -> None:
    """A scan while the writer is held: its keys handled, the writer's job left waiting."""
    clock.t += 0.6
    clock.scanner()
    await send_keys(pilot, *code, "enter", settle=False)
    await quiet.settle(pilot, routers=False, leave_running=WRITER)


async def test_scanned_again_while_its_undo_is_on_its_way_is_the_parcel_in_hand(
    app: StationApp, station: Station, bells: list[int], monkeypatch: pytest.MonkeyPatch, holds: list[Held]
) -> None:
    """It was taken for a double read: checked in anew, but not the parcel in hand once the undo
    answered, and the phone typed for it refused."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, WAYBILL)
        await settle(app, pilot)
        holds.append(Held(monkeypatch, "undo_last"))
        await send_keys(pilot, "ctrl+z", settle=False)
        await quiet.settle(pilot, routers=False, leave_running=WRITER)
        await scan_on(pilot, clock, WAYBILL)  # the clerk scans it again at once
        holds[0].release.set()
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: None}  # checked in anew
        assert screen.current is not None and screen.current.result is not None
        assert screen.current.result.parcel_id == screen.results[-1].parcel_id
        assert screen.results[-1].pickup_code in status(screen, "#ci-phone-for")
        await type_slowly(pilot, clock, *"13812345678", "enter")
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: "13812345678"}
        assert attention(screen) == []


async def test_the_next_parcel_scanned_right_behind_a_double_read_leaves_nothing_to_dismiss(
    app: StationApp, station: Station, bells: list[int], monkeypatch: pytest.MonkeyPatch, holds: list[Held]
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, WAYBILL)
        await settle(app, pilot)
        holds.append(Held(monkeypatch, "check_in"))
        await scan_on(pilot, clock, WAYBILL)  # the scanner read it twice ...
        await scan_on(pilot, clock, NEXT)  # ... and the next parcel is scanned before the answer
        holds[0].release.set()
        await settle(app, pilot)
        assert attention(screen) == [] and bells == []
        assert "Refused this session: 0" in status(screen, "#ci-refused")
        assert parcels(station) == {WAYBILL: None, NEXT: None}
        assert screen.current is not None and screen.current.result is not None
        assert screen.current.result.waybill == NEXT  # the phone typed now is the next parcel's


async def test_scanned_again_while_its_first_scan_is_refused_busy_is_the_parcel_in_hand(
    app: StationApp, station: Station, bells: list[int], first_scan_busy: tuple[threading.Event, list[str]]
) -> None:
    """The first scan refused (the database busy for a moment), its double read checked in behind it: that
    check-in is the parcel in hand, its phone typed now is its, not a parcel checked in that nothing holds."""
    release, calls = first_scan_busy
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan_on(pilot, clock, WAYBILL)  # its answer held: the database busy
        await scan_on(pilot, clock, WAYBILL)  # the scanner read it twice
        release.set()
        await settle(app, pilot)
        assert len(calls) == 2 and parcels(station) == {WAYBILL: None}  # the double read checked in
        assert screen.current is not None and screen.current.result is not None
        assert screen.current.result.waybill == WAYBILL
        await type_slowly(pilot, clock, *"13812345678", "enter")
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: "13812345678"}


async def test_a_phone_typed_while_a_refused_scan_and_its_double_read_are_answered_goes_to_the_parcel(
    app: StationApp, station: Station, bells: list[int], first_scan_busy: tuple[threading.Event, list[str]]
) -> None:
    """The database busy: the first scan waits, its double read behind it, and the clerk types the phone
    and Enter meanwhile. The first scan is refused, the double read checks the parcel in: the phone is
    that parcel's, not kept for a retry nobody is asked for (the refusal's row went with the check-in)."""
    release, calls = first_scan_busy
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan_on(pilot, clock, WAYBILL)  # its answer held: the database busy
        await scan_on(pilot, clock, WAYBILL)  # the scanner read it twice
        clock.person()
        for key in (*"13812345678", "enter"):  # typed while both wait
            await send_keys(pilot, key, settle=False)
            await quiet.settle(pilot, routers=False, leave_running=WRITER)
        await quiet.settle(pilot, leave_running=WRITER)  # the router lets the Enter go
        release.set()
        await settle(app, pilot)
        assert len(calls) == 2
        assert parcels(station) == {WAYBILL: "13812345678"}
        assert attention(screen) == []
        assert "kept" not in status(screen, "#ci-message")


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_busy_refusal_goes_from_the_message_line_once_its_double_read_checks_the_parcel_in(
    app: StationApp,
    station: Station,
    bells: list[int],
    first_scan_busy: tuple[threading.Event, list[str]],
    lang: str,
) -> None:
    """The first scan refused busy, its double read checked it in: the refusal's row went, and so does
    its line telling the clerk to press Ctrl+Y for it; the check-in's line is what the line says."""
    set_language(lang)
    release, calls = first_scan_busy
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan_on(pilot, clock, WAYBILL)  # its answer held: the database busy
        await scan_on(pilot, clock, WAYBILL)  # the scanner read it twice
        release.set()
        await settle(app, pilot)
        assert len(calls) == 2 and parcels(station) == {WAYBILL: None}
        assert bells, "the refusal was said"
        assert attention(screen) == []
        said = status(screen, "#ci-message")
        assert "Ctrl+Y" not in said and WAYBILL in said, said
        assert not screen.message.has_class("-error")


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_newer_refusal_about_another_scan_stays_when_the_busy_one_is_put_right(
    app: StationApp,
    station: Station,
    bells: list[int],
    first_scan_busy: tuple[threading.Event, list[str]],
    lang: str,
) -> None:
    """Refused busy, then another scan refused, then the first parcel scanned again and checked in: its
    row goes, the newer refusal stays on the line, the check-in below it."""
    set_language(lang)
    release, calls = first_scan_busy
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan_on(pilot, clock, WAYBILL)  # its answer held: the database busy
        await scan_on(pilot, clock, "13987654321")  # a mobile number: refused, a question
        await scan_on(pilot, clock, WAYBILL)  # the first parcel again, a scan of its own
        release.set()
        await settle(app, pilot)
        assert len(calls) == 3 and parcels(station) == {WAYBILL: None}
        (newer,) = attention(screen)
        said = status(screen, "#ci-message")
        assert said.startswith(f"{newer.text}\n{newer.hint}") and WAYBILL in said, said
        assert screen.message.has_class("-error")


async def test_a_phone_typed_over_the_kept_one_goes_to_no_parcel_when_its_check_in_answers_late(
    app: StationApp, station: Station, bells: list[int], monkeypatch: pytest.MonkeyPatch, holds: list[Held]
) -> None:
    """The parcel's check-in still on its way (the database busy a moment), its phone typed, the next
    parcel's scan right behind refused (the phone's last key taken back, the rest kept to check). The
    clerk types the next parcel's phone over the kept one, then the check-in answers: the parcel shown
    read as another one then, and the phone typed over went to it unchecked."""
    holds.append(Held(monkeypatch, "check_in"))
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan_on(pilot, clock, WAYBILL)  # its answer held: the database busy
        await type_over_the_kept_phone(pilot, clock, screen)
        holds[0].release.set()  # the check-in answers
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: None}
        await scan(pilot, clock, NEXT)  # the clerk scans the next parcel again
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: None, NEXT: None}


async def type_over_the_kept_phone(pilot: Any, clock: KeyClock, screen: Any) -> None:
    """The phone typed at a person's pace, the next parcel's scan right behind it refused, and the next
    parcel's phone typed over what was kept; the writer held all along."""
    clock.person()
    clock.step = 0.15
    for key in "13800138000":
        await send_keys(pilot, key, settle=False)
        await quiet.settle(pilot, routers=False, leave_running=WRITER)
    await quiet.settle(pilot, leave_running=WRITER)  # the router lets the last key go
    clock.t += 0.146
    clock.scanner()
    await send_keys(pilot, *NEXT, "enter", settle=False)  # right behind: refused
    await quiet.settle(pilot, routers=False, leave_running=WRITER)
    assert screen.query_one("#phone", Input).value == "1380013800"  # kept, to be checked
    clock.person()
    for key in ("backspace",) * 10 + tuple("13911112222"):  # the next parcel's phone over it
        await send_keys(pilot, key, settle=False)
        await quiet.settle(pilot, routers=False, leave_running=WRITER)
    await quiet.settle(pilot, leave_running=WRITER)


async def test_a_phone_typed_over_the_kept_one_goes_to_no_parcel_when_the_double_read_is_in_hand(
    app: StationApp, station: Station, bells: list[int], first_scan_busy: tuple[threading.Event, list[str]]
) -> None:
    """As above, the parcel read twice and its first scan refused busy: the double read is the parcel
    in hand then, and the phone typed over went to it, as if the kept one had never been checked."""
    release, calls = first_scan_busy
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan_on(pilot, clock, WAYBILL)  # its answer held: the database busy
        await scan_on(pilot, clock, WAYBILL)  # the scanner read it twice
        await type_over_the_kept_phone(pilot, clock, screen)
        release.set()  # the first scan refused busy, its double read checks the parcel in
        await settle(app, pilot)
        assert len(calls) == 2 and parcels(station) == {WAYBILL: None}
        await scan(pilot, clock, NEXT)  # the clerk scans the next parcel again
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: None, NEXT: None}
