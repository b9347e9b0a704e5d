"""A storage fee settled at one counter while another counter hands the same parcel over, or settles it
too: the fee is charged once, and a parcel that left meanwhile is refused, never charged after it left."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from conftest import FakeClock
from pickup_helpers import as_clerk, configure, receive, zto
from saves_at_once import other_save_before
from sqlmodel import col, select

from db.engine import is_sqlite
from db.models import FeeEntry, Parcel, ParcelStatus, Role
from station_console.errors import NotFound, Refused
from station_console.services.core.station import Station
from station_console.services.fees.ledger import Settlement, settle
from station_console.services.pickup.handover import confirm_pickup
from station_console.settings import FeeRule


@pytest.fixture
def fees(station: Station) -> Station:
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=3, per_day_cents=100)])
    return station


def entries(station: Station, parcel_id: int) -> list[tuple[str, int, str]]:
    with station.read() as session:
        rows = session.exec(
            select(FeeEntry).where(FeeEntry.parcel_id == parcel_id).order_by(col(FeeEntry.id))
        )
        return [(e.kind, e.amount_cents, e.counter) for e in rows]


def test_a_waiver_while_another_counter_hands_the_parcel_over_charges_once(
    fees: Station, clock: FakeClock
) -> None:
    """PostgreSQL: the manager's waiver read the parcel on the shelf and nothing charged, the other
    counter's handover then charged and took the payment, and the waiver charged the same days again on
    a parcel already gone: 2.00 owed, 4.00 charged. The waiver now holds the parcel's row, so the
    handover waits for it and finds the fee settled (or the waiver finds the parcel gone)."""
    done = receive(fees, 1)
    clock.advance(days=4)  # two days charged
    busy = threading.Event()
    boss = replace(as_clerk(fees, "Boss", Role.MANAGER, counter="counter-1"), on_busy=busy.set)
    ann = replace(as_clerk(fees, "Ann", counter="counter-2"), on_busy=busy.set)
    waiting = busy.is_set if is_sqlite(fees.engine) else None

    def hand_over() -> object:
        return confirm_pickup(ann, [done.parcel_id], method="code", scanned=[zto(1)], fee=Settlement("cash"))

    with other_save_before(boss, "INSERT INTO fee_entry", hand_over, waiting) as outcome:
        try:
            waived: object = settle(
                boss, done.parcel_id, Settlement("waive", reason="shelf closed for repairs")
            )
        except (NotFound, Refused) as exc:
            waived = exc
    (handed,) = outcome
    assert handed == [done.parcel_id]
    with fees.read() as session:
        assert session.get(Parcel, done.parcel_id).status == ParcelStatus.PICKED_UP  # type: ignore[union-attr]
    charged = [amount for kind, amount, _ in entries(fees, done.parcel_id) if kind == "charge"]
    assert charged == [200]
    if waived == 200:  # the waiver came first: the handover took no money
        assert [k for k, _, _ in entries(fees, done.parcel_id)] == ["charge", "waiver"]
    else:
        assert isinstance(waived, NotFound) and waived.code == "not_on_shelf", waived
        assert [k for k, _, _ in entries(fees, done.parcel_id)] == ["charge", "payment"]


def test_two_counters_taking_one_fee_at_once_charge_it_once(fees: Station, clock: FakeClock) -> None:
    """PostgreSQL: both read nothing charged and both charged and took the money."""
    done = receive(fees, 1)
    clock.advance(days=3)  # one day charged
    busy = threading.Event()
    ann = replace(as_clerk(fees, "Ann", counter="counter-1"), on_busy=busy.set)
    bob = replace(as_clerk(fees, "Bob", counter="counter-2"), on_busy=busy.set)
    waiting = busy.is_set if is_sqlite(fees.engine) else None

    def other_counter() -> object:
        return settle(bob, done.parcel_id, Settlement("qr"))

    with other_save_before(ann, "INSERT INTO fee_entry", other_counter, waiting) as outcome:
        first = settle(ann, done.parcel_id, Settlement("cash"))
    (second,) = outcome
    assert first == 100
    assert isinstance(second, Refused) and second.code == "no_fee_due", second
    assert [(k, a) for k, a, _ in entries(fees, done.parcel_id)] == [("charge", 100), ("payment", 100)]
