"""Stocktake: a parcel recorded as having left the station and found on a shelf is put back, by a manager only, flagged."""

from __future__ import annotations

import pytest
from shelf_helpers import events, place, place_picked_up, wb
from sqlmodel import select
from station_helpers import act_as_new_clerk

from db.models import EventKind, ParcelStatus, Role
from station_console.errors import PermissionDenied
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.day.report import build_report
from station_console.services.day.summary import summary_lines
from station_console.services.exceptions import stocktake, stocktake_close


def test_a_parcel_recorded_as_picked_up_and_found_is_put_back_only_without_a_message(
    station: Station, tmp_path
) -> None:
    """Someone got a wrong parcel, or the pickup was recorded on the wrong one: it is no new arrival.
    Checking it in again as new gave it a new code and told its customer (here through the pre-alert's
    phone) that it was ready, though the records say they have it."""
    from prealert_helpers import sign_in, write_csv

    from db.models import Clerk, Notification
    from station_console.services.prealerts.importer import import_file

    sign_in(station, "importer")
    import_file(
        station, write_csv(tmp_path / "sf.csv", ["waybill", "phone"], [["SF1400000000011", "13812345678"]])
    )
    with station.read() as s:
        clerk = s.exec(select(Clerk.name).where(Clerk.id == station.clerk_id)).one()
    local = place_picked_up(station)
    take = stocktake.start(station, "1-1")
    item = stocktake.scan(station, take.id, "SF1400000000011")
    assert (item.classification, item.left_at, item.left_by) == ("extra", local, clerk)
    fixes = stocktake_close.all_fixes(stocktake.view(station, take.id))
    assert (fixes["recheck_in"], fixes["put_back"]) == ([], ["SF1400000000011"])

    refused = stocktake_close.close(station, take.id, recheck_in=["SF1400000000011"])  # as new: refused
    (failure,) = refused.result["fixes"]["failed"]
    assert failure["fix"] == "recheck_in" and local in failure["reason"]
    assert refused.result["fixes"]["rechecked"] == [] and events(station, EventKind.CHECKED_IN) == []

    again = stocktake.start(station, "1-1")
    stocktake.scan(station, again.id, "SF1400000000011")
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    closed = stocktake_close.close(station, again.id, put_back=["SF1400000000011"])
    (put,) = closed.result["fixes"]["put_back"]
    assert put["waybill"] == "SF1400000000011" and put["pickup_code"]
    (checked_in,) = events(station, EventKind.CHECKED_IN)
    assert (
        checked_in.details["stocktake"] == again.id and checked_in.details["redelivery"] is False
    )  # it never left
    with station.read() as s:
        assert s.exec(select(Notification)).all() == []  # no "your parcel is ready"


def test_a_put_back_parcel_is_flagged_for_the_manager_with_when_and_by_whom_it_left(station: Station) -> None:
    """Put back, it was on the shelf with a new code and no flag: the manager learnt of it only from a
    notice, though someone may have been handed a wrong parcel. It is a problem parcel (on Problems)
    from the put-back's own transaction, and the close's figures count it."""
    from db.models import Clerk, Parcel, ProblemKind
    from station_console.services.exceptions import problems

    act_as_new_clerk(station, "Boss", Role.MANAGER)  # a put-back is a manager's
    with station.read() as s:
        clerk = s.exec(select(Clerk.name).where(Clerk.id == station.clerk_id)).one()
    returned = station.now().replace(hour=10, minute=5, second=0, microsecond=0)
    place(
        station,
        wb(7),
        "1-1",
        status=ParcelStatus.RETURNED,
        returned_at=returned,
        returned_by=station.clerk_id,
    )
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, wb(7))
    closed = stocktake_close.close(station, take.id, put_back=[wb(7)])
    local = returned.astimezone(station.zone()).strftime("%Y-%m-%d %H:%M")
    with station.read() as s:
        back = s.exec(
            select(Parcel).where(Parcel.waybill == wb(7), Parcel.status == ParcelStatus.ON_SHELF)
        ).one()
    assert (back.problem_kind, back.problem_note) == (
        ProblemKind.PUT_BACK,
        f"Found on the shelf at stocktake {take.id} by {clerk} at {station.counter} after it was recorded as "
        f"returned to the courier on {local} by {clerk}",
    )
    assert back.problem_at == back.checked_in_at  # flagged as it was put back, not later
    assert [row.waybill for row in problems.list_problems(station)] == [wb(7)]
    (marked,) = events(station, EventKind.PROBLEM_MARKED)
    assert (marked.parcel_id, marked.details["kind"], marked.details["stocktake"]) == (
        back.id,
        "put_back",
        take.id,
    )
    assert closed.result["fixes"]["put_back"][0]["pickup_code"] == back.pickup_code
    report = build_report(station, station.business_day(station.now()))
    # A stray checked in at the close is one the station had no record of: not checked in "again".
    assert (
        "fixes: relocated 0, marked missing 0, checked in (not on record here) 0, put back 1, not applied 0"
        in "\n".join(summary_lines(report))
    )
    set_language("zh")
    try:
        assert "入库（本站无记录）0、放回 1、未完成 0" in "\n".join(summary_lines(report))
    finally:
        set_language("en")


def test_only_a_manager_puts_back_a_parcel_recorded_as_having_left(station: Station) -> None:
    """A put-back undoes what the record says (picked up, returned, written off) and gives the parcel a
    new code without a message: a manager's act, as undoing a pickup and writing off are. A clerk who
    asks for it is refused whole: the stocktake stays open and nothing is checked in."""
    place(station, wb(5), "1-1", status=ParcelStatus.PICKED_UP)
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, wb(5))
    with pytest.raises(PermissionDenied) as refused:
        stocktake_close.close(station, take.id, put_back=[wb(5)])
    assert refused.value.message("en") == (
        "Only a manager can put back a parcel recorded as having left. Ask a manager to sign in."
    )
    assert stocktake.view(station, take.id).status == "open" and events(station, EventKind.CHECKED_IN) == []
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    closed = stocktake_close.close(station, take.id, put_back=[wb(5)])
    assert [put["waybill"] for put in closed.result["fixes"]["put_back"]] == [wb(5)]
