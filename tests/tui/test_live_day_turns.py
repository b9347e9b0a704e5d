"""A day closed or reopened at another counter is said at once at this one, whatever screen is in front:
a clerk scanning check-ins saw only "checked in" while their work landed on the next business day."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from conftest import FakeClock
from sqlmodel import col, select

from db.engine import create_station_engine
from db.models import EventKind, ParcelEvent
from station_console.services.admin import live
from station_console.services.core.station import Station
from station_console.services.day.close import close_day, reopen_day
from station_console.tui import error_toasts
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import sign_in
from tui.other_counter import another_counter


def toasts(app: StationApp) -> list[str]:
    return [str(t.message) for t in app._notifications]


async def test_another_counters_close_and_reopen_are_said_at_check_in(
    app: StationApp, station: Station, db_url: str, clock: FakeClock
) -> None:
    today = station.business_day()
    tomorrow = today + timedelta(days=1)
    closed = f"counter-2 closed {today}; work now belongs to {tomorrow}."
    reopened = f"counter-2 reopened {today}; work now belongs to {today}."
    async with (
        app.run_test(size=(120, 40), notifications=True) as pilot,
        another_counter(station, db_url) as other,
    ):
        await quiet.settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        close_day(other, early=True)
        clock.advance(seconds=1)  # the clerk's next scan comes after the close
        await quiet.until(pilot, lambda: closed in toasts(app), what="the close said")
        toast = next(t for t in app._notifications if t.message == closed)
        # Up until the clerk has acted after reading it, not the 5 s of a passing toast.
        assert toast.severity == "warning" and toast.timeout == error_toasts.UNTIL_READ
        reopen_day(other, today, "a parcel missed")
        await quiet.until(pilot, lambda: reopened in toasts(app), what="the reopen said")
        # This counter's own close is said where it was made (Reports), not again as news.
        heard = app.live_bridge.own_heard
        close_day(station, early=True)
        await quiet.until(pilot, lambda: app.live_bridge.own_heard > heard, what="this counter's close heard")
        await quiet.settle(pilot)
        assert not any(t.startswith("test-counter") for t in toasts(app)), toasts(app)


async def test_a_close_made_under_this_counters_name_by_another_process_is_said(
    app: StationApp, station: Station, db_url: str, clock: FakeClock
) -> None:
    """`station close-day` run on this PC names this console's counter: told apart by counter name, its
    close went unsaid, and the clerk's work landed on the next day unannounced."""
    today = station.business_day()
    closed = f"test-counter closed {today}; work now belongs to {today + timedelta(days=1)}."
    command = Station(
        engine=create_station_engine(db_url),
        counter=station.counter,
        clerk_id=station.clerk_id,
        clerk_role=station.clerk_role,
        clock=station.clock,
    )
    try:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await quiet.settle(pilot)
            await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
            close_day(command, early=True)
            clock.advance(seconds=1)  # read after the close
            await quiet.until(pilot, lambda: closed in toasts(app), what="the close said")
    finally:
        command.engine.dispose()


async def test_a_close_said_before_a_lock_waits_for_the_clerk_who_signs_in(
    app: StationApp, station: Station, db_url: str, clock: FakeClock
) -> None:
    """The notice up as the clerk locks (Ctrl+L; the idle lock locks alike): the lock took it down with
    the other toasts, and the next clerk never heard that their work now lands on the next day."""
    today = station.business_day()
    closed = f"counter-2 closed {today}; work now belongs to {today + timedelta(days=1)}."
    async with (
        app.run_test(size=(120, 40), notifications=True) as pilot,
        another_counter(station, db_url) as other,
    ):
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        close_day(other, early=True)
        clock.advance(seconds=1)  # read after the close
        await quiet.until(pilot, lambda: closed in toasts(app), what="the close said")
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        await quiet.settle(pilot)
        assert toasts(app) == []  # nothing over the sign-in
        await sign_in(pilot, "Manager", "0000")
        await quiet.until(pilot, lambda: app.clerk_name == "Manager", what="signed in")
        await quiet.settle(pilot)
        assert toasts(app).count(closed) == 1, toasts(app)


async def test_a_close_up_a_while_waits_over_the_lock_its_own_key_makes(
    app: StationApp, station: Station, db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notice up longer than a toast takes to read when the clerk presses Ctrl+L: the lock's key is
    no sign that the notice was read and acted on (it was taken down as read, before the lock kept
    it), and the clerk who signs in next never heard their work lands on the next day. Any other key
    still takes it down as read."""
    monkeypatch.setattr(error_toasts, "READ_S", 0.0)  # every toast up long enough to have been read
    today = station.business_day()
    closed = f"counter-2 closed {today}; work now belongs to {today + timedelta(days=1)}."
    reopened = f"counter-2 reopened {today}; work now belongs to {today}."
    async with (
        app.run_test(size=(120, 40), notifications=True) as pilot,
        another_counter(station, db_url) as other,
    ):
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        close_day(other, early=True)
        clock.advance(seconds=1)  # read after the close
        await quiet.until(pilot, lambda: closed in toasts(app), what="the close said")
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        await quiet.settle(pilot)
        assert toasts(app) == []  # nothing over the sign-in
        await sign_in(pilot, "Manager", "0000")
        await quiet.until(pilot, lambda: app.clerk_name == "Manager", what="signed in")
        await quiet.settle(pilot)
        assert toasts(app).count(closed) == 1, toasts(app)
        reopen_day(other, today, "closed by mistake")
        clock.advance(seconds=1)
        await quiet.until(pilot, lambda: reopened in toasts(app), what="the reopen said")
        await quiet.press(pilot, "f4")  # the clerk goes on working: both read
        await quiet.settle(pilot)
        assert toasts(app) == [], toasts(app)


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_on_postgresql_a_close_is_heard_through_notify(
    app: StationApp, station: Station, db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PostgreSQL console polls no table: the close reaches it as a NOTIFY whose payload carries the
    close's event id, the one the live view reads the day and the process that made it from."""
    payloads: list[dict[str, Any]] = []  # each NOTIFY the feed read, as sent
    parse = live._parse

    def parse_heard(payload: str) -> live.Change:
        payloads.append(json.loads(payload))
        return parse(payload)

    monkeypatch.setattr(live, "_parse", parse_heard)
    today = station.business_day()
    closed = f"counter-2 closed {today}; work now belongs to {today + timedelta(days=1)}."
    async with (
        app.run_test(size=(120, 40), notifications=True) as pilot,
        another_counter(station, db_url) as other,
    ):
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        assert app.live_bridge._feed is not None and app.live_bridge._feed.postgres
        close_day(other, early=True)
        clock.advance(seconds=1)  # read after the close
        await quiet.until(pilot, lambda: closed in toasts(app), what="the close said")
        with station.read() as session:
            closes = session.exec(
                select(ParcelEvent.id).where(col(ParcelEvent.kind) == EventKind.DAY_CLOSED)
            ).all()
        assert [(p["kind"], p["counter"]) for p in payloads if p["event_id"] in closes] == [
            ("day_closed", "counter-2")
        ]
        # This console's own reopen comes through NOTIFY too, and is not said as news.
        heard = len(payloads)
        reopen_day(station, today, "a parcel missed")
        await quiet.until(
            pilot, lambda: any(p["kind"] == "day_reopened" for p in payloads[heard:]), what="the reopen heard"
        )
        await quiet.settle(pilot)
        assert not any("reopened" in t for t in toasts(app)), toasts(app)


async def test_a_close_and_a_reopen_read_together_are_one_notice_true_of_both(
    app: StationApp, station: Station, db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A close and its reopen heard in one pass of the live view: each said "work now belongs to" the
    day read after both, so the close's toast read "closed D; work now belongs to D" (untrue of the
    close), and each turn stacked a toast of its own. One toast now lists them in order, and says where
    work belongs once, at the end."""
    gate, parked = threading.Event(), threading.Event()
    gate.set()
    wait = live.ChangeFeed.wait

    def gated(feed: live.ChangeFeed, timeout: float) -> list[live.Change]:
        if not gate.is_set():
            parked.set()  # the last pass is over: what comes next is read in one
            gate.wait(quiet.TIMEOUT)
        return wait(feed, timeout)

    monkeypatch.setattr(live.ChangeFeed, "wait", gated)
    today = station.business_day()
    together = f"counter-2 closed {today}; counter-2 reopened {today}; work now belongs to {today}."
    async with (
        app.run_test(size=(120, 40), notifications=True) as pilot,
        another_counter(station, db_url) as other,
    ):
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        gate.clear()
        await quiet.until(pilot, parked.is_set, what="the live view between two passes")
        close_day(other, early=True)
        reopen_day(other, today, "a parcel missed")
        gate.set()
        await quiet.until(pilot, lambda: any("reopened" in t for t in toasts(app)), what="the turns said")
        await quiet.settle(pilot)
        said = [t for t in toasts(app) if "work now belongs" in t]
        assert said == [together], said
