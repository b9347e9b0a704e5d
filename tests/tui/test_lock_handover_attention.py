"""Check-in's needs-attention items across a lock: they stay for the next clerk (the parcels they are
about are still on the counter, the station's to settle), each listed for another clerk saying whose
it is; the clerk who listed them, back, reads them as their own again."""

from __future__ import annotations

import threading

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable

from station_console.errors import DatabaseUnavailable
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin_writer
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.checkin_attention import AttentionList
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.checkin_driver import scan, start, type_slowly
from tui.lock_driver import console, lock_and_sign_in, sign_in, wang_and_li


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


def rows(app: object) -> list[str]:
    table = app.screen.query_one(AttentionList).query_one(DataTable)  # type: ignore[attr-defined]
    return [
        " ".join(str(cell.plain if isinstance(cell, Text) else cell) for cell in table.get_row_at(n))
        for n in range(table.row_count)
    ]


def held_check_in(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> tuple[threading.Event, threading.Event]:
    """A parcel on the shelf already, whose scan the writer refuses once the second event is set (the
    write lock held elsewhere meanwhile); the first is set once the scan reaches the writer."""
    asked, held = threading.Event(), threading.Event()
    real = checkin_writer.check_in

    def slow(*args: object, **kwargs: object) -> object:
        asked.set()
        assert held.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    check_in(station, "SF1234567890123")
    monkeypatch.setattr(checkin_writer, "check_in", slow)
    return asked, held


async def scanned_then_locked(app: StationApp, pilot: Pilot[None], asked: threading.Event) -> CheckinScreen:
    """Wang scans that parcel, and locks the console while its answer waits: the Check-in screen."""
    screen, clock = await start(app, pilot)
    clock.t += 0.6
    clock.scanner()
    for key in [*"SF1234567890123", "enter"]:  # its answer waits: no settling for it
        quiet.send_key(app, key)
    await quiet.until(pilot, asked.is_set, what="the scan sent to the writer")
    quiet.send_key(app, "ctrl+l")
    await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the lock")
    return screen


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_needs_attention_items_left_by_one_clerk_say_whose_they_are_to_the_next(
    station: Station, lang: str
) -> None:
    """Wang's refused scan stayed on Check-in after Li signed in, read as hers: she took it for a scan
    of her own, or dismissed it as nothing of hers, and the parcel on the counter was left unchecked."""
    set_language(lang)
    left_by = {"en": "(left by Wang)", "zh": "（Wang 留下）"}[lang]
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "12345")  # too short for a waybill: refused, listed
        await quiet.settle(pilot)
        (wangs,) = rows(app)
        assert "12345" in wangs and left_by not in wangs, wangs
        await lock_and_sign_in(pilot, app, "Li", "1357")
        await quiet.settle(pilot)
        assert app.screen is screen
        (for_li,) = rows(app)
        assert "12345" in for_li and left_by in for_li, for_li
        await scan(pilot, clock, "67890")  # Li's own is hers, said as nobody else's
        await quiet.settle(pilot)
        lis, still_wangs = rows(app)
        assert "67890" in lis and "left by" not in lis and "留下" not in lis, lis
        assert left_by in still_wangs
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        await sign_in(pilot, "Wang", "9071")
        await quiet.until(pilot, lambda: app.clerk_name == "Wang", what="signed in")
        await quiet.settle(pilot)
        for_wang = rows(app)
        assert "(left by Li)" in for_wang[0] or "（Li 留下）" in for_wang[0], for_wang
        assert left_by not in for_wang[1], for_wang


async def test_a_scan_refused_after_the_next_clerk_signed_in_is_listed_as_the_scanning_clerks(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wang's scan waited for the database while the console locked and Li signed in; its refusal landed
    then and was listed as Li's: she took Wang's parcel for one of hers."""
    asked, held = held_check_in(station, monkeypatch)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await scanned_then_locked(app, pilot, asked)
        await sign_in(pilot, "Li", "1357", leave_running=["_run"])
        await quiet.until(pilot, lambda: app.clerk_name == "Li", what="Li signed in")
        held.set()
        await quiet.until(pilot, lambda: bool(rows(app)), what="the refusal listed")
        assert app.screen is screen
        (for_li,) = (" ".join(row.split()) for row in rows(app))  # a long row wraps in its cell
        assert "SF1234567890123" in for_li and "(left by Wang)" in for_li, for_li


async def test_a_phone_refused_after_the_next_clerk_signed_in_is_listed_as_the_typing_clerks(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a scan's: Wang's phone for his parcel waited for the busy database while Li signed in, and
    its refusal was listed as hers."""
    started, held = threading.Event(), threading.Event()

    def busy(*args: object, **kwargs: object) -> object:
        started.set()
        assert held.wait(quiet.TIMEOUT)
        raise DatabaseUnavailable("The database is busy.", code="database_locked")

    monkeypatch.setattr(checkin_writer, "set_phone_for", busy)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await quiet.settle(pilot)
        await type_slowly(pilot, clock, *"13800138000")
        quiet.send_key(app, "enter")  # sent: its answer waits
        await quiet.until(pilot, started.is_set, what="the phone sent to the writer")
        quiet.send_key(app, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the lock")
        await sign_in(pilot, "Li", "1357", leave_running=["_run"])
        await quiet.until(pilot, lambda: app.clerk_name == "Li", what="Li signed in")
        held.set()
        await quiet.until(pilot, lambda: bool(rows(app)), what="the refusal listed")
        assert app.screen is screen
        (for_li,) = (" ".join(row.split()) for row in rows(app))
        assert "8000" in for_li and "(left by Wang)" in for_li, for_li


async def test_a_refusal_listed_while_the_console_is_locked_is_the_clerks_own_once_they_are_back(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wang's scan was refused while the console stood locked (nobody signed in): the list, redrawn
    then, named every item "(left by Wang)", and Wang, signing back in, read his own items as left by
    himself (the same clerk back clears nothing, so nothing drew them again)."""
    asked, held = held_check_in(station, monkeypatch)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await scanned_then_locked(app, pilot, asked)
        held.set()
        table = screen.query_one(AttentionList).query_one(DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the refusal listed under the lock")
        await sign_in(pilot, "Wang", "9071", leave_running=["_run"])
        await quiet.until(pilot, lambda: app.clerk_name == "Wang", what="Wang back")
        await quiet.settle(pilot)
        assert app.screen is screen
        (for_wang,) = (" ".join(row.split()) for row in rows(app))
        assert "SF1234567890123" in for_wang and "left by" not in for_wang, for_wang


async def test_a_bug_in_a_scan_sent_before_the_next_clerk_signed_in_is_listed_as_the_scanning_clerks(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a refusal's: Wang's scan waited while the console locked and Li signed in, then failed
    unexpectedly; its "unexpected error" item was listed as Li's, a parcel of Wang's taken for hers."""
    asked, held = threading.Event(), threading.Event()

    def broken(*args: object, **kwargs: object) -> object:
        asked.set()
        assert held.wait(quiet.TIMEOUT)
        raise RuntimeError("boom")

    monkeypatch.setattr(checkin_writer, "check_in", broken)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await scanned_then_locked(app, pilot, asked)
        await sign_in(pilot, "Li", "1357", leave_running=["_run"])
        await quiet.until(pilot, lambda: app.clerk_name == "Li", what="Li signed in")
        held.set()
        await quiet.until(pilot, lambda: bool(rows(app)), what="the error listed")
        assert app.screen is screen
        (for_li,) = (" ".join(row.split()) for row in rows(app))  # a long row wraps in its cell
        assert "unexpected error" in for_li and "(left by Wang)" in for_li, for_li
