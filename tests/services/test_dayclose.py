"""Day close: manager only, hashed canonical figures, and a closed day refuses back-dated changes."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
from day_helpers import act_as_manager, add_clerk, leave, local, put, tamper, undo_checkin
from sqlmodel import col, select

from db.models import DayClose, EventKind, Parcel, ParcelEvent
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station, day_bounds
from station_console.services.day import figures
from station_console.services.day.close import canonical, close_day, may_close, reopen_day
from station_console.services.day.report import build_report
from station_console.services.day.summary import close_line

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
    assert again.value.code == "already_closed" and "already closed by boss at" in again.value.message("en")
    with pytest.raises(Refused) as future:
        close_day(station, D + timedelta(days=1))
    assert future.value.code == "future_day"


def test_may_close_says_who_closed_the_day_before_anything_else(
    station: Station, busy_day: list[int]
) -> None:
    """A day closed at another counter is refused by `may_close` (the question F12 asks first), naming
    who closed it and when, not put to the manager again."""
    act_as_manager(station, "mei")
    close_day(station, D)
    act_as_manager(station, "li")
    with pytest.raises(Refused) as refused:
        may_close(station, D)
    assert refused.value.code == "already_closed"
    assert refused.value.message("en") == f"Business day {D.isoformat()} was already closed by mei at 21:00."
    assert refused.value.message("zh") == f"营业日 {D.isoformat()} 已由 mei 于 21:00 日结。"


def test_an_unbalanced_day_is_refused_unless_forced(station: Station, busy_day: list[int]) -> None:
    act_as_manager(station)
    tamper(station, busy_day[1], status="written_off")  # no time, no event
    with pytest.raises(Refused) as refused:
        close_day(station, D)
    assert refused.value.code == "not_balanced"
    info = close_day(station, D, allow_unbalanced=True)
    assert len(info.sha256) == 64


def _day_of(station: Station, parcel_id: int) -> tuple[object, list[object]]:
    with station.read() as session:
        parcel = session.get(Parcel, parcel_id)
        events = session.exec(
            select(col(ParcelEvent.business_day)).where(ParcelEvent.parcel_id == parcel_id)
        ).all()
    assert parcel is not None
    return parcel.business_day, list(events)


def test_work_after_a_close_belongs_to_the_next_business_day(
    station: Station, busy_day: list[int], clock: object
) -> None:
    act_as_manager(station)
    close_day(station, D)  # at 21:00, the closing hour
    clock.now = local(D, 21, 30)  # type: ignore[attr-defined]
    assert station.business_day() == D + timedelta(days=1)
    late = check_in(station, "JT0000000009999", phone="5678")  # a late courier: not refused
    assert _day_of(station, late.parcel_id) == (D + timedelta(days=1), [D + timedelta(days=1)])
    leave(station, busy_day[1], "picked_up", local(D, 21, 40))  # and a late customer
    assert day_bounds(station, D + timedelta(days=1))[0] == local(D, 21) + timedelta(microseconds=1)
    closed = build_report(station, D)
    assert closed["closed"]["matches"] is True  # the closed day did not move
    assert closed["totals"]["checked_in"] == 3 and closed["totals"]["closing"] == 2
    clock.now = local(D + timedelta(days=1), 22)  # type: ignore[attr-defined]
    after = build_report(station, D + timedelta(days=1))
    assert after["balanced"] is True and after["differences"] == []
    assert {k: after["totals"][k] for k in ("opening", "checked_in", "picked_up", "closing")} == {
        "opening": 2,
        "checked_in": 1,
        "picked_up": 1,
        "closing": 2,
    }


def test_figures_changed_under_the_manager_say_what_to_do(station: Station, busy_day: list[int]) -> None:
    """The totals confirmed on screen are no longer the day's (another counter kept checking in): the
    refusal says to have the other counters pause, in the manager's language, and closes nothing."""
    act_as_manager(station, "mei")
    seen = build_report(station, D)["totals"]
    put(station, "JT0000000000099", "JT", local(D, 20))  # the other counter, meanwhile
    with pytest.raises(Refused) as refused:
        close_day(station, D, confirmed={"checked_in": seen["checked_in"]})
    assert refused.value.code == "figures_changed"
    assert refused.value.message("zh") == (
        "您确认期间，其他柜台改动了当日数据，这次没有日结。请让其他柜台先暂停操作，重新核对数据后再日结。"
    )
    assert "Ask the other counters to pause" in refused.value.message("en")
    with station.read() as session:
        assert session.exec(select(DayClose)).all() == []


def test_closing_today_before_closing_time_needs_a_second_yes(station: Station, clock: object) -> None:
    put(station, "JT0000000000001", "JT", local(D, 9))
    clock.now = local(D, 15)  # type: ignore[attr-defined]
    act_as_manager(station)
    with pytest.raises(Refused) as early:
        close_day(station)
    assert early.value.code == "close_early" and "21:00" in early.value.message()
    with station.read() as session:
        assert session.exec(select(DayClose)).all() == []
    info = close_day(station, early=True)
    assert info.day == D
    with pytest.raises(Refused) as future:  # work now goes to tomorrow, which has not begun
        close_day(station, D + timedelta(days=1), early=True)
    assert future.value.code == "future_day"


def test_the_business_day_after_an_early_close_is_refused_as_the_day_in_progress(
    station: Station, clock: object
) -> None:
    """The report calls it today (work now counts on it): 'it has not happened yet' contradicted that."""
    put(station, "JT0000000000001", "JT", local(D, 9))
    clock.now = local(D, 15)  # type: ignore[attr-defined]
    act_as_manager(station)
    close_day(station, early=True)
    clock.now = local(D, 15, 1)  # type: ignore[attr-defined]  # a minute on: work now goes to tomorrow
    tomorrow = D + timedelta(days=1)
    assert station.business_day() == tomorrow
    with pytest.raises(Refused) as refused:
        close_day(station, tomorrow, early=True)
    assert refused.value.code == "future_day"
    assert refused.value.message() == (
        f"Cannot close {tomorrow} yet: it began with {D}'s early close, and can be closed from midnight on."
    )
    set_language("zh")
    assert refused.value.message() == f"暂不能日结 {tomorrow}：它始于 {D} 的提前日结，零点之后才能日结。"
    with pytest.raises(Refused) as later:  # a day after it has not happened, as before
        close_day(station, tomorrow + timedelta(days=1))
    assert later.value.message() == f"无法日结 {tomorrow + timedelta(days=1)}：该日尚未到来。"


def test_closing_again_after_an_early_close_says_the_day_is_closed(station: Station, clock: object) -> None:
    """With no day named, a second close of today (another counter, the same command twice) is told
    today is already closed, not that the next day "has not happened yet"."""
    put(station, "JT0000000000001", "JT", local(D, 9))
    clock.now = local(D, 15)  # type: ignore[attr-defined]
    act_as_manager(station)
    close_day(station, early=True)
    clock.now = local(D, 15, 1)  # type: ignore[attr-defined]  # a minute on: work now goes to tomorrow
    with pytest.raises(Refused) as again:
        close_day(station, early=True)
    assert again.value.message("en") == f"Business day {D.isoformat()} was already closed by boss at 15:00."
    reopen_day(station, D, reason="a parcel missed")
    assert close_day(station, early=True).day == D  # reopened: today is the day to close again


def test_a_day_reopened_after_work_moved_on_is_the_one_closed_when_none_is_named(
    station: Station, clock: object
) -> None:
    """Reopened for corrections after a check-in went to the next day, today still ends at its first
    close, so the business day is tomorrow's: a close naming no day closes the reopened today, it was
    refused as tomorrow 'has not happened yet'."""
    put(station, "JT0000000000001", "JT", local(D, 9))
    clock.now = local(D, 15)  # type: ignore[attr-defined]
    act_as_manager(station)
    first = close_day(station, early=True)
    put(station, "JT0000000000002", "JT", local(D, 15, 5))  # after the close: the next day's
    clock.now = local(D, 15, 10)  # type: ignore[attr-defined]
    reopen_day(station, D, reason="a parcel missed")
    assert station.business_day() > D  # the day stays ended where it was
    again = close_day(station, early=True)
    assert again.day == D and again.sha256 == first.sha256  # the same figures: the later one is not its
    assert station.business_day() == D + timedelta(days=1)  # the check-in after it stays the next day's


def test_a_manager_reopens_a_day_and_the_next_close_makes_a_new_hash(
    station: Station, busy_day: list[int], clock: object
) -> None:
    act_as_manager(station, "mei")
    first = close_day(station, D)
    with pytest.raises(Refused) as no_reason:
        reopen_day(station, D, " ")
    assert no_reason.value.code == "missing"
    clerk = add_clerk(station, "ann")
    manager = station.clerk_id, station.clerk_role
    station.clerk_id, station.clerk_role = clerk, "clerk"
    with pytest.raises(PermissionDenied):
        reopen_day(station, D, "I want to")
    station.clerk_id, station.clerk_role = manager
    done = reopen_day(station, D, "a parcel was checked in by mistake")
    assert done.work_after_close == 0 and done.ends_at is None  # nothing since: it runs on to midnight
    with station.read() as session:
        event = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.DAY_REOPENED)).one()
    assert event.details["reason"] == "a parcel was checked in by mistake"
    assert event.details["previous_sha256"] == first.sha256
    report = build_report(station, D)
    assert report["closed"]["reopened_at"] is not None and close_line(report).startswith("Reopened")
    with pytest.raises(NotFound):
        reopen_day(station, D, "twice")
    clock.now = local(D, 21, 30)  # type: ignore[attr-defined]
    late = check_in(station, "JT0000000009999", phone="5678")
    assert _day_of(station, late.parcel_id)[0] == D  # the reopened day takes it
    clock.now = local(D, 21, 35)  # type: ignore[attr-defined]
    undo_checkin(station, busy_day[2], clock.now)  # type: ignore[attr-defined]  # and a correction
    second = close_day(station, D)
    assert second.sha256 != first.sha256
    report = build_report(station, D)
    assert report["closed"]["matches"] is True and report["closed"]["reopened_at"] is None
    assert report["totals"]["checked_in"] == 3 and report["balanced"] is True


def test_reopening_after_later_work_keeps_that_work_on_the_next_day(
    station: Station, busy_day: list[int], clock: object
) -> None:
    act_as_manager(station)
    first = close_day(station, D)
    clock.now = local(D, 21, 30)  # type: ignore[attr-defined]
    late = check_in(station, "JT0000000009999", phone="5678")
    done = reopen_day(station, D, "undo a wrong check-in")
    assert done.work_after_close == 1 and done.ends_at == local(D, 21) + timedelta(microseconds=1)
    assert _day_of(station, late.parcel_id)[0] == D + timedelta(days=1)  # untouched
    clock.now = local(D, 21, 45)  # type: ignore[attr-defined]
    undo_checkin(station, busy_day[2], clock.now)  # type: ignore[attr-defined]  # a correction: allowed
    second = close_day(station, D)
    assert second.sha256 != first.sha256
    clock.now = local(D + timedelta(days=1), 22)  # type: ignore[attr-defined]
    for day, checked_in in ((D, 2), (D + timedelta(days=1), 1)):
        report = build_report(station, day)
        assert report["balanced"] is True, report["differences"]
        assert report["totals"]["checked_in"] == checked_in
    assert build_report(station, D)["closed"]["matches"] is True


def test_the_close_line_gives_times_as_a_person_writes_them() -> None:
    closed = {"by": "Li", "at": "2026-12-04T21:05:13+08:00", "sha256": "ab" * 32, "reopened_at": None}
    assert "at 2026-12-04 21:05," in close_line({"closed": closed})
    reopened = close_line({"closed": {**closed, "reopened_at": "2026-12-05T08:30:00+08:00"}})
    assert reopened.startswith("Reopened at 2026-12-05 08:30 ")


def test_reopening_an_earlier_day_says_todays_work_stays_on_today(
    station: Station, busy_day: list[int], clock: object
) -> None:
    """Reopened days later for a correction: the manager is not told that work from now on belongs to
    it, because it does not; a check-in now is today's."""
    act_as_manager(station)
    close_day(station, D)
    today = D + timedelta(days=3)
    clock.now = local(today, 10)  # type: ignore[attr-defined]
    done = reopen_day(station, D, "a late correction")
    assert done.describe() == (
        f"Reopened {D.isoformat()} for corrections; work from now on stays on today's business day."
    )
    late = check_in(station, "JT0000000009999", phone="5678")
    assert _day_of(station, late.parcel_id)[0] == today


def test_the_close_freezes_the_overdue_bands_the_report_showed(station: Station, clock: object) -> None:
    # At the 21:00 close these are 47 h and 71 h on the shelf; at the day's end, 50 h and 74 h.
    put(station, "JT0000000000001", "JT", local(D - timedelta(days=2), 22))
    put(station, "JT0000000000002", "JT", local(D - timedelta(days=3), 22))
    put(station, "JT0000000000003", "JT", local(D - timedelta(days=5), 9))  # red either way
    act_as_manager(station)
    clock.now = local(D, 20, 50)  # type: ignore[attr-defined]
    shown = build_report(station, D)["overdue"]
    assert shown["totals"] == {"amber": 1, "red": 2, "return": 0}
    clock.now = local(D, 21)  # type: ignore[attr-defined]
    close_day(station, D)
    with station.read() as session:
        frozen = json.loads(session.exec(select(DayClose)).one().figures)["overdue"]
    assert frozen == shown
    after = build_report(station, D)
    assert after["overdue"] == shown and after["closed"]["matches"] is True


def test_a_day_closed_early_by_an_earlier_version_still_matches_its_hash(
    station: Station, clock: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closes made before the bands were counted from midnight froze them counted from the close: a
    parcel crossing 48 h between the close and midnight must not make that day read as changed."""
    put(station, "JT0000000000001", "JT", local(D - timedelta(days=2), 22))  # 47 h at 21:00, 50 h at 24:00
    act_as_manager(station)
    clock.now = local(D, 21)  # type: ignore[attr-defined]
    with monkeypatch.context() as old:  # the earlier version: the bands from the day's end, its close
        old.setattr(figures, "overdue_as_of", lambda _station, _day: local(D, 21))
        close_day(station, D)
    report = build_report(station, D)
    assert report["overdue"]["totals"]["amber"] == 1  # read today: from midnight
    assert report["closed"]["matches"] is True


def test_a_stocktake_put_back_is_counted_once_as_put_back_and_the_day_balances(
    station: Station, clock: object
) -> None:
    """A parcel recorded as picked up, found on the shelf and put back was counted twice in the day
    report: as put back and as a re-delivery (its check-in was recorded as one). It never left."""
    from station_console.services.day.export import to_csv, to_json
    from station_console.services.day.summary import summary_lines
    from station_console.services.exceptions import stocktake, stocktake_close

    parcel = put(station, "JT0000000000007", "JT", local(D, 9))
    leave(station, parcel, "picked_up", local(D, 10))
    clock.now = local(D, 11)  # type: ignore[attr-defined]
    act_as_manager(station, "mei")  # a put-back is a manager's
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, "JT0000000000007")
    closed = stocktake_close.close(station, take.id, put_back=["JT0000000000007"])
    assert [put["waybill"] for put in closed.result["fixes"]["put_back"]] == ["JT0000000000007"]
    clock.now = local(D, 21)  # type: ignore[attr-defined]
    report = build_report(station, D)
    assert report["redeliveries"] == {"count": 0, "waybills": []}
    lines = "\n".join(summary_lines(report))
    assert "Re-deliveries: 0;" in lines and "put back 1," in lines
    assert "redeliveries,0" in to_csv(report).replace("\r", "")
    assert json.loads(to_json(report))["redeliveries"]["count"] == 0
    # Received twice (the first time and put back), handed out once, on the shelf at the close: balanced.
    totals = report["totals"]
    assert (totals["opening"], totals["checked_in"], totals["picked_up"], totals["closing"]) == (0, 2, 1, 1)
    assert report["balanced"] and report["differences"] == []
    close_day(station, D)
    with station.read() as session:
        assert json.loads(session.exec(select(DayClose)).one().figures)["balanced"] is True


def test_return_batch_events_after_a_close_leave_the_closed_day_as_it_was(
    station: Station, busy_day: list[int], clock: object
) -> None:
    """A return batch's open, add and remove are audited; after the close they belong to the next
    business day, and the closed day's figures and hash do not move."""
    from station_console.services.exceptions import return_batch_parcels, returns

    act_as_manager(station)
    close_day(station, D)
    clock.now = local(D, 21, 30)  # type: ignore[attr-defined]
    batch = returns.open_batch(station, "JT")
    # Fresh: recalled to go back.
    return_batch_parcels.add(station, batch.id, "JT0000000000001", recalled=True)
    return_batch_parcels.add(station, batch.id, "JT0000000000002", recalled=True)
    return_batch_parcels.remove(station, batch.id, "JT0000000000002")
    with station.read() as session:
        rows = session.exec(select(ParcelEvent).where(col(ParcelEvent.kind).startswith("return_"))).all()
    assert sorted((e.kind, e.business_day) for e in rows) == sorted(
        [
            ("return_batch_opened", D + timedelta(days=1)),
            ("return_batch_added", D + timedelta(days=1)),
            ("return_batch_added", D + timedelta(days=1)),
            ("return_batch_removed", D + timedelta(days=1)),
        ]
    )
    closed = build_report(station, D)
    assert closed["closed"]["matches"] is True
    assert closed["totals"]["closing"] == 2
