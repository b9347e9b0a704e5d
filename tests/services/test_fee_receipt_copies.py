"""A copy of a storage fee receipt: named by its number (as printed or scanned) or by its parcel, refused
only where money on it was given back, audited with the printer it goes to, and still possible once the
day close has cleaned old print jobs."""

from __future__ import annotations

import pytest
from conftest import FakeClock
from fee_receipt_helpers import STANDARD, fee_jobs
from pickup_helpers import as_clerk, configure, receive, zto
from sqlmodel import col, select

from db.models import EventKind, FeeEntry, FeeKind, JobStatus, ParcelEvent, PrintJob
from station_console.errors import NotFound, Refused
from station_console.services.core.station import Station
from station_console.services.day.housekeeping import purge_finished_in
from station_console.services.fees import receipts
from station_console.services.fees.ledger import Settlement, settle
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.undo import undo_pickup
from station_console.services.shelves.receipt_refs import receipt_ref


@pytest.fixture
def fees(station: Station) -> Station:
    configure(station, storage_fee_rules=[STANDARD])
    return station


def copies_audited(station: Station) -> list[dict[str, object]]:
    with station.read() as session:
        found = session.exec(
            select(ParcelEvent)
            .where(ParcelEvent.kind == EventKind.FEE_RECEIPT_REPRINTED)
            .order_by(col(ParcelEvent.id))
        ).all()
    return [dict(e.details) for e in found]


def paid_in_two_parts_the_second_given_back(fees: Station, clock: FakeClock) -> tuple[Station, str, str]:
    """1.00 paid on day 4 (`fees pay`, R1), 1.00 more at the handover on day 5 (R2), that pickup undone:
    R2's money is back in the customer's hand, R1's still stands. (clerk, R1, R2)."""
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=3)
    settle(clerk, done.parcel_id, Settlement("cash"))
    clock.advance(days=1)
    confirm_pickup(clerk, [done.parcel_id], method="code", scanned=[zto(1)], fee=Settlement("cash"))
    undo_pickup(as_clerk(fees, "boss", role="manager"), done.parcel_id)
    first, second, slip = fee_jobs(clerk)
    assert slip.payload["paper"] == receipts.REFUND and slip.payload["refund_of"] == [
        second.payload["number"]
    ]
    return clerk, first.payload["number"], second.payload["number"]


def test_an_earlier_payment_still_standing_is_copied_by_its_number(fees: Station, clock: FakeClock) -> None:
    clerk, first, second = paid_in_two_parts_the_second_given_back(fees, clock)
    with pytest.raises(Refused) as by_parcel:  # the parcel's last receipt: given back; the first stands
        receipts.reprint(clerk, fees_parcel(clerk))
    assert by_parcel.value.message("en") == (
        f"The fee on receipt {second} was given back: no copy is printed. "
        f"Receipt {first} stands: `station fees receipt {first}`."
    )
    assert by_parcel.value.message("zh") == (
        f"收据 {second} 的费用已退还，不再补打副本。收据 {first} 仍然有效：`station fees receipt {first}`。"
    )
    assert by_parcel.value.code == "fee_given_back"
    copy = receipts.reprint_number(clerk, first)
    assert copy.payload["copy"] is True and copy.payload["number"] == first
    assert copy.payload["total_cents"] == 100
    with pytest.raises(Refused) as named:  # R2 by its own number: refused, named
        receipts.reprint_number(clerk, second)
    assert named.value.message("en") == f"The fee on receipt {second} was given back: no copy is printed."


def test_a_refund_slips_number_is_said_as_one_not_as_no_parcel(fees: Station, clock: FakeClock) -> None:
    clerk, _first, second = paid_in_two_parts_the_second_given_back(fees, clock)
    (slip,) = [j for j in fee_jobs(clerk) if j.payload["paper"] == receipts.REFUND]
    number = slip.payload["number"]
    assert number.startswith("FF")
    for typed in (number, number.lower(), f"]C0{number}\r\n"):
        with pytest.raises(Refused) as refused:
            receipt_ref(clerk, typed)
        assert refused.value.code == "refund_slip"
    assert refused.value.message("en") == (
        f"]C0{number} is a refund slip's number: refund slips are not printed again, only fee receipts "
        "(numbered FR)."
    )
    assert refused.value.message("zh").endswith(
        "是退款单号：退款单不补打，只补打超期保管费收据（编号以 FR 开头）。"
    )
    for other in (second, zto(1), "6-5-3002"):  # a receipt, a waybill, a pickup code: not a slip's
        assert receipts.refund_slip_entry(other) is None
    assert receipt_ref(clerk, second).by_number  # a receipt's number goes on, as one
    # A waybill of that shape is a parcel's only where no slip has its number.
    assert receipts.refund_slip_exists(clerk, f" {number.lower()}\r\n")
    assert not any(receipts.refund_slip_exists(clerk, n) for n in ("FF999999", second, _first, zto(1)))


@pytest.mark.parametrize(
    "typed",
    ["{n}", "{l}", "  {n}\r\n", "]C0{n}", "{n}\x1d", "ＦＲ{d}"],
    ids=["printed", "lower-case", "scanned with Enter", "AIM prefix", "GS suffix", "full-width"],
)
def test_a_receipt_number_is_read_as_printed_or_scanned(fees: Station, clock: FakeClock, typed: str) -> None:
    clerk, first, _second = paid_in_two_parts_the_second_given_back(fees, clock)
    digits = first[2:]
    text = typed.format(n=first, l=first.lower(), d="".join(chr(ord(c) + 0xFEE0) for c in digits))
    assert receipts.receipt_entry(text) == int(digits)
    assert receipts.reprint_number(clerk, text).payload["number"] == first


def test_an_unknown_receipt_number_prints_nothing_and_audits_nothing(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    one, two = receive(clerk, 1), receive(clerk, 2)
    clock.advance(days=4)
    confirm_pickup(
        clerk, [one.parcel_id, two.parcel_id], method="code", scanned=[zto(1), zto(2)], fee=Settlement("qr")
    )
    (receipt,) = fee_jobs(clerk)
    with clerk.read() as session:
        charge = session.exec(select(FeeEntry).where(FeeEntry.kind == FeeKind.CHARGE)).first()
    assert charge is not None
    # No such entry; a charge's entry; the second parcel's payment, on a paper numbered by the first.
    second_payment = receipt.payload["entries"][1]
    for unknown in ("FR999999", f"FR{charge.id:06d}", f"FR{second_payment:06d}"):
        with pytest.raises(NotFound) as refused:
            receipts.reprint_number(clerk, unknown)
        assert refused.value.message("en") == f"No storage fee receipt is numbered {unknown}."
        with pytest.raises(NotFound):
            receipts.find_receipt(clerk, unknown)
    assert receipts.receipt_entry(zto(1)) is None and receipts.receipt_entry("6-5-3002") is None
    assert fee_jobs(clerk) == [receipt] and copies_audited(clerk) == []


def test_a_copy_is_audited_with_the_printer_it_goes_to(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=4)
    confirm_pickup(clerk, [done.parcel_id], method="code", scanned=[zto(1)], fee=Settlement("cash"))
    number = fee_jobs(clerk)[0].payload["number"]
    named = receipts.reprint(clerk, done.parcel_id, printer="front", goes_to="front")
    counters = receipts.reprint_number(clerk, number, goes_to="roll")
    waits = receipts.reprint(clerk, done.parcel_id)
    assert (named.printer, counters.printer, waits.printer) == (
        "front",
        None,
        None,
    )  # only a named one pins it
    assert copies_audited(clerk) == [
        {"receipt": number, "job_id": named.id, "printer": "front"},
        {"receipt": number, "job_id": counters.id, "printer": "roll"},
        {"receipt": number, "job_id": waits.id, "no_printer": True},
    ]


def test_a_receipt_is_copied_after_the_close_cleaned_old_print_jobs(fees: Station, clock: FakeClock) -> None:
    """The copy is drawn from the receipt's snapshot (the rule's free days, rate and cap as paid by, which
    the ledger does not hold): the close keeps it while it deletes the parcel's printed label."""
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=4)
    confirm_pickup(clerk, [done.parcel_id], method="code", scanned=[zto(1)], fee=Settlement("cash"))

    def all_printed(session: object) -> None:
        for job in session.exec(select(PrintJob)).all():  # type: ignore[attr-defined]
            job.status = JobStatus.PRINTED
            session.add(job)  # type: ignore[attr-defined]

    fees.run(all_printed)
    (receipt,) = fee_jobs(clerk)
    clock.advance(days=fees.settings().finished_job_keep_days + 1)
    purged = fees.run(lambda session: purge_finished_in(session, fees, fees.now()))
    assert purged.print_jobs >= 1  # the label went
    assert fee_jobs(clerk) == [receipt]
    copy = receipts.reprint(clerk, done.parcel_id)
    assert copy.payload == {**receipt.payload, "copy": True}


def fees_parcel(station: Station) -> int:
    with station.read() as session:
        paid = session.exec(select(FeeEntry).where(FeeEntry.kind == FeeKind.PAYMENT)).first()
    assert paid is not None
    return paid.parcel_id


def test_the_close_keeps_a_receipt_but_cleans_its_printed_copies(fees: Station, clock: FakeClock) -> None:
    """A copy is drawn from the receipt's own snapshot, never from another copy: once printed it goes by
    its age as any job does (kept, a receipt copied every week would grow the table for ever)."""
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=4)
    confirm_pickup(clerk, [done.parcel_id], method="code", scanned=[zto(1)], fee=Settlement("cash"))
    (receipt,) = fee_jobs(clerk)
    receipts.reprint(clerk, done.parcel_id)

    def all_printed(session: object) -> None:
        for job in session.exec(select(PrintJob)).all():  # type: ignore[attr-defined]
            job.status = JobStatus.PRINTED
            session.add(job)  # type: ignore[attr-defined]

    fees.run(all_printed)
    assert len(fee_jobs(clerk)) == 2
    clock.advance(days=fees.settings().finished_job_keep_days + 1)
    fees.run(lambda session: purge_finished_in(session, fees, fees.now()))
    assert [j.id for j in fee_jobs(clerk)] == [receipt.id]
    assert receipts.reprint(clerk, done.parcel_id).payload == {**receipt.payload, "copy": True}
