"""Check-in: the phone kept after a refused scan while the check-in of its parcel is still on its way,
and answered late: refused (the database busy), then tried again by Ctrl+Y."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_attention import AttentionList
from tui import quiet
from tui.checkin_driver import KeyClock, attention, parcels, phone_field, scan, send_keys, settle, start

WAYBILL = "JT0000000000001"
REFUSED = "773100000000100"
WRITER = ("_run",)  # the check-in writer's jobs, left running while one is held


async def keys_at(pilot: Any, clock: KeyClock, keys: str | list[str], *, step: float) -> None:
    """Keys `step` s apart while the writer is held, each handled before the next."""
    clock.person()
    clock.step = step
    for key in keys:
        await send_keys(pilot, key, settle=False)
        await quiet.settle(pilot, routers=False, leave_running=WRITER)
    await quiet.settle(pilot, leave_running=WRITER)  # the router's timer releases the last key


@pytest.mark.parametrize(
    ("erased", "typed", "phone"),
    [(10, "13911112222", None), (0, "0", "13800138000")],  # the refused parcel's phone typed over; completed
)
async def test_a_phone_typed_over_the_kept_one_while_its_check_in_was_refused_goes_to_no_parcel(
    app: StationApp,
    station: Station,
    bells: list[int],
    first_scan_busy: tuple[threading.Event, list[str]],
    erased: int,
    typed: str,
    phone: str | None,
) -> None:
    """The parcel's check-in is refused (busy) while its kept phone is being checked; the clerk types the
    refused scan's phone over it and presses Enter (refused: no parcel in hand), then Ctrl+Y checks the
    parcel in again. Enter forgot the check, and the next scan gave that phone to the parcel. Completed,
    the kept phone goes to it."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        clock.t += 0.6
        clock.scanner()
        await send_keys(pilot, *WAYBILL, "enter", settle=False)
        await quiet.settle(pilot, routers=False, leave_running=WRITER)
        await keys_at(pilot, clock, "13800138000", step=0.15)
        clock.t += 0.146  # the next parcel's scan, its first key 150 ms after the phone's last
        clock.scanner()
        await send_keys(pilot, *REFUSED, "enter", settle=False)
        await quiet.settle(pilot, routers=False, leave_running=WRITER)
        assert phone_field(app.screen).value == "1380013800"  # kept, to be checked
        first_scan_busy[0].set()
        await settle(app, pilot)
        assert screen.current is None  # its check-in refused
        phone_field(app.screen).focus()  # the clerk clicks the Phone field, the kept phone still in it
        await keys_at(pilot, clock, ["end"], step=0.3)
        await keys_at(pilot, clock, ["backspace"] * erased, step=0.15)
        await keys_at(pilot, clock, [*typed, "enter"], step=0.15)
        await settle(app, pilot)
        assert phone_field(app.screen).value == (
            "1380013800"[: 10 - erased] + typed
        )  # refused: no parcel in hand
        item = next(i for i in attention(screen) if i.code == "database_locked")
        for _key in range(len(attention(screen))):
            if screen.query_one(AttentionList).selected() is item:
                break
            await keys_at(pilot, clock, ["down"], step=0.3)
        assert screen.query_one(AttentionList).selected() is item
        await keys_at(pilot, clock, ["ctrl+y"], step=0.3)
        await settle(app, pilot)
        assert screen.current is not None and screen.current.result is not None
        await scan(pilot, clock, REFUSED)
        await settle(app, pilot)
        assert parcels(station) == {WAYBILL: phone, REFUSED: None}
        assert any("was left by the refused scan" in i.text for i in attention(screen)) == (phone is None)
