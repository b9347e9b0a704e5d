"""Undoing a door delivery (scanned back delivered by mistake) at the counter: it is among the
counter's last pickups, its storage fee, settled at the scan-out to the runner, is given back like
any handover's, and its delivery record says undone, so the run and the day's door figures (delivered,
their fees) no longer count it."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import FakeClock
from day_helpers import local
from recipient_helpers import act_as
from sqlmodel import col, select
from station_helpers import configure, events, wb

from db.models import EventKind, FeeEntry, Role
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.day.report import build_report
from station_console.services.delivery import requests, runs, scan_back
from station_console.services.fees.ledger import FeeGivenBack, Settlement, quotes
from station_console.services.pickup.handover import confirm_pickup, recent_pickups
from station_console.services.pickup.undo import undo_pickup, undo_preview
from station_console.services.recipients import directory
from station_console.services.shelves.search import timeline
from station_console.settings import FeeRule

STANDARD = FeeRule(name="standard", free_days=3, per_day_cents=100)


@pytest.fixture
def door(station: Station) -> tuple[Station, int]:
    """A manager at the counter (who may undo), storage fees and a door fee; 李四 has an address."""
    act_as(station, Role.MANAGER, "boss")
    configure(station, storage_fee_rules=[STANDARD], door_delivery_fee_cents=300)
    person = directory.add(
        station, {"name": "李四", "phones": "13800000002", "building": "B2", "room": "502"}
    ).id
    return station, person


def _ledger(station: Station) -> list[tuple[str, int, str | None]]:
    with station.read() as session:
        rows = session.exec(select(FeeEntry).order_by(col(FeeEntry.id))).all()
    return [(e.kind, e.amount_cents, e.method) for e in rows]


def _out(station: Station, n: int, fee: Settlement) -> int:
    """Parcel `n` requested, on a new run, scanned out to the runner with its fee settled."""
    requests.request(station, wb(n))
    run = runs.plan(station, "小刘")
    runs.scan_out(station, run.id, wb(n), fee=fee)
    return run.id


def test_an_undone_door_delivery_gives_its_fee_back_and_leaves_the_door_figures(
    door: tuple[Station, int], clock: FakeClock
) -> None:
    st, person = door
    pid = check_in(st, wb(1), recipient_id=person).parcel_id
    clock.advance(days=4)  # two days charged
    run = _out(st, 1, Settlement("cash", expected_cents=200))
    clock.advance(hours=1)
    scan_back.deliver(st, run, wb(1), received_by="本人")
    # Ctrl+Z on Pickup lists it: the delivery was scanned back at this counter.
    assert [(r.parcel_id, r.method, r.can_undo) for r in recent_pickups(st)] == [(pid, "door", True)]
    preview = undo_preview(st)
    assert [i.parcel_id for i in preview.items] == [pid] and preview.fee == FeeGivenBack({"cash": 200})
    clock.advance(minutes=1)

    assert undo_pickup(st, pid) == FeeGivenBack({"cash": 200})
    assert _ledger(st) == [
        ("charge", 200, None),
        ("payment", 200, "cash"),
        ("charge_reversal", 200, None),
        ("refund", 200, "cash"),
    ]
    assert quotes(st, [pid])[pid].owed_cents == 200  # owed again, whole, at its next handover
    stop = runs.view(st, run).stops[0]
    assert stop.status == "undone" and runs.view(st, run).count("delivered") == 0
    (undone,) = events(st, EventKind.PICKUP_UNDONE)
    assert undone.details["run"] == run
    # Its timeline still says who was recorded as receiving it at the delivery that was undone.
    people = [e for e in timeline(st, wb(1)).events if e.kind == EventKind.PICKED_UP]
    assert [e.details.get("received_by") for e in people] == ["本人"]

    report = build_report(st, with_forecast=False)
    assert "door" not in report  # nothing delivered, failed or out: no door delivery to count
    fees = report["storage_fees"]
    assert fees["reversed"]["refunded_cents"] == {"cash": 200} and fees["balanced"] and report["balanced"]

    # Handed over at the counter after all, it pays what is due then, once.
    confirm_pickup(st, [pid], method="code", scanned=[wb(1)], fee=Settlement("cash", expected_cents=200))
    assert quotes(st, [pid])[pid].owed_cents == 0


def test_only_the_delivered_runs_scan_out_fee_comes_back_and_a_day_it_was_out_over_still_counts_it(
    door: tuple[Station, int], clock: FakeClock
) -> None:
    """Out on a first run that came back undelivered (its fee stays paid, as one settled before a
    handover), out again the next evening, delivered the morning after and undone."""
    st, person = door
    pid = check_in(st, wb(1), recipient_id=person).parcel_id
    clock.advance(days=4)
    first = _out(st, 1, Settlement("cash", expected_cents=200))
    scan_back.fail(st, first, wb(1), reason="not_home")
    evening = date(2026, 11, 30)
    clock.now = local(evening, 20)
    second = _out(st, 1, Settlement("qr", expected_cents=100))
    clock.now = local(date(2026, 12, 1), 9)
    scan_back.deliver(st, second, wb(1), received_by="门卫")
    clock.advance(minutes=1)

    assert undo_pickup(st, pid) == FeeGivenBack({"qr": 100})
    assert _ledger(st)[-2:] == [("charge_reversal", 100, None), ("refund", 100, "qr")]
    owed = quotes(st, [pid])[pid]  # four days by now: the first run's two stay paid
    assert (owed.accrued_cents, owed.billed_cents, owed.owed_cents) == (400, 200, 200)
    assert [s.status for s in runs.view(st, second).stops] == ["undone"]
    assert [s.status for s in runs.view(st, first).stops] == ["failed"]
    # The evening it went out, it was out with the runner at the close: that stays true.
    assert build_report(st, evening, with_forecast=False)["door"]["out_at_close"] == 1
    assert "door" not in build_report(st, with_forecast=False)
