"""One open return batch per carrier: two counters (or the console and the CLI) opening a carrier's batch
at the same moment end in one batch, the second joining the first's, with one opening in the audit
trail; and a database that already holds two open batches of one carrier has them merged into the
earliest when it is upgraded."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import pytest
from alembic import command
from conftest import FakeClock
from pickup_helpers import as_clerk
from saves_at_once import other_save_before
from shelf_helpers import parcel, place, wb
from sqlalchemy import bindparam, inspect, text
from station_helpers import events, recall

from db.engine import is_sqlite
from db.migrate import alembic_config
from db.models import EventKind
from db.types import UTCDateTime
from station_console.commands.shelf_exceptions import _batch_line
from station_console.errors import Refused
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.exceptions import return_batch_parcels, returns


def open_ones(station: Station, carrier: str) -> list[int]:
    return sorted(b.id for b in returns.list_batches(station, status="open") if b.carrier == carrier)


def openings(station: Station, carrier: str) -> list[int]:
    return [
        e.details["batch"]
        for e in events(station, EventKind.RETURN_BATCH_OPENED)
        if e.details["carrier"] == carrier
    ]


def opened_beside(station: Station, kept: int, at: datetime, waybills: list[str]) -> int:
    """Another counter's batch of `kept`'s carrier, opened beside it before the index (the schema of
    0023, which the models no longer read: rows written directly), holding `waybills`."""
    with station.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO return_batch (carrier_id, status, created_at)"
                " SELECT carrier_id, 'open', :at FROM return_batch WHERE id = :kept"
            ).bindparams(bindparam("at", type_=UTCDateTime)),
            {"at": at, "kept": kept},
        )
        later = int(conn.execute(text("SELECT max(id) FROM return_batch")).scalar_one())
        for waybill in waybills:
            conn.execute(
                text("UPDATE parcel SET return_batch_id = :later WHERE waybill = :waybill"),
                {"later": later, "waybill": waybill},
            )
        opened = conn.execute(
            text(
                "SELECT id FROM return_batch WHERE status = 'open'"
                " AND carrier_id = (SELECT carrier_id FROM return_batch WHERE id = :kept)"
            ),
            {"kept": kept},
        )
        assert sorted(opened.scalars()) == [kept, later]
    return later


def counters(station: Station) -> tuple[Station, Station, threading.Event]:
    busy = threading.Event()
    one = replace(as_clerk(station, "Ann", counter="counter-1"), on_busy=busy.set, busy_wait_s=30)
    two = replace(as_clerk(station, "Bob", counter="counter-2"), on_busy=busy.set, busy_wait_s=30)
    returns.open_batch(one, "sf")  # each counter's audit chain begun, as on a day's work
    returns.open_batch(two, "zto")
    return one, two, busy


def opened_by(how: str, st: Station) -> Callable[[], object]:
    if how == "open_batch":  # the Returns screen's carrier Enter, `station returns open`
        return lambda: returns.open_batch(st, "JT")
    return lambda: returns.open_batch_with(st, "JT", [wb(2)])  # Overdue's F9


@pytest.mark.parametrize("how", ["open_batch", "open_batch_with"])
def test_two_counters_opening_a_carriers_batch_at_once_end_in_one(station: Station, how: str) -> None:
    """Both found no JT batch open and each opened one: two open batches for one courier, two
    manifests, two openings in the audit trail. The second now waits for the first (SQLite's write
    lock) or meets the unique index (PostgreSQL), is tried again and joins the first's batch."""
    place(station, wb(1), "5-1")
    place(station, wb(2), "5-2")
    recall(station, wb(1), wb(2))
    one, two, busy = counters(station)
    waiting = busy.is_set if is_sqlite(station.engine) else None

    with other_save_before(one, "INSERT INTO return_batch ", opened_by(how, two), waiting) as out:
        mine = returns.open_batch_with(one, "JT", [wb(1)])
    (theirs,) = out
    assert isinstance(theirs, returns.BatchView), theirs
    assert theirs.id == mine.id
    assert open_ones(station, "JT") == [mine.id]
    assert openings(station, "JT") == [mine.id]
    joined = returns.get(station, mine.id)
    expected = [wb(1), wb(2)] if how == "open_batch_with" else [wb(1)]
    assert sorted(p.waybill for p in joined.parcels) == expected


def test_opening_again_finds_the_carriers_open_batch_and_a_closed_one_makes_way(station: Station) -> None:
    """Opened again (here, at another counter, by Overdue's F9) the carrier's open batch is the one
    answered and filled; another carrier's is its own; once the courier signed, the next is new."""
    place(station, wb(1), "5-1")
    place(station, wb(2), "5-2")
    recall(station, wb(1), wb(2))
    first = returns.open_batch(station, "jt")
    other_counter = as_clerk(station, "Bob", counter="counter-2")
    assert returns.open_batch(other_counter, "JT").id == first.id
    assert returns.open_batch(station, "SF").id != first.id
    assert returns.open_batch_with(station, "JT", [wb(1)]).id == first.id
    assert returns.open_batch_with(other_counter, "JT", [wb(2)]).id == first.id
    assert openings(station, "JT") == [first.id]
    assert returns.get(station, first.id).count == 2
    returns.close(station, first.id, "Wang Wei")
    second = returns.open_batch(station, "JT")
    assert second.id != first.id and (second.status, second.count) == ("open", 0)
    assert open_ones(station, "JT") == [second.id]
    assert openings(station, "JT") == [first.id, second.id]


def test_the_upgrade_merges_two_open_batches_of_one_carrier_into_the_earliest(
    station: Station, caplog: pytest.LogCaptureFixture
) -> None:
    """A database from before the index holding two open JT batches (as the race made them), each with
    a parcel: the upgrade moves the later one's parcel into the earliest and marks the later one closed,
    empty and unsigned, saying so in the log; nothing leaves a shelf. A closed JT batch and another
    carrier's open batch are left as they were; the merged batch closes as any other."""
    ids = [
        place(station, wb(n), location) for n, location in enumerate(("5-1", "5-2", "5-3", "5-4"), start=1)
    ]
    place(station, "SF1234567890123", "5-1", carrier="SF")
    recall(station, wb(1), wb(2), wb(3), wb(4), "SF1234567890123")
    signed = returns.open_batch_with(station, "JT", [wb(4)])
    returns.close(station, signed.id, "Li Ming")
    kept = returns.open_batch_with(station, "JT", [wb(1)])
    sf = returns.open_batch_with(station, "SF", ["SF1234567890123"])
    config = alembic_config(station.engine)
    command.downgrade(config, "0023")
    later = opened_beside(station, kept.id, kept.created_at, [wb(2), wb(3)])
    assert later > kept.id

    with caplog.at_level(logging.WARNING):
        command.upgrade(config, "head")

    with station.engine.connect() as conn:
        indexes = {i["name"]: i for i in inspect(conn).get_indexes("return_batch")}
    assert indexes["uq_return_batch_open_carrier"]["unique"]
    assert open_ones(station, "JT") == [kept.id]
    merged = returns.get(station, kept.id)
    assert [p.waybill for p in merged.parcels] == [wb(1), wb(2), wb(3)]
    emptied = returns.get(station, later)
    assert (emptied.status, emptied.count, emptied.closed_at, emptied.signed_by_name) == (
        "merged",
        0,
        None,
        None,
    )
    assert emptied.merged_into == kept.id
    assert [parcel(station, pid).status for pid in ids] == ["on_shelf"] * 3 + ["returned"]
    (said,) = [r.getMessage() for r in caplog.records if "open beside" in r.getMessage()]
    assert f"RB{later:06d}" in said and f"RB{kept.id:06d}" in said and "2 parcel(s)" in said
    assert returns.get(station, signed.id).signed_by_name == "Li Ming"
    assert [p.waybill for p in returns.get(station, sf.id).parcels] == ["SF1234567890123"]
    assert returns.get(station, sf.id).status == "open"

    assert returns.open_batch(station, "JT").id == kept.id  # the merged one is joined, nothing new
    closed = returns.close(station, kept.id, "Wang Wei")
    assert (closed.status, closed.count) == ("closed", 3)


def test_a_batch_merged_by_an_earlier_upgrade_names_the_batch_holding_its_parcels(
    station: Station, clock: FakeClock
) -> None:
    """A database upgraded to 0024 before 0025 existed: its emptied JT batch read "closed, 0 parcels",
    looked up by the number on a manifest printed before. The batch it was merged into has been closed
    since; an earlier JT batch was closed before the merge. The next upgrade marks it merged into the
    one that took its parcels (not the earlier one), its line says so in both languages, and a scan
    into it is refused naming that batch."""
    for n, location in enumerate(("5-1", "5-2", "5-3", "5-4"), start=1):
        place(station, wb(n), location)
    recall(station, wb(1), wb(2), wb(3), wb(4))
    signed = returns.open_batch_with(station, "JT", [wb(4)])
    clock.advance(minutes=5)
    returns.close(station, signed.id, "Li Ming")
    clock.advance(minutes=5)
    kept = returns.open_batch_with(station, "JT", [wb(1)])
    config = alembic_config(station.engine)
    command.downgrade(config, "0023")
    clock.advance(minutes=5)
    later = opened_beside(station, kept.id, clock.now, [wb(2), wb(3)])
    command.upgrade(config, "0024")
    clock.advance(minutes=5)
    with station.engine.begin() as conn:  # closed under 0024 (its model had no merged_into yet)
        conn.execute(
            text(
                "UPDATE return_batch SET status = 'closed', signed_by_name = 'Wang Wei', closed_at = :at"
                " WHERE id = :kept"
            ).bindparams(bindparam("at", type_=UTCDateTime)),
            {"at": clock.now, "kept": kept.id},
        )

    command.upgrade(config, "head")

    emptied = returns.get(station, later)
    assert (emptied.status, emptied.merged_into, emptied.merged_into_count) == ("merged", kept.id, 3)
    number, into = f"RB{later:06d}", f"RB{kept.id:06d}"
    try:
        assert _batch_line(emptied) == f"Return batch {number}  JT  merged into {into} (3 parcels)"
        set_language("zh")
        assert _batch_line(emptied) == f"退回批次 {number}  JT  已合并到 {into}（3 件）"
    finally:
        set_language("en")
    with pytest.raises(Refused) as refused:
        return_batch_parcels.add(station, later, wb(4))
    assert refused.value.code == "batch_merged"
    assert refused.value.message() == f"Return batch {number} was merged into {into}: its parcels are there."
    assert returns.get(station, signed.id).status == "closed"
