"""A return batch's parcels, in the columns that fit the table's width: a column that does not fit is
left out, never cut at the screen's edge (at 80 columns in Chinese the last one, the carrier, read "Z").
Laid out again on a resize (`lay_out`)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from station_console.i18n import N_, _
from station_console.services.shelves.search import ParcelRow
from station_console.text_columns import columns_that_fit
from station_console.tui.screens.shelf_common import cells_in
from station_console.tui.widgets.plain import Table, cell_width

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


class ReturnsTable(Table):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.parcel_rows: list[tuple[str, tuple[Any, ...]]] = []  # (waybill, cells in COLUMNS' order)

    def show(self, parcels: list[ParcelRow], zone: tzinfo, *, cursor_on: int) -> None:
        self.parcel_rows = [(row.waybill, cells_in(COLUMNS, row, zone)) for row in parcels]
        self.lay_out(row=cursor_on)

    def lay_out(self, row: int | None = None) -> None:
        """The parcels in the columns that fit (again after a resize), the cursor on `row` (by default
        the row it was on)."""
        headings = [_(name) for name in COLUMNS]
        widths = [
            max([cell_width(heading), *(cell_width(cells[i]) for _key, cells in self.parcel_rows)])
            for i, heading in enumerate(headings)
        ]
        room = self.size.width - self.styles.scrollbar_size_vertical  # room for the bar, rows or not
        shown = (
            columns_that_fit(widths, room, wanted=range(len(COLUMNS)), gap=2 * self.cell_padding)
            if room > 0
            else list(range(len(COLUMNS)))
        )
        row = self.cursor_row if row is None else row
        self.clear(columns=True)
        for i in shown:
            self.add_column(headings[i], key=COLUMNS[i], width=widths[i])
        for waybill, cells in self.parcel_rows:
            self.add_row(*(cells[i] for i in shown), key=waybill)
        if self.parcel_rows:
            self.move_cursor(row=min(max(row, 0), len(self.parcel_rows) - 1))
