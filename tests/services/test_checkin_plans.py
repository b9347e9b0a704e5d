"""Each statement a check-in runs finds its rows by an index: none reads every parcel or event.

A check-in writes an entry into each index of its parcel, label job, message and audit event (about 22
WAL pages a commit at the bench's million parcels, each some 0.015 ms of its fsync). The indexes its own
statements search are held here: without one, the duplicate check, the recipient's layers, the code
check or the layer pick would read a whole table or every parcel on the shelves.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest
from pickup_helpers import zto
from sqlalchemy import event
from station_helpers import keep_layers

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.shelves import slots

_BY_INDEX = re.compile(r"^(?:SEARCH|SCAN) (\w+) USING (?:COVERING )?INDEX (\w+)")
_WHOLE_TABLE = re.compile(r"^SCAN (\w+)$")
BIG_TABLES = {"parcel", "parcel_event", "print_job", "notification", "code_hold", "prealert", "send"}
# (table, index) each of the check-in's reads takes.
SEARCHES = {
    ("parcel", "uq_parcel_waybill_on_shelf"),  # the duplicate check: every parcel of the waybill
    ("send", "uq_send_waybill_live"),  # ... and a send of it still at the counter
    ("prealert", "ix_prealert_waybill_status"),
    ("parcel", "ix_parcel_phone_tail_status"),  # the recipient's layers, by their parcels on the shelves
    ("layer", "ix_layer_pick"),  # the least filled layer that fits
    ("parcel", "uq_parcel_code_on_shelf"),  # the code is free
    ("print_job", "ix_print_job_status_created"),  # this counter's label held for the last phone
    ("audit_head", "uq_audit_head_chain"),
}


def _statements_of_one_check_in(station: Station, waybill: str, phone: str) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((sql, parameters))

    event.listen(station.engine, "before_cursor_execute", listen)
    try:
        check_in(station, waybill, phone=phone, hold_label=True)  # as the console scans
    finally:
        event.remove(station.engine, "before_cursor_execute", listen)
    return [(sql, p) for sql, p in seen if sql.split(None, 1)[0].upper() in {"SELECT", "INSERT", "UPDATE"}]


@pytest.mark.sqlite_only
def test_a_check_ins_reads_search_by_index_and_never_scan_a_big_table(station: Station) -> None:
    # Parcels on the shelves with phones, so the recipient's layers are looked for by their parcels.
    for n in range(1, 40):
        check_in(station, zto(n), phone=f"1380000{n:04d}")
    statements = _statements_of_one_check_in(station, zto(100), "13800000007")
    by_index, whole = _plans(station, statements)
    assert not SEARCHES - by_index, SEARCHES - by_index
    assert not whole & BIG_TABLES, whole


def _plans(station: Station, statements: list[tuple[str, Any]]) -> tuple[set[tuple[str, str]], set[str]]:
    """((table, index) the statements search by, tables they read whole), as SQLite plans them."""
    path = station.engine.url.database
    assert path is not None
    by_index: set[tuple[str, str]] = set()
    whole: set[str] = set()
    with sqlite3.connect(path) as conn:
        for sql, parameters in statements:
            for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", parameters):
                if found := _BY_INDEX.match(row[3]):
                    by_index.add((found.group(1), found.group(2)))
                elif found := _WHOLE_TABLE.match(row[3]):
                    whole.add(found.group(1))
    return by_index, whole


@pytest.mark.sqlite_only
def test_the_codes_after_a_taken_cursor_are_looked_up_code_by_code(station: Station) -> None:
    """Past a taken code, a layer's next codes are asked about a batch at a time: each code by the
    index holding it, not every parcel on the shelves by its status."""
    keep_layers(station, {"1-1": 400})
    for n in range(1, 40):
        check_in(station, zto(n), phone=f"1380000{n:04d}")
    now = station.now()
    station.run_plain(lambda tx: slots.hold_code(tx, "1-1-1040", station.settings(), now))
    statements = _statements_of_one_check_in(station, zto(100), "13800000007")
    batches = [(sql, p) for sql, p in statements if "code_hold" in sql and "IN (" in sql]
    assert batches, "the codes after the cursor's were asked about one by one"
    by_index, whole = _plans(station, batches)
    assert by_index == {("parcel", "uq_parcel_code_on_shelf"), ("code_hold", "sqlite_autoindex_code_hold_1")}
    assert not whole, whole
