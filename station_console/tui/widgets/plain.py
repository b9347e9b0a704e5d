"""Widgets that show text as text: never parsed as markup, hidden characters made visible.

Clerk names, notes, waybills, carrier names and error messages that quote them are data. Textual's
`Static`, `Label` and `DataTable` read a plain `str` as markup, so a stored `[/]` raised `MarkupError`
and closed a screen, and `[@click=...]` would have been an action. These subclasses take `str` as
literal text, with control, escape and direction characters written out (`safe_text.visible`);
screens import them in place of Textual's, and say any styling with `plain(text, style)`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets import Label as TextualLabel
from textual.widgets import Static as TextualStatic

from station_console.safe_text import has_hidden, visible


def plain(value: object, style: str = "") -> Text:
    """`value` as literal, visible text, in `style`."""
    return Text(visible(value), style=style, end="")


def cell_width(cell: object) -> int:
    """Columns a table cell takes on screen: a `Text` as it is, anything else as `plain` shows it."""
    return cell.cell_len if isinstance(cell, Text) else plain(cell).cell_len


def _literal(content: Any) -> Any:
    if isinstance(content, str):
        return plain(content)
    if isinstance(content, Text) and has_hidden(content.plain):
        # A screen built this Text around stored text without `plain()`: its styling is lost, and
        # with it any escape sequence.
        return type(content)(visible(content.plain), style=content.style, end=content.end)  # a `Tail` too
    if isinstance(content, Content) and has_hidden(content.plain):
        return plain(content.plain)  # the same for Textual's own literal text
    return content


def _shown_as(content: Any) -> object:
    """What text and styling `content` shows, comparable; None when that cannot be told (a table, a
    group: any other renderable)."""
    if isinstance(content, Text):
        return (
            "text",
            content.plain,
            tuple(content.spans),
            str(content.style),
            content.justify,
            content.overflow,
            content.no_wrap,
            content.end,
        )
    if isinstance(content, Content):
        return ("content", content.plain, tuple(content.spans))
    return None


class _Literal:
    """Content given as `str` is literal text (the constructor and `update` alike).

    An update to what is already shown does nothing: `Static.update` lays out the whole screen again
    (its size may have changed), and the headers and status lines are set again to the same text on
    every screen resume, clerk change and periodic refresh."""

    _shown: object = None

    def __init__(self, content: Any = "", *args: Any, **kwargs: Any) -> None:
        kwargs["markup"] = False
        content = _literal(content)
        super().__init__(content, *args, **kwargs)  # type: ignore[call-arg]
        self._shown = _shown_as(content)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        content = _literal(content)
        shown = _shown_as(content)
        if shown is not None and shown == self._shown:
            return
        super().update(content, layout=layout)  # type: ignore[misc]
        self._shown = shown


class Static(_Literal, TextualStatic):
    pass


class Label(_Literal, TextualLabel):
    pass


def _same_cell(shown: object, value: object) -> bool:
    """`value` would show what `shown` shows (text compared with its styling, other values by type)."""
    if isinstance(shown, Text | Content) or isinstance(value, Text | Content):
        return _shown_as(shown) == _shown_as(value)
    return type(shown) is type(value) and shown == value


class Table(DataTable[Any]):
    """A DataTable whose `str` cells are literal text.

    A cell set again to what it shows does nothing: any change makes Textual render every visible row
    again (its render caches are keyed by a count of changes), and the check-in table's label states
    are set again, mostly unchanged, on every re-read."""

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        return super().add_row(*(_literal(c) for c in cells), **kwargs)

    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None: no rows)."""
        if not self.row_count:
            return None
        value = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None if value is None else str(value)

    def render_lines(self, crop: Any) -> Any:
        self.measure_pending()
        return super().render_lines(crop)

    def measure_pending(self) -> None:
        """New rows and changed cells measured, their columns widened.

        Textual measures them on the table's own Idle, which waits while its queue is busy; the screen
        draws on its timer meanwhile, and drew every column at its heading's width ("2-5-" for
        "2-5-1023"), for a second and more on a busy console. Measured before drawing here."""
        if self._require_update_dimensions or self._updated_cells:
            if self._updated_cells:
                updated = self._updated_cells.copy()
                self._updated_cells.clear()
                self._update_column_widths(updated)
            if self._require_update_dimensions:
                self._require_update_dimensions = False
                new_rows = self._new_rows.copy()
                self._new_rows.clear()
                self._update_dimensions(new_rows)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        value = _literal(value)
        if not kwargs.get("update_width") and _same_cell(self.get_cell(row_key, column_key), value):
            return
        super().update_cell(row_key, column_key, value, **kwargs)

    def update_cell_at(self, coordinate: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell_at(coordinate, _literal(value), **kwargs)

    def post_message(self, message: Message) -> bool:
        # Page Down or End on an empty table puts the cursor on row -1, and Textual says that row is
        # highlighted, with no key: a screen reading the row's key stopped the console. No row, no word.
        if isinstance(message, DataTable.RowHighlighted) and message.row_key is None:
            return False
        return super().post_message(message)
