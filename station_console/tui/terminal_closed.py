"""The terminal closing under the console (SIGHUP: its window closed, its ssh or tmux session ended).

Python's default for SIGHUP ends the process at once, so the clerk signed in left no `signed_out`
event, and a question still open (save or discard?) never got its answer: the trail did not say when
the clerk left. Nobody is there to answer any more, so the console goes as Ctrl+Q's answered quit
goes: the sign-out recorded (reason quit), edits not saved dropped, the devices stopped.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

_SIGNALS = tuple(s for s in (getattr(signal, "SIGHUP", None),) if s is not None)


def watch(quit_now: Callable[[], object]) -> bool:
    """Run `quit_now` on the running loop when the terminal closes; whether it is watched (not on a
    platform without SIGHUP, nor off the main thread, where no signal handler can be set)."""
    loop = asyncio.get_running_loop()
    try:
        for sig in _SIGNALS:
            loop.add_signal_handler(sig, quit_now)
    except (NotImplementedError, RuntimeError, ValueError):
        logging.getLogger(__name__).info("the terminal's closing is not watched here", exc_info=True)
        return False
    return bool(_SIGNALS)


def unwatch() -> None:
    """The console has gone: a later SIGHUP gets Python's default again."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    for sig in _SIGNALS:
        loop.remove_signal_handler(sig)
