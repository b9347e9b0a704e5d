"""A pickup on a day since closed cannot be undone: the close froze its figures (the pickup counted,
its storage fee paid), and an undo would take the parcel and its fee back off that day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import FakeClock
from day_helpers import local
from pickup_helpers import as_clerk, configure, receive, zto
from sqlmodel import col, select

from db.models import FeeEntry, Parcel
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.day.report import build_report
from station_console.services.fees.ledger import Settlement
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.undo import undo_pickup
from station_console.settings import FeeRule

D = date(2026, 11, 25)


def test_a_pickup_of_a_closed_day_is_not_undone_nor_its_fee_given_back(
    station: Station, clock: FakeClock
) -> None:
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=3, per_day_cents=100)])
    clerk = as_clerk(station, "ann")
    boss = as_clerk(station, "boss", role="manager")
    clock.now = local(D - timedelta(days=4), 10)
    done = receive(clerk, 1)
    clock.now = local(D, 20, 50)
    confirm_pickup(clerk, [done.parcel_id], method="code", scanned=[zto(1)], fee=Settlement("cash"))
    clock.now = local(D, 20, 52)
    close_day(boss, D, early=True)
    clock.now = local(D, 20, 54)  # within the undo window, but the day it undoes is closed
    with pytest.raises(Refused) as refused:
        undo_pickup(boss, done.parcel_id)
    assert refused.value.code == "day_closed"
    with station.read() as session:
        assert session.get(Parcel, done.parcel_id).status == "picked_up"  # type: ignore[union-attr]
        kinds = session.exec(select(FeeEntry.kind).order_by(col(FeeEntry.id))).all()
    assert list(kinds) == ["charge", "payment"]
    assert build_report(station, D, with_forecast=False)["closed"]["matches"] is True
