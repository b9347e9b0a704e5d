"""The days a station's calendar holds, and the one refusal of a day outside them.

A day's bounds are computed a day either side of it (and from its local midnight in UTC): at the ends
of Python's calendar (0001-01-01, 9999-12-31) that arithmetic overflowed, an unexpected error in the
console's worker or the command. A day typed or asked for (a report's, a close's, a search's, the
command line's) is refused outside `FIRST_DAY`..`LAST_DAY` (`in_calendar`). The station's own clock and
the days stored with its rows are not typed: a clock reset to 1970, a test clock or an old backup's
rows are taken as before, and only a day whose arithmetic would overflow is refused (`computable`),
in the same words.
"""

from __future__ import annotations

from datetime import date, timedelta

from station_console.errors import Refused
from station_console.i18n import N_

# Far wider than any parcel's calendar, far enough inside Python's for a day's arithmetic.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)
# A day's bounds reach a day either side of it and a zone's offset (under a day) further.
_MARGIN = timedelta(days=2)


def in_calendar(day: date) -> date:
    """`day`, or refused (`day_out_of_range`) when it is outside `FIRST_DAY`..`LAST_DAY`."""
    if not FIRST_DAY <= day <= LAST_DAY:
        _refuse()
    return day


def computable(day: date) -> date:
    """`day`, or refused as `in_calendar` refuses when its bounds' arithmetic would overflow Python's
    calendar (within two days of 0001-01-01 or 9999-12-31)."""
    if not date.min + _MARGIN <= day <= date.max - _MARGIN:
        _refuse()
    return day


def _refuse() -> None:
    raise Refused(
        N_("Use a date from {first} to {last}."),
        code="day_out_of_range",
        first=FIRST_DAY.isoformat(),
        last=LAST_DAY.isoformat(),
    )
