"""Free text a clerk types (a name, a reason, contents), read the one way every flow reads it."""

from __future__ import annotations

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.safe_text import printable


def text_field(text: str | None, label: str, *, limit: int, required: bool = True) -> str:
    """Free text as data (`clean`, and any other character that prints nothing out); empty (when
    required) or longer than `limit` is refused with the field's name, never cut silently."""
    value = printable(text)
    if required and not value:
        raise Refused(N_("{field} is empty"), code="missing", field=label)
    if len(value) > limit:
        raise Refused(
            N_("{field} is longer than {limit} characters"), code="too_long", field=label, limit=limit
        )
    return value
