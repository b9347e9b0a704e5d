"""Send-out: what the clerk types or pastes right behind the sender's phone and its Enter waits for the
sender lookup that Enter starts, and reaches the field the lookup moves the focus to (the name)."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import quiet
from tui.sendout_driver import at_sendout, text_of
from tui.test_sendout_sender import slow_lookup
from tui.test_type_ahead import send_paste


@pytest.mark.parametrize("how", ["paste", "typed"])
@pytest.mark.first_mode("sendout")
async def test_a_name_given_right_behind_the_phones_enter_reaches_the_name_field(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The lookup answers after the Enter's own round through the queues: the name pasted (or typed on)
    right behind the Enter went into the phone field, which refused it as not a phone, and the name
    field stayed empty."""
    asked, answer = slow_lookup(monkeypatch)
    async with at_sendout(station) as (app, pilot, screen):
        phone, name = screen.query_one("#so-phone", Input), screen.query_one("#so-name", Input)
        phone.focus()
        phone.value = "13900139000"
        await quiet.settle(pilot)
        at = time.monotonic()
        quiet.send_key(app, "enter", at=at)
        if how == "paste":
            send_paste(app, "Wang Fang", at=at)
        else:
            quiet.send_key(app, "W", at=at)
            for key in "ang":
                await asyncio.sleep(0.12)  # a person typing on
                quiet.send_key(app, key)
        await quiet.until(pilot, asked.is_set, what="no lookup")
        await asyncio.sleep(0.4)  # a slow database: the Enter's own answer has long gone through
        answer.set()
        await quiet.until(pilot, lambda: "New sender" in text_of(screen, "#so-message"), what="no answer")
        await quiet.settle(pilot)
        assert phone.value == "13900139000"
        assert name.value == ("Wang Fang" if how == "paste" else "Wang")
        assert screen.focused is name
