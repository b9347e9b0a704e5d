"""Problem parcels: flagged but still on the shelf counts; resolve; manager write-off."""

from __future__ import annotations

import pytest
from shelf_helpers import as_manager, events, layer_figures, parcel, place, wb
from sqlmodel import select

from db.models import CodeHold, EventKind, Notification, ProblemKind
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import problem_kinds, problems
from station_console.services.notify import outbox


def test_the_kinds_without_the_models_are_the_models_kinds() -> None:
    """`station problem --kind` lists its choices from problem_kinds (no models loaded for help)."""
    assert tuple(kind.value for kind in ProblemKind) == problem_kinds.KINDS
    assert problems.KINDS is problem_kinds.KINDS


def test_mark_keeps_the_parcel_on_the_shelf_and_flags_it(station: Station) -> None:
    pid = place(station, wb(1), "2-2")
    row = problems.mark(station, wb(1), "wrong_address", "building 9, not 6")
    assert row.problem_kind == "wrong_address" and row.flagged and row.status == "on_shelf"
    assert layer_figures(station, "2-2") == (2, 1)
    assert parcel(station, pid).problem_note == "building 9, not 6"
    assert [p.waybill for p in problems.list_problems(station)] == [wb(1)]
    (event,) = events(station, EventKind.PROBLEM_MARKED)
    assert event.details["kind"] == "wrong_address"


def test_mark_refusals(station: Station) -> None:
    place(station, wb(1), "2-2")
    with pytest.raises(Refused) as exc:
        problems.mark(station, wb(1), "stolen", "x")
    assert exc.value.code == "bad_kind"
    assert "damaged（破损）、refused（拒收）" in exc.value.message("zh")  # the kinds with what they mean
    assert "wrong_address (wrong address)" in exc.value.message("en")
    with pytest.raises(Refused) as exc:
        problems.mark(station, wb(1), "damaged", "  ")
    assert exc.value.code == "missing"
    with pytest.raises(NotFound):
        problems.mark(station, wb(2), "damaged", "wet")
    assert events(station, EventKind.PROBLEM_MARKED) == []


def test_a_hand_flag_cannot_claim_a_stocktake_put_back_and_changes_nothing(station: Station) -> None:
    """'Found after it left' is said by a stocktake's put-back, its note naming the stocktake, when and
    by whom the parcel left: a clerk's flag of that kind claimed a stocktake that never found it."""
    pid = place(station, wb(1), "2-2")
    assert "put_back" not in problem_kinds.HAND_KINDS
    for role in ("clerk", "manager"):
        station.clerk_role = role
        with pytest.raises(Refused) as exc:
            problems.mark(station, wb(1), "put_back", "found it on the floor")
        assert exc.value.code == "stocktake_kind"
    assert exc.value.message("en") == (
        "Only a stocktake flags put_back (found after it left), as it puts the parcel back; by hand, use "
        "damaged, refused, wrong_address (wrong address), unreadable (label unreadable), missing or recalled."
    )
    assert exc.value.message("zh").startswith(
        "put_back（已出库却在架上）只由盘点在放回包裹时标记；手动标记请使用"
    )
    assert parcel(station, pid).problem_kind is None
    assert events(station, EventKind.PROBLEM_MARKED) == []
    with pytest.raises(Refused) as exc:
        problems.mark(station, wb(1), "stolen", "x")
    assert "put_back" not in exc.value.message("en")  # the kinds offered are a clerk's


def test_a_put_back_flag_is_a_managers_to_resolve_and_a_clerk_changes_nothing(station: Station) -> None:
    """The parcel was recorded as having left: someone may hold the wrong parcel. A clerk clearing the
    flag hid that from the manager the stocktake flagged it for."""
    pid = place(station, wb(1), "2-2")
    with station.write() as s:
        p = s.get(type(parcel(station, pid)), pid)
        assert p is not None
        problems.mark_in_session(s, station, p, ProblemKind.PUT_BACK, "Found at stocktake 1")
    with pytest.raises(PermissionDenied) as exc:
        problems.resolve(station, wb(1), "looks fine")
    assert exc.value.code == "manager_only"
    assert "found after it left" in exc.value.message("en")
    assert parcel(station, pid).problem_kind == "put_back"
    assert parcel(station, pid).problem_note == "Found at stocktake 1"
    assert events(station, EventKind.PROBLEM_RESOLVED) == []
    as_manager(station)
    row = problems.resolve(station, wb(1), "the customer had the other one")
    assert row.problem_kind is None and not row.flagged
    (event,) = events(station, EventKind.PROBLEM_RESOLVED)
    assert event.details["kind"] == "put_back"


def test_a_hand_flag_does_not_replace_a_put_back_flag(station: Station) -> None:
    """A put-back's flag says when and by whom the parcel left (someone may hold the wrong parcel): a
    clerk's later flag replaced its kind and note, and the parcel read as merely damaged on Problems."""
    pid = place(station, wb(1), "2-2")
    note = "Found on the shelf at stocktake 1 after it was recorded as picked up on 05-01 09:30 by Li"
    with station.write() as s:
        p = s.get(type(parcel(station, pid)), pid)
        assert p is not None
        problems.mark_in_session(s, station, p, ProblemKind.PUT_BACK, note)
    with pytest.raises(Refused) as exc:
        problems.mark(station, wb(1), "damaged", "box dented")
    assert exc.value.code == "put_back_flagged"
    assert "put_back (found after it left)" in exc.value.message("en")
    assert parcel(station, pid).problem_kind == "put_back"
    assert parcel(station, pid).problem_note == note
    assert len(events(station, EventKind.PROBLEM_MARKED)) == 1  # the put-back's own
    as_manager(station)
    with pytest.raises(Refused) as exc:
        problems.mark(station, wb(1), "damaged", "box dented")
    assert "resolve that first, saying what was found" in exc.value.message("en")
    assert "：请先处理" in exc.value.message("zh")
    problems.resolve(station, wb(1), "the customer had the other one")
    assert problems.mark(station, wb(1), "damaged", "box dented").problem_kind == "damaged"


def test_a_clerks_hand_flag_on_a_put_back_says_a_manager_resolves_it(station: Station) -> None:
    """A clerk was told to resolve the put-back first, and the resolve then refused: only a manager
    may. The refusal says so at once."""
    pid = place(station, wb(1), "2-2")
    with station.write() as s:
        p = s.get(type(parcel(station, pid)), pid)
        assert p is not None
        problems.mark_in_session(s, station, p, ProblemKind.PUT_BACK, "Found at stocktake 1")
    with pytest.raises(Refused) as exc:
        problems.mark(station, wb(1), "damaged", "box dented")
    assert exc.value.code == "put_back_flagged"
    said = exc.value.message("en")
    assert "a manager must resolve that first. Ask a manager to sign in" in said
    assert "saying what was found" not in said
    assert "须由经理先处理该问题。请经理登录" in exc.value.message("zh")
    assert parcel(station, pid).problem_kind == "put_back"


def test_resolve_clears_the_flag(station: Station) -> None:
    pid = place(station, wb(1), "2-2")
    problems.mark(station, wb(1), "unreadable", "label torn")
    problems.resolve(station, wb(1), "relabelled")
    assert parcel(station, pid).problem_kind is None
    with pytest.raises(Refused):
        problems.resolve(station, wb(1))
    assert len(events(station, EventKind.PROBLEM_RESOLVED)) == 1


def test_write_off_is_for_a_manager_with_a_reason(station: Station) -> None:
    pid = place(station, wb(1), "2-2")
    with station.write() as s:
        p = s.get(type(parcel(station, pid)), pid)
        assert p is not None
        outbox.queue(s, station, p, "checkin", {})
    with pytest.raises(PermissionDenied):
        problems.write_off(station, wb(1), "destroyed")
    as_manager(station)
    with pytest.raises(Refused):
        problems.write_off(station, wb(1), "")
    row = problems.write_off(station, wb(1), "crushed by a pallet")
    assert row.status == "written_off" and row.location is None
    gone = parcel(station, pid)
    assert gone.written_off_at is not None and layer_figures(station, "2-2") == (0, 0)
    with station.read() as s:
        assert s.get(CodeHold, gone.pickup_code) is not None
        assert s.exec(select(Notification.status).where(Notification.parcel_id == pid)).one() == "cancelled"
    (event,) = events(station, EventKind.WRITTEN_OFF)
    assert event.details["reason"] == "crushed by a pallet"
    with pytest.raises(NotFound):
        problems.write_off(station, wb(1), "again")
