"""A wedge router's flush runs however late the UI loop gets to it.

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
