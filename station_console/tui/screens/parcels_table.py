"""The Parcels list (F5) in the columns that fit its width whole, the waybill giving way.

Each parcel's status and problem right after its waybill, then what a clerk searches by, the code and the
masked phone: an 80-column screen shows these whole in either language. The rest goes to the right, what
matters least last: the location (the code names it unless a move kept the code), the check-in time, the
carrier, the size; the details under the list name each for the parcel under the cursor. A long waybill
(a USPS number of 22 characters, a code of 30) takes the room those leave, shown by its end (a clerk
matches its last digits), and a column that does not fit beside it is left out: at 80 columns the location
and the check-in time were cut at the edge ("Locat", "入库时") until the clerk scrolled sideways. Where the
check-in time does not fit whole ("11-25 10:00" under "Checked in": at 80 columns in English, a problem
parcel listed), it is said shorter under "In": the time for today's, the day for earlier ones (the
details under the list give the whole time). Where even that does not fit (a written-off parcel listed
too: 80 cells against 78), the location goes under "Shelf" (its values, "1-3", are far narrower than
"Location").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from rich.text import Text

from station_console.i18n import N_, _
from station_console.services.shelves.search import ParcelRow
from station_console.tui.screens.shelf_common import cells_in
from station_console.tui.widgets.fitted_table import Cells, FittedTable
from station_console.tui.widgets.plain import plain
from station_console.tui.widgets.tail_table import Tail, TailTable

COLUMNS = (
    N_("Waybill"),
    N_("Status"),
    N_("Problem"),
    N_("Code"),
    N_("Phone"),
    N_("Location"),
    N_("Checked in"),
    N_("Carrier"),
    N_("Size"),
)
WAYBILL = COLUMNS.index(N_("Waybill"))
CHECKED_IN = COLUMNS.index(N_("Checked in"))
LOCATION = COLUMNS.index(N_("Location"))
SHORT_CHECKED_IN = N_("In")  # over the check-in time said shorter ("10:00" today, "11-24" before)
SHORT_LOCATION = N_("Shelf")  # over the location ("1-3") where the shorter time alone left no room
# How short the table says itself: whole, the check-in time shorter, the location's heading too.
WHOLE, TIMES_SHORT, HEADINGS_SHORT = range(3)
# Most wanted first: the waybill gives way to what a search is for and to where and since when the parcel
# stands; whole, it is kept before the carrier and the size.
_WANTED = tuple(
    COLUMNS.index(name)
    for name in (
        N_("Status"),
        N_("Problem"),
        N_("Code"),
        N_("Phone"),
        N_("Location"),
        N_("Checked in"),
        N_("Waybill"),
        N_("Carrier"),
        N_("Size"),
    )
)


class ParcelsTable(FittedTable):
    COLUMNS = COLUMNS
    FILLS_ROOM_LEFT = WAYBILL
    FILL_MIN = TailTable.GIVES_WAY_MIN
    FILL_ALWAYS = True  # the waybill names the row: it gives way, never goes

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parcel_rows: list[tuple[str, Cells]] = []  # (the parcel's id, its cells in COLUMNS' order)
        self.waybills: dict[str, str] = {}  # each row's waybill by its key (its cell may show its end)
        self.short_times: list[Any] = []  # each row's check-in time said shorter, in the rows' order
        self._short = WHOLE  # how short the rows and headings are laid out (WHOLE, TIMES_SHORT, ...)

    def show(
        self, parcels: Sequence[ParcelRow], zone: tzinfo, now: datetime, *, keep: str | None = None
    ) -> None:
        """`parcels` listed, their check-in times in the station's `zone`; `now`: which of them came today.
        `keep`: the row (a parcel's id) the cursor stays on if still listed, else on the row it was on
        (the same page read again); by default the first row (a new page)."""
        self.parcel_rows = [(str(row.id), cells_in(COLUMNS, row, zone)) for row in parcels]
        self.waybills = {str(row.id): row.waybill for row in parcels}
        today = now.astimezone(zone).date()
        self.short_times = []
        for row, (_key, cells) in zip(parcels, self.parcel_rows, strict=True):
            at = row.checked_in_at.astimezone(zone)
            short = f"{at:%H:%M}" if at.date() == today else f"{at:%m-%d}"
            whole = cells[CHECKED_IN]  # an undone check-in's is struck through: the short one too
            self.short_times.append(Text(short, style=whole.style) if isinstance(whole, Text) else short)
        keys = [key for key, _cells in self.parcel_rows]
        self.lay_out(row=0 if keep is None else keys.index(keep) if keep in keys else None)

    def lay_out(self, row: int | None = None) -> None:
        """As `FittedTable`'s; where the check-in time is left out whole, laid out again with it shorter,
        then with the location's heading shorter too."""
        self._short = WHOLE
        super().lay_out(row)
        for shorter in (TIMES_SHORT, HEADINGS_SHORT):
            if not (self.parcel_rows and self.size.width > 0 and not self._shows(CHECKED_IN)):
                break
            self._short = shorter
            super().lay_out()

    def _shows(self, index: int) -> bool:
        return any(column.key.value == COLUMNS[index] for column in self.ordered_columns)

    def headings(self) -> list[str]:
        headings = super().headings()
        if self._short >= TIMES_SHORT:
            headings[CHECKED_IN] = _(SHORT_CHECKED_IN)
        if self._short >= HEADINGS_SHORT:
            headings[LOCATION] = _(SHORT_LOCATION)
        return headings

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        if self._short == WHOLE:
            return list(self.parcel_rows)
        return [
            (key, (*cells[:CHECKED_IN], short, *cells[CHECKED_IN + 1 :]))
            for (key, cells), short in zip(self.parcel_rows, self.short_times, strict=True)
        ]

    def wanted(self, rows: list[Cells]) -> Sequence[int]:
        return _WANTED

    def cut(self, cell: Any, width: int) -> Text:
        """The waybill by its end after an ellipsis, in its styles (a problem parcel's red)."""
        text = cell if isinstance(cell, Text) else plain(cell)
        return Tail(text.plain, style=text.style, spans=list(text.spans), end="")
