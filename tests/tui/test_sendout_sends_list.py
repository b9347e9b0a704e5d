"""The sends at the send-out counter (F3): this counter's only, and whole in their panel in English and
Chinese at 120 and 80 columns (the form itself: test_sendout_screen.py)."""

from __future__ import annotations

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.sendout_sends import SendsTable
from tui import quiet
from tui.sendout_driver import at_sendout, counter_app, until


def sent_weighing(
    station: Station, waybill: str, grams: int, *, typed: bool = True, carrier: str = "SF"
) -> None:
    """A cash send to 新疆 of `grams` (typed in, or read from the scale), accepted at the counter."""
    from station_console.services.sendout import accept, inspection, payments
    from station_console.services.sendout.weighing import Weight

    accept.accept(
        station,
        carrier=carrier,
        party=accept.Party("Zhang San", "13712345678", "passport", "E12345678", id_seen=True),
        recipient=accept.Recipient("Wang Wu", "13987654321", "新疆"),
        parcel=accept.Parcel("books"),
        checked=inspection.current(station).ids,
        weight=Weight.typed(grams) if typed else Weight(grams, manual=False, device="dummy"),
        payment=payments.Payment("qr", "TX1"),
        waybill=waybill,
    )


def table_lines(table: DataTable) -> list[str]:
    """The table's lines as drawn (its heading first), trailing spaces dropped."""
    return [table.render_line(y).text.rstrip() for y in range(table.row_count + 1)]


@pytest.mark.first_mode("sendout")
async def test_the_sends_at_this_counter_are_this_counters_only(app: StationApp, station: Station) -> None:
    """The list headed "Sends at this counter" showed every counter's sends, newest first: a send taken
    at another counter stood on top, and F7 offered it as the one chosen on the list."""
    from dataclasses import replace

    sent_weighing(station, "SF1234567890123", 1250)
    sent_weighing(replace(station, counter="counter-2", _cached=None), "SF1234567890124", 2000)
    async with at_sendout(station) as (app, pilot, screen):
        table = screen.query_one(SendsTable)
        await until(pilot, lambda: table.row_count > 0)
        await quiet.settle(pilot)
        assert [row["waybill"] for row in table.send_rows] == ["SF SF1234567890123"]
        assert "Sends at this counter" in str(screen.query_one("#so-sends-title", Static).render())


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("sendout")
async def test_the_sends_fit_their_panel_whole(app: StationApp, station: Station, lang: str) -> None:
    """At 120x40 the counter's sends show carrier and waybill, status, weight (with `*` when typed in)
    and price inside the panel, none cut at its edge ("at the counter" pushed the status out in English;
    the typed mark was gone); at 80x24 the waybill and its status still, whole."""
    set_language(lang)
    sent_weighing(station, "SF1234567890123", 1250, typed=False)
    sent_weighing(station, "73123456789012", 23456, carrier="ZTO")
    app = counter_app(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        table = screen.query_one("#so-sends", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await quiet.settle(pilot)
        shown = [str(c.key.value) for c in table.ordered_columns]
        assert {"waybill", "status", "kg", "total"} <= set(shown)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        cells = [[str(table.get_cell_at(Coordinate(row, shown.index(k)))) for k in shown] for row in (0, 1)]
        assert [row[shown.index("waybill")].rstrip() for row in cells] == [
            "ZTO 73123456789012",
            "SF  SF1234567890123",
        ]
        assert [row[shown.index("kg")].strip() for row in cells] == ["23.456*", "1.25"]  # typed; weighed
        heading, *rows = table_lines(table)
        here = "在柜台" if lang == "zh" else "at counter"
        assert all(row.endswith(here) for row in rows)
        assert heading.split()[-1] == ("状态" if lang == "zh" else "Status")
        # Right-aligned, the digits of a typed weight over a weighed one's, the prices' ends in line.
        assert rows[0].index("23.456*") + len("23.456") == rows[1].index("1.25 ") + len("1.25")
        assert rows[0].index("365.00") + len("365.00") == rows[1].index("44.00") + len("44.00")
        assert ("* 手工录入的重量" if lang == "zh" else "* weight typed in") in str(
            screen.query_one("#so-sends-title", Static).render()
        )
        await quiet.resize(pilot, 80, 24, routers=False)
        await until(pilot, lambda: table.size.width < 50)
        await quiet.settle(pilot)
        shown = [str(c.key.value) for c in table.ordered_columns]
        assert {"waybill", "status"} <= set(shown)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert all(line.endswith(here) for line in table_lines(table)[1:])


async def shown_columns(station: Station, rows: int) -> dict[int, list[str]]:
    """The sends' columns as headed at 120x40, then at 80x24, once the list has its `rows`."""
    app = counter_app(station)
    shown: dict[int, list[str]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        table = app.screen.query_one("#so-sends", DataTable)
        await until(pilot, lambda: table.row_count == rows and bool(table.columns))
        await quiet.settle(pilot)
        shown[120] = [str(c.key.value) for c in table.ordered_columns]
        await quiet.resize(pilot, 80, 24, routers=False)
        await until(pilot, lambda: table.size.width < 50)
        await quiet.settle(pilot)
        shown[80] = [str(c.key.value) for c in table.ordered_columns]
    return shown


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("sendout")
async def test_the_sends_are_headed_by_the_same_columns_empty_or_not(
    app: StationApp, station: Station, lang: str
) -> None:
    """Empty, the list's headings alone fitted: eight columns at 120x40, and the first send took three of
    them away. The same columns head it before and after, narrowed at 80x24 by the same rule."""
    set_language(lang)
    empty = await shown_columns(station, 0)
    sent_weighing(station, "SF1234567890123", 1250)
    with_one = await shown_columns(station, 1)
    assert empty == with_one
    assert {"waybill", "status", "kg", "total"} <= set(with_one[120]) and len(with_one[80]) < len(
        with_one[120]
    )
