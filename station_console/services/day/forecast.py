"""Tomorrow's expected check-ins per carrier: an estimate, never a promise.

Method: a weekday pattern with exponential smoothing (see `predict`). How far off it tends to be: the same method, run for each of the last 14 days using only the history before that
day, against what actually came in (MAPE, days with no volume left out; said once 3 days were measured). A day closed before its
closing time (an early close) holds only part of a day's arrivals: it is neither learned from nor
measured against, as if not known.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Carrier, DayClose, Parcel, ParcelStatus
from station_console.services.core.station import Station, closing_time
from station_console.services.day.put_backs import put_back_ids

WEEKS = 6  # of history read
ALPHA = 0.3
MIN_HISTORY_DAYS = 3  # a backtest day needs this many whole days (none closed early) before it
BACKTEST_DAYS = 14
# Days on record before a first estimate is shown: enough to learn from and to check one day against.
NEEDED_DAYS = MIN_HISTORY_DAYS + 1
# Days with both an estimate and a count before their average error is said: one quiet day (4 in, 2
# expected... or the other way) read as "100% off on average lately" of a method that was near elsewhere.
MEASURED_DAYS = 3


@dataclass
class Forecast:
    day: date
    carriers: dict[str, int]
    total: int
    # Mean absolute percentage error of the backtest; None until MEASURED_DAYS days had a count.
    mape_percent: float | None
    history_days: int
    estimate: bool = True
    method: str = "weekday pattern, exponential smoothing"
    backtest: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """A number worth showing: checked against at least one day it could have been made for. On a new
        station's first days it is a guess from a day or two (0 before the first close, that day's count
        after it), so no number is shown, only how many days it still needs."""
        return bool(self.backtest)

    @property
    def measured_days(self) -> int:
        return measured_days(self.backtest)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "estimate": self.estimate,
            "ready": self.ready,
            "needed_days": NEEDED_DAYS,
            "method": self.method,
            "carriers": self.carriers,
            "total": self.total,
            "mape_percent": self.mape_percent,
            "history_days": self.history_days,
            "backtest": self.backtest,
        }


def measured_days(backtest: list[dict[str, Any]]) -> int:
    """The backtest's days with a count to measure the estimate against (a day with none has no error)."""
    return sum(1 for day in backtest if day["actual"])


def daily_counts(session: Session, first: date, last: date) -> dict[date, dict[str, int]]:
    """Check-ins per day and carrier, [first, last] (days without any left out): a closed day's as
    its close counted them (`checkins_of`; it cannot change since), the open days' from the parcels."""
    codes = {c.id: c.code for c in session.exec(select(Carrier)).all()}
    per_id: dict[date, dict[int, int]] = {}
    closed = session.execute(
        sa_select(col(DayClose.business_day), col(DayClose.checkins)).where(
            col(DayClose.business_day) >= first,
            col(DayClose.business_day) <= last,
            col(DayClose.reopened_at).is_(None),
        )
    ).all()
    for day, stored in closed:
        if stored is not None:  # None (JSON null or SQL NULL): not counted at its close, so counted here
            per_id[day] = {int(cid): int(n) for cid, n in stored.items()}
    open_days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    open_days = [d for d in open_days if d not in per_id]
    if open_days:
        per_id.update(_counted(session, open_days))
    out: dict[date, dict[str, int]] = {}
    for day in sorted(per_id):
        for cid in sorted(per_id[day]):
            out.setdefault(day, {})[codes.get(cid, str(cid))] = per_id[day][cid]
    return out


def checkins_of(session: Session, day: date) -> dict[str, int]:
    """What a close stores for the forecast: the day's check-ins per carrier id (JSON keys are text)."""
    return {str(cid): n for cid, n in _counted(session, [day]).get(day, {}).items()}


def _counted(session: Session, days: list[date]) -> dict[date, dict[int, int]]:
    """Check-ins per day and carrier id from the parcels: index only (business_day, carrier_id, status).
    A stocktake's put-back is no arrival (`day/put_backs.py`): left out."""
    query = sa_select(col(Parcel.business_day), col(Parcel.carrier_id), func.count()).where(
        col(Parcel.business_day).in_(days), col(Parcel.status) != ParcelStatus.CANCELLED
    )
    if put_back := put_back_ids(session, days):
        query = query.where(col(Parcel.id).not_in(sorted(put_back)))
    rows = session.execute(query.group_by(col(Parcel.business_day), col(Parcel.carrier_id))).all()
    out: dict[date, dict[int, int]] = {}
    for day, cid, n in rows:
        out.setdefault(day, {})[cid] = int(n)
    return out


def partial_days(session: Session, station: Station, first: date, last: date) -> set[date]:
    """The days of [first, last] that ended before their closing time: closed early, as the close
    judged it by the hours then in force (a close made before that was kept: by today's hours)."""
    rows = session.execute(
        sa_select(col(DayClose.business_day), col(DayClose.ends_at), col(DayClose.ended_early)).where(
            col(DayClose.business_day) >= first,
            col(DayClose.business_day) <= last,
            col(DayClose.ends_at).is_not(None),
        )
    ).all()
    return {
        day
        for day, ends, early in rows
        if (early if early is not None else ends < closing_time(station, day))
    }


def predict(
    history: dict[date, dict[str, int]],
    target: date,
    *,
    alpha: float = ALPHA,
    partial: Collection[date] = (),
    known_until: date | None = None,
) -> dict[str, float]:
    """Expected count per carrier on `target`, from the days of `history` strictly before it.

    Every day from the first one in `history` through `known_until` (the last day over, when the
    caller knows it; else the last day in `history`) counts, a day without check-ins as 0: a station
    gone quiet after its last activity is expected to stay quieter, not to go on at its old level.
    Days before the first one in `history` are no part of it (the station was not in use yet).

    A weekday factor (how a weekday ran against its week's mean, averaged over the whole weeks seen;
    1 without a full week) scales an exponentially smoothed, weekday-adjusted daily level. A `partial`
    day (closed early) is left out: its week gives no factors, and the level passes over it.
    """
    days = sorted(d for d in history if d < target)
    if not days:
        return {}
    end = max(days[-1], min(known_until, target - timedelta(days=1))) if known_until else days[-1]
    span = [days[0] + timedelta(days=n) for n in range((end - days[0]).days + 1)]  # gaps count as 0
    # Whole weeks counted back from the newest day: a weekday's factor is its count over its week's mean.
    weeks = [span[i - 7 : i] for i in range(len(span), 6, -7)]
    out: dict[str, float] = {}
    for carrier in sorted({c for d in days for c in history[d]}):
        series = {d: history.get(d, {}).get(carrier, 0) for d in span}
        ratios: dict[int, list[float]] = {}
        for week in weeks:
            if any(d in partial for d in week):
                continue
            week_mean = sum(series[d] for d in week) / 7
            if week_mean:
                for d in week:
                    ratios.setdefault(d.weekday(), []).append(series[d] / week_mean)
        factor = {w: sum(r) / len(r) for w, r in ratios.items() if r}
        level: float | None = None
        for d in span:
            if d in partial:
                continue
            value = series[d] / (factor.get(d.weekday()) or 1.0)
            level = value if level is None else alpha * value + (1 - alpha) * level
        out[carrier] = (level or 0.0) * factor.get(target.weekday(), 1.0)
    return out


def forecast(session: Session, station: Station, target: date) -> Forecast:
    """Tomorrow's (or any day's) estimate, with the backtest error of the last two weeks."""
    first = target - timedelta(days=BACKTEST_DAYS + 7 * WEEKS)
    today = station.business_day(session=session)
    last = min(target, today) - timedelta(days=1)  # today is not over: not history yet
    history = daily_counts(session, first, last)
    partial = partial_days(session, station, first, last)
    expected = {
        c: round(v)
        for c, v in predict(history, target, partial=partial, known_until=last).items()
        if round(v) > 0
    }
    errors: list[float] = []
    backtest: list[dict[str, Any]] = []
    for n in range(BACKTEST_DAYS, 0, -1):
        day = target - timedelta(days=n)
        if day > last:
            break
        if day in partial:
            continue  # part of a day: no measure of how far off a whole day's estimate was
        before = {d: v for d, v in history.items() if d < day}
        if sum(1 for d in before if d not in partial) < MIN_HISTORY_DAYS:
            continue
        guess = round(
            sum(predict(before, day, partial=partial, known_until=day - timedelta(days=1)).values())
        )
        actual = sum(history.get(day, {}).values())
        backtest.append({"date": day.isoformat(), "expected": guess, "actual": actual})
        if actual:
            errors.append(abs(guess - actual) / actual)
    mape = round(100 * sum(errors) / len(errors), 1) if len(errors) >= MEASURED_DAYS else None
    return Forecast(
        day=target,
        carriers=dict(sorted(expected.items())),
        total=sum(expected.values()),
        mape_percent=mape,
        history_days=len(history),
        backtest=backtest,
    )


def forecast_tomorrow(station: Station) -> Forecast:
    with station.read() as session:
        return forecast(session, station, station.business_day(session=session) + timedelta(days=1))
