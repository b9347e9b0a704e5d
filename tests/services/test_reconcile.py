"""Reconciliation: the equation per carrier and in total, records against the event log."""

from __future__ import annotations

from datetime import date, timedelta

from day_helpers import leave, local, put, tamper, undo_checkin, undo_pickup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel
from station_helpers import act_as_new_clerk

from db.engine import create_station_engine
from db.models import Role
from station_console.i18n import Translator
from station_console.services.admin.setup import init_station
from station_console.services.core.station import Station
from station_console.services.day.reconcile import reconcile
from station_console.services.day.report import build_report
from station_console.services.day.report_words import ISSUE_LABELS
from station_console.services.day.summary import summary_lines

D = date(2026, 11, 25)  # a Wednesday; the fixture's zone is Asia/Shanghai (UTC+8)


def line(rec: object, carrier: str) -> dict[str, int]:
    return next(c for c in rec.carriers if c["carrier"] == carrier)  # type: ignore[attr-defined]


def test_a_day_with_every_movement_balances_per_carrier(station: Station) -> None:
    before = [
        put(station, f"SF10000000000{i:02d}", "SF", local(D - timedelta(days=1), 10 + i)) for i in range(4)
    ]
    leave(station, before[0], "picked_up", local(D - timedelta(days=1), 20))  # gone before the day
    today = [put(station, f"73{i:012d}", "ZTO", local(D, 9, i)) for i in range(5)]
    leave(station, before[1], "picked_up", local(D, 11))
    leave(station, before[2], "returned", local(D, 12))
    leave(station, today[0], "picked_up", local(D, 13))
    leave(station, today[1], "written_off", local(D, 14))
    undo_checkin(station, today[2], local(D, 9, 30))  # undone: counts nowhere
    leave(station, today[3], "picked_up", local(D + timedelta(days=1), 9))  # tomorrow: still here tonight

    rec = reconcile(station, D)
    assert rec.balanced and rec.differences == []
    assert line(rec, "SF") == {
        "carrier": "SF",
        "opening": 3,
        "checked_in": 0,
        "picked_up": 1,
        "returned": 1,
        "written_off": 0,
        "closing": 1,
        "fees_cents": 0,
    }
    assert line(rec, "ZTO") == {
        "carrier": "ZTO",
        "opening": 0,
        "checked_in": 4,
        "picked_up": 1,
        "returned": 0,
        "written_off": 1,
        "closing": 2,
        "fees_cents": 4 * 40,
    }
    assert rec.totals["opening"] == 3 and rec.totals["closing"] == 3 and rec.totals["fees_cents"] == 160


def test_a_parcel_crossing_midnight_belongs_to_the_station_day(station: Station) -> None:
    pid = put(station, "JT0000000000001", "JT", local(D, 23, 59))  # 15:59 UTC, still the 25th in Shanghai
    leave(station, pid, "picked_up", local(D + timedelta(days=1), 0, 1))  # 16:01 UTC: the 26th
    first, second = reconcile(station, D), reconcile(station, D + timedelta(days=1))
    assert (line(first, "JT")["checked_in"], line(first, "JT")["closing"]) == (1, 1)
    assert (
        line(second, "JT")["opening"],
        line(second, "JT")["picked_up"],
        line(second, "JT")["closing"],
    ) == (1, 1, 0)
    assert first.balanced and second.balanced
    # UTC would put both on the 25th: the report must not.
    assert build_report(station, D)["by_hour"]["checked_in"][23] == 1


def test_a_redelivery_is_a_new_parcel_and_counts_again(station: Station) -> None:
    first = put(station, "YT0000000000001", "YTO", local(D, 9))
    leave(station, first, "picked_up", local(D, 10))
    put(station, "YT0000000000001", "YTO", local(D, 15), redelivery=True)
    rec = reconcile(station, D)
    assert line(rec, "YTO")["checked_in"] == 2 and line(rec, "YTO")["closing"] == 1 and rec.balanced
    report = build_report(station, D)
    assert report["redeliveries"] == {"count": 1, "waybills": ["YT0000000000001"]}


def test_an_undone_pickup_counts_as_still_on_the_shelf(station: Station) -> None:
    pid = put(station, "JT0000000000002", "JT", local(D, 9))
    leave(station, pid, "picked_up", local(D, 10))
    undo_pickup(station, pid, local(D, 10, 3))
    rec = reconcile(station, D)
    assert line(rec, "JT")["picked_up"] == 0 and line(rec, "JT")["closing"] == 1 and rec.balanced


def test_a_record_changed_without_its_event_is_listed_parcel_by_parcel(station: Station) -> None:
    ok = put(station, "JT0000000000003", "JT", local(D, 9))
    bad = put(station, "JT0000000000004", "JT", local(D, 9, 5))
    tamper(station, bad, status="picked_up", picked_up_at=local(D, 12))  # no picked_up event
    rec = reconcile(station, D)
    assert not rec.balanced
    assert [(d.parcel_id, d.waybill, d.issue) for d in rec.differences] == [
        (bad, "JT0000000000004", "records_vs_events")
    ]
    diff = rec.differences[0]
    assert diff.records == {"opening": False, "checked_in": True, "exit": "picked_up", "closing": False}
    assert diff.events == {"opening": False, "checked_in": True, "exit": None, "closing": True}
    assert ok not in {d.parcel_id for d in rec.differences}


def test_a_difference_reads_in_words_in_the_reports_language(station: Station) -> None:
    """The report's text and PDF say why a parcel does not balance in the reader's language, not by the
    code the figures keep (a Chinese day report read "：records_vs_events")."""
    bad = put(station, "JT0000000000006", "JT", local(D, 9))
    tamper(station, bad, status="picked_up", picked_up_at=local(D, 12))
    report = build_report(station, D)
    en = [ln for ln in summary_lines(report, Translator("en")) if "JT0000000000006" in ln]
    zh = [ln for ln in summary_lines(report, Translator("zh")) if "JT0000000000006" in ln]
    assert en == [f"Difference: parcel {bad} JT0000000000006 (J&T): its record and its events disagree"]
    assert zh == [f"差异：包裹 {bad} JT0000000000006（J&T）：记录与事件不一致"]
    # Every issue code the figures can hold has its words in both languages.
    assert all(Translator("zh")(label) != label for label in ISSUE_LABELS.values())


def test_a_status_without_its_time_is_an_inconsistent_record(station: Station) -> None:
    pid = put(station, "JT0000000000005", "JT", local(D, 9))
    tamper(station, pid, status="returned")
    rec = reconcile(station, D)
    assert [(d.parcel_id, d.issue) for d in rec.differences] == [(pid, "record_inconsistent")]
    assert not rec.balanced


def test_report_carries_fees_clerks_and_time_to_pickup(station: Station) -> None:
    ids = [put(station, f"SF20000000000{i:02d}", "SF", local(D, 8)) for i in range(10)]
    for n, pid in enumerate(ids):
        leave(station, pid, "picked_up", local(D, 8) + timedelta(minutes=10 * (n + 1)))
    report = build_report(station, D)
    assert report["totals"]["fees_cents"] == 10 * 50
    assert report["time_to_pickup"] == {"count": 10, "median_minutes": 55.0, "p90_minutes": 90.0}
    assert sum(report["by_hour"]["picked_up"]) == 10 and report["by_hour"]["picked_up"][9] == 5


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("in"), st.sampled_from(["SF", "ZTO", "JT"])),
        st.tuples(
            st.sampled_from(["picked_up", "returned", "written_off", "undo_in", "undo_pick"]),
            st.integers(0, 30),
        ),
        st.tuples(st.just("wait"), st.integers(1, 20)),
    ),
    max_size=40,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_any_sequence_of_operations_balances_every_day(ops: list[tuple[str, object]]) -> None:
    from tests_clock import MovingClock

    clock = MovingClock(local(D, 8))
    engine = create_station_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    station = Station(engine=engine, clock=clock)
    init_station(station, timezone="Asia/Shanghai")
    act_as_new_clerk(station, "Tester", Role.CLERK)
    on_shelf: list[int] = []
    picked: list[int] = []
    checked_in = 0
    for n, (op, arg) in enumerate(ops):
        now = clock.tick()
        if op == "in":
            on_shelf.append(put(station, f"JT{n:013d}", str(arg), now))
            checked_in += 1
        elif op == "wait":
            clock.advance(hours=int(str(arg)))
        elif op in ("picked_up", "returned", "written_off") and on_shelf:
            pid = on_shelf.pop(int(str(arg)) % len(on_shelf))
            leave(station, pid, op, now)
            if op == "picked_up":
                picked.append(pid)
        elif op == "undo_in" and on_shelf:
            undo_checkin(station, on_shelf.pop(), now)
            checked_in -= 1
        elif op == "undo_pick" and picked:
            pid = picked.pop()
            undo_pickup(station, pid, now)
            on_shelf.append(pid)
    days = [D + timedelta(days=i) for i in range((clock.now - local(D, 0)).days + 2)]
    recs = [reconcile(station, day) for day in days]
    for rec in recs:
        assert rec.balanced, rec.differences
    for today, tomorrow in zip(recs, recs[1:], strict=False):
        assert today.totals["closing"] == tomorrow.totals["opening"]
    assert sum(r.totals["checked_in"] for r in recs) == checked_in
    assert recs[-1].totals["closing"] == len(on_shelf)
    engine.dispose()


def test_agreeing_aggregates_skip_the_parcel_by_parcel_replay_with_the_same_figures(station: Station) -> None:
    from station_console.services.day.reconcile import load_day, reconcile_data

    old = put(station, "SF1000000000099", "SF", local(D - timedelta(days=2), 10))
    ids = [put(station, f"73{i:012d}", "ZTO", local(D, 9, i)) for i in range(4)]
    leave(station, old, "returned", local(D, 10))
    leave(station, ids[0], "picked_up", local(D, 11))
    undo_checkin(station, ids[1], local(D, 9, 20))
    fast = reconcile(station, D)
    with station.read() as session:
        slow = reconcile_data(load_day(session, station, D))
    assert not fast.per_parcel and slow.per_parcel
    assert fast.to_json() == slow.to_json() and fast.balanced


def test_a_tampered_row_is_found_by_the_aggregates_and_listed_parcel_by_parcel(station: Station) -> None:
    kept = put(station, "SF1000000000098", "SF", local(D - timedelta(days=1), 10))
    gone = put(station, "SF1000000000097", "SF", local(D - timedelta(days=1), 11))
    today = put(station, "SF1000000000096", "SF", local(D, 9))
    leave(station, gone, "picked_up", local(D, 12))
    # Moved to the day before behind the services' back: records say it never opened the day.
    tamper(station, gone, picked_up_at=local(D - timedelta(days=1), 20))
    rec = reconcile(station, D)
    assert rec.per_parcel and not rec.balanced
    assert [(d.parcel_id, d.issue) for d in rec.differences] == [(gone, "records_vs_events")]
    assert rec.differences[0].events == {
        "opening": True,
        "checked_in": False,
        "exit": "picked_up",
        "closing": False,
    }
    assert {kept, today}.isdisjoint(d.parcel_id for d in rec.differences)
    assert line(rec, "SF")["opening"] == 1 and line(rec, "SF")["picked_up"] == 0


def test_time_to_pickup_of_an_odd_count_is_its_middle_pickup_and_nearest_rank_p90(station: Station) -> None:
    minutes = [7, 3, 30, 12, 5, 61, 9]  # sorted: 3 5 7 9 12 30 61; the 90th percentile is rank 7 of 7
    for i, m in enumerate(minutes):
        pid = put(station, f"SF30000000000{i:02d}", "SF", local(D, 8))
        leave(station, pid, "picked_up", local(D, 8) + timedelta(minutes=m, microseconds=i))
    ttp = build_report(station, D)["time_to_pickup"]
    assert ttp == {"count": 7, "median_minutes": 9.0, "p90_minutes": 61.0}


def test_a_day_without_pickups_says_so_for_its_time_to_pickup(station: Station) -> None:
    """No pickup, no median: the line said "median - h, 90th percentile - h (0 pickups)"."""
    put(station, "SF3000000000099", "SF", local(D, 8))
    report = build_report(station, D)
    assert "Time to pickup: no pickups" in summary_lines(report, Translator("en"))
    assert "取件用时：无取件" in summary_lines(report, Translator("zh"))
