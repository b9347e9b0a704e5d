"""The days a station's calendar holds, and the one refusal of a day outside them.

A day's bounds are computed a day either side of it (and from its local midnight in UTC): at the ends
of Python's calendar (0001-01-01, 9999-12-31) that arithmetic overflowed, an unexpected error in the
console's worker or the command. Every path that turns a day into instants checks it here first, and
the command line checks a typed day with the same words before it runs anything.
"""

from __future__ import annotations

from datetime import date

from station_console.errors import Refused
from station_console.i18n import N_

# Far wider than any parcel's calendar, far enough inside Python's for a day's arithmetic.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)


def in_calendar(day: date) -> date:
    """`day`, or refused (`day_out_of_range`) when it is outside `FIRST_DAY`..`LAST_DAY`."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Refused(
            N_("Use a date from {first} to {last}."),
            code="day_out_of_range",
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        )
    return day
