"""Keys typed on right behind the Enter that answers a question over the send-out form (Esc's
'discard or stay?'): they reach the field the question closes back to, in the order typed."""

from __future__ import annotations

import asyncio
import time

from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet
from tui.sendout_driver import at_sendout, fill, until


async def test_keys_typed_on_behind_stay_reach_the_form_in_order(station: Station) -> None:
    """Esc, then Enter (stay) and X in one go, y and z typed on: the X went to the Stay button (lost),
    or, decided by the question's router after the y, behind it (`WangyXz`)."""
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-name": ""})
        name = screen.query_one("#so-name", Input)
        name.focus()
        for key in "Wang":
            await quiet.press(pilot, key)
        await quiet.press(pilot, "escape")
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsaved))
        at = time.monotonic()
        quiet.send_key(app, "enter", at=at)
        quiet.send_key(app, "X", at=at)
        for key in "yz":
            await asyncio.sleep(0.12)  # a person typing on
            quiet.send_key(app, key)
        await quiet.settle(pilot)
        assert app.screen is screen and name.value == "WangXyz"
