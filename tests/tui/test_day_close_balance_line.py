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


FEES = {
    "balanced": True,
    "charged_cents": 2400,
    "outstanding_cents": 0,
    "paid_cents": {"cash": 1000, "qr": 1000},
    "paid_total_cents": 2000,
    "parcels": 3,
    "unsettled": [],
    "waived_cents": 400,
    "waivers": [
        {"amount_cents": 400, "by": "demo-manager", "reason": "old customer", "waybill": "JT0000000000001"}
    ],
}


@pytest.mark.parametrize(("lang", "words"), [("en", "Storage fees: 24.00"), ("zh", "超期保管费：")])
async def test_the_close_shows_the_days_storage_fees_it_freezes_at_80_columns(
    app: StationApp, station: Station, lang: str, words: str
) -> None:
    """The manager closing the day sees the storage fee money the close freezes (charged, paid by
    method, waived), as the report says it: the dialog gave the parcel balance and the overdue count
    only, and a drawer short of the day's cash fees was closed on without a word of them. A waiver's
    own line (its reason) stays in the report, and the rest fits an 80x24 terminal, early or not."""
    set_language(lang)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            for early in (False, True):
                day = {**report(station, DAYS[0]), "storage_fees": FEES}
                question = "It is before closing time (21:00): closing it now ends it early." if early else ""
                await app.push_screen(ConfirmClose(day, question=question, early=early))
                await quiet.settle(pilot)
                lines = shown_lines(app, app.screen.query_one("#close-figures"))
                assert any(words in line for line in lines), lines
                assert not any("old customer" in line for line in lines)
                # Each amount on the line of its words ("免除" / "0.00 元" read as nothing).
                assert not any(line.endswith(("免除", "waived", "已收", "paid")) for line in lines), lines
                button = app.screen.query_one("#close-yes")
                assert button.region.bottom <= 24 and button.region.height > 0
                app.screen.dismiss(False)
                await quiet.settle(pilot)
    finally:
        set_language("en")


SEND_TOTALS = {
    "opening": 0,
    "accepted": 2,
    "handed_over": 1,
    "cancelled": 1,
    "closing": 0,
    "weight_g": 2000,
    "billed_g": 2000,
    "manual_weights": 2,
    "revenue_cents": 5600,
    "refunds_cents": 1200,
    "net_cents": 4400,
}
SENDS = {
    "currency": "CNY",
    "rows": [{"carrier": "SF", "payment": "cash", **SEND_TOTALS}],
    "totals": SEND_TOTALS,
    "refused": {"count": 1, "carriers": {"SF": 1}},
    "balanced": True,
    "differences": [],
}


@pytest.mark.parametrize(
    ("lang", "counts", "money"),
    [
        (
            "en",
            "Sends: 2 accepted, 1 handed over, 0 at the counter",
            "Send revenue 56.00 CNY, refunds 12.00 CNY, net 44.00 CNY",
        ),
        (
            "zh",
            "寄件：收寄 2 件，已交接 1 件，在柜台 0 件",
            "寄件收入 56.00 元，退款 12.00 元，净额 44.00 元",
        ),
    ],
)
async def test_the_close_shows_the_days_sends_and_their_money_at_80_columns(
    app: StationApp, station: Station, lang: str, counts: str, money: str
) -> None:
    """A manager closing a day with sends sees what was accepted, handed over and is still at the
    counter, and the send money (revenue, refunds, net) the close freezes: the dialog gave the parcel
    counts only. With the storage fees too it fits 80x24, early or not; a day without sends says none."""
    set_language(lang)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            for early in (False, True):
                day = {**report(station, DAYS[0]), "storage_fees": FEES, "sends": SENDS}
                question = "It is before closing time (21:00): closing it now ends it early." if early else ""
                await app.push_screen(ConfirmClose(day, question=question, early=early))
                await quiet.settle(pilot)
                said = re.sub(r"\s+", " ", " ".join(shown_lines(app, app.screen.query_one("#close-figures"))))
                assert counts in said and money in said, said
                button = app.screen.query_one("#close-yes")
                assert button.region.bottom <= 24 and button.region.height > 0
                app.screen.dismiss(False)
                await quiet.settle(pilot)
            await app.push_screen(ConfirmClose({**report(station, DAYS[0]), "sends": None}))
            await quiet.settle(pilot)
            lines = shown_lines(app, app.screen.query_one("#close-figures"))
            assert not any(("Send" in line or "寄件" in line) for line in lines), lines
    finally:
        set_language("en")
