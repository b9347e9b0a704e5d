"""The "Needs attention" line at 80 columns: it went on past the edge, cut after "Ctrl+X", and the clerk
never read "dismiss". It fits on one line (a second would take a row from the refusal above it), and
where it cannot it wraps between two keys, never inside one's words."""

from __future__ import annotations

import re

import pytest

from station_console.i18n import set_language
from station_console.tui.app import StationApp
from station_console.tui.line_breaks import NO_BREAK
from tui import checkin_driver

CLAUSES = {
    "en": ["Needs attention: 1", "↑↓", "Ctrl+Y do it", "Ctrl+B keep batch", "Ctrl+X dismiss"],
    "zh": ["待处理：1", "↑↓ 选择", "Ctrl+Y 处理", "Ctrl+B 保持批次", "Ctrl+X 忽略"],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [80, 120])
async def test_the_attention_line_shows_every_key_whole(app: StationApp, lang: str, width: int) -> None:
    set_language(lang)
    async with app.run_test(size=(width, 24)) as pilot:
        screen, clock = await checkin_driver.start(app, pilot)
        await checkin_driver.scan(pilot, clock, "ABCDEFGH")  # refused: one item needs attention
        await checkin_driver.settle(app, pilot)
        head = screen.query_one("#att-head")
        lines = [strip.text.replace(NO_BREAK, " ").strip() for strip in head.render_lines(head.size.region)]
        lines = [line for line in lines if line]
        shown = [part for line in lines for part in re.split(r"\s*·\s*", line) if part]
        assert shown == CLAUSES[lang], lines
        assert all(head.size.width >= len(line) for line in lines)
        assert len(lines) == 1  # one line at 80 columns too: the message box above keeps its rows
