"""A return batch's parcels, in the columns that fit the table's width: a column that does not fit is
left out, never cut at the screen's edge (at 80 columns in Chinese the last one, the carrier, read "Z")."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from textual.coordinate import Coordinate
from textual.widgets import DataTable

from station_console.i18n import N_
from station_console.services.shelves.search import ParcelRow
from station_console.tui.screens.shelf_common import cells_in
from station_console.tui.widgets.fitted_table import Cells, FittedTable

# Why each parcel goes back first, so an 80-column screen shows it: its problem (refused, damaged...),
# else how long it has waited (checked in); the carrier is the batch's own, said above the list, so it
# is the first left out. Most wanted first, which is also the table's order.
COLUMNS = (
    N_("Waybill"),
    N_("Problem"),
    N_("Checked in"),
    N_("Code"),
    N_("Location"),
    N_("Status"),
    N_("Phone"),
    N_("Size"),
    N_("Carrier"),
)


class ReturnsTable(FittedTable):
    COLUMNS = COLUMNS

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parcel_rows: list[tuple[str, tuple[Any, ...]]] = []  # (waybill, cells in COLUMNS' order)

    def show(self, parcels: list[ParcelRow], zone: tzinfo, *, cursor_on: int) -> None:
        self.parcel_rows = [(row.waybill, cells_in(COLUMNS, row, zone)) for row in parcels]
        self.lay_out(row=cursor_on)

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return list(self.parcel_rows)


def highlighted_waybill(table: DataTable[Any]) -> str:
    """The waybill of the list's row under the cursor (the list not empty)."""
    return str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)
