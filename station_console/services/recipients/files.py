"""Directory files as rows of text: CSV in whatever encoding Excel wrote it, and XLSX (xlsx.py).

Excel in China saves CSV in GBK; elsewhere UTF-8 with a byte-order mark, or UTF-16 for "Unicode text".
So: a BOM says UTF-8 or UTF-16; else strict UTF-8; else GB18030 (a superset of GBK). Every cell comes
back as text, never a number, so ids and phones keep their leading zeros: an XLSX number cell is
written back with its zero-padding format (`000000`) when it has one, and a whole number loses its `.0`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core import csv_rows
from station_console.services.core.typed_files import (
    content_digest,
    decode_text,
    read_typed_bytes,
    typed_path,
)
from station_console.services.recipients import xlsx
from station_console.validation_reasons import InvalidValue

MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
# The kinds a directory is read from: a CSV (or Excel's tab-separated "Unicode text"), or a workbook.
KINDS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


@dataclass(frozen=True)
class Table:
    rows: list[list[str]]  # every row as text, the header row included; trailing empty rows dropped
    encoding: str  # utf-8, utf-8-sig, utf-16, gb18030, or xlsx
    digest: str = ""  # of the bytes read, once: an import can insist on the very file it previewed


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """The file's rows as text; refuses a file that is a folder, missing, too large or not to be read
    in the words every typed path is refused in (as the pre-alert import's), or in a format we cannot
    read."""
    suffix = path.suffix.lower()
    if suffix == ".xls":  # refused unread, saying what to save it as
        raise Refused(
            N_("Old .xls workbooks cannot be read: save it as .xlsx or CSV in Excel."), code="xls_format"
        )
    data = read_typed_bytes(
        path,
        kinds=KINDS,
        max_bytes=MAX_BYTES,
        too_large=N_("{path} is too big for a recipients file (over {mb} MB)."),
    )
    table = _xlsx(typed_path(path), data, sheet) if suffix in (".xlsx", ".xlsm") else _csv(data)
    return Table(rows=table.rows, encoding=table.encoding, digest=content_digest(data))


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a CSV file's bytes, as every typed file's text is read."""
    decoded = decode_text(data)
    if decoded is None:
        raise Refused(
            N_("The file is neither UTF-8 nor GBK text; save it as CSV (UTF-8) or XLSX."), code="bad_encoding"
        )
    return decoded


def _csv(data: bytes) -> Table:
    text, encoding = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(("\t", ",", ";"), key=first.count) if first else ","

    def unreadable(reason: InvalidValue) -> Refused:
        return Refused(N_("The CSV file cannot be read: {reason}"), code="bad_csv", reason=reason)

    rows = [cells for _line, cells in csv_rows.records(text, unreadable, delimiter=delimiter)]
    return Table(rows=_trim(rows), encoding=encoding)


def _xlsx(path: Path, data: bytes, sheet: str | None) -> Table:
    found = []
    for row in xlsx.rows(path, sheet, data=data):
        found.append(row)
        if len(found) > MAX_ROWS:
            break
    return Table(rows=_trim(found), encoding="xlsx")


def _trim(rows: list[list[str]]) -> list[list[str]]:
    if len(rows) > MAX_ROWS:
        raise Refused(N_("The file has more than {max} rows."), code="too_many_rows", max=MAX_ROWS)
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    return rows
