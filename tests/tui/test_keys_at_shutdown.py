"""A key still on its way as the console shuts down is dropped quietly: the screens are closed first,
and the key, read after them, asked for the focused widget of a stack that was empty by then (a
ScreenStackError printed over the console's end)."""

from __future__ import annotations

import pytest

from station_console.tui.app import StationApp
from tui import quiet


@pytest.mark.parametrize("keys", [["backspace"] * 6, ["a", "backspace", "tab", "x", "enter"] * 3])
async def test_keys_queued_as_the_console_shuts_down_are_dropped(app: StationApp, keys: list[str]) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        for key in keys:
            quiet.send_key(app, key)
        # Left at once: the console shuts down with the keys still in its queue, as a terminal closed
        # (or the fuzzer stopping) leaves them.
    assert app._exception is None
    assert not app.screen_stack
