"""A table in the columns that fit its width whole, most wanted first: a column that does not fit is
left out rather than cut at the screen's edge (at 80 columns in Chinese a carrier read "Z", a weight
"1.2" for 1.25 kg, a waybill was scrolled off). Laid out again when its room changes (its width, or
its rows coming to scroll where the scrollbar's room is kept only then).

Returns, the stocktake, the send-out list, the audit trail, the layer list, Problems and Parcels each
had a copy of these steps, and two measured a cell by its characters where the table shows hidden ones
written out (`\\x1d`), so such a cell's column was cut. A screen's table states its columns, rows and
wanted order here; what differs is a hook: a column that takes the room left (cut with an ellipsis,
or wrapped there; shown always, or only where it fits), room for the scrollbar only where the rows
scroll, narrower rows for a table the whole row does not fit, rows measured but not shown, a cell's
own form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import events

from station_console.i18n import _
from station_console.text_columns import columns_that_fit
from station_console.tui.widgets.plain import Table, cell_width, plain

Cells = Sequence[Any]  # a row's cells in the table's column order


class FittedTable(Table):
    """The rows (`table_rows`) in the columns of `COLUMNS` that fit the table's width whole (`lay_out`)."""

    COLUMNS: ClassVar[tuple[str, ...]]  # the headings (to translate) in the table's order
    KEYS: ClassVar[tuple[str, ...] | None] = None  # each column's key; by default its heading
    # The column shown in the room the others left, if that holds its heading (and `FILL_MIN`), its
    # cells cut to it: a column of long values (details, another counter's clerk) still says something.
    FILLS_ROOM_LEFT: ClassVar[int | None] = None
    FILL_MIN: ClassVar[int] = 0
    # The column in the room left wraps its cells there instead, each row as tall as it needs, and is
    # counted at its least (its heading and `FILL_MIN`) as the columns are chosen: the columns wanted
    # after it are shown before it takes more (a layer's problem, a flag's note read whole).
    FILL_WRAPS: ClassVar[bool] = False
    # The column in the room left is always shown (it names the row: Parcels' waybill): the room it needs
    # at the least is kept for it before the columns wanted ahead of it are chosen.
    FILL_ALWAYS: ClassVar[bool] = False
    # Room for the vertical scrollbar only where the rows will scroll; by default it is kept whether or
    # not they do, so a list that grows keeps its columns (beside the 160-column map the layer list
    # lost its check-in time to a scrollbar it did not show).
    BAR_ONLY_WHEN_SCROLLING: ClassVar[bool] = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self._laid_out_for = -1  # the width the columns were chosen for

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        """Each row's key and its cells, in `COLUMNS`' order."""
        raise NotImplementedError

    def headings(self) -> list[str]:
        return [_(heading) for heading in self.COLUMNS]

    def wanted(self, rows: list[Cells]) -> Sequence[int]:
        """The columns most wanted first (by default the table's order)."""
        return range(len(self.COLUMNS))

    def measured_too(self) -> list[Cells]:
        """Rows measured as if shown (none by default): the same columns for an empty list as a full one."""
        return []

    def narrower_rows(self) -> list[Cells] | None:
        """The rows in shorter words, for a table their whole row does not fit (None: no such words)."""
        return None

    def cell(self, value: Any, index: int, width: int) -> Any:
        """A heading or cell of column `index`, `width` wide, as the table shows it (as it is by default)."""
        return value

    def cut(self, cell: Any, width: int) -> Text:
        """A cell of the column in the room left, longer than its `width`: shown cut, an ellipsis saying
        so (the cell keeps its whole text)."""
        text = cell.copy() if isinstance(cell, Text) else plain(cell)
        text.no_wrap, text.overflow = True, "ellipsis"
        return text

    def _widths(self, headings: list[str], rows: list[Cells]) -> list[int]:
        measured = [*rows, *self.measured_too()]
        return [
            max([cell_width(heading), *(cell_width(cells[i]) for cells in measured)])
            for i, heading in enumerate(headings)
        ]

    def room(self, rows: int) -> int:
        """The cells across the table its columns may take for `rows` rows, less the scrollbar's."""
        bar = self.styles.scrollbar_size_vertical
        if self.BAR_ONLY_WHEN_SCROLLING and rows + self.header_height <= self.size.height:
            bar = 0
        return self.size.width - bar

    def on_resize(self, event: events.Resize) -> None:
        room = self.room(self.row_count)
        if self.FILL_WRAPS and self.BAR_ONLY_WHEN_SCROLLING:
            # Rows as tall as their wrapped cells: whether they scroll depends on the columns too.
            room = self._fit(self.headings(), [cells for _key, cells in self.table_rows()])[0]
        if room != self._laid_out_for:
            self.lay_out()

    def on_mount(self) -> None:
        self.lay_out()  # the headings over an empty list

    def lay_out(self, row: int | None = None) -> None:
        """The rows in the columns that fit (again after a resize), the cursor on `row` (by default the
        row it was on)."""
        headings = self.headings()
        keys = self.KEYS or self.COLUMNS
        keyed = self.table_rows()
        self._laid_out_for, rows, widths, shown = self._fit(headings, [cells for _key, cells in keyed])
        row = self.cursor_row if row is None else row
        self.clear(columns=True)
        for i in shown:
            self.add_column(self.cell(headings[i], i, widths[i]), key=keys[i], width=widths[i])
        height = None if self.FILL_WRAPS else 1  # None: as tall as its wrapped cell
        for (key, _cells), cells in zip(keyed, rows, strict=True):
            self.add_row(*(self._cell(cells[i], i, widths[i]) for i in shown), key=key, height=height)
        if rows:
            self.move_cursor(row=min(max(row, 0), len(rows) - 1))

    def _fit(self, headings: list[str], rows: list[Cells]) -> tuple[int, list[Cells], list[int], list[int]]:
        """The room the columns are chosen for, the rows as shown, every column's width and those shown.
        Rows of a wrapping column counted as one line each may scroll once wrapped (two or three lines a
        note): the columns are then chosen again with the scrollbar's room, which it would otherwise
        take from the last column, cut at the edge under a horizontal bar."""
        room = self.room(len(rows))
        shown_rows, widths, shown = self._choose(headings, rows, room)
        if 0 < room == self.size.width and self._lines(shown_rows, widths, shown) > self.size.height:
            room -= self.styles.scrollbar_size_vertical
            shown_rows, widths, shown = self._choose(headings, rows, room)
        return room, shown_rows, widths, shown

    def _choose(
        self, headings: list[str], rows: list[Cells], room: int
    ) -> tuple[list[Cells], list[int], list[int]]:
        """The rows as shown (narrower where the whole row does not fit), every column's width and the
        columns shown in `room`, in the table's order."""
        gap = 2 * self.cell_padding
        widths = self._widths(headings, rows)
        narrower = self.narrower_rows() if room > 0 and sum(widths) + gap * len(widths) > room else None
        if narrower is not None:
            rows = narrower
            widths = self._widths(headings, rows)
        if room <= 0:  # not laid out yet: every column, chosen again once the table has its width
            shown = list(range(len(self.COLUMNS)))
        else:
            shown = self._fitted(headings, widths, list(self.wanted(rows)), room, gap)
        return rows, widths, sorted(shown)

    def _lines(self, rows: list[Cells], widths: list[int], shown: list[int]) -> int:
        """The table's height in lines, its heading's with the rows', each as tall as its wrapped cell."""
        fill = self.FILLS_ROOM_LEFT
        if not self.FILL_WRAPS or fill is None or fill not in shown:
            return self.header_height + len(rows)
        console = self.app.console
        texts = (cells[fill] if isinstance(cells[fill], Text) else plain(cells[fill]) for cells in rows)
        return self.header_height + sum(max(1, len(text.wrap(console, widths[fill]))) for text in texts)

    def _fitted(
        self, headings: list[str], widths: list[int], order: list[int], room: int, gap: int
    ) -> list[int]:
        """The columns shown, `order` most wanted first. The column that fills the room left, if it does
        not fit whole, is kept at its turn in `order` (after every column when it is not in it) with the
        room its heading needs (and `FILL_MIN`): a column wanted after it (the stocktake's empty
        Problem) is shown only in what that leaves, and the fill then takes all the room left. With
        `FILL_ALWAYS` that room is kept before the columns ahead of it are chosen."""
        fill = self.FILLS_ROOM_LEFT
        if fill is None:
            return columns_that_fit(widths, room, wanted=order, gap=gap)
        if self.FILL_WRAPS:
            return self._fitted_wrapping(fill, headings, widths, order, room, gap)
        turn = order.index(fill) if fill in order else len(order)
        need = max(cell_width(headings[fill]), self.FILL_MIN) + gap
        kept = need if self.FILL_ALWAYS else 0
        shown = columns_that_fit(widths, room - kept, wanted=order[:turn], gap=gap)
        used = sum(widths[i] + gap for i in shown)
        # One not in `order` (the audit trail's details) is shown only where the room left holds its least.
        whole = (fill in order or self.FILL_ALWAYS) and used + widths[fill] + gap <= room
        filling = whole or self.FILL_ALWAYS or room - used >= need
        if filling:
            used += widths[fill] + gap if whole else need
        for i in order[turn + 1 :]:
            if used + widths[i] + gap <= room:
                shown.append(i)
                used += widths[i] + gap
        if filling:
            widths[fill] = min(widths[fill], room - sum(widths[i] + gap for i in shown) - gap)
            shown.append(fill)
        return shown

    def _fitted_wrapping(
        self, fill: int, headings: list[str], widths: list[int], order: list[int], room: int, gap: int
    ) -> list[int]:
        """The columns shown (`FILL_WRAPS`): those wanted up to the fill (after every column when it is
        not in it) as `columns_that_fit` takes them, the fill at its least; those wanted after it in
        turn while they fit, the first that does not ending them (the room left widens the fill, wanted
        before them, rather than a narrower column less wanted still); then the fill takes the room
        left, up to its own width."""
        order = order if fill in order else [*order, fill]
        turn = order.index(fill) + 1
        least = min(widths[fill], max(cell_width(headings[fill]), self.FILL_MIN))
        counted = [least if i == fill else width for i, width in enumerate(widths)]
        shown = columns_that_fit(counted, room, wanted=order[:turn], gap=gap)
        used = sum(counted[i] + gap for i in shown)
        for i in order[turn:]:
            if used + widths[i] + gap > room:
                break
            shown.append(i)
            used += widths[i] + gap
        if fill in shown:
            left = room - sum(widths[i] + gap for i in shown if i != fill) - gap
            widths[fill] = max(least, min(widths[fill], left))
        return shown

    def _cell(self, value: Any, index: int, width: int) -> Any:
        if index == self.FILLS_ROOM_LEFT and not self.FILL_WRAPS and cell_width(value) > width:
            value = self.cut(value, width)
        return self.cell(value, index, width)
