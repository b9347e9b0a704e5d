"""Check-in's Needs attention at 80 columns: every row's kind, text and hint (what the clerk acts on)
shown whole; the time goes first, then the hint goes under the text. At 120 a short row keeps its time."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from station_console.i18n import label_of, set_language
from station_console.services.checkin.dismissals import KIND_LABELS
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_attention import Attention
from tui import quiet
from tui.checkin_driver import attention, scan, settle, start
from tui.drawn_text import drawn


def squeezed(text: str) -> str:
    return "".join(text.split())  # a wrapped line drops the space it broke at


def shows_whole(item: Attention, shown: str) -> bool:
    return squeezed(f"{label_of(KIND_LABELS, item.kind)}{item.text}{item.hint}") in squeezed(shown)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_at_80_columns_each_row_of_needs_attention_is_shown_whole(app: StationApp, lang: str) -> None:
    """At 80 columns a row (time, kind, text, hint) ran to about 111 cells: the hint was cut to
    '请核对单号'. Each row now reads whole, and a short row at 120 columns is laid out as before."""
    set_language(lang)
    async with app.run_test(size=(80, 30)) as pilot:  # rows wrap to 3 lines: both in view
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "ABC12")  # too short: a partial scan
        await scan(pilot, clock, "13987654321")  # a mobile number DHL would take: a refusal naming it
        await settle(app, pilot)
        table = screen.query_one("#att-table", DataTable)
        items = attention(screen)
        shown = drawn(app, table)
        assert len(items) == 2 and all(shows_whole(item, shown) for item in items), shown
        assert items[0].at not in shown  # the time gave way first
        await quiet.press(pilot, "ctrl+x")  # the question (the newest) dismissed: the short row stays
        await settle(app, pilot)
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        (short,) = attention(screen)
        rows = [line for line in drawn_rows(app, table) if short.at in line]
        assert len(rows) == 1 and squeezed(
            f"{short.at}{label_of(KIND_LABELS, short.kind)}{short.text}{short.hint}"
        ) in squeezed(rows[0])


def drawn_rows(app: StationApp, table: DataTable) -> list[str]:
    region = table.content_region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return [strip.crop(region.x, region.right).text for strip in strips]
