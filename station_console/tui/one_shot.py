"""A callback after a delay on the UI loop that runs however late the loop gets to it.

Textual's one-shot `set_timer` never calls back when its task finds the time already past on its first
look (its skip rule, meant for intervals, counts the tick as missed): a UI thread held up for a few
milliseconds between two clock reads (a worker thread holding the GIL, a busy machine) lost a wedge
router's flush, and the keys it held stayed undecided until the next key. asyncio's own timer runs late
instead of never.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.message_pump import MessagePump


def call_after(owner: MessagePump, delay: float, callback: Callable[[], object]) -> asyncio.TimerHandle:
    """`callback` through `owner`'s queue `delay` s from now (cancel the handle to call it off)."""
    return asyncio.get_running_loop().call_later(delay, owner.call_next, callback)
