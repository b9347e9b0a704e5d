"""A clerk's unfinished entry on a screen: the fields they were typing into (text, a choice made for
it), which another clerk signing in after a lock finds empty (`ModeScreen.clear_for_next_clerk`).

What the screen shows of the station (an open batch or stocktake, a list) is not part of it, nor a
disabled field, which shows rather than takes.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Select


def held(fields: Iterable[Widget]) -> list[Widget]:
    """Those of `fields` holding something of the clerk's."""
    return [field for field in fields if not field.disabled and _holds(field)]


def _holds(field: Widget) -> bool:
    if isinstance(field, Input):
        return bool(field.value)
    if isinstance(field, Select):
        return not field.is_blank()
    return False


def clear(fields: Iterable[Widget]) -> None:
    for field in fields:
        if isinstance(field, Input):
            field.value = ""
        elif isinstance(field, Select):
            field.clear()
