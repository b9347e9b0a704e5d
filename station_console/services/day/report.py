"""The day report: the day's figures (`figures.py`), the forecast for tomorrow, the close status (with
whether the stored hash still matches), and, for a station with a recipient directory, consent coverage
and the parcels on the shelves by delivery choice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from db.models import EventKind, ParcelEvent
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.calendar_span import in_calendar
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.day import close, forecast, reconcile
from station_console.services.day.figures import EARLIER_COUNTINGS, day_figures
from station_console.services.recipients import consent, directory
from station_console.services.scan.carriers import short_names
from station_console.services.sendout.figures import SEND_KINDS
from station_console.services.sendout.figures import empty as no_sends

# The events another counter records today that move today's figures: parcels in and out, problems,
# fees, door runs, stocktakes and sends.
TODAYS_FIGURE_KINDS = frozenset(
    {
        *reconcile.EVENT_KINDS,
        EventKind.PROBLEM_MARKED,
        EventKind.PROBLEM_RESOLVED,
        EventKind.FEE_PAID,
        EventKind.FEE_WAIVED,
        EventKind.FEE_REVERSED,
        EventKind.OUT_FOR_DELIVERY,
        EventKind.DELIVERY_FAILED,
        EventKind.STOCKTAKE_CLOSED,
        *SEND_KINDS,
    }
)
# A close or a reopening changes the report of the day it names, whichever day that is.
ANY_DAY_KINDS = frozenset({EventKind.DAY_CLOSED, EventKind.DAY_REOPENED})


def first_day(session: Session) -> date | None:
    """The first business day anything was recorded on (None: nothing yet): the days before it have
    no activity to report."""
    return session.exec(select(func.min(ParcelEvent.business_day))).one()


def build_report(station: Station, day: date | None = None, *, with_forecast: bool = True) -> dict[str, Any]:
    """The full report of `day` (default today, station time), in one read transaction."""
    require(station, "view")
    if day is not None:  # a day asked for; today is the clock's, taken as it reads
        in_calendar(day)
    with station.read() as session:
        today = station.business_day(session=session)
        day = day or today
        if day > today:  # its figures would read as a balanced day that nothing happened in
            raise Refused(
                N_("{day} has not begun: today is {today}. A day has a report once it begins."),
                code="report_future_day",
                day=day.isoformat(),
                today=today.isoformat(),
            )
        figures = day_figures(session, station, day)
        info = close.close_info(session, station, day)
        report = dict(figures)
        # A day before the station's first (or any day while nothing is recorded) is all zeros and
        # balanced, as nothing could happen on it: said as no activity, not as a balanced day.
        first = first_day(session)
        report["first_day"] = first.isoformat() if first is not None else None
        report["no_activity"] = first is None or day < first
        report.setdefault("sends", no_sends())  # the screen and exports always find the section
        report["closed"] = None
        # Read now, not frozen with the figures: a closed day stays keyed by code, a renamed carrier
        # reads as it is called today.
        report["carrier_names"] = short_names(session)
        # The currency its sums are said in (not frozen: the figures are cents, as they were).
        report["currency"] = station.settings().currency
        if info is not None:
            matches = close.digest(figures) == info.sha256
            for counting in EARLIER_COUNTINGS if not matches else ():  # closed by an earlier version?
                matches = close.digest(day_figures(session, station, day, counting=counting)) == info.sha256
                if matches:
                    break
            report["closed"] = {**info.to_json(), "matches": matches}
        if with_forecast:
            report["forecast"] = forecast.forecast(session, station, day + timedelta(days=1)).to_json()
        if directory.active_count(session):  # the directory's figures are now, not the day's: not hashed
            report["recipients"] = {
                **consent.coverage_in(session),
                "parcels_by_preference": consent.parcels_by_preference_in(session),
            }
    return report
