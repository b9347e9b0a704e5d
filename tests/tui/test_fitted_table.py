"""A fitted table measures a cell as it shows it: a hidden character written out (`\\x1d`, the group
separator a GS1 scan carries) widens its column, so the cell is shown whole, not cut at its edge. A
column that wraps in the room left (the layer list's problem, Problems' note) gives way to the columns
wanted after it, and a table keeps the scrollbar's room only where its rows scroll, if it says so. A
column that names the row (Parcels' waybill) keeps its least room ahead of the columns wanted before it."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets.data_table import RowKey

from station_console.safe_text import visible
from station_console.tui.screens.clerk_activity import ActivityTable
from station_console.tui.widgets.fitted_table import Cells, FittedTable
from station_console.tui.widgets.plain import cell_width
from tui import quiet

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


NOTE = "torn off on the left, the code half gone"  # 40 cells


class NoteTable(FittedTable):
    """A name, a note wrapped in the room left (at least 12), a code, a size; wanted in that order."""

    COLUMNS = ("Name", "Note", "Code", "Size")
    FILLS_ROOM_LEFT = 1
    FILL_MIN = 12
    FILL_WRAPS = True
    BAR_ONLY_WHEN_SCROLLING = True
    count = 0  # rows listed

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return [(str(n), ("Wang Fang", Text(NOTE), "12345678901234", "M")) for n in range(self.count)]


class NoteApp(App[None]):
    CSS = "NoteTable { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield NoteTable()


def laid_out(table: FittedTable) -> dict[str, int]:
    return {str(column.key.value): column.width for column in table.ordered_columns}


async def test_a_wrapping_column_gives_way_to_the_columns_after_it_and_takes_the_room_they_leave() -> None:
    """At 60 cells the note, whole (40), would leave no room for the code: it wraps in what the code
    and the size leave, each row as tall as its lines. At 36 the code does not fit beside the note's 12
    cells, and the size, less wanted still, is not shown in its place: the note takes that room."""
    app = NoteApp()
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(NoteTable)
        table.count = 2
        table.lay_out()
        # 60 cells, no scrollbar (2 rows): name 9, code 14, size 4, each 2 wider; the note the 25 left.
        assert laid_out(table) == {"Name": 9, "Note": 25, "Code": 14, "Size": 4}
        table.measure_pending()  # as it is before it is drawn
        assert len(Text(NOTE).wrap(app.console, 25)) == 2 and table.rows[RowKey("0")].height == 2
        assert str(table.get_row("0")[1]) == NOTE  # whole, not cut
        await pilot.resize_terminal(36, 10)
        await quiet.until(pilot, lambda: "Code" not in laid_out(table), what="laid out again")
        assert laid_out(table) == {"Name": 9, "Note": 23}
        table.measure_pending()
        assert table.rows[RowKey("0")].height == len(Text(NOTE).wrap(app.console, 23)) == 2


async def test_the_scrollbars_room_is_kept_only_where_the_rows_scroll() -> None:
    """Name 9, note 12, code 14, size 4 and their padding take 47 cells: at 47 with rows that fit, all
    shown; made lower, the rows scroll and the bar takes 2 cells: laid out again, the size left out and
    the note in the room it leaves; made taller again, the size is back."""
    app = NoteApp()
    async with app.run_test(size=(47, 10)) as pilot:
        table = app.query_one(NoteTable)
        table.count = 2
        table.lay_out()
        assert laid_out(table) == {"Name": 9, "Note": 12, "Code": 14, "Size": 4}
        await pilot.resize_terminal(47, 2)
        await quiet.until(pilot, lambda: "Size" not in laid_out(table), what="laid out again for the bar")
        assert laid_out(table) == {"Name": 9, "Note": 16, "Code": 14}
        await pilot.resize_terminal(47, 10)
        await quiet.until(pilot, lambda: "Size" in laid_out(table), what="laid out again without it")


async def test_rows_that_scroll_once_wrapped_keep_the_scrollbars_room() -> None:
    """Three rows and the heading are four lines of a six-line table; but each note wraps in two, so the
    rows take seven and scroll. Chosen as if they did not, the columns took the bar's room too: the bar
    came, the size column was cut at the edge and a horizontal bar took a line. The bar's 2 cells are
    kept: the note gives them up, the other columns whole."""
    app = NoteApp()
    async with app.run_test(size=(60, 6)) as pilot:
        table = app.query_one(NoteTable)
        table.count = 3
        table.lay_out()
        assert laid_out(table) == {"Name": 9, "Note": 23, "Code": 14, "Size": 4}
        await quiet.until(pilot, lambda: table.show_vertical_scrollbar, what="the rows scroll")
        assert not table.show_horizontal_scrollbar


class NamedRowsTable(FittedTable):
    """A status, a phone, a place, wanted before the waybill that names each row (cut by its end where
    it must be, never left out: `FILL_ALWAYS`, as Parcels' waybill is)."""

    COLUMNS = ("Waybill", "Status", "Phone", "Place")
    FILLS_ROOM_LEFT = 0
    FILL_MIN = 8
    FILL_ALWAYS = True

    def wanted(self, rows: list[Cells]) -> tuple[int, ...]:
        return (1, 2, 3, 0)

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return [("1", ("9200190164917312345678", "written off", "139****0176", "Overflow 12"))]


class NamedRowsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield NamedRowsTable()


async def test_a_fill_always_shown_keeps_its_room_before_the_columns_wanted_ahead_of_it() -> None:
    """In 40 cells (42, less the scrollbar's room) the status, the phone and the place (11 each, and 2
    of padding) leave 1: the waybill would be left out. Its least (8 and 2) is kept first: the place no
    longer fits beside the others, and the waybill takes the 12 cells left, cut by its end."""
    app = NamedRowsApp()
    async with app.run_test(size=(42, 8)) as pilot:
        table = app.query_one(NamedRowsTable)
        table.lay_out()
        await pilot.pause()
        assert laid_out(table) == {"Waybill": 12, "Status": 11, "Phone": 11}
