"""A shelf layout from a CSV file (header: shelf,zone,layers,capacity_units,accepts_sizes): the
shelves it names added in one transaction, each as `layout.add_shelf_in` adds one."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from db.models import Shelf
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core import csv_rows
from station_console.services.core.quoted_headings import headings_shown
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station
from station_console.services.core.typed_files import read_typed_file
from station_console.services.shelves import layout
from station_console.services.shelves.locations import normalise_location
from station_console.validation_reasons import InvalidValue

# A layout of a thousand shelves is some 40 KB: a larger file is not one (and is never read whole).
MAX_BYTES = 1024 * 1024
CSV_COLUMNS = ("shelf", "zone", "layers", "capacity_units", "accepts_sizes")


def import_layout_file(station: Station, path: Path) -> dict[str, int]:
    """`import_layout` of the file a manager typed the path of, read here (off the screen's thread)."""
    require_manager(station, "shelves")
    text = read_typed_file(
        path,
        kinds=(".csv",),
        max_bytes=MAX_BYTES,
        too_large=N_("{path} is larger than {mb} MB: not a shelf layout."),
    )
    return import_layout(station, text)


def import_layout(station: Station, text: str) -> dict[str, int]:
    """Add the shelves of a CSV layout (header: shelf,zone,layers,capacity_units,accepts_sizes).

    All rows or none: a bad row refuses the whole file, naming its line. Existing shelves are skipped.
    """
    require_manager(station, "shelves")

    def unreadable(reason: InvalidValue) -> Refused:
        return Refused(N_("The CSV file cannot be read: {reason}"), code="bad_csv", reason=reason)

    def too_many(line: int) -> Refused:
        return Refused(
            N_("Line {line}: a value past the header row's last column ({columns})."),
            code="bad_csv",
            line=line,
            # The header row as read: any line of the file can be one, so it is quoted cut and masked.
            columns=headings_shown(heading_row),
        )

    found = csv_rows.records(text.lstrip("\ufeff"), unreadable)
    heading_row = next(found, (0, []))[1]
    header = [h.strip().lower() for h in heading_row]
    if "shelf" not in header:
        raise Refused(
            N_("The CSV needs a header row with at least a shelf column: {columns}."),
            code="bad_csv",
            columns=",".join(CSV_COLUMNS),
        )
    # Read whole before the transaction: a line the reader refuses writes nothing.
    rows = [
        (line, {k: v.strip() for k, v in row.items()})
        for line, row in csv_rows.by_heading(found, header, too_many)
    ]

    def work(session: Session) -> dict[str, int]:
        added = {"shelves": 0, "layers": 0, "skipped": 0}
        for line, row in rows:
            if not row.get("shelf"):
                continue
            if session.exec(select(Shelf).where(Shelf.label == normalise_location(row["shelf"]))).first():
                added["skipped"] += 1
                continue
            try:
                layers = int(row.get("layers") or 5)
                capacity = int(row.get("capacity_units") or 40)
            except ValueError:
                raise Refused(
                    N_("Line {line}: layers and capacity_units must be whole numbers."),
                    code="bad_csv",
                    line=line,
                ) from None
            try:
                layout.add_shelf_in(
                    session,
                    station,
                    row["shelf"],
                    zone=row.get("zone") or "main",
                    layers=layers,
                    capacity_units=capacity,
                    accepts_sizes=row.get("accepts_sizes") or "SML",
                    note=None,
                )
            except Refused as exc:
                raise Refused(
                    N_("Line {line}: {reason}"), code=exc.code, line=line, reason=exc.message()
                ) from None
            added["shelves"] += 1
            added["layers"] += layers
        return added

    return station.run(work)
