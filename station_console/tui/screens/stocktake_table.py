"""The stocktake's table: each parcel's finding, in the columns that fit the screen whole.

At 80 columns the last column, who scanned the parcel at which counter, was cut ("demo-manager（co").
Narrower than the whole row, a scan made at this counter names its clerk alone (the clerk reading
knows where they stand; one from another counter still names it), and a column that still does not
fit is left out, the finding's own columns kept first, rather than cut at the edge; the Scanned by
column, when the room left holds its heading, takes that room, a long name cut with an ellipsis.
The headings and a parcel's "no record" and "for courier" (an outgoing send found on the shelf)
are kept short so that a table with such a parcel still holds a 12-character clerk's name whole at 80
columns in English.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from station_console.i18n import N_, _
from station_console.services.exceptions.stocktake_view import CLASS_LABELS
from station_console.tui.widgets.fitted_table import Cells, FittedTable
from station_console.tui.widgets.plain import cell_width

CLASS_STYLES = {
    "match": "green",
    "missing": "bold red",
    "wrong_layer": "yellow",
    "wrong_shelf": "bold yellow",
    "extra": "magenta",
}
COLUMNS = (
    N_("Result"),
    N_("Waybill"),
    N_("On record"),
    N_("Found"),
    N_("Status"),
    N_("Problem"),
    N_("Scanned by"),
)
# Which columns a narrow table keeps, most wanted first: what was found where, the parcel's status and
# problem flag, who scanned it; a Problem column with no flag in it goes last.
WANTED = (0, 1, 2, 3, 4, 5, 6)
PROBLEM = COLUMNS.index(N_("Problem"))
SCANNED_BY = COLUMNS.index(N_("Scanned by"))


def class_text(cls: str) -> Text:
    return Text(_(CLASS_LABELS[cls]), style=CLASS_STYLES[cls])


def scanned_by_text(clerk: str | None, counter: str | None, *, here: str | None = None) -> str:
    """Who scanned a parcel and at which counter, for the table ("-" for a scan from before they were
    kept, and for a parcel not scanned); `here`: the clerk alone for a scan made at this counter."""
    if clerk is None:
        return "-"
    if not counter or counter == here:
        return clerk
    return _("{clerk} at {counter}", clerk=clerk, counter=counter)


class StocktakeTable(FittedTable):
    """The findings (`show`), laid out again for the table's width."""

    COLUMNS = COLUMNS
    # Another counter's scan too long for the room left: the column still names the clerks, a long
    # name cut with an ellipsis that shows it is cut.
    FILLS_ROOM_LEFT = SCANNED_BY

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Each row's cells in COLUMNS' order, and its Scanned by cell without this counter's name.
        self.findings: list[tuple[tuple[Any, ...], str]] = []

    def show(self, findings: list[tuple[tuple[Any, ...], str]]) -> None:
        self.findings = findings
        self.lay_out()

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return [(None, cells) for cells, _short in self.findings]

    def narrower_rows(self) -> list[Cells]:
        return [(*cells[:SCANNED_BY], short, *cells[SCANNED_BY + 1 :]) for cells, short in self.findings]

    def cut(self, cell: Any, width: int) -> Text:
        text = super().cut(cell, width)
        text.truncate(width, overflow="ellipsis")  # the cell says what is shown: the name cut
        return text

    def wanted(self, rows: list[Cells]) -> Sequence[int]:
        if not any(cell_width(cells[PROBLEM]) for cells in rows):
            return (*(i for i in WANTED if i != PROBLEM), PROBLEM)
        return WANTED
