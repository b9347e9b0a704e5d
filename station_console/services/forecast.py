"""Tomorrow's expected check-ins per carrier: an estimate, never a promise.

Method: a weekday pattern with exponential smoothing. For the target weekday, the counts of the same
weekday over the last `weeks` weeks are smoothed (newest weighs most, `alpha`), then scaled by how the
last seven days ran against the seven before them (a gentle level trend, clamped). How far off it
tends to be: the same method, run for each of the last 14 days using only the history before that
day, against what actually came in (MAPE, days with no volume left out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Carrier, Parcel, ParcelStatus
from station_console.services.station import Station

WEEKS = 6
ALPHA = 0.5
BACKTEST_DAYS = 14


@dataclass
class Forecast:
    day: date
    carriers: dict[str, int]
    total: int
    mape_percent: float | None  # mean absolute percentage error of the backtest; None without history
    history_days: int
    estimate: bool = True
    method: str = "weekday pattern, exponential smoothing"
    backtest: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "estimate": self.estimate,
            "method": self.method,
            "carriers": self.carriers,
            "total": self.total,
            "mape_percent": self.mape_percent,
            "history_days": self.history_days,
            "backtest": self.backtest,
        }


def daily_counts(session: Session, first: date, last: date) -> dict[date, dict[str, int]]:
    """Check-ins per day and carrier, [first, last]; an index-only GROUP BY (business_day, carrier_id, status)."""
    codes = {c.id: c.code for c in session.exec(select(Carrier)).all()}
    rows = session.execute(
        sa_select(col(Parcel.business_day), col(Parcel.carrier_id), func.count())
        .where(
            col(Parcel.business_day) >= first,
            col(Parcel.business_day) <= last,
            col(Parcel.status) != ParcelStatus.CANCELLED,
        )
        .group_by(col(Parcel.business_day), col(Parcel.carrier_id))
    ).all()
    out: dict[date, dict[str, int]] = {}
    for day, cid, n in rows:
        out.setdefault(day, {})[codes.get(cid, str(cid))] = int(n)
    return out


def predict(
    history: dict[date, dict[str, int]], target: date, *, weeks: int = WEEKS, alpha: float = ALPHA
) -> dict[str, float]:
    """Expected count per carrier on `target` from days strictly before it."""
    same_day = [target - timedelta(weeks=w) for w in range(weeks, 0, -1)]  # oldest first
    carriers = {c for d in same_day for c in history.get(d, {})}
    recent = [target - timedelta(days=n) for n in range(1, 8)]
    earlier = [target - timedelta(days=n) for n in range(8, 15)]
    out: dict[str, float] = {}
    for carrier in sorted(carriers):
        level: float | None = None
        for d in same_day:
            if d not in history and level is None:
                continue  # before the station had any history
            value = history.get(d, {}).get(carrier, 0)
            level = value if level is None else alpha * value + (1 - alpha) * level
        now_week = sum(history.get(d, {}).get(carrier, 0) for d in recent)
        before = sum(history.get(d, {}).get(carrier, 0) for d in earlier)
        trend = min(1.5, max(0.67, now_week / before)) if before and now_week else 1.0
        out[carrier] = (level or 0.0) * trend
    return out


def forecast(session: Session, station: Station, target: date) -> Forecast:
    """Tomorrow's (or any day's) estimate, with the backtest error of the last two weeks."""
    first = target - timedelta(days=BACKTEST_DAYS + 7 * WEEKS)
    history = daily_counts(session, first, target - timedelta(days=1))
    expected = {c: round(v) for c, v in predict(history, target).items() if round(v) > 0}
    errors: list[float] = []
    backtest: list[dict[str, Any]] = []
    for n in range(BACKTEST_DAYS, 0, -1):
        day = target - timedelta(days=n)
        before = {d: v for d, v in history.items() if d < day}
        if not before:
            continue
        guess = round(sum(predict(before, day).values()))
        actual = sum(history.get(day, {}).values())
        backtest.append({"date": day.isoformat(), "expected": guess, "actual": actual})
        if actual:
            errors.append(abs(guess - actual) / actual)
    mape = round(100 * sum(errors) / len(errors), 1) if errors else None
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
        return forecast(session, station, station.business_day() + timedelta(days=1))
