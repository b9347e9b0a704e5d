"""The Check-in screen, driven like a clerk with a keyboard-wedge scanner.

Key timing goes through the router's clock seam (`KeyRouter.clock`): Pilot delivers keys tens of ms
apart, so the test says how far apart they "arrived": 4 ms for a scanner, 250 ms for a person, and any
hiccup in between. Helpers live in `checkin_driver.py` (the shift replay uses them too).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens import checkin_writer
from tui import quiet
from tui.checkin_driver import (
    attention,
    db_counts,
    jobs_of,
    notes_of,
    parcels,
    phone_field,
    scan,
    scan_split,
    send_keys,
    settle,
    start,
    status,
    type_slowly,
)
from tui.conftest import sign_in_manager
from tui.quiet import until


async def test_a_scan_checks_in_at_once_and_the_phone_goes_to_the_parcel_shown(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        assert app.focused is screen.query_one("#scan")  # the scan field has the focus by default
        for code in ("SF1234567890123", "73123456789012", "JT0000000000001"):
            await scan(pilot, clock, code)
        await settle(app, pilot)
        assert db_counts(station) == (3, 3, 0)  # no phone yet: nobody to tell yet
        last = screen.results[-1]
        assert f"Phone for {last.pickup_code} · J&T…0001" in status(screen, "#ci-phone-for")
        assert app.focused is phone_field(screen)
        assert jobs_of(station, last.parcel_id) == ["held"]  # its label waits for the phone
        assert jobs_of(station, screen.results[0].parcel_id) == ["queued"]  # the next scan printed it
        await type_slowly(pilot, clock, *"13812345678", "enter")
        await settle(app, pilot)
        assert parcels(station)[last.waybill] == "13812345678"
        assert [p for w, p in parcels(station).items() if w != last.waybill] == [None, None]
        assert notes_of(station, last.parcel_id) == [("checkin", "queued")]  # the customer is told
        assert jobs_of(station, last.parcel_id) == ["queued"]  # and the label prints, with ****5678
        row = screen.query_one("#ci-table").get_row(str(last.parcel_id))  # type: ignore[attr-defined]
        assert str(row[5]) == "138****5678"
        assert app.focused is screen.query_one("#scan")
        assert last.pickup_code in status(screen, "#ci-where")


async def test_a_phone_typed_and_not_entered_goes_to_its_parcel_when_the_next_scan_comes(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        await type_slowly(pilot, clock, *"5678")  # no Enter: the clerk reaches for the next parcel
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": None, "JT0000000000002": None}  # tails only
        with station.read() as s:
            from db.models import Parcel

            tails = dict(s.exec(select(Parcel.waybill, Parcel.phone_tail)).all())  # type: ignore[call-overload]
        assert tails == {"JT0000000000001": "5678", "JT0000000000002": None}
        assert phone_field(screen).value == ""


async def test_a_phone_entered_right_before_the_next_scan_goes_to_its_own_parcel_only(
    app: StationApp, station: Station
) -> None:
    """A busy console: the phone field handled the clerk's Enter, but the screen handled the next scan
    first (it took the phone along to its parcel); the late Enter must not give it to the new one."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        field = phone_field(screen)
        field.value = "3170"
        late_enter = Input.Submitted(field, "3170")
        screen.submit("JT0000000000002")  # the scan, handled before the Enter's message
        screen.post_message(late_enter)
        await settle(app, pilot)
        with station.read() as s:
            from db.models import Parcel

            tails = dict(s.exec(select(Parcel.waybill, Parcel.phone_tail)).all())  # type: ignore[call-overload]
        assert tails == {"JT0000000000001": "3170", "JT0000000000002": None}


@pytest.mark.parametrize("hiccup", [0.04, 0.12, 0.3])
async def test_a_scan_split_by_a_hiccup_with_focus_in_phone_never_leaves_a_fragment(
    app: StationApp, station: Station, bells: list[int], hiccup: float
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        assert app.focused is phone_field(screen)
        await scan_split(pilot, clock, "773100000000100", at=7, hiccup=hiccup)  # head 7739100
        await settle(app, pilot)
        assert phone_field(screen).value == ""
        assert [r.waybill for r in screen.results] == ["JT0000000000001", "773100000000100"]
        await scan_split(pilot, clock, "773100000000101", at=1, hiccup=hiccup)  # a one-key head
        await settle(app, pilot)
        assert phone_field(screen).value == ""  # the "7" typed into it was taken back
        assert list(parcels(station)) == ["JT0000000000001", "773100000000100"]  # no 73100000000101
        assert parcels(station)["JT0000000000001"] is None and db_counts(station)[2] == 0
        assert [i.kind for i in attention(screen)] == ["partial"] and bells == [1]
        assert "Refused this session: 1" in status(screen, "#ci-refused")
        assert "Partial scan" in status(screen, "#ci-message")
        assert "Phone (scan first)" in status(screen, "#ci-phone-for")  # nothing to take a phone now


async def test_a_head_whose_rest_never_comes_is_refused_loudly(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan_split(pilot, clock, "SF1234567890123", at=9, hiccup=None)  # the rest never comes
        clock.person()  # time passes: the router's timer sees a second of silence
        await quiet.settle(pilot)  # ...and decides on every key it held
        assert db_counts(station) == (0, 0, 0) and bells == [1]
        (item,) = attention(screen)
        assert item.kind == "partial" and "SF1234567" in item.text
        assert phone_field(screen).value == "" and screen.query_one("#scan", Input).value == ""
        # Another parcel, once the head's window is over: the piece of SF... still waits.
        await scan(pilot, clock, "JT0000000000001", gap=2.0)
        await settle(app, pilot)
        assert [i.kind for i in attention(screen)] == ["partial"]
        await scan(pilot, clock, "SF1234567890123")  # the clerk scans it again: settled
        await settle(app, pilot)
        assert attention(screen) == [] and list(parcels(station)) == ["JT0000000000001", "SF1234567890123"]


async def test_garbage_never_poisons_the_next_scan(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "123")  # a short barcode off a box, at scanner speed
        await settle(app, pilot)
        assert phone_field(screen).value == "" and screen.query_one("#scan", Input).value == ""
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        assert list(parcels(station)) == ["JT0000000000001"]
        await type_slowly(pilot, clock, *"77")  # not a phone
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        assert parcels(station) == {"JT0000000000001": None, "JT0000000000002": None}
        assert [i.kind for i in attention(screen)] == ["phone", "partial"]  # cleared, with a warning
        warning = attention(screen)[0]
        assert "not a phone, cleared" in warning.text
        # It names the parcel the text was typed for, now without a phone, and how to add it.
        first = screen.results[0]
        assert f"for {first.pickup_code} · {first.carrier_name}…0001:" in warning.text
        assert warning.hint.startswith("F9 adds its phone")
        assert len(bells) == 2 and "Refused this session: 1" in status(screen, "#ci-refused")


async def test_a_bad_phone_is_refused_in_place_and_nothing_is_saved(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await type_slowly(pilot, clock, "tab", *"5678", "enter")  # a phone before any scan
        assert "Scan the parcel first" in status(screen, "#ci-message") and bells == [1]
        await scan(pilot, clock, "JT0000000000001")  # the phone typed before it does not go with it
        await settle(app, pilot)
        assert [i.code for i in attention(screen)] == ["no_parcel"] and len(bells) == 2
        await type_slowly(pilot, clock, *"7739100", "enter")  # seven digits: not a phone
        await settle(app, pilot)
        assert "A phone is its last 4 digits" in status(screen, "#ci-message")
        assert phone_field(screen).value == "7739100"  # kept, to correct
        assert len(bells) == 3
        with station.read() as s:
            from db.models import Parcel

            assert s.exec(select(Parcel.phone_tail)).all() == [None]  # nothing saved, either time


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "The last scan was refused: scan the parcel again, then type its phone."),
        ("zh", "上一次扫码被拒：请重新扫描包裹，再输入手机号。"),
    ],
)
async def test_a_phone_after_a_refused_scan_says_to_scan_that_parcel_again(
    app: StationApp, station: Station, lang: str, said: str
) -> None:
    """It said "Scan the parcel first", as if nothing had been scanned: the clerk had just scanned it.
    (The parcel in hand scanned again stays in hand: test_checkin_scanned_twice.py.)"""
    set_language(lang)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        for waybill in ("JT0000000000001", "JT0000000000003"):
            await scan(pilot, clock, waybill)
            await type_slowly(pilot, clock, *"5678", "enter")
        await scan(pilot, clock, "JT0000000000001")  # on the shelf already, not the parcel in hand: refused
        await settle(app, pilot)
        assert [i.kind for i in attention(screen)] == ["duplicate"]
        assert screen.current is None
        for refused in ("duplicate", "partial"):
            phone_field(screen).focus()  # the clerk goes on to the phone
            await type_slowly(pilot, clock, *"1234", "enter")
            await settle(app, pilot)
            assert status(screen, "#ci-message") == said, refused
            assert phone_field(screen).value == "1234"  # kept for the parcel scanned again
            if refused == "duplicate":
                await scan_split(pilot, clock, "JT0000000000002", at=6, hiccup=None)  # in pieces
                clock.person()  # the rest never comes: the router's timer refuses the piece
                await quiet.settle(pilot)
                assert "partial" in [i.kind for i in attention(screen)]


async def test_quick_mode_then_phones_from_the_list_tell_the_customer(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await quiet.press(pilot, "f8")
        assert screen.quick and phone_field(screen).disabled
        for n in (1, 2):
            await scan(pilot, clock, f"JT{n:013d}")
        await settle(app, pilot)
        assert [jobs_of(station, r.parcel_id) for r in screen.results] == [["queued"], ["queued"]]  # no wait
        assert "Without phone: 2" in status(screen, "#ci-missing")
        await quiet.press(pilot, "f9")
        await quiet.press(pilot, *"13812345678", "enter")  # modal fields are plain inputs: no routing
        await quiet.press(pilot, "escape")
        assert "Without phone: 1" in status(screen, "#ci-missing")
        first = screen.results[0]
        assert parcels(station)[first.waybill] == "13812345678"
        await settle(app, pilot)
        table = screen.query_one("#ci-table", DataTable)
        assert str(table.get_cell(str(first.parcel_id), "phone")) == "138****5678"  # the row shows it too
        assert str(table.get_cell(str(screen.results[1].parcel_id), "phone")) == "-"
        assert notes_of(station, first.parcel_id) == [("checkin", "queued")]


async def test_device_scanner_takes_the_same_path(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, _clock = await start(app, pilot)
        screen.post_message(ScannerBridge.Scanned("SF1234567890123", "hid:test"))
        await settle(app, pilot)
        assert [r.waybill for r in screen.results] == ["SF1234567890123"]


async def test_a_bug_is_one_calm_line_not_a_traceback(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = checkin_writer.check_in
    calls: list[int] = []

    def broken_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(checkin_writer, "check_in", broken_once)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        assert "unexpected error" in status(screen, "#ci-message")
        assert [i.kind for i in attention(screen)] == ["error"]
        assert app.return_code is None  # still running
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        assert [r.waybill for r in screen.results] == ["JT0000000000002"]


@pytest.mark.parametrize("typed", ["", "56"])
async def test_ctrl_w_from_the_phone_field_opens_who_is_this(
    app: StationApp, station: Station, typed: str
) -> None:
    """A scan puts the focus in Phone; Ctrl+W there (as a terminal sends it, with or without digits
    typed) opens "who is this?" and leaves the field as it was, not a word deleted. Its list names
    a carrier as every counter list does, by its short name."""
    from station_helpers import short_names

    from station_console.services.checkin.transaction import check_in
    from station_console.tui.screens.recipient_dialogs import WhoIsThisDialog

    short_names(station)
    check_in(station, "JT0000000000001", recipient_name="张 三")
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "SF1234567890123")
        await settle(app, pilot)
        assert app.focused is phone_field(screen)
        if typed:
            await type_slowly(pilot, clock, *typed)
        clock.person()
        await send_keys(pilot, "ctrl+w")
        await settle(app, pilot)
        assert isinstance(app.screen, WhoIsThisDialog)
        parcels = app.screen.query_one("#who-parcels", DataTable)
        await until(pilot, lambda: parcels.row_count == 1)
        assert str(parcels.get_row_at(0)[2]) == "短JT"
        await quiet.press(pilot, "escape")
        assert app.screen is screen and phone_field(screen).value == typed


async def test_a_counter_without_a_printer_says_once_that_labels_wait_for_one(
    app: StationApp, station: Station
) -> None:
    """No printer in counter.toml: the first check-in says its label waits until a printer is added
    in Settings > Printers (F8); the next ones do not say it again."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        said = status(screen, "#ci-message")
        assert "JT0000000000001 checked in." in said and "Printers (F8)" in said
        assert screen.query_one("#ci-message").has_class("-warn")
        await scan(pilot, clock, "JT0000000000002")
        await settle(app, pilot)
        assert "JT0000000000002 checked in." in status(screen, "#ci-message")
        assert "Printers (F8)" not in status(screen, "#ci-message")


async def test_a_counter_with_a_printer_says_nothing_of_printers(station: Station) -> None:
    printer = {"language": "tspl", "transport": "dummy", "target": "desk"}
    sign_in_manager(station)
    app = StationApp(
        station, CounterSettings(counter="test-counter", printer=printer), database_label="SQLite"
    )
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        assert "JT0000000000001 checked in." in status(screen, "#ci-message")
        assert "Printers" not in status(screen, "#ci-message")


async def test_a_phone_cleared_from_the_phone_field_is_named_masked(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    """A whole mobile number typed before any scan, then a scan: the warning that it was cleared names it
    masked, as every phone on the screens is, not the whole number quoted by its first 24 characters."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await type_slowly(pilot, clock, "tab", *"13812345678", "enter")
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        [said] = attention(screen)
        assert said.code == "no_parcel" and "138****5678" in said.text and "13812345678" not in said.text


async def test_a_phone_cleared_from_the_scan_field_is_named_masked(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    """A phone left in the scan field (pasted behind a scan that was refused, which put the cursor back
    there), then a scan: the warning that the field was cleared names the phone masked, as the Phone
    field's own warning does, not the whole number."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await type_slowly(pilot, clock, *"13812345678")
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        [said] = attention(screen)
        assert said.code == "typing_cleared"
        assert "138****5678" in said.text and "13812345678" not in said.text
        assert parcels(station) == {"JT0000000000001": None}  # checked in, no phone taken from the scan field
