"""The types of a day and of a row id typed on the command line, checked before any command runs.

A day's bounds are computed a day either side of it (and hours before its close): at the calendar's
ends (0001-01-01, 9999-12-31) that arithmetic overflowed, an unexpected error. A number past SQLite's
64-bit integers overflowed the driver the same way. Both are refused as typed, exit 2 like any usage
error, in the clerk's language.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import click

from station_console.i18n import _

# A station's calendar: far wider than any parcel's, far enough inside Python's for its arithmetic.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)

# The largest row id a database stores (a signed 64-bit integer).
MAX_ROW_ID = 2**63 - 1

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits: `\d` took full-width ones


class Day(click.ParamType):
    """A business day typed YYYY-MM-DD (only so: Python's `fromisoformat` took `20261125` and
    week dates too), between `FIRST_DAY` and `LAST_DAY`."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            day = date.fromisoformat(text) if _DAY.fullmatch(text) else None
        except ValueError:  # 2026-02-30
            day = None
        if day is None:
            self.fail(_("Use a date like 2026-11-25."), param, ctx)
        if not FIRST_DAY <= day <= LAST_DAY:
            self.fail(
                _(
                    "Use a date from {first} to {last}.",
                    first=FIRST_DAY.isoformat(),
                    last=LAST_DAY.isoformat(),
                ),
                param,
                ctx,
            )
        return day


DAY = Day()

# An event's, a message's or an import's id: a number the database can hold.
ROW_ID = click.IntRange(1, MAX_ROW_ID)
