"""Returns to the courier: one carrier per batch, scanned in, manifest queued, closed on signature."""

from __future__ import annotations

from datetime import timedelta

import pytest
from shelf_helpers import events, layer_figures, parcel, place, wb
from sqlmodel import select
from station_helpers import recall

from db.models import EventKind, Parcel, PrintJob, ReturnBatch
from hardware.printers.document import Document
from station_console.errors import NotFound, Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import return_batch_parcels, returns
from station_console.settings import CounterSettings


def test_a_return_batch_from_open_to_signed(station: Station, clock) -> None:
    a = place(station, wb(1), "5-1")
    b = place(station, wb(2), "5-2", size="L")
    recall(station, wb(1), wb(2))  # fresh parcels: recalled, so they may go back
    batch = returns.open_batch(station, "jt")
    assert (batch.carrier, batch.status, batch.count) == ("JT", "open", 0)
    return_batch_parcels.add(station, batch.id, wb(1))
    return_batch_parcels.add(station, batch.id, parcel(station, b).pickup_code or "")  # by pickup code too
    assert returns.get(station, batch.id).count == 2
    assert parcel(station, a).status == "on_shelf"  # still physically here until the courier signs
    office = CounterSettings(printers={"office": {"language": "pdf", "transport": "dummy"}})
    job_id = returns.print_manifest(station, batch.id, office)
    with station.read() as s:
        job = s.get(PrintJob, job_id)
    assert job is not None and job.kind == "manifest"
    clock.advance(hours=1)
    closed = returns.close(station, batch.id, "Wang Wei")
    assert (closed.status, closed.signed_by_name, closed.count) == ("closed", "Wang Wei", 2)
    for pid in (a, b):
        p = parcel(station, pid)
        assert p.status == "returned" and p.returned_at == clock.now and p.return_batch_id == batch.id
    assert layer_figures(station, "5-1") == (0, 0) and layer_figures(station, "5-2") == (0, 0)
    assert len(events(station, EventKind.RETURNED)) == 2
    assert [v.id for v in returns.list_batches(station, status="closed")] == [batch.id]
    with pytest.raises(Refused) as exc:
        return_batch_parcels.add(station, batch.id, wb(3))
    assert exc.value.code == "batch_closed"


def test_only_that_carriers_parcels_on_the_shelf_in_one_batch(station: Station) -> None:
    place(station, wb(1), "5-1")
    recall(station, wb(1))
    place(station, "SF1234567890123", "5-1", carrier="SF")
    place(station, wb(3), "5-1", status="picked_up")
    batch = returns.open_batch(station, "JT")
    with pytest.raises(Refused) as exc:
        return_batch_parcels.add(station, batch.id, "SF1234567890123")
    assert exc.value.code == "wrong_carrier"
    # Each carrier by its short name, as every counter list says it (J&T, not its code JT).
    assert exc.value.message() == "SF1234567890123 is a SF parcel; this batch goes back to J&T."
    with pytest.raises(NotFound) as missing:
        return_batch_parcels.add(station, batch.id, wb(3))
    assert missing.value.code == "not_on_shelf"
    return_batch_parcels.add(station, batch.id, wb(1))
    with pytest.raises(Refused) as exc:
        return_batch_parcels.add(station, batch.id, wb(1))
    assert exc.value.code == "already_in_batch"
    again = returns.open_batch(station, "JT")  # the carrier's one open batch, not a second
    assert (again.id, [p.waybill for p in again.parcels]) == (batch.id, [wb(1)])
    with pytest.raises(NotFound):
        returns.open_batch(station, "NOPE")
    with pytest.raises(Refused) as exc:  # Enter in an empty carrier field: said as such
        returns.open_batch(station, "  ")
    assert exc.value.code == "missing" and exc.value.message() == "Carrier is empty."
    for marks in ("[/]", " -- "):  # typed, but no carrier: said as such, not as empty
        with pytest.raises(Refused) as exc:
            returns.open_batch(station, marks)
        assert exc.value.code == "missing"
        assert exc.value.message("en") == "Carrier has no letters or digits: type a carrier's code, e.g. SF."
        assert exc.value.message("zh") == "快递公司没有文字或数字：请输入快递公司代码，例如 SF。"
    # A code with an escape sequence or a hidden character in it is none, as at every other carrier
    # lookup (`\x1b[31mZTO` was taken for ZTO): unknown, said as typed, no batch opened.
    # Its hidden characters written out: raw, a pipe dropped the escape sequence ("Unknown carrier ZTO."),
    # and a zero-width space made it read as the ZTO it is not.
    quoted_as = {"\x1b[31mZTO": "\\x1b[31mZTO", "Z\u200bTO": "Z\\u200bTO", "ZTO\x00": "ZTO\\x00"}
    for typed, quoted in quoted_as.items():
        with pytest.raises(NotFound) as unknown:
            returns.open_batch(station, typed)
        assert unknown.value.code == "unknown_carrier"
        assert unknown.value.message("en") == f"Unknown carrier {quoted}."
    assert [b.carrier for b in returns.list_batches(station, status="open")] == ["JT"]


def test_remove_and_empty_batches(station: Station) -> None:
    pid = place(station, wb(1), "5-1")
    recall(station, wb(1))
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1))
    return_batch_parcels.remove(station, batch.id, wb(1))
    assert parcel(station, pid).return_batch_id is None
    with pytest.raises(Refused) as exc:
        returns.close(station, batch.id, "Li")
    assert exc.value.code == "batch_empty"
    return_batch_parcels.add(station, batch.id, wb(1))
    with pytest.raises(Refused) as exc:
        returns.close(station, batch.id, " ")
    assert exc.value.code == "signature_required"
    with station.read() as s:
        assert s.exec(select(PrintJob).where(PrintJob.kind == "manifest")).all() == []


def test_add_many_is_all_or_nothing(station: Station) -> None:
    place(station, wb(1), "5-1")
    recall(station, wb(1))
    place(station, "SF1234567890123", "5-1", carrier="SF")
    batch = returns.open_batch(station, "JT")
    with pytest.raises(Refused):
        return_batch_parcels.add_many(station, batch.id, [wb(1), "SF1234567890123"])
    assert returns.get(station, batch.id).count == 0
    assert len(return_batch_parcels.add_many(station, batch.id, [wb(1)])) == 1


def test_a_customer_who_comes_before_the_courier_gets_the_parcel_out_of_the_batch(station, clock) -> None:  # type: ignore[no-untyped-def]
    """A parcel going back for its age: the customer still may have it. (A recalled one may not:
    test_pickup_recalled.py.)"""
    from db.models import Parcel
    from station_console.services.checkin.transaction import check_in
    from station_console.services.exceptions import return_batch_parcels, returns
    from station_console.services.pickup.handover import confirm_pickup
    from station_console.services.pickup.lookup import lookup

    done = check_in(station, "73123456789012", phone="13812345678")
    clock.advance(days=8)  # past its carrier's return threshold: due for return
    batch_id = returns.open_batch(station, "ZTO").id
    return_batch_parcels.add(station, batch_id, "73123456789012")
    found = lookup(station, done.pickup_code)
    confirm_pickup(station, [found.rows[0].parcel_id], method="code", scanned=["73123456789012"])
    with station.read() as session:
        parcel = session.get(Parcel, done.parcel_id)
    assert parcel is not None and parcel.status == "picked_up" and parcel.return_batch_id is None


def test_a_manifest_no_printer_here_can_print_is_refused_not_left_queued(station: Station) -> None:
    place(station, wb(1), "5-1")
    recall(station, wb(1))
    batch = returns.open_batch(station, "jt")
    return_batch_parcels.add(station, batch.id, wb(1))
    labels_only = CounterSettings(
        printer={"name": "label", "language": "tspl", "transport": "dummy"},
        printers={
            "label": {"language": "tspl", "transport": "dummy"},
            "receipts": {"language": "escpos", "transport": "dummy", "jobs": ["receipt"]},
        },
    )
    for counter, code, words in (
        (
            labels_only,
            "cannot_print",
            ["a return manifest", "label is a tspl label printer", "receipts takes only receipt"],
        ),
        (CounterSettings(), "no_printer", ["No printer is configured"]),
    ):
        with pytest.raises(Refused) as err:
            returns.print_manifest(station, batch.id, counter)
        assert err.value.code == code
        assert all(word in err.value.message("en") for word in words), err.value.message("en")
    with station.read() as s:
        assert s.exec(select(PrintJob)).all() == []  # nothing waits for a printer that never comes
    # Once a receipt printer takes manifests too, it is queued.
    labels_only.printers["receipts"]["jobs"] = ["receipt", "manifest"]
    assert returns.print_manifest(station, batch.id, labels_only) > 0


def test_a_wrong_or_empty_batch_is_said_before_any_printer(station: Station) -> None:
    """On a counter with no printer, a manifest of no batch or of an empty one is refused as such: the
    clerk fixes the number first, not the printer."""
    with pytest.raises(NotFound) as missing:
        returns.print_manifest(station, 999, CounterSettings())
    assert missing.value.code == "no_batch" and "RB000999" in missing.value.message("en")
    batch = returns.open_batch(station, "jt")
    with pytest.raises(Refused) as empty:
        returns.print_manifest(station, batch.id, CounterSettings())
    assert empty.value.code == "batch_empty"


def test_a_courier_name_too_long_is_refused_not_cut(station: Station) -> None:
    place(station, wb(1), "5-1")
    recall(station, wb(1))
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1))
    with pytest.raises(Refused) as exc:
        returns.close(station, batch.id, "Wang " + "x" * 64)
    assert exc.value.code == "too_long"
    assert returns.get(station, batch.id).status == "open"
    assert returns.close(station, batch.id, " Wang\u202e  Wei ").signed_by_name == "Wang Wei"


def test_a_parcel_already_picked_up_is_refused_with_its_status_in_words(station: Station) -> None:
    place(station, wb(3), "5-1", status="picked_up")
    batch = returns.open_batch(station, "JT")
    with pytest.raises(NotFound) as refused:
        return_batch_parcels.add(station, batch.id, wb(3))
    assert refused.value.message("zh") == f"{wb(3)} 不在货架上（状态：已取件）。"
    assert refused.value.message("en") == f"{wb(3)} is not on the shelves (status: picked up)."


def test_opening_a_batch_and_each_parcel_put_in_or_taken_out_is_an_audit_event(station: Station) -> None:
    """Every state change is an audit event: the mark changes what pickup and door delivery do with
    the parcel, so who marked it, when and at which counter must be on the trail before the close."""
    a = place(station, wb(1), "5-1")
    b = place(station, wb(2), "5-2")
    recall(station, wb(1), wb(2))
    batch = returns.open_batch(station, "jt")
    (opened,) = events(station, EventKind.RETURN_BATCH_OPENED)
    assert opened.details == {"batch": batch.id, "carrier": "JT"}
    assert (opened.clerk_id, opened.counter, opened.parcel_id) == (station.clerk_id, station.counter, None)
    return_batch_parcels.add(station, batch.id, wb(1))
    # wb(1) is in already: no change, no event.
    return_batch_parcels.add_many(station, batch.id, [wb(2), wb(2), wb(1)])
    added = events(station, EventKind.RETURN_BATCH_ADDED)
    assert [(e.parcel_id, e.details["batch"], e.details["waybill"]) for e in added] == [
        (a, batch.id, wb(1)),
        (b, batch.id, wb(2)),
    ]
    assert added[0].details["code"] == parcel(station, a).pickup_code
    return_batch_parcels.remove(station, batch.id, wb(2))
    (removed,) = events(station, EventKind.RETURN_BATCH_REMOVED)
    assert (removed.parcel_id, removed.details["batch"], removed.clerk_id) == (b, batch.id, station.clerk_id)
    # A refused change records nothing.
    with pytest.raises(Refused):
        return_batch_parcels.remove(station, batch.id, wb(2))
    with pytest.raises(Refused):
        return_batch_parcels.add(station, batch.id, wb(1))
    assert len(events(station, EventKind.RETURN_BATCH_ADDED)) == 2
    assert len(events(station, EventKind.RETURN_BATCH_REMOVED)) == 1


@pytest.mark.parametrize(
    ("lang", "refused", "waited", "signed"),
    [
        ("en", "refused: not mine", "uncollected for 9 days", "Signed by: Li [/] Wei"),
        ("zh", "拒收：not mine", "滞留9天", "签收人：Li [/] Wei"),
    ],
)
def test_the_manifest_says_why_each_parcel_goes_back_and_who_signed(
    station: Station, clock, lang: str, refused: str, waited: str, signed: str
) -> None:
    """A courier taking parcels back is told why for each: its problem (refused, wrong address,
    damaged...) with its note, or the days it waited uncollected; printed again after the close, it names who signed.
    The manifest listed waybills, codes and check-in days only."""
    from station_console.services.exceptions import problems
    from station_console.services.printing import render

    place(station, wb(1), "5-1", at=clock.now - timedelta(days=9, hours=2))
    place(station, wb(2), "5-1")
    problems.mark(station, wb(2), "refused", "not mine")
    batch = returns.open_batch_with(station, "JT", [wb(1), wb(2)])
    office = CounterSettings(printers={"office": {"language": "pdf", "transport": "dummy"}})

    def document(job_id: int) -> Document:
        with station.read() as s:
            job = s.get(PrintJob, job_id)
        assert job is not None
        return render.manifest_document(station, job.payload, lang)

    before = document(returns.print_manifest(station, batch.id, office))
    reasons = {row[1]: row[-1] for row in before.rows}
    assert reasons == {wb(1): waited, wb(2): refused}
    assert not [m for m in before.meta if "Li" in m]  # nobody has signed yet
    returns.close(station, batch.id, "Li [/] Wei")
    after = document(returns.print_manifest(station, batch.id, office))
    assert signed in after.meta


def test_opening_says_whether_it_found_the_carriers_batch_or_opened_one(station: Station) -> None:
    """The carrier's Enter (or `returns open`) answers the batch; whether it was open already or is new
    was in no word: a clerk could not tell another counter's pile from a fresh one."""
    first = returns.open_batch(station, "JT")
    again = returns.open_batch(station, "JT")
    assert (first.opened, again.opened, again.id) == (True, False, first.id)
    assert (first.to_json()["opened"], again.to_json()["opened"]) == (True, False)
    assert "opened" not in returns.get(station, first.id).to_json()  # only opening's answer says it
    assert returns.get(station, first.id) == again  # a read again is no change


def test_a_close_refused_as_changed_carries_the_batch_as_it_is_now(station: Station) -> None:
    """`batch_changed` said how many it holds; a script also needs which, without asking again."""
    ids = [place(station, wb(n), f"5-{n}") for n in (1, 2)]
    recall(station, wb(1), wb(2))
    batch = returns.open_batch_with(station, "JT", [wb(1), wb(2)])
    with pytest.raises(Refused) as refused:
        returns.close(station, batch.id, "Wang Wei", seen=[ids[0]])
    assert refused.value.code == "batch_changed"
    held = [{"id": ids[0], "waybill": wb(1)}, {"id": ids[1], "waybill": wb(2)}]
    assert refused.value.data == {
        "batch": {"id": batch.id, "number": batch.number, "count": 2, "parcels": held}
    }


def test_a_parcel_another_batch_holds_is_refused(station: Station) -> None:
    """No service leaves a parcel on its shelf in a batch other than its carrier's one open batch (one
    open per carrier; a close returns its parcels), so the guard is reached by rows written directly:
    an on-shelf parcel still marked in a closed batch of its carrier is refused, not moved."""
    pid = place(station, wb(1), "5-1")
    recall(station, wb(1))
    batch = returns.open_batch(station, "JT")

    def stale(session) -> int:  # type: ignore[no-untyped-def]
        other = ReturnBatch(
            carrier_id=parcel(station, pid).carrier_id, status="closed", created_at=station.now()
        )
        session.add(other)
        session.flush()
        row = session.get(Parcel, pid)
        row.return_batch_id = other.id
        session.add(row)
        return other.id or 0

    other_id = station.run(stale)
    with pytest.raises(Refused) as refused:
        return_batch_parcels.add(station, batch.id, wb(1))
    assert refused.value.code == "in_other_batch"
    assert refused.value.message() == f"{wb(1)} is already in return batch RB{other_id:06d}."
    assert parcel(station, pid).return_batch_id == other_id
    assert returns.get(station, batch.id).count == 0
