"""A table drawn before its own Idle (a busy console) shows whole cells, not columns cut at their
headings' width: Textual measures new rows on the table's Idle, and the screen may draw first."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Region

from station_console.tui.widgets.plain import Table


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield Table()


async def test_rows_added_and_drawn_at_once_show_whole_cells() -> None:
    app = OneTable()
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(Table)
        code, waybill = table.add_columns("Code", "Waybill")
        table.add_row("2-5-1023", "SF1234567890123")
        # Drawn now, as the screen's timer would while the table's queue is still busy: the lines are
        # drawn with the columns as wide as their widest cell, not as their headings.
        table.render_lines(Region(0, 0, 60, 2))
        widths = [table.columns[key].content_width for key in (code, waybill)]
        assert widths == [len("2-5-1023"), len("SF1234567890123")]
