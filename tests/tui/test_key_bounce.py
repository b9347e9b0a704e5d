"""A dialog's one-key answer pressed again a moment later (a bounce, a double tap, the first repeat)
goes nowhere; a different key, the same key after the window, and a scan that starts with it are kept."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from station_helpers import configure
from textual import events
from textual.widgets import Input

from db.models import FeeEntry, Role
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.key_bounce import RUN_GAP, WINDOW, BounceGuard
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from tui.pickup_driver import ANN, OTHER, SOLO, Clerk_, one_parcel_served, receive, sign_in, statuses
from tui.quiet import press, until

CHARGED = [FeeRule(name="standard", free_days=0, per_day_cents=150)]


class GuardClock:
    """The guard's time: `now` for the close and the next key, `step` added after each key."""

    def __init__(self) -> None:
        self.now, self.step = 100.0, 0.0

    def __call__(self, event: Any) -> float:
        if event is None:
            return self.now
        at, self.now = self.now, self.now + self.step
        return at


def box(clerk: Clerk_) -> str:
    return clerk.screen.query_one("#pk-query", Input).value


def payments(station: Station) -> list[tuple[int, str | None]]:
    with station.read() as s:
        return [(e.amount_cents, e.method) for e in s.exec(select(FeeEntry)).all() if e.kind == "payment"]


async def fee_paid_with_1(clerk: Clerk_, clock: GuardClock) -> None:
    clerk.app.key_bounce.clock = clock
    await clerk.key("f10")
    await until(clerk.pilot, lambda: isinstance(clerk.app.screen, FeeDialog))
    await press(clerk.pilot, "1")  # closed at 100.0
    await until(clerk.pilot, lambda: clerk.screen.is_active)


@pytest.mark.first_mode("pickup")
async def test_1_twice_in_the_fee_dialog_pays_once_and_leaves_the_pickup_box_empty(
    station: Station, console: StationApp
) -> None:
    configure(station, storage_fee_rules=CHARGED)
    clock = GuardClock()
    async with one_parcel_served(station, console) as (clerk, screen, parcel):
        await fee_paid_with_1(clerk, clock)
        clock.now += 0.05  # the key bounced
        await clerk.key("1")
        clock.now += WINDOW - 0.1  # and repeated once held
        await clerk.key("1")
        assert box(clerk) == "" and console.screen is screen
        assert statuses(station) == {parcel.waybill: "picked_up"}
    assert payments(station) == [(150, "cash")]


@pytest.mark.first_mode("pickup")
async def test_a_different_key_right_after_the_answer_is_typed(station: Station, console: StationApp) -> None:
    configure(station, storage_fee_rules=CHARGED)
    clock = GuardClock()
    async with one_parcel_served(station, console) as (clerk, _screen, _parcel):
        await fee_paid_with_1(clerk, clock)
        clock.now += 0.05
        await clerk.key("2")
        assert box(clerk) == "2"
    assert payments(station) == [(150, "cash")]


@pytest.mark.first_mode("pickup")
async def test_the_same_key_after_the_window_is_typed(station: Station, console: StationApp) -> None:
    configure(station, storage_fee_rules=CHARGED)
    clock = GuardClock()
    async with one_parcel_served(station, console) as (clerk, _screen, _parcel):
        await fee_paid_with_1(clerk, clock)
        clock.now += WINDOW + 0.05
        await clerk.key("1")
        assert box(clerk) == "1"


@pytest.mark.first_mode("pickup")
async def test_a_scan_starting_with_the_answer_key_right_after_it_is_whole(
    station: Station, console: StationApp
) -> None:
    """The scanner's first two keys are the answer's "1": held, then passed on ahead of the rest."""
    configure(station, storage_fee_rules=CHARGED)
    clock = GuardClock()
    async with one_parcel_served(station, console) as (clerk, _screen, _parcel):
        waybill = "1100000000001"
        check_in(station, waybill, phone=OTHER)
        await fee_paid_with_1(clerk, clock)
        clock.now, clock.step = 100.05, 0.004
        await clerk.scan(waybill)
        await until(clerk.pilot, lambda: clerk.screen.lookup is not None)
        lookup = clerk.screen.lookup
        assert lookup is not None and lookup.query == waybill
        assert [r.waybill for r in lookup.rows] == [waybill]
    assert console.key_bounce.dropped == 0


@pytest.mark.first_mode("pickup")
async def test_y_twice_on_a_question_undoes_once_and_types_nothing(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.MANAGER)
    parcel = receive(station, 1, ANN)
    clock = GuardClock()
    console.key_bounce.clock = clock
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.serve(parcel)
        await clerk.key("f10")
        assert statuses(station) == {parcel.waybill: "picked_up"}
        await clerk.key("ctrl+z")
        await until(pilot, lambda: isinstance(console.screen, ConfirmDialog))
        await press(pilot, "y")
        clock.now += 0.08
        await press(pilot, "y")
        await until(pilot, lambda: statuses(station) == {parcel.waybill: "on_shelf"})
        assert console.screen is screen and box(clerk) == ""


@pytest.mark.first_mode("pickup")
async def test_enter_or_f10_doubled_on_pickups_check_line_waits_for_a_press_of_its_own(
    station: Station, console: StationApp
) -> None:
    """'Checked? Press Enter again' and 'Only 1 of 2 scanned. Press F10 again' ask the clerk to look
    first: the same key a moment later is the press doubled and hands nothing over; pressed again after
    the window, it does."""
    sign_in(station, Role.CLERK)
    solo = receive(station, 4, SOLO)
    ann = [receive(station, n, ANN) for n in (1, 2)]
    clock = GuardClock()
    console.key_bounce.clock = clock
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type("4321")
        await clerk.scan(solo.waybill)
        await doubled_then_pressed_again(clerk, clock, "enter", "Checked?", solo.waybill)
        await clerk.type(f"{ann[0].pickup_code} {ann[1].pickup_code}")
        await clerk.scan(ann[0].waybill)
        await doubled_then_pressed_again(clerk, clock, "f10", "Only 1 of 2 scanned", ann[0].waybill)
        assert statuses(clerk.app.station)[ann[1].waybill] == "on_shelf"


async def doubled_then_pressed_again(
    clerk: Clerk_, clock: GuardClock, key: str, asks: str, waybill: str
) -> None:
    clock.now += 1.0
    await clerk.key(key)
    assert asks in clerk.text("#pk-message")
    clock.now += 0.08  # the double tap
    await clerk.key(key)
    assert asks in clerk.text("#pk-message") and statuses(clerk.app.station)[waybill] == "on_shelf"
    clock.now += 1.0
    await clerk.key(key)
    assert statuses(clerk.app.station)[waybill] == "picked_up"


def test_a_held_key_repeating_past_the_window_is_dropped_whole() -> None:
    """The first repeat inside the window, the next ones after it, each within the repeat rate."""
    dialog, clock = object(), GuardClock()
    guard = BounceGuard(clock=clock)
    assert guard.arrived(events.Key("1", "1"), dialog)
    guard.closed(dialog)
    times = [WINDOW - 0.1 + i * (RUN_GAP - 0.05) for i in range(6)]
    for t in times:
        clock.now = 100.0 + t
        assert guard.arrived(events.Key("1", "1"), None) == []
    clock.now = 100.0 + times[-1] + 1.0
    typed = events.Key("1", "1")
    assert guard.arrived(typed, None) == [typed]  # the clerk's own "1", a second later
    assert guard.dropped == len(times)


def test_a_close_by_click_guards_nothing() -> None:
    dialog, clock = object(), GuardClock()
    guard = BounceGuard(clock=clock)
    guard.arrived(events.Key("enter", None), dialog)
    guard.other_input()  # the clerk clicked the dialog's button
    guard.closed(dialog)
    clock.now += 0.05
    enter = events.Key("enter", None)
    assert guard.arrived(enter, None) == [enter]


def test_keys_held_behind_the_enter_that_closed_a_dialog_lose_only_its_repeat() -> None:
    """Held behind the Enter while the dialog answered (tui/type_ahead.py), they go on after the close:
    the same Enter again is the press bouncing; a different key and all after it are the clerk's."""
    dialog, clock = object(), GuardClock()
    guard = BounceGuard(clock=clock)
    first, again, typed, then = (events.Key(k, None) for k in ("enter", "enter", "x", "enter"))
    for key in (first, again, typed):  # all before the close: the type-ahead holds all but the first
        assert guard.arrived(key, dialog) == [key]
    guard.closed(dialog)
    assert guard.held_behind([again, typed, then], first) == [typed, then]
    assert guard.dropped == 1


def test_a_key_typed_behind_the_enter_that_closed_a_dialog_is_kept() -> None:
    """The last key to reach the guard before the close was typed after the answer: it is no bounce."""
    dialog, clock = object(), GuardClock()
    guard = BounceGuard(clock=clock)
    enter, typed = events.Key("enter", None), events.Key("y", "y")
    for key in (enter, typed):
        assert guard.arrived(key, dialog) == [key]
    guard.closed(dialog)
    assert guard.held_behind([typed], enter) == [typed]
    assert guard.dropped == 0
