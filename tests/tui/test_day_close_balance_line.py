"""The day close's balance line keeps each figure with its words ("closing 219"), in both languages, at
the console's usual 120 columns and at 80: it broke as "... = closing" / "219"."""

from __future__ import annotations

import re
from typing import Any

import pytest

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.day.report import build_report
from station_console.tui.app import StationApp
from station_console.tui.line_breaks import NO_BREAK, divide_line, unbroken
from station_console.tui.screens.day_close_dialogs import ConfirmClose, balance_line
from tui import quiet

FIGURES = ("opening", "checked_in", "picked_up", "returned", "written_off", "closing")
# Figures of every width: one of them puts a line's end inside a term at each size, in each language.
DAYS = [
    dict(zip(FIGURES, values, strict=True))
    for values in (
        (255, 82, 114, 3, 1, 219),
        (7, 1234, 5, 0, 0, 1236),
        (99999, 99999, 99999, 99999, 99999, 99999),
        (1, 2, 3, 4, 5, 6),
    )
]


def report(station: Station, totals: dict[str, int]) -> dict[str, Any]:
    """The station's report of today, with these figures."""
    return {**build_report(station, station.business_day()), "totals": totals}


def shown_lines(app: StationApp, widget: Any) -> list[str]:
    box = widget.content_region
    strips = app.screen._compositor.render_strips()[box.y : box.bottom]
    return [strip.crop(box.x, box.right).text.replace(NO_BREAK, " ").strip() for strip in strips]


def test_a_no_break_space_holds_its_words_together_in_english_and_chinese() -> None:
    text = "a b " + unbroken("closing 219")
    assert divide_line(text, 12) == [4]  # "closing 219" down whole; Rich broke between them
    assert divide_line("期初 " + unbroken("期末 219"), 8) == [3]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_each_figure_stays_with_its_words_at_120_and_80_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    set_language(lang)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            for width, height in ((120, 40), (80, 24)):
                await quiet.resize(pilot, width, height, routers=False)
                for totals in DAYS:
                    await app.push_screen(ConfirmClose(report(station, totals)))
                    await quiet.settle(pilot)
                    lines = shown_lines(app, app.screen.query_one("#close-figures"))
                    terms = re.split(r" [+=-] ", balance_line(totals).replace(NO_BREAK, " "))
                    assert len(terms) == 6
                    parted = [t for t in terms if not any(t in line for line in lines)]
                    assert parted == [], (width, lines)
                    app.screen.dismiss(False)
                    await quiet.settle(pilot)
    finally:
        set_language("en")
