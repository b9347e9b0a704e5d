"""Refunds before handover, and the courier's handover batch: scan to confirm, strangers refused,
missing parcels flagged, the manifest queued."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import replace

import pytest
from sendout_helpers import as_clerk, as_manager, events, jobs, row, send, sf, staff
from sqlmodel import Session, select

from db.models import HandoverBatch
from station_console.errors import PermissionDenied, Refused
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.sendout import handover, payments


@pytest.fixture
def counter(station: Station) -> Station:
    return staff(station)


def test_the_courier_scans_and_signs(counter: Station, clock) -> None:
    a, b, c = (send(counter, waybill=sf(n)).send_id for n in (1, 2, 3))
    jt = send(counter, waybill="JT1234567890123", carrier="JT").send_id
    batch = handover.open_batch(counter, "sf")
    assert (batch.carrier, batch.status, len(batch.rows), len(batch.scanned)) == ("SF", "open", 3, 0)
    assert batch.batch_id is None  # not saved before its first parcel
    first = handover.scan(counter, batch, sf(1).lower())
    assert (first.row.send_id, first.already, first.done, first.total) == (a, False, 1, 3)
    batch = first.batch
    assert handover.open_batch(counter, "SF").batch_id == batch.batch_id  # one open batch per carrier
    assert handover.scan(counter, batch, sf(1)).already
    handover.scan(counter, batch, f"]C1{sf(2)}\r")  # a scanner's prefix and suffix
    assert row(counter, a).status == "accepted"  # scanned, still ours until the batch closes
    clock.advance(minutes=20)
    closed = handover.close_batch(counter, batch.batch_id, courier_name="Courier Chen")
    assert closed.status == "closed" and [r.send_id for r in closed.rows] == [a, b]
    assert closed.summary["handed_over"] == 2 and closed.summary["weight_g"] == 2400
    assert closed.summary["missing"] == [{"send_id": c, "waybill": sf(3)}]
    assert (row(counter, a).status, row(counter, a).handed_over_at) == ("handed_over", clock.now)
    assert row(counter, a).recipient_phone_full is None  # the carrier has the waybill now
    assert row(counter, c).status == "accepted" and row(counter, jt).status == "accepted"
    manifest = [j for j in jobs(counter) if j.kind == "manifest"]
    assert [j.payload for j in manifest] == [{"flow": "sendout", "batch_id": batch.batch_id, "lang": "en"}]
    assert len(events(counter, "send_scanned")) == 2 and len(events(counter, "send_handed_over")) == 2
    (closing,) = events(counter, "handover_closed")
    assert closing.details["courier"] == "Courier Chen" and closing.details["handed_over"] == 2
    nxt = handover.open_batch(counter, "SF")
    assert nxt.batch_id is None and [r.send_id for r in nxt.rows] == [c]
    assert handover.scan(counter, nxt, sf(3)).batch_id not in (None, batch.batch_id)


def test_a_counter_without_a_printer_closes_without_queueing_a_manifest(counter: Station) -> None:
    """No printer here takes the manifest: the close queues none (it would wait for ever), and its
    event says so; the sends are handed over all the same."""
    a = send(counter, waybill=sf(1)).send_id
    batch = handover.open_batch(counter, "SF")
    batch_id = handover.scan(counter, batch, sf(1)).batch_id
    closed = handover.close_batch(counter, batch_id, print_manifest=False)
    assert closed.status == "closed" and row(counter, a).status == "handed_over"
    assert [j for j in jobs(counter) if j.kind == "manifest"] == []
    (closing,) = events(counter, "handover_closed")
    assert closing.details["job_id"] is None and closing.details["handed_over"] == 1


@pytest.mark.parametrize(
    ("scan", "says"),
    [
        ("JT1234567890123", "goes with JT"),
        ("SF9999999999999", "not a send of this station"),
        ("???", None),
    ],
)
def test_a_stranger_is_refused_loudly(counter: Station, scan: str, says: str | None) -> None:
    send(counter, waybill=sf(1))
    send(counter, waybill="JT1234567890123", carrier="JT")
    batch = handover.open_batch(counter, "SF")
    with pytest.raises(Refused) as exc:
        handover.scan(counter, batch, scan)
    if says:
        assert exc.value.code == "wrong_parcel" and says in exc.value.message()
    assert handover.open_batch(counter, "SF").batch_id is None  # no batch saved for a refused scan
    assert events(counter, "send_scanned", "handover_opened") == [] and handover_batches(counter) == 0
    with pytest.raises(Refused) as exc:
        handover.close_batch(counter, batch.batch_id)
    assert exc.value.code == "nothing_scanned" and handover_batches(counter) == 0


@pytest.mark.parametrize(
    ("scan", "quoted"),
    [("chen", "chen"), (" ｃｈｅｎ 12\r", "chen12"), ("]C1sf99x", "sf99x")],
)
def test_a_stranger_is_quoted_as_typed_not_upper_cased(counter: Station, scan: str, quoted: str) -> None:
    """The screen and `station sendout handover` both say it so: what was typed, cleaned (spaces,
    full-width forms, a scanner's prefix), in its own case."""
    send(counter, waybill=sf(1))
    batch = handover.open_batch(counter, "SF")
    with pytest.raises(Refused) as exc:
        handover.scan(counter, batch, scan)
    assert exc.value.code == "wrong_parcel"
    assert exc.value.message() == f"Wrong parcel: {quoted} is not a send of this station."


def test_handed_over_and_refunded_parcels_must_not_leave_again(counter: Station) -> None:
    send(counter, waybill=sf(1))
    refunded = send(counter, waybill=sf(2)).send_id
    batch = handover.open_batch(counter, "SF")
    batch_id = handover.scan(counter, batch, sf(1)).batch_id
    handover.close_batch(counter, batch_id)
    as_manager(counter)
    payments.refund(counter, refunded, "customer changed their mind")
    as_clerk(counter)
    again = handover.open_batch(counter, "SF")
    for waybill, status in ((sf(1), "handed over"), (sf(2), "cancelled")):
        with pytest.raises(Refused) as exc:
            handover.scan(counter, again, waybill)
        assert status in exc.value.message()
    with pytest.raises(Refused) as exc:
        handover.close_batch(counter, again.batch_id)
    assert exc.value.code == "nothing_scanned"
    send(counter, waybill=sf(3))
    with pytest.raises(Refused) as exc:
        handover.scan(counter, handover.batch_view(counter, batch_id), sf(3))  # a closed batch takes no scans
    assert exc.value.code == "batch_closed"
    assert handover_batches(counter) == 1


def test_a_refund_asked_writes_nothing_and_is_done_only_for_the_send_as_read(counter: Station) -> None:
    """The manager confirms what `ask_refund` read (the send, its customer masked, the money): the
    refund is of that send as read; changed meanwhile (refunded at another counter), it is refused."""
    kept = send(counter, waybill=sf(1))
    as_manager(counter)
    asked = payments.ask_refund(counter, sf(1), "  wrong address ")
    assert (asked.send_id, asked.refund_cents, asked.reason) == (
        kept.send_id,
        kept.price_cents,
        "wrong address",
    )
    assert asked.sender_masked.endswith("*") and len(asked.sender_masked) <= 4
    assert row(counter, kept.send_id).status == "accepted" and events(counter, "send_refunded") == []
    batch = handover.open_batch(counter, "SF")
    handover.scan(counter, batch, sf(1))  # the courier scanned it meanwhile: the send as read is gone
    with pytest.raises(Refused) as exc:
        payments.refund(counter, kept.send_id, asked.reason, version=asked.version)
    assert exc.value.code == "changed" and row(counter, kept.send_id).status == "accepted"
    assert events(counter, "send_refunded") == []


def test_refunds_are_a_managers_and_only_before_handover(counter: Station) -> None:
    kept = send(counter, waybill=sf(1))
    gone = send(counter, waybill=sf(2)).send_id
    batch = handover.open_batch(counter, "SF")
    handover.close_batch(counter, handover.scan(counter, batch, sf(2)).batch_id)
    with pytest.raises(PermissionDenied):
        payments.refund(counter, kept.send_id, "wrong address")
    clerks.act_as(counter, None)
    with pytest.raises(PermissionDenied):
        payments.refund(counter, kept.send_id, "wrong address")
    as_manager(counter)
    done = payments.refund(counter, kept.send_id, "wrong address")
    assert (done.refund_cents, done.payment_method) == (kept.price_cents, "cash")
    stored = row(counter, kept.send_id)
    assert (stored.status, stored.refund_cents, stored.refund_reason) == (
        "cancelled",
        kept.price_cents,
        "wrong address",
    )
    assert stored.recipient_phone_full is None  # the refunded parcel goes nowhere: no number kept
    with pytest.raises(Refused) as exc:
        payments.refund(counter, gone, "too late")
    assert exc.value.code == "not_refundable" and "handed over" in exc.value.message()
    with pytest.raises(Refused):
        payments.refund(counter, kept.send_id, "twice")
    (event,) = events(counter, "send_refunded")
    assert event.details["refund_cents"] == kept.price_cents
    assert send(counter, waybill=sf(1)).waybill == sf(1)  # a cancelled send frees its number


def test_a_refund_takes_a_scanned_send_out_of_the_open_batch(counter: Station) -> None:
    a = send(counter, waybill=sf(1)).send_id
    send(counter, waybill=sf(2))
    batch = handover.open_batch(counter, "SF")
    batch_id = handover.scan(counter, batch, sf(1)).batch_id
    as_manager(counter)
    payments.refund(counter, a, "parcel damaged at the counter")
    view = handover.batch_view(counter, batch_id)
    assert [r.waybill for r in view.rows] == [sf(2)] and view.scanned == []


def test_find_a_send_by_number_or_waybill(counter: Station) -> None:
    result = send(counter, waybill=sf(5))
    assert payments.find_send_id(counter, f"#{result.send_id}") == result.send_id
    assert payments.find_send_id(counter, sf(5).lower()) == result.send_id
    with pytest.raises(Exception, match="No send"):
        payments.find_send_id(counter, "SF0000000000000")
    clerks.act_as(counter, None)
    with pytest.raises(PermissionDenied):  # nobody signed in learns nothing, not even that it exists
        payments.find_send_id(counter, f"#{result.send_id}")


def test_a_clerk_is_told_who_may_refund_before_whether_the_send_exists(counter: Station) -> None:
    kept = send(counter, waybill=sf(1))
    for ref in ("SF0000000000000", "#999", sf(1)):
        with pytest.raises(PermissionDenied):
            payments.refund(counter, ref, "wrong address")
    as_manager(counter)
    with pytest.raises(Exception, match="No send"):
        payments.refund(counter, "SF0000000000000", "wrong address")
    assert payments.refund(counter, sf(1).lower(), "wrong address").send_id == kept.send_id


def test_nobody_signed_in_hands_nothing_over(counter: Station) -> None:
    send(counter, waybill=sf(1))
    send(counter, waybill=sf(2))
    unsaved = handover.open_batch(counter, "SF")
    batch = handover.scan(counter, unsaved, sf(1)).batch
    clerks.act_as(counter, None)
    for call in (
        lambda: handover.open_batch(counter, "SF"),
        lambda: handover.scan(counter, batch, sf(2)),
        lambda: handover.close_batch(counter, batch.batch_id),
        lambda: handover.close_batch(counter, unsaved.batch_id),
    ):
        with pytest.raises(PermissionDenied) as exc:
            call()
        assert exc.value.code == "not_signed_in"
    as_clerk(counter)
    assert batch.batch_id is not None
    view = handover.batch_view(counter, batch.batch_id)
    assert [r.waybill for r in view.scanned] == [sf(1)] and view.status == "open"


def test_the_newest_refundable_send_is_this_counters_newest_still_here(counter: Station) -> None:
    """What the refund dialog offers: not a send refused, handed over or refunded, nor another
    counter's; none when no send here can be refunded."""

    from sendout_helpers import parcel, party, recipient

    from station_console.services.sendout import accept

    assert payments.newest_refundable(counter) is None
    waiting = send(counter, waybill=sf(1)).send_id
    gone = send(counter, waybill=sf(2)).send_id
    batch = handover.open_batch(counter, "SF")
    handover.close_batch(counter, handover.scan(counter, batch, sf(2)).batch_id)
    accept.refuse(counter, party=party(), recipient=recipient(), parcel=parcel(), reason="lithium battery")
    send(replace(counter, counter="counter-2", _cached=None), waybill=sf(3))
    assert gone > waiting and payments.newest_refundable(counter) == waiting
    as_manager(counter)
    payments.refund(counter, waiting, "customer left")
    assert payments.newest_refundable(counter) is None
    clerks.act_as(counter, None)
    with pytest.raises(PermissionDenied):
        payments.newest_refundable(counter)


def test_the_first_accepted_scan_opens_the_batch_and_its_audit_event_once(counter: Station) -> None:
    """Choosing the carrier writes nothing; the first parcel scanned saves the batch and records who
    opened it at which counter, in the scan's transaction. Later scans, from the view not yet saved too,
    go into that batch and record no other opening."""
    send(counter, waybill=sf(1))
    send(counter, waybill=sf(2))
    batch = handover.open_batch(counter, "sf")
    handover.open_batch(counter, "SF")
    assert events(counter, "handover_opened") == [] and handover_batches(counter) == 0
    first = handover.scan(counter, batch, sf(1))
    assert first.batch_id == handover.open_batch(counter, "SF").batch_id
    (opened,) = events(counter, "handover_opened")
    assert opened.details == {"batch": first.batch_id, "carrier": "SF"}
    assert (opened.clerk_id, opened.counter) == (counter.clerk_id, counter.counter)
    (scanned,) = events(counter, "send_scanned")
    assert scanned.details["batch_id"] == first.batch_id
    second = handover.scan(counter, batch, sf(2))  # the view it was given is not saved: it joins
    assert second.batch_id == first.batch_id and (second.done, second.total) == (2, 2)
    assert len(events(counter, "handover_opened")) == 1 and handover_batches(counter) == 1


def test_two_counters_scanning_a_carriers_first_parcels_at_once_end_in_one_batch(
    counter: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both chose the carrier before either scanned, so neither has a batch. Each scan, once it has
    found no open batch, waits (a second at most) for the other to find none too: two batches unless
    the second waits for the first's to commit and joins it."""
    here, there = (
        replace(counter, busy_wait_s=30),
        replace(counter, counter="counter-2", _cached=None, busy_wait_s=30),
    )
    send(counter, waybill=sf(1))
    send(counter, waybill=sf(2))
    views = [handover.open_batch(st, "SF") for st in (here, there)]
    assert [v.batch_id for v in views] == [None, None]
    meet = threading.Barrier(2, timeout=1)
    found = handover._open_for

    def slowly(session: Session, carrier_id: int, *, lock: bool = False) -> HandoverBatch | None:
        batch = found(session, carrier_id, lock=lock)
        if batch is None:
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait()
        return batch

    monkeypatch.setattr(handover, "_open_for", slowly)
    results: list[object] = [None, None]

    def scan(i: int, st: Station, waybill: str) -> None:
        results[i] = handover.scan(st, views[i], waybill)

    threads = [threading.Thread(target=scan, args=(i, st, sf(i + 1))) for i, st in enumerate((here, there))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(r, handover.ScanResult) for r in results), results
    ids = {r.batch_id for r in results if isinstance(r, handover.ScanResult)}
    assert len(ids) == 1 and handover_batches(counter) == 1
    assert len(events(counter, "handover_opened")) == 1
    assert len(handover.batch_view(counter, ids.pop()).scanned) == 2


def handover_batches(station: Station) -> int:
    with station.read() as session:
        return len(session.exec(select(HandoverBatch)).all())


@pytest.mark.parametrize("scan", ["13812345678", "+86 138-1234-5678"])
def test_a_phone_scanned_at_the_handover_is_refused_as_a_phone_masked(counter: Station, scan: str) -> None:
    """A phone barcode scanned at the courier's handover was refused as 'not a send of this station'
    naming the whole number (or as odd characters)."""
    send(counter, waybill=sf(1))
    batch = handover.open_batch(counter, "SF")
    with pytest.raises(Refused) as exc:
        handover.scan(counter, batch, scan)
    assert exc.value.code == "phone_not_waybill" and "13812345678" not in exc.value.message()
    assert exc.value.message("en").startswith("138****5678 looks like a mobile number, not a waybill.")
    assert handover.open_batch(counter, "SF").batch_id is None
