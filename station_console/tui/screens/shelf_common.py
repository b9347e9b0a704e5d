"""What the shelf-work screens share: translated key labels, heat colours, parcel rows with problem flags."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from station_console.i18n import N_, _, label_of
from station_console.safe_text import visible
from station_console.services.exceptions.problems import KIND_LABELS
from station_console.services.shelves.search import STATUS_LABELS, ParcelRow

PARCEL_COLUMNS = (
    N_("Waybill"),
    N_("Carrier"),
    N_("Code"),
    N_("Location"),
    N_("Size"),
    N_("Phone"),
    N_("Checked in"),
    N_("Status"),
    N_("Problem"),
)
PROBLEM_STYLE = "bold white on dark_red"
UNDONE_STYLE = "strike dim"


def heat_style(fill: float) -> str:
    """Occupancy as a heat colour: green when empty, through yellow, to red when full."""
    if fill >= 0.95:
        return "bold white on #b71c1c"
    if fill >= 0.8:
        return "black on #ef6c00"
    if fill >= 0.6:
        return "black on #fbc02d"
    if fill >= 0.3:
        return "black on #9ccc65"
    if fill > 0:
        return "white on #2e7d32"
    return "#9e9e9e on #263238"


def problem_text(kind: str | None) -> Text:
    return Text(f"! {label_of(KIND_LABELS, kind)}", style=PROBLEM_STYLE) if kind else Text("")


def parcel_cells(row: ParcelRow, zone: tzinfo) -> tuple[Any, ...]:
    """One parcel as table cells, its check-in time in the station's time zone; a problem parcel's
    waybill and flag are shown in red, an undone check-in struck through and dimmed."""
    checked_in = f"{row.checked_in_at.astimezone(zone):%m-%d %H:%M}"
    status = label_of(STATUS_LABELS, row.status)
    if row.status == "cancelled":
        cells = (row.waybill, row.carrier_name, row.pickup_code or "-", row.location or "-", row.size)
        struck = [Text(visible(c), style=UNDONE_STYLE) for c in (*cells, row.masked_phone or "-")]
        struck.append(Text(checked_in, style=UNDONE_STYLE))
        return (*struck, Text(status, style="bold"), Text(""))
    waybill = Text(visible(row.waybill), style="bold red" if row.flagged else "")
    return (
        waybill,
        row.carrier_name,
        row.pickup_code or "-",
        row.location or "-",
        row.size,
        row.masked_phone or "-",
        checked_in,
        status,
        problem_text(row.problem_kind),
    )


def cells_in(columns: tuple[str, ...], row: ParcelRow, zone: tzinfo, **more: Any) -> tuple[Any, ...]:
    """`parcel_cells` in `columns`' order, with a list's own cells by their column's name (`more`)."""
    cells = dict(zip(PARCEL_COLUMNS, parcel_cells(row, zone), strict=True)) | more
    return tuple(cells[name] for name in columns)


def setup_parcel_table(
    table: DataTable[Any], extra: tuple[str, ...] = (), *, columns: tuple[str, ...] = PARCEL_COLUMNS
) -> None:
    """The parcel columns (after `extra`), in `columns`' order (a list's own, `cells_in` fills its
    rows), each as wide as its rows; a list laid out to its width is a `FittedTable` instead."""
    table.clear(columns=True)
    table.cursor_type = "row"
    for name in (*extra, *columns):
        table.add_column(_(name), key=name)
