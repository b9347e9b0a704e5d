"""A hold's release that comes late, after its fallback already let the keys go, releases nothing.

An Enter's hold ends either when its answer has been followed through the queues or, for a dialog the
Enter closed, by the fallback timer; the follow's own release may still be on its way on a loaded
machine. Holds were numbered from 1 again each time none was on, so that late release found the next
Enter's hold under the same number and let its keys go before that Enter was answered: behind a Ctrl+L,
the PIN typed behind the name's Enter went into the name field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.widgets import Input

from station_console.tui import type_ahead
from station_console.tui.type_ahead import TypeAhead
from tui import quiet


class HeldProbe:
    """A queue that keeps the type-ahead's probe until the test lets it out."""

    def __init__(self, *, closing: bool) -> None:
        self._closing, self._closed = closing, False  # closing: a dialog the Enter closed
        self.probes: list[Callable[[], Any]] = []

    def call_later(self, callback: Callable[..., Any], *args: Any) -> bool:
        self.probes.append(lambda: callback(*args))
        return True


async def test_a_late_release_of_an_earlier_hold_leaves_the_next_enters_keys_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = App[None]()
    given: list[str] = []

    async def pass_on(event: events.Key | events.Paste) -> None:
        given.append(event.key if isinstance(event, events.Key) else "paste")

    first, second = HeldProbe(closing=True), HeldProbe(closing=False)
    queues = iter([first, second])
    async with app.run_test() as pilot:
        await app.mount(Input(id="field"))
        app.query_one(Input).focus()
        await quiet.settle(pilot)
        keys = TypeAhead(app, pass_on)
        monkeypatch.setattr(type_ahead, "trail", lambda *_args: [next(queues)])
        await keys.arrived(events.Key("enter", "\r"))
        await keys.arrived(events.Key("x", "x"))
        # Its dialog closed with the probe: the fallback lets "x" go.
        await quiet.until(pilot, lambda: given == ["enter", "x"], what="x let go by the fallback")
        await keys.arrived(events.Key("enter", "\r"))
        await keys.arrived(events.Key("y", "y"))
        assert keys.holding and given == ["enter", "x", "enter"]
        first.probes.pop()()  # the first hold's follow, come out at last
        await quiet.settle(pilot)
        assert keys.holding and given == ["enter", "x", "enter"], "y went before its Enter's answer"
        second.probes.pop()()  # the second Enter answered: now "y" goes
        await quiet.until(pilot, lambda: given == ["enter", "x", "enter", "y"], what="y given")
