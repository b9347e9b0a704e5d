"""Driving the send-out counter (F3) like a clerk, for the send-out tests: the console with a dummy scale
opening at send-out, the form filled and a send accepted, an input method's burst of keys, the courier
handover (F12) with SF's batch open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlmodel import col, select
from textual.widgets import Input, Select, SelectionList, Static

from db.models import Send
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.sendout_handover import HandoverScreen
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput
from tui import quiet
from tui.conftest import PersonPace


def counter_app(station: Station, **settings: Any) -> StationApp:
    """The console with a dummy scale (1.2 kg, unless `scale` says another), opening at send-out: a
    console opening at check-in built, laid out and drew the check-in screen for tests that never look
    at it."""
    config = CounterSettings(
        **{"counter": "test-counter", "scale": {"kind": "dummy", "grams": 1200}} | settings
    )
    app = StationApp(station, config, database_label="SQLite test", first_mode="sendout")
    # A person's pace, as every test console's (`console_on`): on the machine's clock an Esc pressed right
    # after the Esc that answered Stay was taken as its bounce, and dropped once a loaded machine let
    # the next key come more than a scanner's gap behind it.
    app.key_bounce.clock = PersonPace()
    return app


async def until(pilot: Any, check: Any) -> None:
    await quiet.until(pilot, check, what="the screen never got there")


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def fill(pilot: Any, screen: SendoutScreen, **overrides: str) -> None:
    values = {
        "so-phone": "13812345678",
        "so-name": "Zhang San",
        "so-idnum": "11010519491231002X",
        "so-to-name": "Wang Wu",
        "so-to-phone": "13987654321",
        "so-dest": "新疆",
        "so-address": "乌鲁木齐市人民路 88 号",
        "so-contents": "clothes",
    } | overrides
    for field, value in values.items():
        screen.query_one(f"#{field}", Input).value = value
    screen.query_one("#so-idtype", Select).value = "resident"
    screen.query_one("#so-seen").value = True  # type: ignore[attr-defined]
    await until(pilot, lambda: screen.query_one("#so-check", SelectionList).option_count > 0)
    screen.query_one("#so-check", SelectionList).select_all()


async def accept_send(pilot: Any, screen: SendoutScreen, waybill: str, weight: str = "1") -> None:
    """The form filled for an SF send of `weight` kg, quoted, then accepted (F10)."""
    await fill(pilot, screen, **{"so-weight": weight, "so-waybill": waybill})
    screen.query_one("#so-carrier", Select).value = "SF"
    await until(pilot, lambda: "Total" in text_of(screen, "#so-quote"))
    await quiet.press(pilot, "f10")
    await until(pilot, lambda: waybill in text_of(screen, "#so-message"))


def sends(station: Station) -> list[Send]:
    with station.read() as session:
        return list(session.exec(select(Send).order_by(col(Send.id))).all())


@asynccontextmanager
async def at_sendout(station: Station) -> AsyncIterator[tuple[StationApp, Any, SendoutScreen]]:
    """The console at send-out (F3), settled."""
    app = counter_app(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        yield app, pilot, screen


def keys_a_millisecond_apart(field: WedgeInput, start: float = 200.0) -> KeyRouter:
    """`field` focused, its router's clock stepping 1 ms a key from `start` (s): an input method's burst."""
    router = field.router
    assert router is not None
    field.focus()
    clock = iter(start + 0.001 * n for n in range(1000))
    router.clock = lambda _event: next(clock)
    return router


async def sf_courier_here(app: StationApp, pilot: Any) -> HandoverScreen:
    """From send-out, F12: the courier handover, SF's batch open."""
    await quiet.press(pilot, "f12")
    await quiet.settle(pilot)
    courier = app.screen
    assert isinstance(courier, HandoverScreen)
    await until(pilot, lambda: len(courier.query_one("#ho-carrier", Select)._options) > 1)
    courier.query_one("#ho-carrier", Select).value = "SF"
    await until(pilot, lambda: courier.view is not None)
    return courier


@asynccontextmanager
async def at_sf_handover(station: Station) -> AsyncIterator[tuple[StationApp, Any, HandoverScreen]]:
    """One SF send accepted, then the console at send-out's courier handover, SF's batch open."""
    from security.helpers import accept_send as accepted

    accepted(station, "SF1234567890123")
    async with at_sendout(station) as (app, pilot, _screen):
        yield app, pilot, await sf_courier_here(app, pilot)
