"""A drop-down open when another screen comes over its own (a mode key, the lock) is closed by then:
coming back, the clerk finds the form with its field focused, not the list still open over it."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.sendout_handover import HandoverScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import sign_in
from tui.sendout_driver import counter_app
from tui.test_drop_down_hidden_focus import given_back


async def opened(pilot: Any, drop_down: Select[Any]) -> None:
    drop_down.focus()
    await quiet.press(pilot, "space")  # Space opens it, a choice held or not
    assert drop_down.expanded and pilot.app.focused is drop_down.query_one(SelectOverlay)


@pytest.mark.first_mode("sendout")
async def test_a_drop_down_left_open_for_another_mode_is_closed_on_coming_back(station: Station) -> None:
    app = counter_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        payment = screen.query_one("#so-pay", Select)
        await opened(pilot, payment)
        await quiet.press(pilot, "f1", "f3")  # to check-in and back
        assert app.screen is screen
        assert not payment.expanded and app.focused is payment
        await quiet.press(pilot, "down")  # the field's key again: the list opens anew, not paged shut
        assert payment.expanded and payment.value == "cash"


@pytest.mark.first_mode("settings")
async def test_a_drop_down_left_open_under_the_lock_is_closed_after_the_sign_in(app: StationApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f8")  # Printers, over Settings
        screen = app.screen
        language = screen.query_one("#p-language", Select)
        await opened(pilot, language)
        await quiet.press(pilot, "ctrl+l")
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "Manager", "0000")
        assert app.screen is screen
        assert not language.expanded and app.focused is language


@pytest.mark.first_mode("sendout")
async def test_a_drop_down_opened_right_before_a_screen_came_over_it_is_closed_too(station: Station) -> None:
    """Enter on the field and F12 right behind it, given back together by the wedge router: the list
    opened, the dialog came over it before the list had the focus (the field still had it), and the
    list stayed open under the courier hand-over; its late focus then went to the list once closed."""
    app = counter_app(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        payment = screen.query_one("#so-pay", Select)
        payment.focus()
        await quiet.settle(pilot)
        given_back(app, "space", "f12")  # the field's key, then the courier hand-over's
        await quiet.until(pilot, lambda: isinstance(app.screen, HandoverScreen), what="no hand-over")
        await quiet.settle(pilot)
        assert not payment.expanded
        await quiet.press(pilot, "escape")
        assert app.screen is screen
        assert not payment.expanded and app.focused is payment
