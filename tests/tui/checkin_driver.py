"""Driving the Check-in screen with key times the test chooses (the router's clock seam), and reading the
database behind it. Used by the screen's Pilot tests and by the shift replay."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from textual.screen import Screen
from textual.widgets import Input, Static

from db.models import Notification, Parcel, PrintJob
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.checkin_attention import Attention, AttentionList
from station_console.tui.screens.checkin_batch import CourierDialog
from tui import quiet

SCANNER, PERSON = 0.004, 0.25


class KeyClock:
    """Every key arrives `step` s after the previous one; a timer flush sees `idle` s of silence.

    `looks` counts the flushes that asked for the time: the router's timer looking at held keys."""

    def __init__(self) -> None:
        self.t = 100.0
        self.looks = 0
        self.scanner()

    def scanner(self) -> None:
        self.step, self.idle = SCANNER, 0.0

    def person(self) -> None:
        self.step, self.idle = PERSON, 1.0

    def __call__(self, event: Any) -> float:
        if event is None:
            self.looks += 1
            return self.t + self.idle
        self.t += self.step
        return self.t


async def send_keys(pilot: Any, *keys: str, settle: bool = True) -> None:
    """Keys into the app's input queue, as the terminal driver delivers them, then until the app is idle.

    Pilot.press waits for the whole process to go idle after every key (up to a second each on a busy
    machine); a scanner's keys do not wait for anything, so they go in back to back here."""
    for key in keys:
        quiet.send_key(pilot.app, key)
    if settle:  # every key handled (not "the whole process idle"); keys the router holds stay held
        await quiet.settle(pilot, routers=False)


async def start(app: StationApp, pilot: Any) -> tuple[CheckinScreen, KeyClock]:
    await quiet.settle(pilot)
    screen = app.screen
    assert isinstance(screen, CheckinScreen)
    clock = KeyClock()
    assert screen.router is not None
    screen.router.clock = clock
    return screen, clock


async def start_with_courier_batch(
    app: StationApp, pilot: Any, courier: str
) -> tuple[CheckinScreen, KeyClock]:
    """Check-in started and a batch opened by F10 for `courier` of ZTO (the carrier table's second)."""
    screen, keys = await start(app, pilot)
    await settle(app, pilot)
    await type_slowly(pilot, keys, "f10")
    await settle(app, pilot)
    assert isinstance(app.screen, CourierDialog)
    await quiet.press(pilot, "down", "enter", *courier, "enter")
    assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is not None
    return screen, keys


async def scan(pilot: Any, clock: KeyClock, code: str, *, gap: float = 0.6, end: str = "enter") -> None:
    """A whole scan, `gap` s after the last key."""
    clock.t += gap  # the time between two parcels
    clock.scanner()
    await send_keys(pilot, *list(code), end)


async def scan_split(
    pilot: Any, clock: KeyClock, code: str, *, at: int, hiccup: float | None, gap: float = 0.6
) -> None:
    """A scan whose keys stop after `at` characters for `hiccup` s (None: the rest never comes)."""
    clock.t += gap
    clock.scanner()
    await send_keys(pilot, *list(code[:at]))
    # During the hiccup the router's timer looks at the keys (it sees the hiccup's silence so far).
    clock.idle = hiccup if hiccup is not None else 0.0
    await timer_looks(pilot, clock)
    if hiccup is None:
        return
    clock.t += hiccup
    clock.idle = 0.0
    await send_keys(pilot, *list(code[at:]), "enter")


async def timer_looks(pilot: Any, clock: KeyClock) -> None:
    """Until the router's flush timer has looked at the held keys once more (at the clock's idle time
    now), and what it decided is handled."""
    looks = clock.looks
    await quiet.until(pilot, lambda: clock.looks > looks, what="the router's timer looking at its keys")
    await quiet.settle(pilot, routers=False)


async def type_slowly(pilot: Any, clock: KeyClock, *keys: str) -> None:
    """A person's keys, `PERSON` s apart on the router's clock: each is handled before the next, then
    the router's flush timer releases the last one (its clock says a second of silence has passed)."""
    clock.person()
    for key in keys:
        await send_keys(pilot, key, settle=False)
        await quiet.settle(pilot, routers=False)
    await quiet.settle(pilot)


async def type_phone_at_a_persons_pace(pilot: Any, clock: KeyClock, phone: str) -> None:
    """A phone typed 150 ms a key, as a person types, each key handled before the next; the router's
    flush timer then releases the last one."""
    clock.person()
    clock.step = 0.15
    for key in phone:
        await send_keys(pilot, key, settle=False)
        await quiet.settle(pilot, routers=False)
    await quiet.settle(pilot)  # the router's timer releases the last key


async def settle(app: StationApp, pilot: Any) -> None:
    """Every worker done and every message handled; keys held for the test's own clock stay held."""
    await quiet.settle(pilot, routers=False)


def phone_field(screen: Screen[Any]) -> Input:
    """Check-in's Phone field."""
    return screen.query_one("#phone", Input)


def status(screen: CheckinScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def attention(screen: CheckinScreen) -> list[Attention]:
    return list(screen.query_one(AttentionList).items)


def db_counts(station: Station) -> tuple[int, int, int]:
    """(parcels on the shelves or not, label jobs, messages)."""
    with station.read() as s:
        return tuple(  # type: ignore[return-value]
            int(s.exec(select(func.count()).select_from(m)).one()) for m in (Parcel, PrintJob, Notification)
        )


def parcels(station: Station) -> dict[str, str | None]:
    """Waybill -> full phone, of every parcel checked in (and not undone), in check-in order."""
    with station.read() as s:
        rows = s.exec(
            select(Parcel.waybill, Parcel.phone_full)
            .where(Parcel.status != "cancelled")
            .order_by(col(Parcel.id))
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def jobs_of(station: Station, parcel_id: int) -> list[str]:
    with station.read() as s:
        query = select(PrintJob.status).where(PrintJob.parcel_id == parcel_id).order_by(col(PrintJob.id))
        return list(s.exec(query).all())


def notes_of(station: Station, parcel_id: int) -> list[tuple[str, str]]:
    with station.read() as s:
        query = select(Notification.kind, Notification.status).where(Notification.parcel_id == parcel_id)
        return [tuple(r) for r in s.exec(query.order_by(col(Notification.id))).all()]  # type: ignore[misc]
