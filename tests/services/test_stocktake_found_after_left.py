"""A parcel recorded as having left (picked up, returned, written off) scanned at a stocktake and not put
back: the close flags it 'found after it left' on the row that says it left, so a manager finds it on
Problems and resolves it by saying where it went, or by putting it back at a stocktake."""

from __future__ import annotations

import pytest
from shelf_helpers import events, place, wb
from sqlmodel import col, select
from station_helpers import act_as_new_clerk

from db.models import EventKind, Parcel, ParcelStatus, ProblemKind, Role
from station_console.errors import PermissionDenied, Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, stocktake, stocktake_close


def rows(station: Station, waybill: str) -> list[Parcel]:
    with station.read() as s:
        return list(s.exec(select(Parcel).where(Parcel.waybill == waybill).order_by(col(Parcel.id))).all())


def clerks_close(station: Station) -> int:
    """A clerk counts layer 1-1, scans a parcel recorded as picked up and closes (no put-back: not theirs)."""
    place(station, wb(5), "1-1", status=ParcelStatus.PICKED_UP, picked_up_by=station.clerk_id)
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, wb(5))
    closed = stocktake_close.close(
        station, take.id, **stocktake_close.all_fixes(stocktake.view(station, take.id)) | {"put_back": []}
    )
    assert closed.result["fixes"]["flagged_left"] == [wb(5)]
    return take.id


def test_a_clerks_close_flags_a_parcel_found_after_it_left_for_the_manager(station: Station) -> None:
    """It left no trace but the stocktake's stored result: nothing told a manager a parcel handed out
    may be on the shelf. Now its row says so, on Problems, with who found it, and the audit trail has
    it; it stays picked up (putting it back is a manager's act)."""
    take_id = clerks_close(station)
    (row,) = rows(station, wb(5))
    assert (row.status, row.problem_kind) == (ParcelStatus.PICKED_UP, ProblemKind.PUT_BACK)
    assert row.problem_note is not None and row.problem_note.startswith(
        f"Found on the shelf at stocktake {take_id} by "
    )
    assert row.problem_note.endswith("Not put back: set aside for a manager")
    assert [r.waybill for r in problems.list_problems(station)] == [wb(5)]
    (marked,) = events(station, EventKind.PROBLEM_MARKED)
    assert (marked.parcel_id, marked.details["kind"], marked.details["stocktake"]) == (
        row.id,
        "put_back",
        take_id,
    )
    (closed,) = events(station, EventKind.STOCKTAKE_CLOSED)
    assert closed.details["fixes"]["flagged_left"] == 1 and closed.details["fixes"]["put_back"] == 0
    assert events(station, EventKind.CHECKED_IN) == []  # not put back


def test_only_a_manager_resolves_it_and_says_where_it_went(station: Station) -> None:
    clerks_close(station)
    with pytest.raises(PermissionDenied):
        problems.resolve(station, wb(5), "it was on the shelf")
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    with pytest.raises(Refused):  # no note: the flag is the only record of where it went
        problems.resolve(station, wb(5), "")
    assert rows(station, wb(5))[0].problem_kind == ProblemKind.PUT_BACK
    problems.resolve(station, wb(5), "the customer's own, collected again")
    (row,) = rows(station, wb(5))
    assert (row.status, row.problem_kind) == (ParcelStatus.PICKED_UP, None)
    assert problems.list_problems(station) == []
    (resolved,) = events(station, EventKind.PROBLEM_RESOLVED)
    assert resolved.details["note"] == "the customer's own, collected again"


def test_a_manager_putting_it_back_later_clears_the_flag_the_put_back_carries_on(station: Station) -> None:
    clerks_close(station)
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, wb(5))
    closed = stocktake_close.close(station, take.id, put_back=[wb(5)])
    assert closed.result["fixes"]["flagged_left"] == []
    gone, back = rows(station, wb(5))
    assert (gone.status, gone.problem_kind) == (ParcelStatus.PICKED_UP, None)
    assert (back.status, back.problem_kind) == (ParcelStatus.ON_SHELF, ProblemKind.PUT_BACK)
    assert [r.id for r in problems.list_problems(station)] == [back.id]  # one flag, on the shelf


def test_a_managers_close_with_put_back_flags_nothing_more(station: Station) -> None:
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    place(station, wb(5), "1-1", status=ParcelStatus.PICKED_UP, picked_up_by=station.clerk_id)
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, wb(5))
    closed = stocktake_close.close(station, take.id, put_back=[wb(5)])
    assert closed.result["fixes"]["flagged_left"] == []
    assert [e.details["kind"] for e in events(station, EventKind.PROBLEM_MARKED)] == ["put_back"]
    assert events(station, EventKind.PROBLEM_RESOLVED) == []


def test_resolving_it_without_a_note_asks_where_it_went(station: Station) -> None:
    """Its row shows no code and no place: "Note is empty." did not say why a note is needed."""
    clerks_close(station)
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    with pytest.raises(Refused) as exc:
        problems.resolve(station, wb(5), "  ")
    assert exc.value.code == "missing"
    assert exc.value.message("en") == (
        f"{wb(5)} is recorded as picked up: say in the note where the parcel went, then resolve it."
    )
    assert exc.value.message("zh") == f"{wb(5)} 记录为已取件：请在备注中写明包裹的去向，再解决。"
    assert rows(station, wb(5))[0].problem_kind == ProblemKind.PUT_BACK
    assert events(station, EventKind.PROBLEM_RESOLVED) == []


def test_its_flag_is_still_resolved_by_its_waybill_after_the_parcel_is_checked_in_again(
    station: Station,
) -> None:
    """The courier brings the same waybill back (a re-delivery): a row of it is on the shelves again,
    unflagged. The flag on the row that left stays on Problems, and resolving it by its waybill read
    the row on the shelf ("not flagged as a problem"): the manager could never clear it."""
    from station_console.services.checkin.transaction import check_in

    clerks_close(station)
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    assert check_in(station, wb(5)).redelivery
    problems.resolve(station, wb(5), "handed to its owner; the courier brought it back again")
    gone, again = rows(station, wb(5))
    assert (gone.status, gone.problem_kind) == (ParcelStatus.PICKED_UP, None)
    assert (again.status, again.problem_kind) == (ParcelStatus.ON_SHELF, None)
    assert problems.list_problems(station) == []
