"""Day close: manager only, hashed canonical figures, and a closed day refuses back-dated changes."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
from day_helpers import act_as_manager, add_clerk, leave, local, put, tamper, undo_checkin
from sqlmodel import select

from db.models import DayClose, ParcelEvent
from station_console.errors import PermissionDenied, Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.day.close import canonical, close_day
from station_console.services.day.report import build_report

D = date(2026, 11, 25)


@pytest.fixture
def busy_day(station: Station, clock: object) -> list[int]:
    ids = [put(station, f"JT{i:013d}", "JT", local(D, 9, i)) for i in range(3)]
    leave(station, ids[0], "picked_up", local(D, 10))
    clock.now = local(D, 21)  # type: ignore[attr-defined]
    return ids


def test_a_clerk_cannot_close_the_day(station: Station, busy_day: list[int]) -> None:
    station.clerk_id, station.clerk_role = add_clerk(station, "ann"), "clerk"
    with pytest.raises(PermissionDenied):
        close_day(station, D)
    with station.read() as session:
        assert session.exec(select(DayClose)).all() == []


def test_close_stores_canonical_figures_their_hash_and_who(station: Station, busy_day: list[int]) -> None:
    act_as_manager(station, "mei")
    info = close_day(station, D)
    with station.read() as session:
        row = session.exec(select(DayClose)).one()
        event = session.exec(select(ParcelEvent).where(ParcelEvent.kind == "day_closed")).one()
    assert row.business_day == D and row.closed_by == station.clerk_id
    assert hashlib.sha256(row.figures.encode()).hexdigest() == row.sha256 == info.sha256
    figures = json.loads(row.figures)
    assert row.figures == canonical(figures) and " " not in row.figures.replace("Parcel Station", "")
    assert figures["totals"]["checked_in"] == 3 and figures["totals"]["closing"] == 2
    assert event.details["sha256"] == row.sha256
    report = build_report(station, D)
    assert report["closed"]["by"] == "mei" and report["closed"]["sha256"] == row.sha256
    assert report["closed"]["matches"] is True


def test_a_closed_day_refuses_a_back_dated_change(
    station: Station, busy_day: list[int], clock: object
) -> None:
    act_as_manager(station)
    close_day(station, D)
    with pytest.raises(Refused) as refused:
        leave(station, busy_day[1], "picked_up", local(D, 20))  # back-dated into the closed day
    assert refused.value.code == "day_closed"
    with pytest.raises(Refused) as late:
        check_in(station, "JT0000000009999", phone="5678")  # the clock is still on the closed day
    assert late.value.code == "day_closed"
    clock.now = local(D + timedelta(days=1), 9)  # type: ignore[attr-defined]
    with pytest.raises(Refused, match="closed"):
        undo_checkin(station, busy_day[2], clock.now)  # type: ignore[attr-defined]  # undoes a closed day's check-in
    leave(station, busy_day[1], "picked_up", clock.now)  # type: ignore[attr-defined]  # today: fine
    report = build_report(station, D)
    assert report["closed"]["matches"] is True and report["totals"]["closing"] == 2


def test_a_record_changed_behind_the_close_no_longer_matches(station: Station, busy_day: list[int]) -> None:
    act_as_manager(station)
    close_day(station, D)
    tamper(station, busy_day[1], checked_in_at=local(D + timedelta(days=1), 9))  # bypasses every service
    report = build_report(station, D)
    assert report["closed"]["matches"] is False
    assert [d["parcel_id"] for d in report["differences"]] == [busy_day[1]]


def test_a_day_closes_once_and_never_in_the_future(station: Station, busy_day: list[int]) -> None:
    act_as_manager(station)
    close_day(station, D)
    with pytest.raises(Refused) as again:
        close_day(station, D)
    assert again.value.code == "already_closed"
    with pytest.raises(Refused) as future:
        close_day(station, D + timedelta(days=1))
    assert future.value.code == "future_day"


def test_an_unbalanced_day_is_refused_unless_forced(station: Station, busy_day: list[int]) -> None:
    act_as_manager(station)
    tamper(station, busy_day[1], status="written_off")  # no time, no event
    with pytest.raises(Refused) as refused:
        close_day(station, D)
    assert refused.value.code == "not_balanced"
    info = close_day(station, D, allow_unbalanced=True)
    assert len(info.sha256) == 64
