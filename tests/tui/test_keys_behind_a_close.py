"""A key typed right behind the Esc that closes a dialog or a screen over a form (back to back) reaches
the field the close gives the focus back to, and that field, paged out of view before, is shown: Textual
closed the dialog only once the Esc had passed up to the app, and the digit, handed out before that,
went to the closing dialog and vanished with it."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.outbox import OutboxScreen
from tui import quiet
from tui.test_focus_in_view import sendout_focused_on, shown_whole


@pytest.mark.parametrize("field_id", ["#so-name", "#so-phone"])
@pytest.mark.first_mode("sendout")
async def test_a_digit_right_behind_the_esc_closing_the_refusal_goes_into_the_sender_field(
    station: Station, field_id: str
) -> None:
    async with sendout_focused_on(station, field_id) as (pilot, app, field):
        await quiet.press(pilot, "pagedown", "f11")
        assert isinstance(app.screen, FormDialog) and not shown_whole(field)
        await quiet.burst(pilot, "escape", "7")
        assert not isinstance(app.screen, FormDialog)
        assert field.value == "7" and app.focused is field
        assert shown_whole(field)


@pytest.mark.first_mode("settings")
async def test_a_digit_right_behind_the_esc_back_from_outbox_goes_into_the_settings_field(
    app: StationApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        screen: Any = app.screen
        field = screen.query_one("#st-currency", Input)
        field.focus()
        await quiet.settle(pilot)
        await quiet.burst(pilot, "pagedown", "f11")  # the page's scroll made under Outbox
        assert isinstance(app.screen, OutboxScreen)
        await quiet.burst(pilot, "escape", "7")
        assert field.value.endswith("7") and shown_whole(field)
        assert app.screen is screen and app.focused is field
