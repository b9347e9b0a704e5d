"""A table whose one column takes the room the others leave, its long cells shown by their end after an
ellipsis ("…06260787"), so no column is cut at the screen's edge.

Check-in's list of this session's check-ins: a 22-character USPS waybill beside the code, the place, the
carrier, the phone and the label's state ran past 80 columns, and in Chinese the label's state read
"等" for "等待手机号". The waybill gives way, from its start: a clerk matches a parcel by its last digits
(the label prints the last 4). The table's rows change one cell at a time (a label's state, a phone
typed), so unlike `FittedTable` it never lays its rows out again: only that column's width changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.text import Text
from textual.widgets.data_table import ColumnKey

from station_console.tui.widgets.plain import Table

ELLIPSIS = "…"


def kept_from_end(text: str, width: int) -> int:
    """How many of `text`'s last characters an ellipsis leaves room for in `width` cells."""
    room, kept = width - cell_len(ELLIPSIS), 0
    for char in reversed(text):
        room -= cell_len(char)
        if room < 0:
            break
        kept += 1
    return kept


class Tail(Text):
    """A cell that keeps its whole text (`str(cell)`, its measured width) and, in a column narrower than
    it, shows its end after an ellipsis, in its styles (a problem's mark after a waybill stays)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[Segment]:
        if self.cell_len <= options.max_width:
            yield from super().__rich_console__(console, options)
            return
        kept = kept_from_end(self.plain, options.max_width)
        shown = Text(ELLIPSIS, style=self.style, end="", no_wrap=True)
        if kept:
            shown.append_text(self[len(self.plain) - kept :])
        yield from shown.__rich_console__(console, options)


def tail(value: str, style: str = "") -> Tail:
    return Tail(value, style=style, end="")


class TailTable(Table):
    """The column keyed `gives_way` is as wide as its widest cell when the room the other columns leave
    holds it, else that room (never under its heading nor `GIVES_WAY_MIN`: on a screen narrower still
    the table scrolls): its cells are `Tail`s, shown by their end."""

    GIVES_WAY_MIN: ClassVar[int] = 8  # an ellipsis and the last 7: more than the 4 a clerk matches

    def __init__(self, gives_way: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gives_way = gives_way

    def render_lines(self, crop: Any) -> Any:
        self.measure_pending()  # the widest cells of the other columns, before their room is told
        self._fit_the_column_that_gives_way()
        return super().render_lines(crop)

    def _fit_the_column_that_gives_way(self) -> None:
        column = self.columns.get(ColumnKey(self.gives_way))
        if column is None:
            return
        others = sum(c.get_render_width(self) for c in self.ordered_columns if c is not column)
        # Room for a vertical scroll bar always: a table filling up must not cut its last column then.
        room = self.size.width - self.styles.scrollbar_size_vertical - others - 2 * self.cell_padding
        widest = column.content_width  # the heading's width at the least
        width = widest if widest <= room else max(room, column.label.cell_len, self.GIVES_WAY_MIN)
        if width != column.width or column.auto_width:
            column.width, column.auto_width = width, False
            self._clear_caches()  # the cells' renderings are cached by row, not by width
            self._update_dimensions(())  # the table's width
