"""A person's name's length limit and its one refusal: every service checks a typed name with it (a
clerk, a proxy, a runner, a courier who signed, a recipient, a sender) and every field that takes a
name has it as its max_length, so a field never takes a name a service refuses.

Outside the services so that the sign-in, drawn at start-up before the station (and the services)
load, reads it without loading them.
"""

from __future__ import annotations

from station_console.errors import Refused
from station_console.i18n import N_

NAME_MAX = 64  # characters


def within_limit(name: str, *, code: str = "too_long") -> str:
    """The name, refused (naming the limit, not cut: a record names who it was) when it is longer."""
    if len(name) > NAME_MAX:
        raise Refused(N_("A name is at most {limit} characters."), code=code, limit=NAME_MAX)
    return name
