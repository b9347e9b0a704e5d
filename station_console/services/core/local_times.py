"""A moment as a clerk reads it in a sentence, in station time: `14:06` today, `12-03 14:06` on another
day this year, `2025-12-03 14:06` in another year; a time alone would read as today's."""

from __future__ import annotations

from datetime import datetime, tzinfo


def short_when(at: datetime, zone: tzinfo, now: datetime) -> str:
    local, today = at.astimezone(zone), now.astimezone(zone)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
