"""Door delivery's stops table: its columns and cells, beside the runs on a wide console, below them on
a narrow one (under `STOPS_BESIDE_MIN` columns). Either way only the columns that fit whole are shown
(`FittedTable`), those a clerk reads first kept first, and a status has its short word where the
catalogue has one when the whole row does not fit: beside the runs at 120 columns the last column, the
waybill, was cut to its heading's "W"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from station_console.i18n import N_, _, label_of
from station_console.services.delivery import runs
from station_console.tui.widgets.fitted_table import Cells, FittedTable

# Narrower than this, the runs go above the stops, each the whole width: beside them the stops get three
# quarters of it, at 80 columns the runs were cut to their runner's first character and the stops to a
# phone's first digits, at 100 a phone to its heading's first letter.
STOPS_BESIDE_MIN = 120

# Status next to the code; names and the waybill come last. The table takes no focus to scroll it
# sideways: a column that does not fit is left out whole (`NARROW_FIRST` says which go first).
COLUMNS = (
    ("stop", "#"),
    ("code", N_("Code")),
    ("status", N_("Status")),
    ("shelf", N_("Location")),
    ("address", N_("Address")),
    ("floor", N_("Floor")),
    ("name", N_("Recipient")),
    ("phone", N_("Phone")),
    ("waybill", N_("Waybill")),
)
# The columns taken while they fit whole, in this order, and shown in the table's.
NARROW_FIRST = ("code", "status", "name", "phone", "stop", "shelf", "address", "floor", "waybill")
STATUS_STYLES = {
    "out": "bold cyan",
    "delivered": "green",
    "failed": "bold yellow",
    "cancelled": "dim",
    "undone": "dim",
}
# A status's short word where the whole row does not fit: "out for delivery" alone took 16 of 80
# columns. A table wide enough and the records say each in full (`runs.STATUS_LABELS`).
SHORT_STATUS = {"planned": N_("planned"), "out": N_("out")}
# A recall still changes what becomes of a stop in these states (recalled.py in delivery).
STILL_GOING = ("wanted", "requested", "planned", "out")


def title(key: str) -> str:
    name = dict(COLUMNS)[key]
    return name if name == "#" else _(name)


def cells(stop: Any, *, narrow: bool) -> dict[str, Any]:
    """A stop's cells by column key; `narrow`, its status in the short word, if it has one."""
    short = narrow and stop.status in SHORT_STATUS
    status = label_of(SHORT_STATUS, stop.status) if short else runs.stop_status_label(stop)
    style = STATUS_STYLES.get(stop.status, "")
    if stop.recalled and stop.status in STILL_GOING:
        # Its carrier or sender asked for it back: it stays off the trolley, or the runner brings it back.
        status, style = _("{status}, recalled", status=status), "bold red"
    return {
        "stop": str(stop.stop or "-"),
        "code": stop.pickup_code,
        "status": Text(status, style=style),
        "shelf": stop.shelf_location,
        "address": Text(stop.address or "-"),
        "floor": "-" if stop.floor is None else str(stop.floor),
        "name": Text(stop.name),
        "phone": stop.masked_phone or "-",
        "waybill": stop.waybill,
    }


STOP_KEYS = tuple(key for key, _title in COLUMNS)


class StopsTable(FittedTable):
    """The stops of the run chosen (or those waiting for one), in the columns that fit whole."""

    COLUMNS = tuple(name for _key, name in COLUMNS)
    KEYS = STOP_KEYS

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(zebra_stripes=True, **kwargs)
        self.stops: list[Any] = []  # those on screen, laid out again as the width changes

    def show(self, stops: list[Any]) -> None:
        self.stops = stops
        self.lay_out()

    def _rows(self, *, narrow: bool) -> list[Cells]:
        return [tuple(cells(stop, narrow=narrow)[key] for key in STOP_KEYS) for stop in self.stops]

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return [(stop.waybill, row) for stop, row in zip(self.stops, self._rows(narrow=False), strict=True)]

    def narrower_rows(self) -> list[Cells] | None:
        return self._rows(narrow=True)

    def headings(self) -> list[str]:
        return [title(key) for key in STOP_KEYS]

    def wanted(self, rows: list[Cells]) -> Sequence[int]:
        return [STOP_KEYS.index(key) for key in NARROW_FIRST]
