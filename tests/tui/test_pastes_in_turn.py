"""A paste goes where the keys around it go, in their order: behind a scan still being decided it
follows that scan (the phone pasted for the parcel just scanned), and behind the sign-in's Enter it
waits for the field that Enter leads to (a form's: test_type_ahead.py)."""

from __future__ import annotations

import asyncio
import time

from textual import events
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.checkin_driver import attention, db_counts, parcels, settle, start, type_slowly
from tui.test_type_ahead import console, send_paste


async def test_a_phone_pasted_right_behind_a_scan_goes_to_the_parcel_scanned(
    app: StationApp, station: Station
) -> None:
    """The paste reached the scan field ahead of the scan the router was still deciding; the scan then
    cleared it from there as a waybill typed and not sent. It follows the scan to the Phone field."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        clock.t += 0.6
        clock.scanner()
        for key in "SF1234567890123":
            quiet.send_key(app, key)
        quiet.send_key(app, "enter")
        send_paste(app, "13812345678", at=clock.t)
        await settle(app, pilot)
        assert db_counts(station)[0] == 1 and attention(screen) == []
        phone = screen.query_one("#phone", Input)
        assert app.focused is phone and phone.value == "13812345678"
        assert screen.query_one("#scan", Input).value == ""
        await type_slowly(pilot, clock, "enter")
        assert parcels(station) == {"SF1234567890123": "13812345678"}


async def test_a_phone_pasted_behind_a_scan_and_its_extra_enter_goes_to_the_parcel_scanned(
    app: StationApp, station: Station
) -> None:
    """A scan ended by CR and LF (two Enters), a phone pasted right behind, each key taken as it comes:
    the LF ends the scan at once, and its answer (the focus on to Phone) overtook the paste already
    given to the scan field, which took it there, the focus on an empty Phone (the next Enter would
    send the phone as a waybill). It follows the scan to the Phone field, as behind one Enter."""
    async with app.run_test(size=(140, 44)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        for key in [*"SF1234567890123", "enter", "enter"]:
            quiet.send_key(app, key)
            await asyncio.sleep(0)
        send_paste(app, "13812345678", at=time.monotonic())
        await quiet.settle(pilot)
        assert db_counts(station)[0] == 1 and attention(screen) == []
        phone = screen.query_one("#phone", Input)
        assert screen.query_one("#scan", Input).value == ""
        assert app.focused is phone and phone.value == "13812345678"
        await asyncio.sleep(0.3)  # a person's Enter, well after the scanner's
        quiet.send_key(app, "enter")
        await quiet.until(
            pilot,
            lambda: parcels(station) == {"SF1234567890123": "13812345678"},
            what="the pasted phone saved",
        )


async def test_a_phone_pasted_right_behind_a_scan_into_the_size_field_goes_to_the_phone_field(
    app: StationApp, station: Station
) -> None:
    """A scan read while Size had the focus, a phone pasted right behind it: the scan was told to the
    screen, but its answer (the focus on to Phone) was still to come when the paste reached Size, which
    took it; Size refused a phone and the phone was gone. It waits for the answer and goes to Phone."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        size = screen.query_one("#size", Input)
        size.focus()
        await settle(app, pilot)
        assert app.focused is size
        clock.t += 0.6
        clock.scanner()
        for key in [*"SF1234567890123", "enter"]:
            quiet.send_key(app, key)
            await asyncio.sleep(0)  # the console takes each key as it comes, as at the counter
        send_paste(app, "13812345678", at=clock.t)
        await settle(app, pilot)
        assert db_counts(station)[0] == 1
        phone = screen.query_one("#phone", Input)
        assert app.focused is phone and phone.value == "13812345678" and size.value == ""
        await type_slowly(pilot, clock, "enter")
        assert parcels(station) == {"SF1234567890123": "13812345678"}


async def test_a_waybill_pasted_right_behind_esc_in_the_size_field_goes_to_the_scan_field(
    app: StationApp, station: Station
) -> None:
    """Enter and Esc in Size, a waybill pasted right behind: the router gave the two keys back to Size,
    and the paste reached Size while Esc was still on its way to its binding (the focus back to the
    scan field); Size refused a waybill and it was gone. It waits for Esc's answer, in the scan field."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        size = screen.query_one("#size", Input)
        size.focus()
        await settle(app, pilot)
        clock.t += 0.6
        clock.scanner()
        for key in ("enter", "escape"):
            quiet.send_key(app, key)
            await asyncio.sleep(0)
        send_paste(app, "SF1234567890123", at=clock.t)
        await settle(app, pilot)
        scan = screen.query_one("#scan", Input)
        assert app.focused is scan and scan.value == "SF1234567890123" and size.value == ""


async def test_the_enter_right_behind_a_phone_pasted_behind_a_scan_saves_the_phone(
    app: StationApp, station: Station
) -> None:
    """Scan, paste and Enter in one burst: the Enter came within a scanner's gap of the scan's end and
    was dropped as the scanner's extra CR/LF, so the phone sat in its field unsaved. A paste between them
    is the clerk's act: the Enter behind it is the clerk's too and saves the phone."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        clock.t += 0.6
        clock.scanner()
        for key in "SF1234567890123":
            quiet.send_key(app, key)
        quiet.send_key(app, "enter")
        send_paste(app, "13812345678", at=clock.t)
        quiet.send_key(app, "enter")
        await settle(app, pilot)
        clock.idle = 1.0  # then silence: the router's timer decides on what it holds
        await quiet.settle(pilot)
        await quiet.until(
            pilot,
            lambda: parcels(station) == {"SF1234567890123": "13812345678"},
            what="the pasted phone saved",
            timeout=10,
        )
        assert screen.query_one("#phone", Input).value == ""
        assert attention(screen) == []


async def test_a_pin_pasted_right_behind_the_names_enter_signs_in(new_station: Station) -> None:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.act_as(new_station, None)
    app = console(new_station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        at = events.Key("a", "a").time
        for key in "Wang":
            quiet.send_key(app, key, at=at)
        quiet.send_key(app, "enter", at=at)
        send_paste(app, "9071", at=at)
        quiet.send_key(app, "enter", at=at)
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: not isinstance(app.screen, SignInScreen), what="signed in")
        assert app.clerk_name == "Wang"


async def test_a_waybill_pasted_right_behind_the_pins_enter_reaches_the_screen_signed_in_to(
    new_station: Station,
) -> None:
    """PIN, Enter and a waybill pasted at once: the paste went into the PIN field as the sign-in was
    still checked, and closed with the dialog, unsaid. It waits for the sign-in's answer."""
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.act_as(new_station, None)
    app = console(new_station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        at = events.Key("a", "a").time
        for key in [*"Wang", "enter", *"9071", "enter"]:
            quiet.send_key(app, key, at=at)
        send_paste(app, "SF1234567890123", at=at)
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: not isinstance(app.screen, SignInScreen), what="signed in")
        await quiet.settle(pilot)
        focused = app.focused
        assert isinstance(focused, Input) and focused.value == "SF1234567890123"


async def test_a_paste_held_for_the_key_before_it_goes_in_ahead_of_the_tab_behind_it(
    app: StationApp, station: Station
) -> None:
    """A key typed into the scan field (its router holds it a scanner's gap), a paste and Tab right
    behind: the scan field re-sent the paste on its own once the key was given back, and the Tab,
    given on meanwhile, took the focus on first: the paste went into Phone, the scan field left with
    the key alone. The paste waits with the keys in their order: into the scan field, then Tab."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        clock.t += 0.6
        clock.scanner()
        quiet.send_key(app, "S")
        send_paste(app, "F1234567890123", at=clock.t)
        quiet.send_key(app, "tab")
        await settle(app, pilot)
        clock.idle = 1.0  # then silence: the router's timer decides on what it holds
        await quiet.settle(pilot)
        phone = screen.query_one("#phone", Input)
        assert (screen.query_one("#scan", Input).value, phone.value) == ("SF1234567890123", "")
        assert app.focused is phone
