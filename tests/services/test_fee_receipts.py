"""A storage fee taken queues the customer's receipt with the payment (handover, door scan-out, `fees pay`);
money given back in cash or by QR a refund slip; a waiver or a refused payment prints nothing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FakeClock
from fee_receipt_helpers import STANDARD, fee_jobs
from pickup_helpers import as_clerk, configure, receive, zto
from sqlmodel import col, select

from db.models import EventKind, FeeEntry, FeeKind, JobStatus, ParcelEvent, PrintJob
from hardware.printers import DummyTransport, make_printer
from station_console.errors import NotFound, Refused
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.fees import receipts
from station_console.services.fees.ledger import Settlement, settle
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.undo import undo_pickup
from station_console.services.printing import sending
from station_console.services.printing.fee_receipts import fee_document


@pytest.fixture
def fees(station: Station) -> Station:
    configure(station, storage_fee_rules=[STANDARD])
    return station


def entry_ids(station: Station, kind: str) -> list[int]:
    with station.read() as session:
        rows = session.exec(select(FeeEntry).where(FeeEntry.kind == kind).order_by(col(FeeEntry.id))).all()
    return [e.id for e in rows if e.id is not None]


def pick(station: Station, n: int, parcel_id: int, fee: Settlement | None = None) -> list[int]:
    return confirm_pickup(station, [parcel_id], method="code", scanned=[zto(n)], fee=fee)


def test_a_fee_paid_at_the_handover_queues_its_receipt_with_the_payment(
    fees: Station, clock: FakeClock
) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1, phone="13812345678")
    clock.advance(days=4)  # days 4 and 5 cost 1.00 each
    pick(clerk, 1, done.parcel_id, Settlement("cash", expected_cents=200))
    (job,) = fee_jobs(clerk)
    (payment,) = entry_ids(clerk, FeeKind.PAYMENT)
    assert (job.kind, job.status, job.parcel_id, job.printer) == ("receipt", JobStatus.QUEUED, None, None)
    paid = job.payload
    assert paid["paper"] == receipts.RECEIPT and paid["number"] == f"FR{payment:06d}"
    assert (paid["method"], paid["total_cents"], paid["clerk"], paid["counter"]) == (
        "cash",
        200,
        "ann",
        clerk.counter,
    )
    (item,) = paid["parcels"]
    assert item["waybill_tail"] == zto(1)[-4:] and "code" not in item
    assert done.pickup_code not in str(paid)  # live until the handover: a paper must not release it
    assert (item["days_stored"], item["free_days"], item["per_day_cents"], item["cap_cents"]) == (
        5,
        3,
        100,
        1000,
    )
    assert "13812345678" not in str(paid) and zto(1) not in str(paid)  # no full phone, no full waybill


def test_a_refused_payment_and_a_waiver_print_nothing(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=4)
    with pytest.raises(Refused) as changed:
        pick(clerk, 1, done.parcel_id, Settlement("cash", expected_cents=100))
    assert changed.value.code == "fee_changed"
    assert fee_jobs(clerk) == []
    boss = as_clerk(fees, "boss", role="manager")
    pick(boss, 1, done.parcel_id, Settlement("waive", reason="our shelf was closed"))
    assert entry_ids(boss, FeeKind.WAIVER) and fee_jobs(boss) == []


def test_fees_pay_queues_a_receipt_the_handover_after_it_does_not_withdraw(
    fees: Station, clock: FakeClock
) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=3)
    assert settle(clerk, done.parcel_id, Settlement("qr")) == 100
    pick(
        clerk, 1, done.parcel_id
    )  # nothing more owed; the parcel leaves the shelf, its unsent jobs withdrawn
    (job,) = fee_jobs(clerk)
    assert job.status == JobStatus.QUEUED and job.payload["method"] == "qr"  # still to print
    assert job.payload["number"] == f"FR{entry_ids(clerk, FeeKind.PAYMENT)[0]:06d}"


def test_undoing_a_cash_handover_queues_a_refund_slip_an_account_credit_none(
    fees: Station, clock: FakeClock
) -> None:
    clerk = as_clerk(fees, "ann")
    cash, account = receive(clerk, 1), receive(clerk, 2)
    clock.advance(days=4)
    pick(clerk, 1, cash.parcel_id, Settlement("cash"))
    confirm_pickup(clerk, [account.parcel_id], method="code", scanned=[zto(2)], fee=Settlement("account"))
    boss = as_clerk(fees, "boss", role="manager")
    undo_pickup(boss, cash.parcel_id)
    undo_pickup(boss, account.parcel_id)
    papers = [j.payload["paper"] for j in fee_jobs(boss)]
    assert papers == [receipts.RECEIPT, receipts.RECEIPT, receipts.REFUND]  # the account's credit: no slip
    slip = fee_jobs(boss)[-1].payload
    (refund, _credit) = entry_ids(boss, FeeKind.REFUND)
    assert (slip["number"], slip["method"], slip["total_cents"]) == (f"FF{refund:06d}", "cash", 200)
    assert cash.pickup_code not in str(slip)  # live again after the undo
    (receipt, _account) = (j.payload["number"] for j in fee_jobs(boss)[:2])
    assert slip["refund_of"] == [receipt]
    slip_doc = fee_document(boss, slip, "en")
    assert f"Refund of receipt {receipt}" in slip_doc.meta
    assert "退还收据 " + receipt in " ".join(fee_document(boss, slip, "zh").meta)


def test_a_refund_slip_names_the_receipt_of_two_parcels_one_came_back_from(
    fees: Station, clock: FakeClock
) -> None:
    """One payment for two parcels: its receipt is numbered by the first; undoing the second's pickup
    gives back its part, on a slip naming that one receipt (not a number no paper carries)."""
    clerk = as_clerk(fees, "ann")
    one, two = receive(clerk, 1), receive(clerk, 2)
    clock.advance(days=4)
    confirm_pickup(
        clerk, [one.parcel_id, two.parcel_id], method="code", scanned=[zto(1), zto(2)], fee=Settlement("qr")
    )
    (receipt,) = fee_jobs(clerk)
    assert receipt.payload["entries"] == entry_ids(clerk, FeeKind.PAYMENT)
    clock.advance(minutes=5)
    undo_pickup(as_clerk(fees, "boss", role="manager"), two.parcel_id)
    slip = fee_jobs(clerk)[-1].payload
    assert (slip["paper"], slip["total_cents"]) == (receipts.REFUND, 200)
    assert slip["refund_of"] == [receipt.payload["number"]]
    assert slip["number"] != receipt.payload["number"]


def test_a_receipt_says_what_was_settled_before_so_its_figures_add_up(
    fees: Station, clock: FakeClock
) -> None:
    """Paid 1.00 on day 4 (`fees pay`), then 1.00 more at the handover on day 5: the second receipt
    shows five days at 1.00 after three free (2.00), 1.00 settled before, and 1.00 to pay."""
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=3)
    settle(clerk, done.parcel_id, Settlement("cash"))
    clock.advance(days=1)
    pick(clerk, 1, done.parcel_id, Settlement("cash", expected_cents=100))
    first, second = fee_jobs(clerk)
    assert "settled_before_cents" not in first.payload["parcels"][0]
    assert second.payload["parcels"][0]["settled_before_cents"] == 100
    english, chinese = (fee_document(clerk, second.payload, lang) for lang in ("en", "zh"))
    assert english.footer[:4] == [
        "5 days on the shelf",
        "Free for 3 days, then 1.00 CNY a day, at most 10.00 CNY",
        "Settled before: 1.00 CNY",
        "Total: 1.00 CNY",
    ]
    assert "此前已结清：1.00 元" in chinese.footer
    assert not any("Settled before" in line for line in fee_document(clerk, first.payload, "en").footer)


def test_a_reprint_is_the_same_receipt_marked_as_a_copy(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    with pytest.raises(NotFound):  # nothing paid yet: no receipt to print again
        receipts.reprint(clerk, done.parcel_id)
    clock.advance(days=4)
    pick(clerk, 1, done.parcel_id, Settlement("cash"))
    copy = receipts.reprint(clerk, done.parcel_id)
    first, again = fee_jobs(clerk)
    assert again.id == copy.id and again.payload == {**first.payload, "copy": True}
    document = fee_document(clerk, again.payload, "en")
    assert "Copy" in document.meta and document.barcode == first.payload["number"]


def test_a_receipt_copy_is_audited_who_which_receipt_which_printer(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=4)
    pick(clerk, 1, done.parcel_id, Settlement("cash"))
    clock.advance(minutes=10)
    bob = as_clerk(fees, "bob")
    copy = receipts.reprint(bob, done.parcel_id)
    again = receipts.reprint(bob, done.parcel_id, printer="front")
    number = fee_jobs(bob)[0].payload["number"]
    with fees.read() as session:
        found = session.exec(
            select(ParcelEvent)
            .where(ParcelEvent.kind == EventKind.FEE_RECEIPT_REPRINTED)
            .order_by(col(ParcelEvent.id))
        ).all()
    assert [(e.parcel_id, e.clerk_id, e.counter) for e in found] == [
        (done.parcel_id, bob.clerk_id, bob.counter)
    ] * 2
    assert [e.details for e in found] == [
        {"receipt": number, "job_id": copy.id, "no_printer": True},  # no printer here takes it yet
        {"receipt": number, "job_id": again.id, "printer": "front"},
    ]


def test_a_copy_of_a_receipt_stored_with_a_pickup_code_leaves_it_out(fees: Station, clock: FakeClock) -> None:
    """Receipts queued before codes were left out hold one: its copy does not, and neither prints it."""
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=4)
    pick(clerk, 1, done.parcel_id, Settlement("cash"))
    (job,) = fee_jobs(clerk)
    old = {**job.payload, "parcels": [{**p, "code": done.pickup_code} for p in job.payload["parcels"]]}

    def store_old(session: Any) -> None:
        stored = session.get(PrintJob, job.id)
        stored.payload = old
        session.add(stored)

    fees.run(store_old)
    copy = receipts.reprint(clerk, done.parcel_id)
    assert done.pickup_code not in str(copy.payload) and copy.payload["number"] == old["number"]
    for payload in (old, copy.payload):
        doc = fee_document(clerk, payload, "en")
        said = "\n".join([*doc.meta, *doc.columns, *(" ".join(r) for r in doc.rows), *doc.footer])
        assert done.pickup_code not in said and f"****{zto(1)[-4:]}" in said


def test_no_copy_of_a_receipt_whose_fee_was_given_back(fees: Station, clock: FakeClock) -> None:
    """A copy after the undo would read "Paid by cash" for money the customer has back in hand."""
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=4)
    pick(clerk, 1, done.parcel_id, Settlement("cash"))
    undo_pickup(as_clerk(fees, "boss", role="manager"), done.parcel_id)
    before = fee_jobs(clerk)
    with pytest.raises(Refused) as refused:
        receipts.reprint(clerk, done.parcel_id)
    number = before[0].payload["number"]
    assert refused.value.message("en") == f"The fee on receipt {number} was given back: no copy is printed."
    assert fee_jobs(clerk) == before  # nothing queued
    pick(clerk, 1, done.parcel_id, Settlement("qr"))  # handed over again, paid again: that receipt's copy
    copy = receipts.reprint(clerk, done.parcel_id)
    assert copy.payload["copy"] is True and copy.payload["method"] == "qr"
    assert copy.payload["number"] == fee_jobs(clerk)[-2].payload["number"] != number


def test_no_copy_of_a_two_parcel_receipt_once_one_parcels_fee_was_given_back(
    fees: Station, clock: FakeClock
) -> None:
    """The copy asked for by the parcel still gone would read "Paid by QR" for both, one of them money
    the customer has back in hand."""
    clerk = as_clerk(fees, "ann")
    one, two = receive(clerk, 1), receive(clerk, 2)
    clock.advance(days=4)
    confirm_pickup(
        clerk, [one.parcel_id, two.parcel_id], method="code", scanned=[zto(1), zto(2)], fee=Settlement("qr")
    )
    (receipt,) = fee_jobs(clerk)
    assert receipts.reprint(clerk, one.parcel_id).payload["copy"] is True  # whole: a copy of it
    undo_pickup(as_clerk(fees, "boss", role="manager"), two.parcel_id)
    before = fee_jobs(clerk)
    with pytest.raises(Refused) as refused:
        receipts.reprint(clerk, one.parcel_id)
    number = receipt.payload["number"]
    assert refused.value.message("en") == (
        f"Part of the fee on receipt {number} was given back (a pickup undone): no copy is printed."
    )
    assert fee_jobs(clerk) == before  # nothing queued


def test_the_receipt_reads_in_english_and_chinese(fees: Station, clock: FakeClock) -> None:
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=4)
    pick(clerk, 1, done.parcel_id, Settlement("qr"))
    (job,) = fee_jobs(clerk)
    english, chinese = (fee_document(clerk, job.payload, lang) for lang in ("en", "zh"))

    def text(doc: Any) -> str:
        return "\n".join([doc.title, *doc.meta, *doc.columns, *(" ".join(r) for r in doc.rows), *doc.footer])

    said = text(english)
    for part in (
        "Storage fee receipt",
        "Clerk: ann",
        f"Receipt number: {job.payload['number']}",
        f"****{zto(1)[-4:]}",
        "5 days on the shelf",
        "Free for 3 days, then 1.00 CNY a day, at most 10.00 CNY",
        "Total: 2.00 CNY",
        "Paid by QR code",
    ):
        assert part in said, part
    said = text(chinese)
    for part in (
        "超期保管费收据",
        "店员：ann",
        "在架 5 天",
        "免费 3 天，之后每天 1.00 元，最多 10.00 元",
        "合计：2.00 元",
    ):
        assert part in said, part
    assert done.pickup_code not in text(english) + text(chinese)


def test_a_fee_receipt_and_its_copy_print_in_the_language_they_were_asked_in(
    fees: Station, clock: FakeClock
) -> None:
    """As every other paper: the customer at a Chinese console gets a Chinese receipt, whichever console
    (here an English one) sends the queue."""
    clerk = as_clerk(fees, "ann")
    done = receive(clerk, 1)
    clock.advance(days=4)
    set_language("zh")
    pick(clerk, 1, done.parcel_id, Settlement("cash", expected_cents=200))
    copy = receipts.reprint(clerk, done.parcel_id)
    set_language("en")
    DummyTransport.forget_all()
    roll = make_printer({"language": "escpos", "transport": "dummy", "target": "roll"}, name="roll")
    assert len(sending.process_queue(clerk, roll, lang="en").printed) == 2
    for paper in roll.transport.sent:
        assert "超期保管费收据".encode("gb18030") in paper and b"Storage fee receipt" not in paper
    assert copy.payload["lang"] == "zh"
