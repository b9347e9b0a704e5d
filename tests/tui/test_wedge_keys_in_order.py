"""Keys on a scan field act in the order typed, however the router's flush timer falls among them.

The router holds a lone letter for a scanner's gap; its timer then decides it through the focused
field's queue and gives it back to the end of that queue. An F-key typed right behind the letter keeps
its place: it reaches the field (behind the letter, or ahead of it and then up through the screen to its
binding while the field types the letter). A priority key (Ctrl+W on Check-in, Ins) acts as it reaches
the app, before any field sees it: it waits in the type-ahead for the letter instead."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from hardware.scanners.wedge import WedgeDecoder
from station_console.tui.app import StationApp
from station_console.tui.screens.recipient_dialogs import WhoIsThisDialog
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput
from tui import quiet
from tui.checkin_driver import settle, start


class ScanFieldApp(App[None]):
    """One scan field; F9 acts on what the field holds then (as a form's save does)."""

    BINDINGS = [Binding("f9", "save", "Save")]

    def __init__(self) -> None:
        super().__init__()
        self.now: float = 0.0  # the router's clock for its timer's flush: the test moves it on
        self.saved: list[str] = []

    def compose(self) -> ComposeResult:
        yield WedgeInput(id="field")

    def on_mount(self) -> None:
        def clock(event: Any) -> float:
            return event.time if event is not None else self.now

        self.router = KeyRouter(self.screen, WedgeDecoder(), clock)
        self.query_one(WedgeInput).router = self.router
        self.query_one(WedgeInput).focus()

    def action_save(self) -> None:
        self.saved.append(self.query_one(WedgeInput).value)


async def test_an_f_key_right_behind_a_held_letter_acts_after_the_letter() -> None:
    """The timer's flush on its way when F9 comes: F9 reaches the field's queue ahead of the letter
    given back, finds nothing held, and goes up to its binding; the field types the letter meanwhile."""
    app = ScanFieldApp()
    async with app.run_test() as pilot:
        await quiet.settle(pilot, routers=False)
        at = time.monotonic()
        app.now = at  # the timer's flushes find the letter's gap not over yet
        quiet.send_key(app, "a", at=at)
        await quiet.until(pilot, lambda: app.router.decoder.pending, what="the letter was not held")
        # The gap is over: the timer's flush goes on its way through the app's queue, then the field's,
        # and the F-key typed within the gap arrives right behind it.
        app.now = at + 1.0
        app.router._flush_in_turn()
        quiet.send_key(app, "f9", at=at + 0.01)
        await quiet.until(pilot, lambda: app.saved, what="F9 never acted")
        await quiet.settle(pilot, routers=False)
        assert app.query_one(WedgeInput).value == "a"
        assert app.saved == ["a"], "F9 acted before the letter typed ahead of it"


async def test_a_key_the_console_takes_as_it_arrives_acts_after_a_held_letter(app: StationApp) -> None:
    """Ctrl+W on Check-in acts as the key reaches the console (a priority key: the field would take it as
    'delete a word'), not once it has passed the field: the letter the scan field's router held for a
    scanner's gap was given back after Who-is-this had opened, and went into its search field."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await settle(app, pilot)
        scan = screen.query_one("#scan", Input)
        router = screen.router
        assert router is not None
        clock.scanner()  # the timer's looks see no silence yet: the letter stays held
        quiet.send_key(app, "a")
        await quiet.until(pilot, lambda: router.decoder.pending, what="the letter was not held")
        quiet.send_key(app, "ctrl+w")
        await quiet.until(
            pilot, lambda: isinstance(app.screen, WhoIsThisDialog), what="Who is this? not opened"
        )
        clock.idle = 1.0
        await quiet.settle(pilot)
        assert scan.value == "a"
        assert app.screen.query_one("#who-search", Input).value == ""


async def test_a_key_the_console_takes_as_it_arrives_waits_for_a_letter_given_back(app: StationApp) -> None:
    """The letter decided by the router's timer and on its way back to the scan field, the field's queue
    still busy (a loaded machine), when Ctrl+W arrives: Who-is-this opened over a field the letter had
    not reached yet. It now waits for the letter to be typed."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await settle(app, pilot)
        scan = screen.query_one("#scan", Input)
        router = screen.router
        assert router is not None
        clock.scanner()
        quiet.send_key(app, "a")
        await quiet.until(pilot, lambda: router.decoder.pending, what="the letter was not held")
        busy = asyncio.Event()
        scan.call_later(busy.wait)  # the field's queue held up: what is queued behind it waits
        clock.idle = 1.0
        router.flush()  # decided a person's: given back to the field's queue, behind the hold-up
        quiet.send_key(app, "ctrl+w")
        await quiet.until(
            pilot,
            lambda: isinstance(app.screen, WhoIsThisDialog) or app.type_ahead.holding,
            what="Ctrl+W was not read",
        )
        opened_first = isinstance(app.screen, WhoIsThisDialog)
        busy.set()
        await quiet.until(
            pilot, lambda: isinstance(app.screen, WhoIsThisDialog), what="Who is this? not opened"
        )
        await quiet.settle(pilot)
        assert not opened_first, "Who is this? opened before the letter typed ahead of Ctrl+W"
        assert scan.value == "a"
        assert app.screen.query_one("#who-search", Input).value == ""
