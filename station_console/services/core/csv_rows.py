"""The one reading of a file's CSV text as records, for every import of a typed or given file (pre-alerts,
the recipient directory, a tariff, a shelf layout): each record with the line it starts on, and what the
csv reader refuses (a cell past its 128 KB field limit, a NUL byte) said in the clerk's words by that
line, as the caller words a refusal of its file. The reader's own words are English."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from station_console.errors import Refused
from station_console.parse_errors import csv_error
from station_console.validation_reasons import InvalidValue

Record = tuple[int, list[str]]  # the line a record starts on, its cells
# The caller's refusal of its file, given the reader's reason (`parse_errors.csv_error`, by line).
Unreadable = Callable[[InvalidValue], Refused]


def records(
    text: str, unreadable: Unreadable, dialect: Any = csv.excel, **fmtparams: Any
) -> Iterator[Record]:
    """`text`'s records as the csv reader splits them (an empty line is an empty record); a record it
    cannot read raises `unreadable(reason)`, the records before it having been given. `dialect` and
    `fmtparams` as `csv.reader` takes them."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect, **fmtparams)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise unreadable(csv_error(reader.line_num)) from exc


def by_heading(
    rows: Iterator[Record], headings: list[str], too_many: Callable[[int], Refused]
) -> Iterator[tuple[int, dict[str, str]]]:
    """The records after the header row as {heading: cell}, a cell it leaves out as ""; empty lines
    skipped. A record with a value past the last heading raises `too_many(line)`: csv.DictReader put
    such cells in a list under None, which a reader of text cells took for a cell (or dropped unseen)."""
    for line, cells in rows:
        if not cells:
            continue
        if any(cell.strip() for cell in cells[len(headings) :]):
            raise too_many(line)
        yield line, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headings)}
