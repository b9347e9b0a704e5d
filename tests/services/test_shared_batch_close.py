"""A batch shared by the counters closes only what the clerk saw: a return batch or a send-out handover
batch another counter changed since its list was read is refused (`batch_changed`), saying how many it
holds now, and nothing is returned or handed over; closed with the list read again, it closes."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from pickup_helpers import as_clerk
from saves_at_once import other_save_before
from sendout_helpers import row, send, sf, staff
from shelf_helpers import place, wb
from station_helpers import recall, snapshot

from db.engine import is_sqlite
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import return_batch_parcels, returns
from station_console.services.sendout import handover, payments


def test_a_return_batch_another_counter_added_to_is_refused_and_nothing_returned(station: Station) -> None:
    """Counter 1 lists JT's batch with one parcel; counter 2's Overdue F9 puts two more in. The close
    signed for the one listed returned all three; now it is refused, every row as it was."""
    for n, location in ((1, "5-1"), (2, "5-2"), (3, "5-3")):
        place(station, wb(n), location)
    recall(station, wb(1), wb(2), wb(3))
    one = as_clerk(station, "Ann", counter="counter-1")
    two = as_clerk(station, "Bob", counter="counter-2")
    listed = returns.open_batch_with(one, "JT", [wb(1)])
    returns.open_batch_with(two, "JT", [wb(2), wb(3)])  # the carrier's open batch: the same one
    before = snapshot(station)

    with pytest.raises(Refused) as refused:
        returns.close(one, listed.id, "Wang Wei", seen=listed.on_shelf_ids)

    assert refused.value.code == "batch_changed"
    said = refused.value.message()
    assert f"{listed.number} now holds 3 parcels, not the 1 listed" in said
    assert "another counter changed it" in said and "check the list and close again" in said
    assert snapshot(station) == before
    now = returns.get(one, listed.id)
    closed = returns.close(one, listed.id, "Wang Wei", seen=now.on_shelf_ids)
    assert (closed.status, closed.count) == ("closed", 3)


def test_a_return_batch_with_one_swapped_is_refused_though_its_count_is_the_same(station: Station) -> None:
    """Counter 2 took the listed parcel out and put another in: as many as listed, not the ones; a
    count alone (`station returns close --expect 1`) cannot tell, and closes."""
    place(station, wb(1), "5-1")
    place(station, wb(2), "5-2")
    recall(station, wb(1), wb(2))
    one = as_clerk(station, "Ann", counter="counter-1")
    two = as_clerk(station, "Bob", counter="counter-2")
    listed = returns.open_batch_with(one, "JT", [wb(1)])
    return_batch_parcels.remove(two, listed.id, wb(1))
    return_batch_parcels.add(two, listed.id, wb(2))
    before = snapshot(station)

    with pytest.raises(Refused) as refused:
        returns.close(one, listed.id, "Wang Wei", seen=listed.on_shelf_ids)

    assert refused.value.code == "batch_changed"
    assert "now holds 1 parcel, but not the one listed" in refused.value.message()
    assert snapshot(station) == before
    with pytest.raises(Refused) as refused:
        returns.close(one, listed.id, "Wang Wei", seen=2)
    assert "now holds 1 parcel, not the 2 listed" in refused.value.message()
    assert snapshot(station) == before
    closed = returns.close(one, listed.id, "Wang Wei", seen=1)
    assert [p.waybill for p in closed.parcels] == [wb(2)]


def test_a_return_batch_emptied_at_another_counter_says_it_holds_none(station: Station) -> None:
    place(station, wb(1), "5-1")
    recall(station, wb(1))
    one = as_clerk(station, "Ann", counter="counter-1")
    listed = returns.open_batch_with(one, "JT", [wb(1)])
    return_batch_parcels.remove(as_clerk(station, "Bob", counter="counter-2"), listed.id, wb(1))
    with pytest.raises(Refused) as refused:
        returns.close(one, listed.id, "Wang Wei", seen=listed.on_shelf_ids)
    assert refused.value.code == "batch_changed" and "now holds 0 parcels, not the 1 listed" in str(
        refused.value
    )


def handover_counters(station: Station) -> tuple[Station, Station]:
    staff(station)
    return as_clerk(station, "Li", counter="counter-1"), as_clerk(station, "Mei", counter="counter-2")


def test_a_handover_batch_another_counter_scanned_into_is_refused_and_nothing_handed_over(
    station: Station,
) -> None:
    """Counter 1's courier scanned one SF send; counter 2 scanned another into the carrier's open batch.
    Counter 1's close handed over both under a list showing one; now it is refused."""
    one, two = handover_counters(station)
    for n in (1, 2, 3):
        send(one, waybill=sf(n))
    listed = handover.scan(one, handover.open_batch(one, "SF"), sf(1)).batch
    theirs = handover.scan(two, handover.open_batch(two, "SF"), sf(2))
    assert theirs.batch_id == listed.batch_id
    before = snapshot(station)

    with pytest.raises(Refused) as refused:
        handover.close_batch(one, listed.batch_id, courier_name="Chen", seen=listed.scanned_ids)

    assert refused.value.code == "batch_changed"
    assert f"SB{listed.batch_id:06d} now holds 2 parcels, not the 1 listed" in refused.value.message()
    assert snapshot(station) == before
    now = handover.batch_view(one, theirs.batch_id)
    closed = handover.close_batch(one, now.batch_id, courier_name="Chen", seen=now.scanned_ids)
    assert closed.summary["handed_over"] == 2


def test_a_handover_batch_whose_send_was_refunded_at_another_counter_is_refused(station: Station) -> None:
    """A scanned send refunded at another counter left the batch: the close counted one fewer than the
    list under the courier's eyes, and said so only in its count."""
    one, _ = handover_counters(station)
    send(one, waybill=sf(1))
    refunded = send(one, waybill=sf(2)).send_id
    batch = handover.scan(one, handover.open_batch(one, "SF"), sf(1)).batch
    listed = handover.scan(one, batch, sf(2)).batch
    manager = as_clerk(station, "Wang", role="manager", counter="counter-2")
    payments.refund(manager, refunded, "customer changed their mind")
    before = snapshot(station)

    with pytest.raises(Refused) as refused:
        handover.close_batch(one, listed.batch_id, seen=listed.scanned_ids)

    assert refused.value.code == "batch_changed" and "now holds 1 parcel, not the 2 listed" in str(
        refused.value
    )
    assert snapshot(station) == before


@pytest.mark.parametrize("theirs_saved", [True, False], ids=["listing-the-batch", "before-its-first-scan"])
def test_a_scan_at_another_counter_during_the_close_is_not_left_in_the_closed_batch(
    station: Station, theirs_saved: bool
) -> None:
    """Counter 2's courier scan lands while counter 1's close stands between reading the batch and
    handing over (PostgreSQL: neither held the batch's row). Both went through: the close handed over
    the one listed, and the send counter 2 was told was scanned stayed `accepted` in the closed batch,
    in no manifest. Now the scan waits for the close and finds the batch closed (or, from a list read
    before the batch was saved, starts the next batch), or the close finds the batch changed."""
    one, two = handover_counters(station)
    send(one, waybill=sf(1))
    late = send(one, waybill=sf(2)).send_id
    theirs = None if theirs_saved else handover.open_batch(two, "SF")
    listed = handover.scan(one, handover.open_batch(one, "SF"), sf(1)).batch
    theirs = theirs or handover.open_batch(two, "SF")
    assert (theirs.batch_id == listed.batch_id) is theirs_saved
    busy = threading.Event()
    two = replace(two, on_busy=busy.set, busy_wait_s=30)
    waiting = busy.is_set if is_sqlite(station.engine) else None

    with other_save_before(one, "UPDATE send ", lambda: handover.scan(two, theirs, sf(2)), waiting) as out:
        try:
            closed: object = handover.close_batch(one, listed.batch_id, seen=listed.scanned_ids)
        except Refused as exc:
            closed = exc
    (scanned,) = out

    left = row(station, late)
    if isinstance(closed, Refused):  # the scan went first: the close saw the batch changed
        assert closed.code == "batch_changed" and isinstance(scanned, handover.ScanResult)
        assert (left.status, left.handover_batch_id) == ("accepted", listed.batch_id)
        return
    # the close went first: the scan waited for it
    assert isinstance(closed, handover.BatchView) and closed.summary["handed_over"] == 1
    assert left.status == "accepted" and left.handover_batch_id != listed.batch_id
    if theirs_saved:
        assert isinstance(scanned, Refused) and scanned.code == "batch_closed", scanned
    else:
        assert isinstance(scanned, handover.ScanResult), scanned
        assert scanned.batch_id == left.handover_batch_id and scanned.batch.status == "open"


def test_parcels_put_in_the_carriers_batch_during_its_close_are_not_left_in_the_closed_batch(
    station: Station,
) -> None:
    """Counter 2's Overdue F9 puts a parcel in JT's open batch while counter 1's close stands between
    locking the batch and returning its parcels. Counter 2 found the batch open (unlocked, PostgreSQL),
    then waited for its share of the row; the row it got back said closed, but the batch it already held
    still said open, and the parcel went into the closed batch: on the shelf, in no manifest, refused at
    pickup. Now it waits for the close before choosing the batch and goes into the carrier's next one."""
    place(station, wb(1), "5-1")
    place(station, wb(2), "5-2")
    recall(station, wb(1), wb(2))
    one = as_clerk(station, "Ann", counter="counter-1")
    busy = threading.Event()
    two = replace(as_clerk(station, "Bob", counter="counter-2"), on_busy=busy.set, busy_wait_s=30)
    waiting = busy.is_set if is_sqlite(station.engine) else None
    listed = returns.open_batch_with(one, "JT", [wb(1)])

    put_in = lambda: returns.open_batch_with(two, "JT", [wb(2)])  # noqa: E731
    with other_save_before(one, "UPDATE ", put_in, waiting) as out:
        try:
            closed: object = returns.close(one, listed.id, "Wang Wei", seen=listed.on_shelf_ids)
        except Refused as exc:
            closed = exc
    (theirs,) = out

    assert isinstance(theirs, returns.BatchView), theirs
    if isinstance(closed, Refused):  # counter 2 went first: the close saw the batch changed
        assert closed.code == "batch_changed" and theirs.id == listed.id
        return
    assert isinstance(closed, returns.BatchView) and closed.count == 1
    assert theirs.id != listed.id and theirs.status == "open", (theirs.id, listed.id)
    assert returns.get(one, theirs.id).status == "open"
    assert [p.waybill for p in returns.get(one, theirs.id).parcels] == [wb(2)]
