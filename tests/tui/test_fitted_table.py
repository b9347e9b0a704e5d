"""A fitted table measures a cell as it shows it: a hidden character written out (`\\x1d`, the group
separator a GS1 scan carries) widens its column, so the cell is shown whole, not cut at its edge."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Region

from station_console.safe_text import visible
from station_console.tui.screens.clerk_activity import ActivityTable
from station_console.tui.widgets.plain import cell_width

WAYBILL = "0101234567890128\x1d21ABC123"


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield ActivityTable()


async def test_a_cell_with_a_hidden_character_is_shown_whole() -> None:
    app = OneTable()
    async with app.run_test(size=(120, 8)) as pilot:
        table = app.query_one(ActivityTable)
        table.show([("1", ("12-06 10:00:00", "checked in", "Wang", "counter-1", WAYBILL, "size: M"))])
        await pilot.pause()
        shown = visible(WAYBILL)
        assert shown != WAYBILL  # written out, so wider than its characters
        assert cell_width(shown) in [column.width for column in table.ordered_columns]
        row = "".join(segment.text for segment in table.render_lines(Region(0, 1, 120, 1))[0])
        assert shown in row
