"""The two tables of the Pickup mode: the customer's parcels (with ticks) and this shift's pickups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from rich.text import Text

from station_console.i18n import N_, _, label_of
from station_console.services.core.local_times import short_when
from station_console.services.core.recalls import is_recalled
from station_console.services.people.event_detail_labels import PICKUP_METHOD_LABELS
from station_console.services.pickup.handover import RecentPickup
from station_console.services.pickup.lookup import Lookup, PickupRow
from station_console.tui.screens.shelf_common import PROBLEM_STYLE
from station_console.tui.widgets.tail_table import Tail, TailTable, tail

BAND_STYLES = {"ok": "", "amber": "bold yellow", "red": "bold red", "return": "bold reverse magenta"}
GROUP_MARKS = "ABCDEFGHIJ"
PARCEL_COLUMNS = (
    ("tick", "✓"),
    ("who", ""),
    ("code", N_("Code")),
    ("where", N_("Location")),
    ("carrier", N_("Carrier")),
    ("waybill", N_("Waybill")),
    ("phone", N_("Phone")),
    ("since", N_("Checked in")),
    # Which day of its storage it is, 1 on the day of check-in: the count the storage fee's free days
    # are told in (fees/rules.py `days_stored`, the CLI's --free-days), so "Days 1" read as one day old.
    # Chinese "天" over the number, not "第几天": two cells more put the list past 80 columns.
    ("days", N_("Day")),
)
RECENT_COLUMNS = (
    ("at", N_("Time")),
    ("code", N_("Code")),
    ("waybill", N_("Waybill")),
    ("carrier", N_("Carrier")),
    ("method", N_("Method")),
)


FLAG_MARK = "!"
# In the tick column of a recalled parcel: it goes back, no scan ticks it (one cell, as the tick).
HELD_MARK = "✗"


def problem_waybill(row: PickupRow) -> Tail:
    """The waybill, with a one-cell red mark after it when it is flagged: the lookup's warning line names the
    kind; its words here ("已出库却在架上") widened the column past an 80-column screen. Cut to its end
    when the list is narrow, the mark kept."""
    cell = tail(row.waybill)
    if row.problem_kind:
        cell.append(FLAG_MARK, PROBLEM_STYLE)  # no space: one cell, not two
    return cell


def group_marks(lookup: Lookup) -> dict[int, str]:
    """A letter per customer when the list holds more than one, so the clerk can tell them apart."""
    if len(lookup.groups) < 2:
        return {r.parcel_id: "" for r in lookup.rows}
    return {r.parcel_id: GROUP_MARKS[i % len(GROUP_MARKS)] for i, g in enumerate(lookup.groups) for r in g}


class _ShowOnly(TailTable):
    """The waybill gives way (shown by its end) when the row is wider than the screen: at 80 columns a
    22- or 30-character waybill pushed the check-in time and the days stored past the edge."""

    def __init__(self, columns: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__("waybill", cursor_type="row", **kwargs)
        self._columns = columns
        self.can_focus = False  # focus stays in the query box; the tables only show

    def on_mount(self) -> None:
        for key, title in self._columns:
            self.add_column(_(title) if title else "", key=key)

    def clear_rows(self) -> None:
        """Empty the table, its columns as narrow as their titles again: a column only ever widens
        (`DataTable.clear` keeps the widest cell's width), so one wide cell, a flag beside a waybill,
        pushed the last columns off an 80-column screen for every customer after. The waybill's
        column too: it is as wide as its widest cell where the screen has room."""
        self.clear()
        for column in self.columns.values():
            column.content_width = column.label.cell_len


class ParcelList(_ShowOnly):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(PARCEL_COLUMNS, zebra_stripes=True, **kwargs)

    def show(self, lookup: Lookup, zone: tzinfo) -> None:
        self.clear_rows()
        marks = group_marks(lookup)
        for row in lookup.rows:
            self.add_row(
                Text(HELD_MARK, style=PROBLEM_STYLE) if is_recalled(row.problem_kind) else "",
                marks[row.parcel_id],
                row.pickup_code,
                Text(_("out for delivery"), style="bold cyan") if row.out_for_delivery else row.location,
                row.carrier_name,
                problem_waybill(row),
                row.masked_phone or "-",
                f"{row.checked_in_at.astimezone(zone):%m-%d %H:%M}",
                Text(str(row.days_on_shelf), style=BAND_STYLES.get(row.band, "")),
                key=str(row.parcel_id),
            )

    def tick(self, row: PickupRow) -> None:
        self.update_cell(str(row.parcel_id), "tick", Text("✓", style="bold green"))


class RecentList(_ShowOnly):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(RECENT_COLUMNS, **kwargs)

    def show(self, rows: Sequence[RecentPickup], zone: tzinfo, now: datetime) -> None:
        """The business day's pickups: it can begin the evening before (a close before midnight), so
        one of another date says it (`11-24 21:05`)."""
        self.clear()
        for r in rows:
            self.add_row(
                short_when(r.picked_up_at, zone, now),
                r.pickup_code,
                tail(r.waybill),
                r.carrier_name,
                _("by proxy: {who}", who=r.proxy) if r.proxy else label_of(PICKUP_METHOD_LABELS, r.method),
                key=f"r{r.parcel_id}",
            )
