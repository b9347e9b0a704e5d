"""A toast about a field of one screen (a key the field does not take) goes when another screen comes on
top: "This field takes a phone number only." typed on Check-in's Phone stood over Pickup after F2, and
over a dialog opened on Check-in, naming a field not there. The station's own toasts stay. Driven as in
test_checkin_phone_advice.py; a screen's own refusal (Reports' date) goes with its screen the same way."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.i18n import set_language
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.pickup import PickupScreen
from station_console.tui.screens.reports import ReportsScreen
from tui import quiet
from tui.checkin_driver import settle, start, type_slowly
from tui.reports_helpers import open_reports
from tui.reports_helpers import settle as settle_reports


def said(app: StationApp) -> list[str]:
    return [toast.message for toast in app._notifications]


@pytest.mark.parametrize(("lang", "refusal"), [("en", "a phone number only"), ("zh", "只能输入电话号码")])
async def test_a_fields_refusal_goes_when_another_mode_comes_on_top(
    app: StationApp, lang: str, refusal: str
) -> None:
    set_language(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, clock = await start(app, pilot)
        screen.query_one("#phone", Input).focus()
        app.notify("Printer: out of paper.", severity="warning")  # the station's: it stays
        await type_slowly(pilot, clock, *"abc")
        assert any(refusal in text for text in said(app))
        await type_slowly(pilot, clock, "f2")
        await settle(app, pilot)
        assert isinstance(app.screen, PickupScreen)
        assert not any(refusal in text for text in said(app))
        assert "Printer: out of paper." in said(app)


async def test_a_fields_refusal_goes_under_a_dialog_and_is_not_back_after_it(app: StationApp) -> None:
    set_language("en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen, clock = await start(app, pilot)
        screen.query_one("#phone", Input).focus()
        await type_slowly(pilot, clock, "q")
        assert any("phone number only" in text for text in said(app))
        await type_slowly(pilot, clock, "insert")  # the keys list, over Check-in
        await settle(app, pilot)
        assert app.screen is not screen
        assert not any("phone number only" in text for text in said(app))
        await type_slowly(pilot, clock, "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckinScreen)
        assert not any("phone number only" in text for text in said(app))


@pytest.mark.first_mode("reports")
async def test_a_reports_date_refusal_goes_when_another_mode_comes_on_top(app: StationApp) -> None:
    """Reports' "Use a date like ..." stood over Check-in after F1, about a field not there; the
    station's toast stays, and the refusal is not back with Reports."""
    set_language("en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        await settle_reports(app, pilot)
        field = screen.query_one("#rp-day", Input)
        field.focus()
        field.value = "25.11.2026"
        await quiet.press(pilot, "enter")
        await settle_reports(app, pilot)
        refusal = "Use a date like 2026-11-25."
        assert refusal in said(app)
        app.notify("Printer: out of paper.", severity="warning")  # the station's: it stays
        await quiet.press(pilot, "f1")
        await settle_reports(app, pilot)
        assert isinstance(app.screen, CheckinScreen)
        assert refusal not in said(app) and "Printer: out of paper." in said(app)
        await quiet.press(pilot, "f6")
        await settle_reports(app, pilot)
        assert isinstance(app.screen, ReportsScreen) and refusal not in said(app)
