"""A table whose cells wrap in their row: rows shown again set the cells there, add and remove the
rest (a shorter list read again leaves none of the longer one behind), cell text is literal."""

from __future__ import annotations

from textual.app import App, ComposeResult

from station_console.tui.widgets.plain import Static
from station_console.tui.widgets.wrapped_table import WrappedTable


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield WrappedTable(["Id", "Text"])


def cells(app: OneTable) -> list[tuple[str, bool]]:
    """Each cell under the headings: its text and whether it is striped."""
    shown = app.query_one(WrappedTable).query(Static).exclude(".wt-heading")
    return [(str(cell.render()), cell.has_class("-odd")) for cell in shown]


async def test_rows_shown_again_replace_the_ones_before_them() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(WrappedTable)
        table.show([["a", "one [b]not markup[/b]"], ["b", "two"], ["c", "three"]])
        await pilot.pause()
        assert cells(app)[:4] == [("a", False), ("one [b]not markup[/b]", False), ("b", True), ("two", True)]
        assert len(cells(app)) == 6
        table.show([["x", "eleven"], ["y", "twelve"]])
        await pilot.pause()
        assert cells(app) == [("x", False), ("eleven", False), ("y", True), ("twelve", True)]
        assert table.rows() == [["x", "eleven"], ["y", "twelve"]]
        table.show([["z", "long " * 20]])
        await pilot.pause()
        assert cells(app)[1][0] == "long " * 20
        assert app.query_one(WrappedTable).query(Static).exclude(".wt-heading").last().size.height > 1
