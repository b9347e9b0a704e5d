"""What the Reports mode asks of the services, each run on a thread worker (`ServiceCalls`): the day's
report with the days it can move between, the close and its second question, the reopening, an export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from station_console.errors import StationError
from station_console.i18n import _, sentences
from station_console.private_files import write_new
from station_console.services.core.station import Station
from station_console.services.day import export


@dataclass
class EarlyClose:
    """The service wants a second yes: the day is closed before its closing hour."""

    question: str


@dataclass(frozen=True)
class ReportDays:
    """The days a report can be read of, as the report's read found them: from the station's first
    day with activity (None: nothing recorded yet) up to today's business day."""

    first: date | None
    today: date


ReportRead = tuple[dict[str, Any], dict[date, dict[str, int]], ReportDays]


@dataclass(frozen=True)
class ClosedBut:
    """The day closed, then a later step failed (its audit anchor): `text` says both."""

    text: str


def read_report(station: Station, day: date) -> ReportRead:
    # The figures, close and forecast (~20 ms to import) load with the first report, not at start-up.
    from station_console.services.day.forecast import daily_counts
    from station_console.services.day.report import build_report

    report = build_report(station, day)
    first = report["first_day"]  # the report read it: not asked again
    with station.read() as session:
        days = ReportDays(date.fromisoformat(first) if first else None, station.business_day(session=session))
        return report, daily_counts(session, day - timedelta(days=6), day), days


def read_report_if_moved(station: Station, day: date, *, only_today: bool) -> ReportRead | None:
    """The report of `day` read again, unless what was heard moves only today's figures and `day` is
    another day (None: nothing to show anew)."""
    if only_today and station.business_day() != day:
        return None
    return read_report(station, day)


def shown_totals(report: dict[str, Any]) -> dict[str, int]:
    """The totals a manager confirms a close on: the close freezes these or none."""
    return {k: report["totals"][k] for k in export.FIGURE_KEYS}


def close_or_ask(
    station: Station, day: date, early: bool, totals: dict[str, int]
) -> str | EarlyClose | ClosedBut:
    from station_console.services.day.close import close_day  # (see read_report)

    try:
        info = close_day(station, day, early=early, confirmed=totals)
    except StationError as exc:
        if exc.code == "close_early":
            return EarlyClose(exc.message())
        raise
    closed = _("Closed {day}; SHA-256 {sha}.", day=info.day.isoformat(), sha=info.sha256[:16])
    if info.anchor_failed is not None:  # closed all the same: said as closed, then what was not written
        return ClosedBut(sentences(closed, *info.anchor_failed.lines()))
    return closed


def may_close(station: Station, day: date) -> None:
    from station_console.services.day.close import may_close  # (see read_report)

    may_close(station, day)


def reopen(station: Station, day: date, reason: str) -> str:
    from station_console.services.day.close import reopen_day  # (see read_report)

    return reopen_day(station, day, reason).describe()


def write_export(report: dict[str, Any], counter: Any, fmt: str, counter_name: str | None = None) -> Path:
    """The report as a file where this counter's reports go (`export.report_file`: its PDF printer's
    folder, else the data folder's), written whole or not at all (a full disk leaves nothing behind),
    never over a file already there (`write_new`: the path written is returned)."""
    path = export.report_file(report, fmt, counter, counter_name)
    if fmt == "pdf":
        return write_new(path, export.to_pdf(report))
    writer = export.to_csv if fmt == "csv" else export.to_json
    return write_new(path, writer(report))
