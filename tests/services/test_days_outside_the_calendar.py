"""A day outside the station's calendar (2000-01-01..2999-12-31) is refused where a day becomes instants,
in the command line's words: at Python's calendar ends the bounds' arithmetic overflowed, an unexpected
error wherever the day came from (the console's date fields, a service called with it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from day_helpers import act_as_manager

from db.models import Parcel, ParcelStatus
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in, undo_last
from station_console.services.core.station import Station, closing_time, day_bounds, midnight
from station_console.services.day.close import close_day
from station_console.services.day.report import build_report
from station_console.services.people.audit_trail import clerk_activity
from station_console.services.sendout.listing import list_sends
from station_console.services.shelves.search import Query, search

FAR = [date(1, 1, 1), date(1, 1, 2), date(1999, 12, 31), date(3000, 1, 1), date(9999, 12, 31)]
CALLS: dict[str, Callable[[Station, date], Any]] = {
    "day_bounds": day_bounds,
    "midnight": midnight,
    "closing_time": closing_time,
    "report": build_report,
    "close": close_day,
    "activity": lambda station, day: clerk_activity(station, "Tester", day=day),
    "sends": lambda station, day: list_sends(station, day=day),
    "since": lambda station, day: search(station, Query(since=day)),
    "until": lambda station, day: search(station, Query(until=day)),
}


# A report or a close of a day after today is refused as not begun (their own tests). A day's bounds, its
# midnight and its closing time are the clock's and the stored rows' too: they refuse only a day at
# Python's calendar ends, where their arithmetic overflowed (below, a clock before 2000 is taken).
AT_THE_ENDS = ("day_bounds", "midnight", "closing_time")
CASES = [
    (call, day)
    for call in CALLS
    for day in FAR
    if not (call in ("report", "close") and day.year > 2000)
    and not (call in AT_THE_ENDS and 2 <= day.year <= 9998)
]


@pytest.mark.parametrize(("call", "day"), CASES, ids=[f"{c}-{d}" for c, d in CASES])
def test_a_day_outside_the_calendar_is_refused_in_words(station: Station, call: str, day: date) -> None:
    if call == "close":
        act_as_manager(station)
    with pytest.raises(Refused) as refused:
        CALLS[call](station, day)
    assert refused.value.code == "day_out_of_range"
    assert refused.value.message("en") == "Use a date from 2000-01-01 to 2999-12-31."
    assert refused.value.message("zh") == "请使用 2000-01-01 至 2999-12-31 之间的日期。"


def test_the_calendars_own_ends_have_bounds(station: Station) -> None:
    first_start, first_end = day_bounds(station, date(2000, 1, 1))
    last_start, last_end = day_bounds(station, date(2999, 12, 31))
    assert first_start < first_end < last_start < last_end
    assert midnight(station, date(3000, 1, 1)) == last_end  # where the last day ends


def test_a_station_clock_before_2000_checks_in_and_undoes_as_before(station: Station, clock: Any) -> None:
    """A device whose clock was reset (1970 until its time is set), a test clock: not a day typed, and
    every write reads its business day. It was refused mid-flow in words about typing a date."""
    clock.now = datetime(1970, 1, 1, 2, tzinfo=UTC)
    first = check_in(station, "SF1234567890123", phone="13812345678")
    second = check_in(station, "SF1234567890124")
    assert station.business_day() == date(1970, 1, 1)
    undo_last(station)
    with station.read() as session:
        statuses = [session.get(Parcel, r.parcel_id).status for r in (first, second)]  # type: ignore[union-attr]
    assert statuses == [ParcelStatus.ON_SHELF, ParcelStatus.CANCELLED]
    assert day_bounds(station, date(1970, 1, 1))[0] == datetime(1969, 12, 31, 16, tzinfo=UTC)


def test_a_clock_outside_the_calendar_is_refused_not_overflowed(station: Station) -> None:
    with pytest.raises(Refused) as refused:
        station.day_of(datetime(9999, 12, 31, 12, tzinfo=UTC))
    assert refused.value.code == "day_out_of_range"
