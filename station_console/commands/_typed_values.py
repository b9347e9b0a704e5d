"""The types of a day and of a row id typed on the command line, checked before any command runs.

A day outside the station's calendar is refused by the services (core/calendar_span.py: its bounds'
arithmetic overflowed at Python's calendar ends), and here as typed with the same words. A number past
SQLite's 64-bit integers overflowed the driver the same way. Both are refused as typed, exit 2 like any
usage error, in the clerk's language.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import click

from station_console.errors import StationError
from station_console.i18n import _
from station_console.services.core.calendar_span import in_calendar

# The largest row id a database stores (a signed 64-bit integer).
MAX_ROW_ID = 2**63 - 1

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits: `\d` took full-width ones


class Day(click.ParamType):
    """A business day typed YYYY-MM-DD (only so: Python's `fromisoformat` took `20261125` and
    week dates too), in the station's calendar."""

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
        try:
            return in_calendar(day)
        except StationError as exc:
            self.fail(exc.message(), param, ctx)


DAY = Day()

# An event's, a message's or an import's id: a number the database can hold.
ROW_ID = click.IntRange(1, MAX_ROW_ID)
