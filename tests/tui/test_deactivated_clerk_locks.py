"""A clerk a manager deactivates at another counter: their next call, once the standing check is due,
locks this console as Ctrl+L does, the sign-in saying why; the read it refused is read again for the
clerk who signs in next."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select
from station_helpers import act_as_new_clerk
from textual.widgets import DataTable

from db.engine import create_station_engine
from db.models import EventKind, ParcelEvent, Role
from station_console.services.core.standing import RECHECK_S
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.app import StationApp
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens.overdue import OverdueScreen
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.widgets.plain import Static
from tui import quiet
from tui.lock_driver import sign_in
from tui.pickup_driver import ANN, Clerk_, receive, statuses
from tui.shelf_data import place, wb


@pytest.mark.first_mode("shelves")
async def test_a_clerk_deactivated_elsewhere_is_locked_out_with_the_reason(
    app: StationApp, station: Station, clock: Any, bells: list[int]
) -> None:
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    other = Station(engine=create_station_engine(str(station.engine.url)), counter="counter-2", clock=clock)
    act_as_new_clerk(other, "Boss", Role.MANAGER)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await quiet.settle(pilot)
        manager = station.clerk_id
        clerks.deactivate(other, "Manager")
        clock.advance(seconds=RECHECK_S)
        await quiet.press(pilot, "f10")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        await quiet.settle(pilot)
        said = app.screen.query_one("#signin-error", Static)
        assert str(said.render()) == "Your account was deactivated by a manager: ask a manager."
        assert station.clerk_id is None
        assert [n.message for n in app._notifications] == []
        with station.read() as session:
            out = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.SIGNED_OUT)).all()
        assert [(e.clerk_id, e.details) for e in out] == [(manager, {"reason": "deactivated"})]
        await sign_in(pilot, "Tester", "0000")
        await quiet.settle(pilot)
        assert isinstance(app.screen, OverdueScreen)
        assert app.screen.query_one("#od-table", DataTable).row_count == 1
    other.engine.dispose()


@pytest.mark.first_mode("shelves")
async def test_an_idle_console_locks_when_its_clerk_is_deactivated_elsewhere(
    app: StationApp, station: Station, clock: Any
) -> None:
    """Nobody at the keys: the live view hears the deactivation and the console locks on its own,
    within the feed's poll, the clock not moved (no standing check falls due by time)."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    other = Station(engine=create_station_engine(str(station.engine.url)), counter="counter-2", clock=clock)
    act_as_new_clerk(other, "Boss", Role.MANAGER)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        manager = station.clerk_id
        # Another clerk's change is heard and leaves this clerk signed in.
        clerks.add_clerk(other, "Li", "1357")
        await quiet.until(pilot, lambda: app.live_bridge.delivered > 0, what="counter-2's change")
        await quiet.settle(pilot)
        assert station.clerk_id == manager
        assert not app.signing_in
        clerks.deactivate(other, "Manager")
        await quiet.until(
            pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog", timeout=RECHECK_S
        )
        await quiet.settle(pilot)
        said = app.screen.query_one("#signin-error", Static)
        assert str(said.render()) == "Your account was deactivated by a manager: ask a manager."
        assert station.clerk_id is None
        with station.read() as session:
            out = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.SIGNED_OUT)).all()
        assert [(e.clerk_id, e.details) for e in out] == [(manager, {"reason": "deactivated"})]
    other.engine.dispose()


@pytest.mark.first_mode("pickup")
async def test_a_handover_refused_for_a_clerk_deactivated_elsewhere_locks_the_console(
    console: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk Tester serves a customer; a manager deactivates Tester at counter-2; F10: the handover is
    refused and the console locks with the reason, as any other call's refusal locks it, not a refusal
    said on Pickup's line with Tester still signed in. Nothing was handed over."""
    # The live view would lock the idle console on its own: without it, only the handover can.
    monkeypatch.setattr(LiveBridge, "start", lambda self: None)
    parcel = receive(station, 1, ANN)
    other = Station(engine=create_station_engine(str(station.engine.url)), counter="counter-2", clock=clock)
    act_as_new_clerk(other, "Boss", Role.MANAGER)
    async with console.run_test(size=(160, 45), notifications=True) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.serve(parcel)
        tester = station.clerk_id
        clerks.deactivate(other, "Tester")
        clock.advance(seconds=RECHECK_S)
        await clerk.key("f10")
        await quiet.until(pilot, lambda: isinstance(console.screen, SignInScreen), what="the sign-in dialog")
        await quiet.settle(pilot)
        said = console.screen.query_one("#signin-error", Static)
        assert str(said.render()) == "Your account was deactivated by a manager: ask a manager."
        assert station.clerk_id is None
        assert [n.message for n in console._notifications] == []
        with station.read() as session:
            out = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.SIGNED_OUT)).all()
        assert [(e.clerk_id, e.details) for e in out] == [(tester, {"reason": "deactivated"})]
    assert statuses(station) == {parcel.waybill: "on_shelf"}
    other.engine.dispose()
