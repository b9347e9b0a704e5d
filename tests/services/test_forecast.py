"""Tomorrow's estimate: a weekday pattern with smoothing, and how far it was off lately."""

from __future__ import annotations

from datetime import date, timedelta

from alembic import command
from conftest import FakeClock
from day_helpers import act_as_manager, carrier_id, local, put, tamper
from sqlalchemy import update as sa_update
from sqlmodel import col, select

from db.migrate import alembic_config
from db.models import DayClose, Parcel, ParcelStatus
from station_console.services.core.station import Station
from station_console.services.day.close import close_day, reopen_day
from station_console.services.day.forecast import daily_counts, forecast, predict

MONDAY = date(2026, 11, 30)


def weeks_of(pattern: dict[int, int], weeks: int, carrier: str = "ZTO") -> dict[date, dict[str, int]]:
    first = MONDAY - timedelta(weeks=weeks)
    return {
        first + timedelta(days=n): {carrier: pattern[(first + timedelta(days=n)).weekday()]}
        for n in range(7 * weeks)
    }


def test_the_weekday_pattern_is_learned() -> None:
    pattern = {0: 120, 1: 80, 2: 80, 3: 80, 4: 80, 5: 40, 6: 40}
    history = weeks_of(pattern, 6)
    monday = predict(history, MONDAY)["ZTO"]
    saturday = predict(history, MONDAY + timedelta(days=5))["ZTO"]
    assert abs(monday - 120) < 6 and abs(saturday - 40) < 4
    assert monday > 2.5 * saturday


def test_a_level_shift_is_followed_by_smoothing() -> None:
    flat = {w: 100 for w in range(7)}
    history = weeks_of(flat, 4)
    for n in range(1, 8):  # the last week doubled
        history[MONDAY - timedelta(days=n)] = {"ZTO": 200}
    guess = predict(history, MONDAY)["ZTO"]
    assert 150 < guess < 200  # moved most of the way, not all: smoothed


def test_forecast_reads_the_station_history_and_reports_its_error(station: Station, clock: object) -> None:
    today = date(2026, 11, 25)
    for n in range(14, 0, -1):  # two weeks of three ZTO and one SF a day
        day = today - timedelta(days=n)
        for i in range(3):
            put(station, f"73{n:02d}{i:010d}", "ZTO", local(day, 10, i))
        put(station, f"SF1{n:02d}0000000000", "SF", local(day, 11))
    put(station, "73990000000001", "ZTO", local(today, 9))  # today is not over: not history
    with station.read() as session:
        fc = forecast(session, station, today + timedelta(days=1))
    assert fc.estimate is True and fc.carriers == {"SF": 1, "ZTO": 3} and fc.total == 4
    assert fc.mape_percent == 0.0
    assert fc.history_days == 14
    assert all(b["date"] < today.isoformat() for b in fc.backtest)
    assert fc.backtest and all(b["expected"] == b["actual"] == 4 for b in fc.backtest)


def test_no_history_gives_no_estimate_and_no_error_figure(station: Station) -> None:
    with station.read() as session:
        fc = forecast(session, station, date(2026, 11, 26))
    assert fc.total == 0 and fc.mape_percent is None and fc.backtest == []


def _three_closed_days(station: Station, clock: FakeClock) -> date:
    """Three days of check-ins (two ZTO and one SF a day), each closed the next morning; returns the
    day after them, still open, with one check-in."""
    first = date(2026, 11, 20)
    act_as_manager(station)
    for n in range(3):
        day = first + timedelta(days=n)
        for i in range(2):
            put(station, f"73{n:02d}{i:010d}", "ZTO", local(day, 10, i))
        put(station, f"SF1{n:02d}0000000000", "SF", local(day, 11))
        clock.now = local(day + timedelta(days=1), 8)
        close_day(station, day)
    open_day = first + timedelta(days=3)
    put(station, "73990000000001", "ZTO", local(open_day, 9))
    return open_day


def test_closed_days_come_from_their_close_and_open_days_from_the_parcels(
    station: Station, clock: FakeClock
) -> None:
    open_day = _three_closed_days(station, clock)
    first = open_day - timedelta(days=3)
    with station.read() as session:
        before = daily_counts(session, first, open_day)
    assert before == {
        **{first + timedelta(days=n): {"SF": 1, "ZTO": 2} for n in range(3)},
        open_day: {"ZTO": 1},
    }
    # A change behind the services' back (the guard refuses any real one): a closed day keeps what its
    # close counted; the open day is counted again.
    with station.read() as session:
        ids = session.exec(select(Parcel.id).where(col(Parcel.business_day).in_([first, open_day]))).all()
    for pid in ids:
        assert pid is not None
        tamper(station, pid, status=ParcelStatus.CANCELLED)
    with station.read() as session:
        after = daily_counts(session, first, open_day)
    assert after == {d: counts for d, counts in before.items() if d != open_day}
    # A reopened day is open again: counted from its parcels.
    reopen_day(station, first, "recount")
    with station.read() as session:
        assert first not in daily_counts(session, first, open_day)


def test_the_migration_counts_the_days_closed_before_it(station: Station, clock: FakeClock) -> None:
    open_day = _three_closed_days(station, clock)
    reopen_day(station, open_day - timedelta(days=1), "recount")
    with station.read() as session:
        stored = {r.business_day: r.checkins for r in session.exec(select(DayClose)).all()}
    config = alembic_config(station.engine)
    command.downgrade(config, "0010")
    command.upgrade(config, "head")
    with station.read() as session:
        again = {r.business_day: r.checkins for r in session.exec(select(DayClose)).all()}
    last = open_day - timedelta(days=1)
    assert again == {**stored, last: None}  # the reopened day is left to its next close
    zto, sf = str(carrier_id(station, "ZTO")), str(carrier_id(station, "SF"))
    assert again[last - timedelta(days=1)] == {zto: 2, sf: 1}


def test_a_day_closed_early_is_neither_learned_from_nor_measured(station: Station, clock: FakeClock) -> None:
    """Two weeks of three ZTO a day, then a day closed at noon with one: a near-empty day counted as
    whole dragged the estimate down and read as 'off by 200%' (its one parcel against three)."""
    act_as_manager(station)
    today = date(2026, 11, 25)
    for n in range(15, 1, -1):
        day = today - timedelta(days=n)
        for i in range(3):
            put(station, f"73{n:02d}{i:010d}", "ZTO", local(day, 10, i))
    early = today - timedelta(days=1)
    put(station, "73010000000000", "ZTO", local(early, 10))
    clock.now = local(early, 12)
    close_day(station, early=True)
    clock.now = local(today, 10)
    with station.read() as session:
        fc = forecast(session, station, today + timedelta(days=1))
    assert fc.total == 3 and fc.mape_percent == 0.0
    assert early.isoformat() not in [b["date"] for b in fc.backtest]
    assert len(fc.backtest) == 11 and {b["actual"] for b in fc.backtest} == {3}  # whole days, measured
    # A close made before the close kept whether it ended early: judged by today's hours instead.
    station.run(lambda session: session.execute(sa_update(DayClose).values(ended_early=None)))
    with station.read() as session:
        assert forecast(session, station, today + timedelta(days=1)).backtest == fc.backtest


def test_days_closed_early_do_not_count_towards_the_backtests_history(
    station: Station, clock: FakeClock
) -> None:
    """Two days closed early, then six whole days of three ZTO: a backtest day needs three whole days
    before it. Counting the early ones, the fourth and fifth days were measured against an estimate
    learned from one or two days."""
    act_as_manager(station)
    today = date(2026, 11, 25)
    for n in range(8, 0, -1):
        day = today - timedelta(days=n)
        if n > 6:
            put(station, f"73{n:02d}0000000000", "ZTO", local(day, 10))
            clock.now = local(day, 12)
            close_day(station, early=True)
            continue
        for i in range(3):
            put(station, f"73{n:02d}{i:010d}", "ZTO", local(day, 10, i))
    clock.now = local(today, 10)
    with station.read() as session:
        fc = forecast(session, station, today + timedelta(days=1))
    assert [b["date"] for b in fc.backtest] == [(today - timedelta(days=n)).isoformat() for n in (3, 2, 1)]


def test_days_closed_at_their_closing_time_stay_whole_after_the_hours_change(
    station: Station, clock: FakeClock
) -> None:
    """Two weeks closed at 21:05 (hours 09:00-21:00), then the station stays open till 22:00: judged
    by today's hours every one of them looked closed early and the forecast had no history left."""
    from station_console.services.admin.settings import save_station_settings

    act_as_manager(station)
    today = date(2026, 11, 25)
    for n in range(15, 0, -1):
        day = today - timedelta(days=n)
        for i in range(3):
            put(station, f"73{n:02d}{i:010d}", "ZTO", local(day, 10, i))
        clock.now = local(day, 21, 5)
        close_day(station, day)
    later = station.settings().model_copy(update={"opening_hours": "09:00-22:00"})
    station.run(lambda session: save_station_settings(session, station, later, only={"opening_hours"}))
    station.forget_settings()
    clock.now = local(today, 10)
    with station.read() as session:
        fc = forecast(session, station, today + timedelta(days=1))
    assert fc.total == 3 and fc.mape_percent == 0.0
    assert len(fc.backtest) == 12 and {b["actual"] for b in fc.backtest} == {3}


def test_a_new_station_shows_no_estimate_until_it_has_days_to_check_one_against(
    station: Station, clock: FakeClock
) -> None:
    """Day one read "about 0 parcels" before the first close and "about 4" after it (that one day's
    count), both unchecked: no number until a day could be checked, and how many days it needs."""
    from station_console.i18n import Translator
    from station_console.services.day.export import to_csv
    from station_console.services.day.report import build_report
    from station_console.services.day.summary import summary_lines

    def estimate_lines(day: date, lang: str = "en") -> list[str]:
        lines = summary_lines(build_report(station, day), Translator(lang))
        return [line for line in lines if "Estimate" in line or "预估" in line]

    act_as_manager(station)
    first = date(2026, 11, 20)
    clock.now = local(first, 9)
    for i in range(4):
        put(station, f"73{i:012d}", "ZTO", local(first, 10, i))
    before = estimate_lines(first)
    clock.now = local(first + timedelta(days=1), 8)
    close_day(station, first)
    after = estimate_lines(first)
    said = f"Estimate for {first + timedelta(days=1)}: none yet; it needs 4 days of check-ins to learn from"
    assert before == [f"{said} and check against (0 so far)"]
    assert after == [f"{said} and check against (1 so far)"]
    zh = estimate_lines(first, "zh")
    assert zh == [f"{first + timedelta(days=1)} 预估：暂无；需有 4 天的入库记录来推算和核对（目前 1 天）"]
    assert "forecast_total_estimate" not in to_csv(build_report(station, first))
    # Five more days on record: the estimate is checked against three days, and shown with its error.
    for n in range(1, 6):
        day = first + timedelta(days=n)
        for i in range(4):
            put(station, f"74{n:02d}{i:010d}", "ZTO", local(day, 10, i))
    clock.now = local(first + timedelta(days=6), 8)
    shown = estimate_lines(first + timedelta(days=6))
    assert shown == [
        f"Estimate for {first + timedelta(days=7)}: about 4 parcels (0.0% off on average lately)"
    ]


def test_the_error_figure_waits_for_three_days_checked(station: Station, clock: FakeClock) -> None:
    """Three days of 4 check-ins and a quiet fourth of 2: the one day checked (4 expected, 2 came) read
    "100.0% off on average lately". Its average is said once three days were checked, before that how
    many were."""
    from station_console.i18n import Translator
    from station_console.services.day.report import build_report
    from station_console.services.day.summary import summary_lines

    first = date(2026, 11, 16)
    for n, count in enumerate((4, 4, 4, 2, 4, 4)):
        for i in range(count):
            put(station, f"75{n:02d}{i:010d}", "ZTO", local(first + timedelta(days=n), 10, i))

    def estimate(day: date, lang: str = "en") -> str:
        clock.now = local(day, 8)
        (line,) = [
            line
            for line in summary_lines(build_report(station, day), Translator(lang))
            if "Estimate" in line or "预估" in line
        ]
        return line

    quiet = first + timedelta(days=4)
    assert estimate(quiet) == (
        f"Estimate for {quiet + timedelta(days=1)}: about 3 parcels "
        "(how far off it runs is said once 3 days are checked, 1 so far)"
    )
    assert "核对满 3 天后显示误差，已核对 1 天" in estimate(quiet, "zh")
    later = first + timedelta(days=6)
    clock.now = local(later, 8)
    with station.read() as session:
        fc = forecast(session, station, later + timedelta(days=1))
    assert [b["actual"] for b in fc.backtest] == [2, 4, 4] and fc.measured_days == 3
    assert fc.mape_percent is not None and 0 < fc.mape_percent < 100
    assert f"({fc.mape_percent}% off on average lately)" in estimate(later)


def test_days_gone_quiet_after_the_last_check_in_count_as_none(station: Station, clock: FakeClock) -> None:
    today = date(2026, 11, 25)
    quiet = 6  # the days before today with no check-in, after three weeks of five a day
    for n in range(quiet + 21, quiet, -1):
        day = today - timedelta(days=n)
        for i in range(5):
            put(station, f"73{n:02d}{i:010d}", "ZTO", local(day, 10, i))
    with station.read() as session:
        fc = forecast(session, station, today + timedelta(days=1))
    # Smoothed towards the six zeros (5 x 0.7^6 is under 1), not five as on the last busy day.
    assert fc.total == 0 and fc.carriers == {}
    # The quiet days are measured too: each expected fewer than the one before.
    quiet_days = [b for b in fc.backtest if b["date"] > (today - timedelta(days=quiet + 1)).isoformat()]
    assert [b["actual"] for b in quiet_days] == [0] * quiet
    expected = [b["expected"] for b in quiet_days]
    assert expected[0] == 5 and expected[-1] <= 1 and expected == sorted(expected, reverse=True)


def test_predict_counts_the_days_known_after_the_last_one_in_its_history() -> None:
    history = weeks_of({w: 100 for w in range(7)}, 4)
    later = MONDAY + timedelta(days=3)
    # Three days over with nothing in: the level falls towards 0 (smoothed, so not all the way).
    quiet = predict(history, later, known_until=MONDAY + timedelta(days=2))["ZTO"]
    assert 20 < quiet < 50
    # Without them known (days not over yet) the level stays where the last day left it.
    assert round(predict(history, later)["ZTO"]) == 100
