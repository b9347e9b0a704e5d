"""Where a phone goes, said where the clerk put it: a phone scanned in quick mode (no Phone field) is
refused with quick mode's way of adding phones, and a phone typed into Size (a clerk's own Tab moved
the focus on from Phone, with Tab as the scanner's end key) is refused saying where it goes, its Enter
too, and a size Size does not take is hinted to be typed again. English and
Chinese. Driven as in test_checkin_screen.py."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_questions import said
from tui import quiet
from tui.checkin_driver import attention, parcels, scan, settle, start, status, type_slowly
from tui.conftest import PersonPace, sign_in_manager


@pytest.mark.parametrize(
    ("lang", "phone_field", "quick_words"),
    [("en", "phone field", "F9 adds phones"), ("zh", "请填在手机号栏", "F9 稍后补录手机号")],
)
async def test_a_phone_scanned_in_quick_mode_is_told_how_quick_mode_adds_phones(
    app: StationApp, station: Station, lang: str, phone_field: str, quick_words: str
) -> None:
    set_language(lang)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "13512345678")  # Phone shown: the advice names it
        await settle(app, pilot)
        assert phone_field in said(attention(screen)[0])
        await quiet.press(pilot, "f8")
        assert screen.quick
        await scan(pilot, clock, "13612345678")
        await settle(app, pilot)
        item = next(i for i in attention(screen) if i.waybill == "136****5678")
        assert item.code == "phone_not_waybill"
        assert quick_words in said(item) and phone_field not in said(item)
        assert list(parcels(station)) == []


@pytest.mark.parametrize(
    ("lang", "phone_field", "check_the_number"),
    [
        ("en", "phone field · Ctrl+X dismiss", "Check the number"),
        ("zh", "手机号栏 · Ctrl+X 忽略", "核对单号"),
    ],
)
async def test_a_phone_no_carrier_takes_is_hinted_where_a_phone_goes(
    app: StationApp, station: Station, lang: str, phone_field: str, check_the_number: str
) -> None:
    """A mobile no carrier takes, or a virtual number with its extension (refused for its `-` before),
    scanned outside quick mode: its row's hint said "Check the number, or type it into the scan
    field", odd for a phone. It says where a phone goes, once (not in the row's text as well)."""
    set_language(lang)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        for scanned, shown in (("13512345678", "135****5678"), ("17012345678-8462", "****8462")):
            await scan(pilot, clock, scanned)
            await settle(app, pilot)
            item = next(i for i in attention(screen) if i.waybill == shown)
            assert item.code == "phone_not_waybill"
            assert phone_field in item.hint and check_the_number not in item.hint
            assert said(item).count(phone_field.split(" · ")[0]) == 1
        assert list(parcels(station)) == []


@pytest.mark.parametrize(
    ("lang", "mobile_in_phone", "quick_words", "check_the_number"),
    [
        (
            "en",
            "Type the customer's mobile in the phone field · Ctrl+X dismiss",
            "F9 adds phones",
            "Check the",
        ),
        ("zh", "请在手机号栏填写顾客的手机号 · Ctrl+X 忽略", "F9 稍后补录手机号", "核对单号"),
    ],
)
async def test_a_landline_scanned_is_hinted_to_type_the_customers_mobile(
    app: StationApp,
    station: Station,
    lang: str,
    mobile_in_phone: str,
    quick_words: str,
    check_the_number: str,
) -> None:
    """A landline in the Scan field: its row says a mobile is needed for the pickup text, and its hint
    said "Check the number, or type it into the scan field", which would type the landline in again. It
    says to type the customer's mobile in Phone, or, in quick mode (no Phone field), how phones are added."""
    set_language(lang)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "010-12345678")
        await settle(app, pilot)
        item = attention(screen)[0]  # the newest first
        assert item.code == "phone_invalid" and ("landline" in item.text or "固定电话" in item.text)
        assert item.hint == mobile_in_phone
        await quiet.press(pilot, "f8")
        assert screen.quick
        await scan(pilot, clock, "0755 8888 8888")
        await settle(app, pilot)
        item = attention(screen)[0]  # the newest first
        assert item.code == "phone_invalid" and "8888" in item.text
        assert quick_words in item.hint and check_the_number not in item.hint
        assert list(parcels(station)) == []


def tab_ended_console(station: Station) -> StationApp:
    """The test console with a scanner whose end key is Tab (counter.toml's wedge_terminator)."""
    sign_in_manager(station)
    counter = CounterSettings(counter="test-counter", wedge_terminator="tab")
    app = StationApp(station, counter, database_label="SQLite test")
    app.key_bounce.clock = PersonPace()
    return app


@pytest.mark.parametrize(
    ("lang", "where"),
    [("en", "A phone goes in the Phone field (Shift+Tab)."), ("zh", "手机号请填在手机号栏（Shift+Tab）。")],
)
async def test_a_phone_typed_after_the_clerks_own_tab_is_told_where_it_goes(
    station: Station, lang: str, where: str
) -> None:
    set_language(lang)
    app = tab_ended_console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "SF1234567890123", end="tab")
        await settle(app, pilot)
        assert app.focused is screen.query_one("#phone", Input)  # the scanner's Tab ended its scan
        await type_slowly(pilot, clock, "tab", *"13812345678")  # the clerk's own, a person's pace later
        size = screen.query_one("#size", Input)
        assert app.focused is size and size.value == ""
        said: Any = [n.message for n in app._notifications]
        assert said and where in said[-1]
        await type_slowly(pilot, clock, "enter")
        await settle(app, pilot)
        assert where in status(screen, "#ci-message")
        await type_slowly(pilot, clock, "shift+tab", *"13812345678", "enter")
        await settle(app, pilot)
        assert parcels(station) == {"SF1234567890123": "13812345678"}


@pytest.mark.parametrize(
    ("lang", "size_hint", "check_the_number"),
    [
        ("en", "Type S, M, L or XL in Size, then scan the parcel again · Ctrl+X dismiss", "Check the"),
        ("zh", "请在尺寸栏填写 S、M、L 或 XL，再扫一次该包裹 · Ctrl+X 忽略", "核对单号"),
    ],
)
async def test_a_size_not_taken_is_hinted_to_type_it_again(
    app: StationApp, station: Station, lang: str, size_hint: str, check_the_number: str
) -> None:
    """An "X" left in Size (the clerk meant XL) refuses the scan for its size: its hint said "Check the
    number, or type it into the scan field", though the number was fine and Size was cleared. It says
    to type the size again and scan the parcel again."""
    set_language(lang)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await type_slowly(pilot, clock, "shift+tab", "X")
        assert screen.query_one("#size", Input).value == "X"
        await scan(pilot, clock, "SF1234567890123")
        await settle(app, pilot)
        item = attention(screen)[0]
        assert item.code == "bad_size"
        assert item.hint == size_hint and check_the_number not in item.hint
        assert list(parcels(station)) == []
