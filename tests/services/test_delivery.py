"""Door delivery: requests, a run in walking order, out to the runner, back delivered or failed (the scans
refused as not belonging to the run: test_delivery_scan_refusals.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FakeClock
from door_campus import Campus, campus_of, checked_in
from recipient_helpers import act_as
from sqlmodel import col, select
from station_helpers import configure, events, layer_figures, parcel, wb

from db.models import (
    CarrierEvent,
    EventKind,
    FeeEntry,
    Notification,
    ParcelStatus,
    PrintJob,
    Role,
)
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.day.reconcile import reconcile
from station_console.services.day.report import build_report
from station_console.services.delivery import requests, runs, scan_back
from station_console.services.exceptions import return_batch_parcels, returns, stocktake, stocktake_close
from station_console.services.fees.ledger import Settlement, quotes
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.lookup import lookup
from station_console.services.pickup.undo import undo_pickup
from station_console.services.recipients import directory
from station_console.services.shelves.search import timeline
from station_console.settings import CounterSettings, EventTarget, FeeRule


@pytest.fixture
def campus(station: Station) -> Campus:
    """Five people in two buildings; 王 has chosen door delivery for good."""
    return campus_of(station)


def test_requests_need_an_address_and_come_once(campus: Campus) -> None:
    st = campus.station
    checked_in(campus, 1, "张三")
    checked_in(campus, 2, "无址")
    stop = requests.request(st, wb(1), source="phone")
    assert (stop.status, stop.address, stop.name, stop.source) == ("requested", "B10-1203", "张三", "phone")
    with pytest.raises(Refused) as again:
        requests.request(st, wb(1))
    assert again.value.code == "already_requested"
    with pytest.raises(Refused) as nowhere:
        requests.request(st, wb(2))
    assert nowhere.value.code == "no_address"
    assert requests.cancel(st, wb(1)).status == "cancelled"
    assert requests.waiting(st) == []
    assert [e.details.get("source") for e in events(st, EventKind.DOOR_REQUESTED)] == ["phone", None]


def test_the_recipients_standing_choice_puts_their_parcels_on_the_next_run(campus: Campus) -> None:
    checked_in(campus, 1, "王五")
    waiting = requests.waiting(campus.station)
    assert [(s.name, s.status, s.source) for s in waiting] == [("王五", "wanted", "preference")]


def test_a_run_walks_building_by_building_floor_by_floor(campus: Campus) -> None:
    st = campus.station
    for n, name in enumerate(("张三", "李四", "赵六", "王五"), start=1):
        checked_in(campus, n, name)
        if name != "王五":
            requests.request(st, wb(n))
    run = runs.plan(st, "小刘")
    assert [(s.stop, s.name, s.address) for s in run.stops] == [
        (1, "王五", "B2-201"),  # B2 before B10; floor 2 before floor 5
        (2, "李四", "B2-502"),
        (3, "赵六", "B2-504"),
        (4, "张三", "B10-1203"),
    ]
    assert {s.status for s in run.stops} == {"planned"} and run.runner == "小刘"
    only_b10 = [s for s in requests.waiting(st)]
    assert only_b10 == []  # everything is on the run now
    with pytest.raises(Refused) as none_left:
        runs.plan(st, "小刘")
    assert none_left.value.code == "nothing_waiting"


def test_a_door_run_with_a_failed_delivery_goes_back_to_its_slot_and_balances_the_day(
    campus: Campus, clock: FakeClock
) -> None:
    st = campus.station
    configure(st, door_delivery_fee_cents=300)
    ids = [checked_in(campus, n, name) for n, name in ((1, "李四"), (2, "王五"), (3, "赵六"))]
    requests.request(st, wb(1))
    requests.request(st, wb(3))
    before = {pid: (parcel(st, pid).pickup_code, parcel(st, pid).layer_id) for pid in ids}
    location = check_in(st, wb(9), recipient_id=campus.people["李四"]).location  # 李四's layer
    used_before = layer_figures(st, location)
    run = runs.plan(st, "小刘")
    clock.advance(minutes=5)
    for n in (1, 2, 3):
        assert runs.scan_out(st, run.id, wb(n)).status == "out"
    # Out with the runner: on the books, not on the shelf.
    assert {parcel(st, pid).status for pid in ids} == {ParcelStatus.ON_SHELF}
    assert layer_figures(st, location) == used_before  # the slot is held for the way back
    found = lookup(st, parcel(st, ids[0]).pickup_code or "")
    assert {r.parcel_id: r.out_for_delivery for r in found.rows}[ids[0]]
    with pytest.raises(Refused) as out:
        confirm_pickup(st, [ids[0]], method="code", scanned=[wb(1)])
    assert out.value.code == "out_for_delivery"
    assert out.value.message("en").endswith("handed over.") and out.value.message("zh").endswith("。")
    midway = reconcile(st)
    assert midway.balanced and midway.totals["closing"] == 4 and midway.totals["picked_up"] == 0

    clock.advance(hours=1)
    done = scan_back.deliver(
        st, run.id, wb(1), received_by="本人", signature_name="李四", photo_ref="IMG_0042.jpg"
    )
    assert done.status == "delivered"
    scan_back.deliver(st, run.id, wb(2), received_by="门卫")
    failed = scan_back.fail(st, run.id, wb(3), reason="not_home", note="敲门无人")
    assert failed.status == "failed"
    back = parcel(st, ids[2])
    assert (back.status, back.delivery_run_id) == (ParcelStatus.ON_SHELF, None)
    assert (back.pickup_code, back.layer_id) == before[ids[2]]  # its slot and code, unchanged
    gone = parcel(st, ids[0])
    assert (gone.status, gone.pickup_method) == (ParcelStatus.PICKED_UP, "door")
    with st.read() as session:
        told = session.exec(select(Notification).where(Notification.kind == "delivery_failed")).all()
    assert [(n.parcel_id, n.payload["reason"]) for n in told] == [(ids[2], "not_home")]

    closed = runs.close(st, run.id)
    assert (closed.status, closed.count("delivered"), closed.count("failed")) == ("closed", 2, 1)
    day = reconcile(st)
    assert day.balanced and day.totals["picked_up"] == 2 and day.totals["closing"] == 2
    report = build_report(st)
    assert report["door"] == {"delivered": 2, "failed": 1, "fees_cents": 600, "out_at_close": 0}
    # The failed one can be picked up at the counter now.
    confirm_pickup(st, [ids[2]], method="code", scanned=[wb(3)])
    assert reconcile(st).balanced

    kinds = [e.kind for e in timeline(st, wb(1)).events]
    assert kinds == ["checked_in", "door_requested", "out_for_delivery", "picked_up"]
    shown = timeline(st, wb(1)).events[-1].details  # the timeline names who received it ...
    assert (shown["method"], shown["received_by"], shown["signature"]) == ("door", "本人", "李四")
    recorded = events(st, EventKind.PICKED_UP)[0].details  # ... the audit event never does
    assert recorded["method"] == "door" and "李四" not in str(recorded) and "本人" not in str(recorded)


def test_a_parcel_out_at_the_close_counts_as_closing_and_the_close_holds(
    campus: Campus, clock: FakeClock
) -> None:
    st = campus.station
    checked_in(campus, 1, "王五")
    run = runs.plan(st, "小刘")
    runs.scan_out(st, run.id, wb(1))
    report = build_report(st)
    assert report["balanced"] and report["totals"]["closing"] == 1
    assert report["door"] == {"delivered": 0, "failed": 0, "fees_cents": 0, "out_at_close": 1}
    info = close_day(st, early=True)  # before closing time: the manager confirmed
    clock.advance(hours=2)
    scan_back.deliver(st, run.id, wb(1), received_by="王五")  # after the close: the next business day's
    assert build_report(st, info.day)["closed"]["matches"]
    assert st.business_day() == info.day + timedelta(days=1)
    assert reconcile(st).balanced and build_report(st)["door"]["delivered"] == 1


def test_a_day_without_door_deliveries_reports_none(campus: Campus) -> None:
    checked_in(campus, 1, "张三")
    assert "door" not in build_report(campus.station)  # a day closed before door delivery keeps its hash


def test_parcels_never_scanned_out_wait_for_the_next_run(campus: Campus) -> None:
    st = campus.station
    checked_in(campus, 1, "王五")
    checked_in(campus, 2, "李四")
    requests.request(st, wb(2))
    run = runs.plan(st, "小刘")
    runs.scan_out(st, run.id, wb(1))
    scan_back.deliver(st, run.id, wb(1), received_by="王五")
    closed_run = runs.close(st, run.id)
    assert closed_run.status == "closed"
    assert [(s.name, s.status) for s in requests.waiting(st)] == [("李四", "requested")]
    # The close says how many wait (the screen's line, the audit trail's detail); a later read, none.
    assert closed_run.waiting_next_run == 1 and runs.view(st, run.id).waiting_next_run == 0
    (closing,) = [e for e in events(st, EventKind.DELIVERY_RUN_CHANGED) if e.details["change"] == "closed"]
    assert closing.details["waiting_next_run"] == 1 and closing.details["delivered"] == 1
    with pytest.raises(Refused) as closed:
        runs.scan_out(st, run.id, wb(2))
    assert closed.value.code == "run_closed"


def test_out_for_delivery_is_not_missing_at_a_stocktake_and_cannot_be_moved_or_returned(
    campus: Campus,
) -> None:
    st = campus.station
    result = check_in(st, wb(1), recipient_id=campus.people["王五"])
    run = runs.plan(st, "小刘")
    runs.scan_out(st, run.id, wb(1))
    take = stocktake.start(st, result.shelf)
    assert [i.waybill for i in take.items["missing"]] == []
    batch = returns.open_batch(st, "JT")
    with pytest.raises(Refused) as back:
        return_batch_parcels.add(st, batch.id, wb(1))
    assert back.value.code == "out_for_delivery"
    from station_console.services.shelves import moves

    with pytest.raises(Refused) as move:
        moves.move_parcel(st, wb(1), result.location)
    assert move.value.code == "out_for_delivery"


def test_a_parcel_planned_on_a_run_is_on_its_shelf_for_a_stocktake_until_scanned_out(
    campus: Campus,
) -> None:
    """On the run's sheet but not taken out, it stands in its slot: expected there (missing unscanned,
    markable missing while the run is open), and a scan of it is a match."""
    st = campus.station
    first = check_in(st, wb(1), recipient_id=campus.people["王五"])
    check_in(st, wb(2), recipient_id=campus.people["王五"])
    run = runs.plan(st, "小刘")
    assert [s.status for s in run.stops] == ["planned", "planned"]
    take = stocktake.start(st, first.shelf)
    assert [i.waybill for i in take.items["missing"]] == [wb(1), wb(2)]
    assert stocktake.scan(st, take.id, wb(1)).classification == "match"
    closed = stocktake_close.close(st, take.id, mark_missing=[wb(2)])
    assert closed.result["fixes"]["marked_missing"] == [wb(2)] and closed.result["matched"] == [wb(1)]
    assert runs.view(st, run.id).status == "open"


def test_a_parcel_out_on_a_run_found_at_a_stocktake_is_an_extra_left_for_its_run(campus: Campus) -> None:
    """Out with the runner by the records, found on the shelf: not a match (it is on no shelf by the
    records) nor a parcel to check in again; the close leaves it out, for the run to scan it back."""
    st = campus.station
    first = check_in(st, wb(1), recipient_id=campus.people["王五"])
    run = runs.plan(st, "小刘")
    runs.scan_out(st, run.id, wb(1))
    take = stocktake.start(st, first.shelf)
    found = stocktake.scan(st, take.id, wb(1))
    assert (found.classification, found.out_on_run) == ("extra", run.id)
    view = stocktake.view(st, take.id)
    assert view.counts["match"] == 0 and stocktake_close.all_fixes(view)["recheck_in"] == []
    stocktake_close.close(st, take.id, **stocktake_close.all_fixes(view))
    assert [s.status for s in runs.view(st, run.id).stops] == ["out"]
    with pytest.raises(Refused) as still_out:
        runs.close(st, run.id)
    assert still_out.value.code == "still_out"


def test_door_delivery_needs_someone_signed_in(campus: Campus) -> None:
    st = campus.station
    checked_in(campus, 1, "王五")
    st.clerk_id = st.clerk_role = None
    for call in (
        lambda: requests.waiting(st),
        lambda: runs.plan(st, "x"),
        lambda: requests.request(st, wb(1)),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_the_run_sheet_is_queued_for_a_receipt_printer_without_names_in_the_job(campus: Campus) -> None:
    st = campus.station
    checked_in(campus, 1, "王五")
    run = runs.plan(st, "小刘")
    from station_console.services.delivery import sheet

    with pytest.raises(Refused):
        sheet.print_sheet(st, run.id, CounterSettings())  # no printer on this counter
    labels_only = CounterSettings(printer={"name": "label", "language": "tspl", "transport": "dummy"})
    with pytest.raises(Refused) as refused:
        sheet.print_sheet(st, run.id, labels_only)  # named as itself, not as another document
    assert refused.value.code == "cannot_print" and "print a delivery run sheet" in refused.value.message(
        "en"
    )
    assert "派送单" in refused.value.message("zh") and "退件清单" not in refused.value.message("zh")
    counter = CounterSettings(printer={"language": "escpos", "transport": "dummy", "paper_mm": 80})
    job_id = sheet.print_sheet(st, run.id, counter)
    with st.read() as session:
        job = session.get(PrintJob, job_id)
    assert job is not None and job.kind == "manifest" and job.payload["sheet"] == "delivery_run"
    assert job.payload["stops"][0]["address"] == "B2-201" and "王五" not in str(job.payload)


# -- with carrier data: storage fees and the carrier's events ------------------------------------------


def test_a_storage_fee_due_is_settled_at_the_scan_out_and_the_delivery_is_reported_to_the_carrier(
    campus: Campus, clock: FakeClock, tmp_path: Path
) -> None:
    st = campus.station
    configure(
        st,
        storage_fee_rules=[FeeRule(name="standard", free_days=3, per_day_cents=100)],
        carrier_event_targets={"*": EventTarget(channel="file", folder=str(tmp_path))},
    )
    owing = checked_in(campus, 1, "李四")
    second = checked_in(campus, 2, "赵六")
    clock.advance(days=4)  # two days past the free ones: 2.00 owed
    fresh = checked_in(campus, 3, "赵六")
    for n in (1, 2, 3):
        requests.request(st, wb(n))
    run = runs.plan(st, "小刘")
    act_as(st, Role.CLERK, "ann")
    with pytest.raises(Refused) as due:
        runs.scan_out(st, run.id, wb(1))
    assert due.value.code == "fee_due" and "2.00 CNY" in due.value.message()
    assert parcel(st, owing).delivery_run_id is None  # nothing written: still on the shelf
    owed = runs.fee_due(st, run.id, wb(1))
    assert (owed.cents, owed.recipient_name, owed.masked_phone) == (200, "李四", "138****0002")
    with pytest.raises(PermissionDenied):  # a clerk cannot waive it
        runs.scan_out(st, run.id, wb(1), fee=Settlement("waive", reason="asked nicely"))
    assert runs.scan_out(st, run.id, wb(1), fee=Settlement("qr", expected_cents=200)).status == "out"
    runs.scan_out(st, run.id, wb(2), fee=Settlement("qr", expected_cents=200))  # 赵六's own 2.00
    assert runs.scan_out(st, run.id, wb(3)).status == "out"  # in its free days: nothing asked
    assert runs.fee_due(st, run.id, wb(3)) == runs.FeeOwed(0, None)
    with st.read() as session:
        ledger = [(e.parcel_id, e.kind, e.amount_cents) for e in session.exec(select(FeeEntry)).all()]
    assert sorted(ledger) == sorted(
        [(owing, "charge", 200), (owing, "payment", 200), (second, "charge", 200), (second, "payment", 200)]
    )
    out = events(st, EventKind.OUT_FOR_DELIVERY)
    assert [e.details.get("storage_fee_cents") for e in out] == [200, 200, None]

    clock.advance(days=1)  # the run comes back after midnight: storage ended at the scan-out
    scan_back.deliver(st, run.id, wb(1), received_by="本人")
    scan_back.deliver(st, run.id, wb(3), received_by="门卫")
    scan_back.fail(st, run.id, wb(2), reason="not_home")
    with st.read() as session:
        assert len(session.exec(select(FeeEntry)).all()) == 4  # nothing charged at the door
        sent = session.exec(select(CarrierEvent).order_by(col(CarrierEvent.id))).all()
    door = [(e.parcel_id, e.payload["method"]) for e in sent if e.kind == "door_delivered"]
    assert door == [(owing, "door"), (fresh, "door")]
    assert not [e for e in sent if e.parcel_id == second and e.kind != "checked_in"]  # failed: no event
    assert "本人" not in str([e.payload for e in sent])  # who received it stays at the station
    # The failed one, back on its shelf, owes only the day since its scan-out at the counter.
    assert quotes(st, [second])[second].owed_cents == 100
    assert reconcile(st).balanced
    act_as(st, Role.MANAGER, "boss2")
    undo_pickup(st, fresh)  # scanned back delivered by mistake: its door event is withdrawn, unsent
    with st.read() as session:
        withdrawn = session.exec(
            select(CarrierEvent.status).where(
                CarrierEvent.parcel_id == fresh, CarrierEvent.kind == "door_delivered"
            )
        ).all()
    assert withdrawn == ["cancelled"]


def test_a_fee_paid_at_the_scan_out_queues_its_receipt_with_it(campus: Campus, clock: FakeClock) -> None:
    """The runner carries no storage money: the counter prints the receipt as the fee is paid."""
    st = campus.station
    configure(st, storage_fee_rules=[FeeRule(name="standard", free_days=3, per_day_cents=100)])
    owing = checked_in(campus, 1, "李四")
    clock.advance(days=4)
    requests.request(st, wb(1))
    run = runs.plan(st, "小刘")
    act_as(st, Role.CLERK, "ann")

    def receipts() -> list[dict[str, object]]:
        with st.read() as session:
            found = session.exec(select(PrintJob).where(PrintJob.kind == "receipt")).all()
        return [j.payload for j in found if j.payload.get("flow") == "fees"]

    with pytest.raises(Refused):
        runs.scan_out(st, run.id, wb(1), fee=Settlement("qr", expected_cents=100))  # not what is due
    assert receipts() == []
    runs.scan_out(st, run.id, wb(1), fee=Settlement("qr", expected_cents=200))
    (paid,) = receipts()
    assert (paid["method"], paid["total_cents"], paid["clerk"]) == ("qr", 200, "ann")
    lines: list[dict[str, object]] = paid["parcels"]  # type: ignore[assignment]
    # The parcel by its waybill's tail, never its pickup code (live again if the run brings it back).
    assert [(p["waybill_tail"], "code" in p) for p in lines] == [(parcel(st, owing).waybill[-4:], False)]


def test_a_wrong_run_is_said_before_any_printer(campus: Campus) -> None:
    from station_console.services.delivery import sheet

    with pytest.raises(NotFound) as missing:
        sheet.print_sheet(campus.station, 999, CounterSettings())  # no printer on this counter either
    assert missing.value.code == "no_run" and "DR000999" in missing.value.message("en")


def test_the_fee_question_names_the_phone_the_run_shows_for_the_parcel(
    campus: Campus, clock: FakeClock
) -> None:
    """A person of the directory with two phones, their parcel come with the second: the run and the
    fee question both name that one, masked, not the directory's first for one and the parcel's for the
    other."""
    st = campus.station
    configure(st, storage_fee_rules=[FeeRule(name="standard", free_days=3, per_day_cents=100)])
    two = directory.add(
        st, {"name": "钱七", "phones": "13800000007, 13900000008", "building": "B2", "room": "301"}
    ).id
    check_in(st, wb(1), recipient_id=two, phone="13900000008")
    clock.advance(days=4)
    requests.request(st, wb(1))
    run = runs.plan(st, "小刘")
    (stop,) = run.stops
    owed = runs.fee_due(st, run.id, wb(1))
    assert owed.cents == 200
    assert stop.masked_phone == owed.masked_phone == "139****0008"
    assert "13900000008" not in str(run.to_json()) and "13900000008" not in str(owed)


def test_the_close_names_the_sheet_parcels_that_left_their_shelves_or_moved_and_why(campus: Campus) -> None:
    from station_console.services.shelves.moves import move_parcel

    st = campus.station
    ids = [checked_in(campus, n, name) for n, name in ((1, "王五"), (2, "李四"), (3, "赵六"))]
    requests.request(st, wb(2))
    requests.request(st, wb(3))
    run = runs.plan(st, "小刘")
    assert len(run.stops) == 3
    runs.scan_out(st, run.id, wb(1))
    scan_back.deliver(st, run.id, wb(1), received_by="王五")
    confirm_pickup(st, [ids[1]], method="code", scanned=[wb(2)])  # at the counter, while on the sheet
    target = "3-1" if run.stops[2].shelf_location != "3-1" else "2-4"
    moved = move_parcel(st, wb(3), target)
    closed = runs.close(st, run.id)
    assert [(g.waybill, g.why) for g in closed.gone] == [
        (wb(2), "picked up at the counter"),
        (wb(3), "moved"),
    ]
    assert closed.gone[1].place == target and closed.gone[1].code == parcel(st, ids[2]).pickup_code
    said = closed.closing_said()
    assert f"No longer on this run: {wb(2)} (picked up at the counter)" in said
    assert f"{wb(3)} (moved to {target}, code {moved.pickup_code}: it waits there for the next run)" in said
    assert said.startswith("1 parcel never taken out stays on its shelf")  # the moved one waits
    (closing,) = [e for e in events(st, EventKind.DELIVERY_RUN_CHANGED) if e.details["change"] == "closed"]
    assert closing.details["off_run"] == 2 and closing.details["waiting_next_run"] == 1
    assert runs.view(st, run.id).gone == ()  # a later read says nothing of it
