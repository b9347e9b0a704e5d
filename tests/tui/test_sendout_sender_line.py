"""The line a new sender's lookup leaves ("New sender: take the name and check the ID.") gives way once
the name is in and the document checked: it stayed while the clerk went on to the recipient and the
parcel, asking for what was done. In both languages."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Select

from station_console.i18n import _, set_language
from station_console.tui.app import StationApp
from station_console.tui.screens.sendout_sender import SENDER_DONE
from tui import quiet
from tui.sendout_driver import at_sendout, text_of, until

NEW_SENDER = "New sender: take the name and check the ID."


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_new_senders_line_goes_once_the_name_and_id_are_done(
    app: StationApp, station: Any, lang: str
) -> None:
    set_language(lang)
    try:
        async with at_sendout(station) as (app, pilot, screen):
            screen.query_one("#so-phone", Input).focus()
            await quiet.press(pilot, *"13812345678", "enter")
            await until(pilot, lambda: _(NEW_SENDER) in text_of(screen, "#so-message"))
            await quiet.press(pilot, *"Zhang San")
            screen.query_one("#so-idtype", Select).value = "resident"
            screen.query_one("#so-idnum", Input).value = "11010519491231002X"
            await quiet.settle(pilot)
            assert _(NEW_SENDER) in text_of(screen, "#so-message")  # the document not yet seen
            screen.query_one("#so-seen").value = True  # type: ignore[attr-defined]
            await until(pilot, lambda: _(NEW_SENDER) not in text_of(screen, "#so-message"))
            assert _(SENDER_DONE, name="Zhang San") in text_of(screen, "#so-message")
            screen.query_one("#so-to-name", Input).value = "Wang Wu"  # later fields leave it so
            await quiet.settle(pilot)
            assert _(SENDER_DONE, name="Zhang San") in text_of(screen, "#so-message")
    finally:
        set_language("en")
