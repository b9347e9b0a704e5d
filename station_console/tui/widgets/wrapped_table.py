"""A table whose long cells wrap within their row, for a list a person reads whole (the inspection
checklist): a DataTable keeps every row one line and cuts a cell at the screen's edge.

A grid of plain Statics under a row of headings: its columns share the width as the screen's CSS says
(`#id > Grid { grid-columns: ... }`), a row is as tall as its tallest cell, and Chinese breaks as it is
typeset (`tui/line_breaks.py`). Cells are literal text; it scrolls, and takes the focus to scroll.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll

from station_console.tui.widgets.plain import Static


class WrappedTable(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    WrappedTable { height: 1fr; }
    WrappedTable > Grid { height: auto; grid-rows: auto; grid-gutter: 0 2; padding: 0 1; }
    WrappedTable .wt-heading { text-style: bold; color: $text-muted; }
    WrappedTable .-odd { background: $boost; }
    """

    def __init__(self, headings: Sequence[str], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.headings = list(headings)
        self._rows: list[list[str]] = []
        self._cells: list[Static] = []  # shown now, row by row

    def compose(self) -> ComposeResult:
        grid = Grid(*(Static(h, classes="wt-heading") for h in self.headings))
        grid.styles.grid_size_columns = len(self.headings)
        yield grid

    def rows(self) -> list[list[str]]:
        return [list(row) for row in self._rows]

    def show(self, rows: Sequence[Sequence[str]]) -> None:
        """Show `rows` (one string a column), the cells already there set again, the rest added or
        removed: a read again that changed nothing changes nothing on screen."""
        self._rows = [list(row) for row in rows]
        texts = [(n, text) for n, row in enumerate(self._rows) for text in row]
        for cell, (n, text) in zip(self._cells, texts, strict=False):
            cell.update(text)
            cell.set_class(n % 2 == 1, "-odd")
        extra = [Static(text, classes="-odd" if n % 2 else "") for n, text in texts[len(self._cells) :]]
        for cell in self._cells[len(texts) :]:
            cell.remove()
        self._cells = self._cells[: len(texts)] + extra
        if extra:
            self.query_one(Grid).mount(*extra)
