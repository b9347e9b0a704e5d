"""A send-out handover batch closed at one counter while another scans a send into it: either the send
goes in first and is handed over with the rest, or the close comes first and the scan is refused as
closed (a first scan, its batch not yet saved, opens the carrier's next one); never a send left accepted
in a closed batch, out of its manifest, while the counter that scanned it counts it gone."""

from __future__ import annotations

import threading
from dataclasses import replace

from pickup_helpers import as_clerk
from saves_at_once import other_save_before
from sendout_helpers import row, send, sf, staff

from db.engine import is_sqlite
from db.models import HandoverBatch
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.sendout import handover


def counters(station: Station) -> tuple[Station, Station, threading.Event]:
    staff(station)
    busy = threading.Event()
    one = replace(as_clerk(station, "Li", counter="counter-1"), on_busy=busy.set)
    two = replace(as_clerk(station, "Mei", counter="counter-2"), on_busy=busy.set)
    return one, two, busy


def closed_at(station: Station, batch_id: int) -> str:
    with station.read() as session:
        batch = session.get(HandoverBatch, batch_id)
    assert batch is not None and batch.closed_at is not None
    return batch.closed_at.isoformat()


def two_sends_one_scanned(station: Station) -> tuple[Station, Station, threading.Event, int, int, int]:
    """SF's batch saved with the first send scanned at counter 1; the second accepted, not scanned."""
    one, two, busy = counters(station)
    first = send(one, waybill=sf(1)).send_id
    second = send(two, waybill=sf(2)).send_id  # each counter's audit chain begun, as on a day's work
    batch_id = handover.scan(one, handover.open_batch(one, "SF"), sf(1)).batch_id
    return one, two, busy, first, second, batch_id


def test_a_send_scanned_into_a_batch_being_closed_waits_and_is_refused(station: Station) -> None:
    """PostgreSQL: the close read the batch's one scanned send, the other counter then scanned a second
    in, and the close handed over the first and closed the batch over the second, left accepted."""
    one, two, busy, first, second, batch_id = two_sends_one_scanned(station)
    view = handover.batch_view(two, batch_id)
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def scan() -> object:
        return handover.scan(two, view, sf(2))

    with other_save_before(one, "UPDATE send", scan, waiting) as out:
        closed = handover.close_batch(one, batch_id, courier_name="Chen", print_manifest=False)
    (scanned,) = out
    assert isinstance(scanned, Refused) and scanned.code == "batch_closed", scanned
    # Who closed it, when and where, said by the refusal itself (it said "is closed." alone).
    said = scanned.message()
    assert said.startswith(f"Handover batch SB{batch_id:06d} was closed at counter counter-1 by Li at "), said
    assert said.endswith(": scans no longer go into it."), said
    assert (scanned.data["closed_by"], scanned.data["closed_counter"]) == ("Li", "counter-1")
    assert scanned.data["closed_at"] == closed_at(station, batch_id)
    assert closed.summary["handed_over"] == 1
    assert (row(station, first).status, row(station, first).handover_batch_id) == ("handed_over", batch_id)
    assert (row(station, second).status, row(station, second).handover_batch_id) == ("accepted", None)


def test_a_first_scan_meeting_a_batch_being_closed_opens_the_next(station: Station) -> None:
    """Counter 2 chose SF before counter 1's batch was saved (its view has no batch): its first scan
    joins the carrier's open batch, and on PostgreSQL joined the one being closed."""
    one, two, busy = counters(station)
    first = send(one, waybill=sf(1)).send_id
    second = send(two, waybill=sf(2)).send_id
    unsaved = handover.open_batch(two, "SF")
    batch_id = handover.scan(one, handover.open_batch(one, "SF"), sf(1)).batch_id
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def scan() -> object:
        return handover.scan(two, unsaved, sf(2))

    with other_save_before(one, "UPDATE send", scan, waiting) as out:
        handover.close_batch(one, batch_id, courier_name="Chen", print_manifest=False)
    (scanned,) = out
    assert isinstance(scanned, handover.ScanResult), scanned
    assert scanned.batch_id != batch_id and scanned.batch.status == "open"
    assert (row(station, first).status, row(station, first).handover_batch_id) == ("handed_over", batch_id)
    assert (row(station, second).status, row(station, second).handover_batch_id) == (
        "accepted",
        scanned.batch_id,
    )


def test_a_close_while_a_send_is_scanned_into_the_batch_waits_and_hands_it_over(station: Station) -> None:
    """PostgreSQL: the scan read the batch open, the close then handed over the batch's first send and
    closed it, and the scan put the second into the closed batch."""
    one, two, busy, first, second, batch_id = two_sends_one_scanned(station)
    view = handover.batch_view(one, batch_id)
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def close() -> object:
        return handover.close_batch(two, batch_id, courier_name="Chen", print_manifest=False)

    with other_save_before(one, "UPDATE send", close, waiting) as out:
        handover.scan(one, view, sf(2))
    (closed,) = out
    assert isinstance(closed, handover.BatchView), closed
    assert closed.summary["handed_over"] == 2
    for send_id in (first, second):
        assert (row(station, send_id).status, row(station, send_id).handover_batch_id) == (
            "handed_over",
            batch_id,
        )


def test_a_close_told_what_was_listed_waits_for_a_scan_and_is_refused_as_changed(station: Station) -> None:
    """The screen's close names the one send it listed: the scan it waited for changed the batch, so it
    is refused and nothing is handed over; the list read again, it closes both."""
    one, two, busy, first, second, batch_id = two_sends_one_scanned(station)
    view = handover.batch_view(one, batch_id)
    listed = handover.batch_view(two, batch_id).scanned_ids
    waiting = busy.is_set if is_sqlite(station.engine) else None

    def close() -> object:
        return handover.close_batch(two, batch_id, courier_name="Chen", print_manifest=False, seen=listed)

    with other_save_before(one, "UPDATE send", close, waiting) as out:
        handover.scan(one, view, sf(2))
    (refused,) = out
    assert isinstance(refused, Refused) and refused.code == "batch_changed", refused
    assert [row(station, s).status for s in (first, second)] == ["accepted", "accepted"]
    now = handover.batch_view(two, batch_id)
    closed = handover.close_batch(
        two, batch_id, courier_name="Chen", print_manifest=False, seen=now.scanned_ids
    )
    assert closed.summary["handed_over"] == 2
