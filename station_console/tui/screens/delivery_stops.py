"""Door delivery's stops table: its columns and cells, beside the runs on a wide console, below them on
a narrow one (under `STOPS_BESIDE_MIN` columns), where only the columns that fit whole are shown, those
a clerk reads first kept first, and a status has its short word where the catalogue has one."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from station_console.i18n import N_, _, label_of
from station_console.services.delivery import runs
from station_console.tui.widgets.plain import cell_width

# Narrower than this, the runs go above the stops, each the whole width: beside them the stops get three
# quarters of it, at 80 columns the runs were cut to their runner's first character and the stops to a
# phone's first digits, at 100 a phone to its heading's first letter.
STOPS_BESIDE_MIN = 120

# Status next to the code: the table takes no focus to scroll it sideways, so a column past its right
# edge (at 120 columns the last one) is never seen; names and the waybill come last.
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
# Below the runs, the columns taken while they fit whole, in this order, and shown in the table's.
NARROW_FIRST = ("code", "status", "name", "phone", "stop", "shelf", "address", "floor", "waybill")
STATUS_STYLES = {
    "out": "bold cyan",
    "delivered": "green",
    "failed": "bold yellow",
    "cancelled": "dim",
    "undone": "dim",
}
# A status's short word where the table is narrow: "out for delivery" alone took 16 of 80 columns. The
# wide table and the records say each in full (`runs.STATUS_LABELS`).
SHORT_STATUS = {"planned": N_("planned"), "out": N_("out")}
# A recall still changes what becomes of a stop in these states (recalled.py in delivery).
STILL_GOING = ("wanted", "requested", "planned", "out")
CELL_PADDING = 1  # each side of a cell (DataTable's own)
SCROLLBAR = 2  # the table's vertical scrollbar, kept free whether or not it shows


def title(key: str) -> str:
    name = dict(COLUMNS)[key]
    return name if name == "#" else _(name)


def cells(stop: Any, *, narrow: bool) -> dict[str, Any]:
    """A stop's cells by column key; below the runs its status in the short word, if it has one."""
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


def fitting(rows: list[dict[str, Any]], width: int) -> list[str]:
    """The keys of the columns a table `width` cells wide shows whole, in the table's order: each in
    `NARROW_FIRST`'s order while it fits beside those taken before it; one that does not fit is left out
    (a long address), not cut, and those after it still tried."""
    room = width - SCROLLBAR
    taken: set[str] = set()
    for key in NARROW_FIRST:
        needed = max([cell_width(title(key)), *(cell_width(row[key]) for row in rows)]) + 2 * CELL_PADDING
        if needed <= room:
            taken.add(key)
            room -= needed
    return [key for key, _title in COLUMNS if key in taken]
