"""Error toasts stay up until the clerk has done something after they had time to read them.

Textual takes every toast down after its timeout (5 s), whatever the clerk does: an error said while
they looked at the customer (a worker's refusal landing late, a scan's) was gone before it was read. An
error toast without a timeout of its own stays until the clerk's first key, click or paste once it has
been up as long as any toast (keys typed on in the first seconds do not take it down); information and
warning toasts go as before, unless shown with `UNTIL_READ` (another counter closed the day): taken
down the same way.
"""

from __future__ import annotations

import time
from typing import Any

from textual.notifications import SeverityLevel

READ_S = 5.0  # as long as Textual shows any toast
UP_TO_S = 3600.0  # a console left alone: taken down in the end (a lock too, but a station notice)
UNTIL_READ = UP_TO_S  # a toast's timeout: up until the clerk acts after reading it, whatever its severity


def timeout_for(severity: SeverityLevel, timeout: float | None) -> float | None:
    """The timeout a toast is shown with: an error's stays up (see the module docstring)."""
    return UP_TO_S if severity == "error" and timeout is None else timeout


def clerk_acted(app: Any) -> None:
    """A key, click or paste: error toasts (and `UNTIL_READ` ones) up at least `READ_S` were there to be
    read, and go."""
    now = time.time()
    for toast in [t for t in app._notifications if t.timeout == UP_TO_S and now - t.raised_at >= READ_S]:
        app._unnotify(toast)
