"""A scan the wedge router decides is told to its screen through the queue of the widget focused then,
behind the keys typed before it. A widget that closed meanwhile (its dialog dismissed, its form rebuilt)
takes no callback: the scan was lost, and the router stayed 'telling', so keys the type-ahead held behind
a key that router took waited the full `LONGEST_WAIT` for an answer that never came."""

from __future__ import annotations

import time
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult

from hardware.scanners.wedge import WedgeDecoder
from station_console.tui.type_ahead import LONGEST_WAIT
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput
from tui import quiet

CODE = "SF1234567890123"


class ClosedField:
    """What `app.focused` gave when the scan was decided: a widget whose queue has closed since, which
    takes no callback (as Textual's `call_later` on a closed pump answers False)."""

    _closing, _closed = True, False

    def call_later(self, *_args: Any, **_kwargs: Any) -> bool:
        return False

    def post_message(self, _message: Any) -> bool:
        return False


class ScanApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.scans: list[str] = []

    def compose(self) -> ComposeResult:
        yield WedgeInput(id="field")

    def on_mount(self) -> None:
        self.router = KeyRouter(self.screen, WedgeDecoder())
        self.query_one(WedgeInput).router = self.router

    def on_key_router_scanned(self, event: KeyRouter.Scanned) -> None:
        self.scans.append(event.code)


async def test_a_scan_decided_as_its_field_closes_is_told_and_not_left_telling() -> None:
    app = ScanApp()
    async with app.run_test() as pilot:
        await quiet.settle(pilot)
        at = time.monotonic()
        for key in CODE:  # a scanner's burst, all at once: held, a scan's head
            quiet.send_key(app, key, at=at)
        await quiet.until(pilot, lambda: app.router.decoder.pending)
        await quiet.until(pilot, lambda: not app.query_one(WedgeInput)._message_queue.qsize())
        # The Enter that ends it is decided while the widget focused then has just closed.
        enter = events.Key("enter", "\r")
        enter.time = at
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ScanApp, "focused", property(lambda _app: ClosedField()))
            assert app.router.route(enter)
        assert app.router.scans == 1
        await quiet.until(pilot, lambda: app.scans == [CODE], what="the scan was lost")
        # Answered well before the type-ahead gives up on it (the old code never was).
        await quiet.until(pilot, lambda: not app.router.answering, what="still telling", timeout=LONGEST_WAIT)
        assert app.query_one(WedgeInput).value == ""  # a scan, not typing


async def test_held_keys_whose_time_ran_out_as_their_field_closed_are_decided() -> None:
    """The flush of keys held for a scanner's gap goes through the queue of the widget focused when its
    timer fires: one closed meanwhile took no callback, and the burst stayed held, undecided (never
    said, the router still answering, so keys the type-ahead held behind it waited its longest wait)."""
    refused: list[str] = []

    class RefusingApp(ScanApp):
        def on_key_router_refused(self, event: KeyRouter.Refused) -> None:
            refused.append(event.text)

    app = RefusingApp()
    async with app.run_test() as pilot:
        await quiet.settle(pilot)
        with pytest.MonkeyPatch.context() as patch:
            at = time.monotonic()
            for key in CODE:  # a scanner's burst with no Enter behind it: held for the scanner's gap
                quiet.send_key(app, key, at=at)
            await quiet.until(pilot, lambda: app.router.decoder.pending)
            await quiet.until(pilot, lambda: not app.query_one(WedgeInput)._message_queue.qsize())
            # Its gap runs out while the widget focused then has just closed.
            patch.setattr(RefusingApp, "focused", property(lambda _app: ClosedField()))
            await quiet.until(pilot, lambda: not app.router.decoder.pending, what="still held")
        assert app.router.refused == 1
        # A burst with no Enter ending it is a partial scan, refused: said, not dropped.
        await quiet.until(pilot, lambda: refused == [CODE], what="never said")
        assert app.scans == []
        await quiet.until(pilot, lambda: not app.router.answering, what="still telling", timeout=LONGEST_WAIT)
