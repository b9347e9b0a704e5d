"""The shared check that a widget's text is drawn whole: it reads the terminal by cells, so Chinese to
the left of the widget (two cells a character) does not shift what it finds there."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tui import quiet
from tui.drawn_text import drawn, reads_whole


class BesideChinese(App[None]):
    CSS = "#left { width: 12; } #right { width: 20; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("取件码货架", id="left")
            yield Static("请扫描包裹条码", id="right")


async def test_a_widget_right_of_chinese_text_is_read_where_it_is_drawn() -> None:
    app = BesideChinese()
    async with app.run_test(size=(40, 3)) as pilot:
        await quiet.settle(pilot)
        right = app.query_one("#right", Static)
        assert drawn(app, right).rstrip() == "请扫描包裹条码"
        assert reads_whole(app, right) == "请扫描包裹条码"
