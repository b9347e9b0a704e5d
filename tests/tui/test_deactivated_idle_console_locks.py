"""A console nobody touches locks by itself once a manager at another counter deactivates its clerk:
it stayed signed in, the last customer on screen, until the clerk's next key made a call."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from station_helpers import act_as_new_clerk

from db.engine import create_station_engine
from db.models import EventKind, ParcelEvent, Role
from station_console.services.core.standing import RECHECK_S
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.app import StationApp
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.widgets.plain import Static
from tui import quiet


@pytest.mark.parametrize(
    "db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
async def test_an_idle_console_locks_when_its_clerk_is_deactivated_elsewhere(
    app: StationApp, station: Station, clock: Any
) -> None:
    other = Station(engine=create_station_engine(str(station.engine.url)), counter="counter-2", clock=clock)
    act_as_new_clerk(other, "Boss", Role.MANAGER)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await quiet.settle(pilot)
        manager = station.clerk_id
        clerks.deactivate(other, "Manager")
        clock.advance(seconds=RECHECK_S)  # the last read of the clerk's row is due again
        # No key pressed: the console finds out by itself.
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        await quiet.settle(pilot)
        said = app.screen.query_one("#signin-error", Static)
        assert str(said.render()) == "Your account was deactivated by a manager: ask a manager."
        assert station.clerk_id is None
        with station.read() as session:
            out = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.SIGNED_OUT)).all()
        assert [(e.clerk_id, e.details) for e in out] == [(manager, {"reason": "deactivated"})]
    other.engine.dispose()
