"""Running the console to its end: a background pass still sending as it quits is waited for, and said.

Textual's exit does not wait for its thread workers, but asyncio's does (the default executor's shutdown,
with no time limit), after the screen is gone. The app's exit stops every pass before Textual shuts
down, so none starts an item after the quit: a pass still running once the screen is gone is one that
had its item in hand (a message, a label, an event: `tui/periodic.py`), which can still take a
channel's whole timeout (SMTP's 20 s): the terminal says what it waits for instead of hanging without
a word.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any, TextIO, get_args

from station_console.i18n import _
from station_console.tui.periodic import PassWorker

# A pass that was only between two items ends at once on the stop: no line for it.
GRACE_S = 0.3
PASSES: tuple[PassWorker, ...] = get_args(PassWorker)


def run_to_the_end(app: Any, *, out: TextIO | None = None, **run: Any) -> None:
    """`app.run(**run)`, saying on `out` (stderr) what the passes still finish once the screen is gone."""
    with asyncio.Runner() as runner:
        runner.run(app.run_async(**run))
        line = finishing_line(app)
        if line:
            print(line, file=out or sys.stderr, flush=True)
    # Leaving the runner waits for the worker threads: the items in hand.


def finishing_line(app: Any, grace: float = GRACE_S) -> str | None:
    """One line naming what the passes still running send before they end; None when none runs."""
    deadline = time.monotonic() + grace
    items = []
    for name in PASSES:
        worker = getattr(app, name, None)
        if worker is not None:
            item = worker.finishing(max(0.0, deadline - time.monotonic()))
            if item:
                items.append(item)
    if not items:
        return None
    return _("Finishing before quitting: {items}...", items=_("; ").join(items))
