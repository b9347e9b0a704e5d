"""The day close's questions keep their keys line in view at 80x24, in both languages: with the day's
sends among the figures, the early close's second question (its text two lines long) pushed the line
of keys under the buttons out of the box, which showed two blank rows there."""

from __future__ import annotations

import pytest

from station_console.i18n import _, set_language
from station_console.services.core.station import Station
from station_console.services.sendout import accept, inspection
from station_console.services.sendout.accept import Parcel, Party, Recipient
from station_console.services.sendout.payments import Payment
from station_console.services.sendout.weighing import Weight
from station_console.tui.app import StationApp
from station_console.tui.screens.day_close_dialogs import ConfirmClose
from tui import quiet
from tui.drawn_text import drawn
from tui.reports_helpers import open_reports, seed

FIRST_KEYS = "Ctrl+Y: close the day · Enter or Esc: cancel"
EARLY_KEYS = "Tab to “Close the day”, then Enter: close it anyway · Enter or Esc: cancel"


def sends(station: Station) -> None:
    """Two sends accepted and one refused at inspection: the figures gain their sends' lines."""
    who = Party(
        name="Zhang San",
        phone="13812345678",
        id_type="resident",
        id_number="11010519491231002X",
        id_seen=True,
    )
    to = Recipient(name="Wang Wu", phone="13987654321", destination="新疆", address="人民路 88 号")
    what = Parcel(contents="clothes", item_count=1)
    for waybill in ("SF1234567890123", "SF1234567890124"):
        accept.accept(
            station,
            carrier="SF",
            party=who,
            recipient=to,
            parcel=what,
            checked=inspection.current(station).ids,
            weight=Weight.typed(1200),
            payment=Payment("cash"),
            waybill=waybill,
        )
    accept.refuse(station, party=who, recipient=to, parcel=what, reason="a knife")


def keys_drawn(app: StationApp, dialog: ConfirmClose) -> str:
    """The dialog's box as the terminal shows it, its rows joined."""
    return drawn(app, dialog.query_one(".dialog"))


@pytest.mark.first_mode("reports")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_both_close_questions_show_their_keys_at_80x24_with_the_days_sends(
    app: StationApp, station: Station, lang: str
) -> None:
    seed(station)
    sends(station)
    set_language(lang)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_reports(app, pilot)
            await quiet.settle(pilot)
            await quiet.press(pilot, "f12")
            await quiet.settle(pilot)
            first = app.screen
            assert isinstance(first, ConfirmClose) and not first.early
            assert _(FIRST_KEYS) in keys_drawn(app, first)
            await quiet.press(pilot, "ctrl+y")
            await quiet.settle(pilot)
            second = app.screen
            assert isinstance(second, ConfirmClose) and second.early
            shown = keys_drawn(app, second)
            assert _(EARLY_KEYS) in shown, shown
            # The figures are still there above the question, and both buttons.
            assert _("Close the day") in shown and _("Cancel") in shown
            assert str(second.query_one("#close-question").render()).split()[0] in shown
    finally:
        set_language("en")


@pytest.mark.first_mode("reports")
async def test_page_down_scrolls_the_figures_that_do_not_fit(app: StationApp, station: Station) -> None:
    """On a terminal too short for the figures, PgDn and PgUp scroll them; the question stays open."""
    seed(station)
    sends(station)
    async with app.run_test(size=(80, 16)) as pilot:
        await open_reports(app, pilot)
        await quiet.settle(pilot)
        await quiet.press(pilot, "f12")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmClose)
        body = dialog.query_one("#close-body")
        assert body.max_scroll_y > 0  # the case: the figures do not fit
        await quiet.press(pilot, "pagedown")
        await quiet.settle(pilot)
        assert app.screen is dialog and body.scroll_y > 0
        await quiet.press(pilot, "pageup")
        await quiet.settle(pilot)
        assert app.screen is dialog and body.scroll_y == 0
        assert str(dialog.query_one("#question-said").render()).strip() == ""  # not said as a stray key
