"""Driving the Pickup screen like a clerk, for the Pickup tests: a person types (250 ms a key), a scanner
scans (4 ms a key), through the router's clock seam (`KeyRouter.clock`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlmodel import Session, select
from station_helpers import configure
from textual.widgets import DataTable, Digits, Static

from db.models import Clerk, Parcel, Role
from station_console.services.checkin.transaction import CheckinResult, check_in
from station_console.services.core.station import Station
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.screens.pickup import PickupScreen
from station_console.tui.screens.pickup_fees import FeeDialog
from tui.quiet import burst, press, settle

ANN, SOLO, OTHER = "13812345678", "13900004321", "13700001111"


class KeyClock:
    def __init__(self) -> None:
        self.t, self.step, self.idle = 100.0, 0.004, 0.0

    def __call__(self, event: Any) -> float:
        if event is None:
            return self.t + self.idle
        self.t += self.step
        return self.t


def sign_in(station: Station, role: str) -> None:
    def work(session: Session) -> int:
        row = Clerk(name=f"{role}-1", role=role, created_at=station.now())
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id

    station.clerk_id, station.clerk_role = station.run(work), role


def receive(station: Station, n: int, phone: str) -> CheckinResult:
    return check_in(station, f"73{n:012d}", phone=phone)


def fee_due(station: Station, clock: Any, phone: str = ANN) -> CheckinResult:
    """A clerk signed in and one parcel on its shelf into its third day, under a standard fee (one day
    free, 1.50 a day after): 3.00 due at its pickup."""
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, phone)
    clock.advance(days=2)
    return parcel


async def fee_asked(clerk: Clerk_, parcel: CheckinResult) -> FeeDialog:
    """At Pickup: `parcel`'s code typed, the parcel scanned and F10 pressed: its fee question, asked."""
    await clerk.type(parcel.pickup_code)
    await clerk.scan(parcel.waybill)
    await clerk.key("f10")
    dialog = clerk.app.screen
    assert isinstance(dialog, FeeDialog)
    return dialog


def statuses(station: Station) -> dict[str, str]:
    with station.read() as s:
        return {p.waybill: p.status for p in s.exec(select(Parcel)).all()}


@asynccontextmanager
async def one_parcel_served(
    station: Station, console: StationApp, role: str = Role.CLERK
) -> AsyncIterator[tuple[Clerk_, PickupScreen, CheckinResult]]:
    """A clerk (or `role`) at Pickup, one parcel on the shelves, its code typed and the parcel scanned."""
    sign_in(station, role)
    parcel = receive(station, 1, ANN)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.serve(parcel)
        yield clerk, screen, parcel


class Clerk_:
    """Drives the screen: a person types, a scanner scans."""

    def __init__(self, app: StationApp, pilot: Any) -> None:
        self.app, self.pilot, self.clock = app, pilot, KeyClock()
        self.bells = 0
        app.bell = self._bell  # type: ignore[method-assign]

    def _bell(self) -> None:
        self.bells += 1

    @property
    def screen(self) -> PickupScreen:
        assert isinstance(self.app.screen, PickupScreen)
        return self.app.screen

    async def open(self) -> PickupScreen:
        await press(self.pilot, "f2")
        assert self.screen.router is not None
        self.screen.router.clock = self.clock
        return self.screen

    async def type(self, text: str) -> None:
        self.clock.step, self.clock.idle = 0.25, 1.0
        await press(self.pilot, *list(text), "enter")

    async def scan(self, code: str) -> None:
        self.clock.t += 0.5
        self.clock.step, self.clock.idle = 0.004, 0.0
        await burst(self.pilot, *list(code), "enter")

    async def serve(self, parcel: Any) -> None:
        """The customer's code typed, then the parcel's waybill scanned."""
        await self.type(parcel.pickup_code)
        await self.scan(parcel.waybill)

    async def key(self, *keys: str) -> None:
        self.clock.t += 1.0
        self.clock.step, self.clock.idle = 0.25, 1.0
        await press(self.pilot, *keys)

    async def settle(self) -> None:
        await settle(self.pilot)

    def text(self, selector: str) -> str:
        return str(self.screen.query_one(selector, Static).render())

    def progress(self) -> tuple[str, str]:
        done, total = (self.screen.query_one(s, Digits).value for s in ("#pk-done", "#pk-total"))
        return done, total

    def ticks(self) -> list[str]:
        table = self.screen.query_one("#pk-table", DataTable)
        return [str(table.get_cell(key, "tick")) for key in table.rows]


def statuses_ids(station: Station) -> dict[str, int]:
    with station.read() as s:
        return {p.waybill: p.id for p in s.exec(select(Parcel)).all() if p.id is not None}
