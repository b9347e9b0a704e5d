"""A wedge router's flush, and the type-ahead's fallback, run however late the UI loop gets to them.

Textual's one-shot `set_timer` counts itself missed, and never calls back, when its task finds its time
already past on its first look; a UI thread held up between two clock reads (another thread holding the
GIL, a loaded machine) then left a scanner's keys held, undecided, until the next key. Here Textual's
clock jumps a second on every read, so every timer it runs finds itself late."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import pytest
from textual import _time, events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

from station_console.counter_settings import CounterSettings
from station_console.tui import type_ahead
from station_console.tui.screens.live_reread import LiveReread
from station_console.tui.type_ahead import TypeAhead
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.name_input import NameInput
from station_console.tui.widgets.no_scan_tick import NoScanTick
from station_console.tui.widgets.tick import Tick
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput
from tui import quiet


class RouterApp(App[None]):
    def compose(self) -> ComposeResult:
        yield WedgeInput(id="field")

    def on_mount(self) -> None:
        self.router = KeyRouter(self.screen, _decoder())
        self.query_one(WedgeInput).router = self.router


def _decoder() -> Any:
    from hardware.scanners.wedge import WedgeDecoder

    return WedgeDecoder()


async def test_a_flush_the_loop_reaches_late_still_decides() -> None:
    app = RouterApp()
    async with app.run_test() as pilot:
        await quiet.settle(pilot)
        # Behind the real clock however far it jumps: the app's own timers, set by it, must not lie
        # ahead of the real clock when it shuts down, or its exit waits for them (after a boot, a
        # clock starting at 1,000 s lay ahead of `time.monotonic()` and the test hung).
        ticks = itertools.count(start=time.monotonic() - 100_000.0, step=1.0)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_time, "get_time", lambda: next(ticks))  # every read a second later
            key = events.Key("7", "7")
            # Its arrival on the router's own clock (`time.monotonic()`), however far the jumping one ran.
            key.time = time.monotonic()
            assert app.router.route(key)  # held: a person's key or a scanner's first?
            assert app.router.decoder.pending
            for _ in range(100):  # 1 s of real time at most: the flush is due after some 85 ms
                await asyncio.sleep(0.01)
                if not app.router.decoder.pending:
                    break
            assert not app.router.decoder.pending, "the held key was never decided"
        assert app.query_one(WedgeInput).value == "7"


class GoneDialog:
    """The queue of a dialog the Enter closed with the type-ahead's probe in it: taken, never answered."""

    _closing, _closed = True, False

    def call_later(self, *_args: Any) -> bool:
        return True


async def test_keys_held_behind_an_enter_whose_dialog_took_the_probe_go_on_however_late() -> None:
    """The type-ahead's fallback lets the keys go when the Enter's dialog closed with its probe: a
    Textual timer that found itself late never fired, and the keys typed behind the Enter stayed held."""
    app = App[None]()
    given: list[str] = []

    async def pass_on(event: events.Key | events.Paste) -> None:
        given.append(event.key if isinstance(event, events.Key) else "paste")

    async with app.run_test() as pilot:
        await app.mount(Input(id="field"))
        app.query_one(Input).focus()
        await quiet.settle(pilot)
        keys = TypeAhead(app, pass_on)
        ticks = itertools.count(start=time.monotonic() - 100_000.0, step=1.0)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(type_ahead, "trail", lambda *_args: [GoneDialog()])
            patch.setattr(_time, "get_time", lambda: next(ticks))  # every read a second later
            await keys.arrived(events.Key("enter", "\r"))
            await keys.arrived(events.Key("x", "x"))
            assert keys.holding and given == ["enter"]
            for _ in range(100):  # 1 s of real time at most: the fallback is due after 250 ms
                await asyncio.sleep(0.01)
                if not keys.holding:
                    break
        assert given == ["enter", "x"], "the keys behind the Enter were never let go"


class FieldsApp(App[None]):
    """A form's scan-aware fields, with the counter's scanner settings they decide keys by."""

    def __init__(self) -> None:
        super().__init__()
        self.counter_settings = CounterSettings(counter="test-counter")

    def compose(self) -> ComposeResult:
        yield NameInput(id="name")
        yield NoScanTick(id="tick")


async def _until_late_timers_ran(done: Any) -> bool:
    """Textual's clock jumping a second on every read (every timer it runs is late), up to 1 s of real
    time for `done()`."""
    ticks = itertools.count(start=time.monotonic() - 100_000.0, step=1.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_time, "get_time", lambda: next(ticks))
        for _ in range(100):
            await asyncio.sleep(0.01)
            if done():
                return True
    return False


async def test_a_letter_on_a_tick_box_is_said_however_late_the_loop_decides_it() -> None:
    """A letter typed on a scan-aware tick box waits for the decoder to call it a person's, then the
    form says where it went: a timer that found itself late never decided it, and nothing was said."""
    app = FieldsApp()
    said: list[object] = []
    async with app.run_test() as pilot:
        await quiet.settle(pilot)
        tick = app.query_one(NoScanTick)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Tick, "letter_typed", lambda box: said.append(box))
            key = events.Key("a", "a")
            key.time = time.monotonic()  # the decoder's clock, not Textual's jumping one
            await tick._on_key(key)
            assert said == []  # a scan's first key, or a person's?
            assert await _until_late_timers_ran(lambda: said), "the letter was never decided"
    assert said == [tick]


async def test_a_key_a_name_field_refuses_is_said_however_late_the_loop_gets_to_it() -> None:
    """A refused key is said once the keys pause (a scan's are taken back): a timer that found itself
    late never said it, and the clerk's key vanished without a word."""
    app = FieldsApp()
    said: list[str] = []
    async with app.run_test() as pilot:
        await quiet.settle(pilot)
        field = app.query_one(NameInput)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(FixedInput, "_warn", lambda _field, text: said.append(text))
            field._warn("Digits only")
            assert said == []  # held: the keys may be a scan's
            assert await _until_late_timers_ran(lambda: said), "the refusal was never said"
    assert said == ["Digits only"]


class Listed(LiveReread, Screen[None]):
    """A list that follows the live view, counting its reads; a read looks up its list, as a screen's do."""

    reads = 0

    def compose(self) -> ComposeResult:
        yield Input(id="list")
        yield Watcher()

    def live_reread(self) -> None:
        self.query_one("#list", Input)
        self.reads += 1


class Watcher(Static):
    """Removed as its screen closes: a live read that comes due then (the loop gets to it as the screen's
    widgets go) is called here, among them."""

    def on_unmount(self) -> None:
        listed = self.screen
        assert isinstance(listed, Listed)
        listed._live_heard = True
        listed._live_due()


async def test_a_change_heard_is_read_however_late_the_loop_gets_to_it() -> None:
    """Another counter's change is read again shortly after it is heard: a timer that found itself late
    never read it, and stayed set, so no later change was read on that screen either."""
    app = App[None]()
    async with app.run_test() as pilot:
        screen = Listed()
        await app.push_screen(screen)
        await quiet.settle(pilot)
        for n in (1, 2):  # the second change too: the first read left no timer set
            screen.on_live_bridge_changed(object())
            assert screen.reads == n - 1  # changes heard together: read once, in a moment
            assert await _until_late_timers_ran(lambda n=n: screen.reads == n), (
                "the change heard was never read"
            )
            assert screen._live_timer is None
            screen._live_last = 0.0  # the next one is not held back by the pace


@pytest.mark.parametrize("closed_by", ["pop", "exit"])
async def test_a_screen_closed_while_a_read_is_due_reads_nothing(closed_by: str) -> None:
    """A read due as its screen closes (Esc, or the console exiting) is dropped: on asyncio's timer, one
    run while the screen's widgets were being removed looked up a list already gone (NoMatches)."""
    app = App[None]()
    async with app.run_test() as pilot:
        await app.push_screen(Screen())
        screen = Listed()
        await app.push_screen(screen)
        await quiet.settle(pilot)
        screen.on_live_bridge_changed(object())
        assert screen._live_timer is not None and screen.reads == 0  # due, not read yet
        if closed_by == "pop":
            await app.pop_screen()
            assert screen._live_timer is None  # called off as it went
            await quiet.settle(pilot)
        else:
            app.exit()
    assert screen.reads == 0
    assert app.return_code in (0, None) and not app._exception
