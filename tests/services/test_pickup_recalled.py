"""A recalled parcel (its carrier or sender asked for it back) goes back, not to the customer: the
handover refuses it unless the recall is resolved first or a manager hands it over with a reason."""

from __future__ import annotations

import pytest
from conftest import FakeClock
from pickup_helpers import as_clerk, events, parcel, receive
from station_helpers import recall

from db.models import EventKind, ParcelStatus, Role
from station_console.errors import PermissionDenied, Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.services.pickup import handover as pickup
from station_console.services.pickup.undo import undo_pickup

ANN = "13812345678"


def test_a_recalled_parcel_is_refused_at_pickup_and_nothing_is_handed_over(
    station: Station, clock: FakeClock
) -> None:
    kept, recalled = receive(station, 1, phone=ANN), receive(station, 2, phone=ANN)
    recall(station, recalled.waybill)
    clerk = as_clerk(station, "li")
    found = pickup.lookup(clerk, ANN[-4:])
    row = found.row_for_waybill(recalled.waybill)
    assert row is not None and row.problem_kind == "recalled" and row.problem_at is not None
    ids, scanned = [r.parcel_id for r in found.rows], [r.waybill for r in found.rows]
    with pytest.raises(Refused) as info:
        pickup.confirm_pickup(clerk, ids, method=found.method, scanned=scanned)
    date = clock.now.astimezone(station.zone()).strftime("%Y-%m-%d")
    assert info.value.code == "recalled"
    assert info.value.reason() == (
        f"{recalled.waybill} was recalled by its carrier or sender on {date}: it goes back, not to the "
        "customer. Nothing was handed over."
    )
    assert "resolve it on the Problems screen" in info.value.message()
    assert info.value.reason("zh").startswith(f"{recalled.waybill} 已于 {date} 被快递公司或寄件人拦截召回：")
    for p in (kept, recalled):
        assert parcel(station, p.parcel_id).status == ParcelStatus.ON_SHELF
    assert events(station, EventKind.PICKED_UP) == []
    # The customer's other parcel still goes, and the recalled one once its recall is resolved.
    assert pickup.confirm_pickup(clerk, [kept.parcel_id], method=found.method, scanned=[kept.waybill])
    problems.resolve(clerk, recalled.waybill, "sender called it off")
    done = pickup.confirm_pickup(clerk, [recalled.parcel_id], method="code", scanned=[recalled.waybill])
    assert done == [recalled.parcel_id]


def test_a_clerk_cannot_override_a_recall_a_manager_can_with_a_reason(station: Station) -> None:
    p = receive(station, 1, phone=ANN)
    recall(station, p.waybill)
    clerk = as_clerk(station, "li")
    with pytest.raises(PermissionDenied):
        pickup.confirm_pickup(
            clerk, [p.parcel_id], method="code", scanned=[p.waybill], recall_reason="sender called it off"
        )
    manager = as_clerk(station, "wang", role=Role.MANAGER)
    with pytest.raises(Refused) as info:  # a reason of marks alone gives none
        pickup.confirm_pickup(manager, [p.parcel_id], method="code", scanned=[p.waybill], recall_reason="[/]")
    assert info.value.code == "recalled"
    pickup.confirm_pickup(
        manager, [p.parcel_id], method="code", scanned=[p.waybill], recall_reason="sender called it off"
    )
    assert parcel(station, p.parcel_id).status == ParcelStatus.PICKED_UP
    (event,) = events(station, EventKind.PICKED_UP)
    assert event.details["recall_overridden"] == "sender called it off"


def test_a_recall_overridden_at_pickup_is_closed_with_it_and_back_if_the_pickup_is_undone(
    station: Station,
) -> None:
    """Handed over on a manager's override, the parcel has left the station: its recall is settled, not
    left open on it. Undone, it is on the shelf again and still goes back: the recall returns as it was."""
    p = receive(station, 1, phone=ANN)
    recall(station, p.waybill)
    before = parcel(station, p.parcel_id)
    manager = as_clerk(station, "wang", role=Role.MANAGER)
    pickup.confirm_pickup(
        manager, [p.parcel_id], method="code", scanned=[p.waybill], recall_reason="sender ok"
    )
    left = parcel(station, p.parcel_id)
    assert (left.status, left.problem_kind, left.problem_note) == (ParcelStatus.PICKED_UP, None, None)
    (closed,) = events(station, EventKind.PROBLEM_RESOLVED)
    assert (closed.details["kind"], closed.details["recall_overridden"]) == ("recalled", "sender ok")
    undo_pickup(manager, p.parcel_id)
    back = parcel(station, p.parcel_id)
    assert back.status == ParcelStatus.ON_SHELF
    assert (back.problem_kind, back.problem_note) == ("recalled", "Sender asked for it back")
    assert back.problem_at == before.problem_at
    with pytest.raises(Refused) as info:
        pickup.confirm_pickup(manager, [p.parcel_id], method="code", scanned=[p.waybill])
    assert info.value.code == "recalled"
