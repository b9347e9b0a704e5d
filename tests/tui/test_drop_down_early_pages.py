"""A drop-down's list paged by a key typed right behind the one that opens it (a hurried clerk, a held
key): the page key reaches the list before it is laid out; Textual's list then failed looking up a
line, and the console stopped with an error. Every drop-down of the console opens and stays open."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from station_console.tui.app import StationApp
from tui import quiet


async def opened_and_paged(app: StationApp, pilot: Any, subtests: Any, drop_down: Select[Any]) -> None:
    for key in ("pageup", "pagedown"):
        with subtests.test(msg=f"#{drop_down.id} {key}"):
            drop_down.focus()
            await quiet.settle(pilot)
            for typed in ("space", key):  # back to back, as the keys of a person in a hurry come
                quiet.send_key(app, typed)
                await asyncio.sleep(0)
            await quiet.settle(pilot)
            assert app.is_running and app._exception is None
            assert drop_down.expanded and app.focused is drop_down.query_one(SelectOverlay)
            await quiet.press(pilot, "escape")
            assert not drop_down.expanded


@pytest.mark.first_mode("parcels")
async def test_the_parcels_state_list_paged_as_it_opens_stays_open(app: StationApp, subtests: Any) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        await opened_and_paged(app, pilot, subtests, app.screen.query_one("#pa-state", Select))


@pytest.mark.first_mode("settings")
async def test_the_printers_lists_paged_as_they_open_stay_open(app: StationApp, subtests: Any) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f8")
        await opened_and_paged(app, pilot, subtests, app.screen.query_one("#p-language", Select))
