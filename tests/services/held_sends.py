"""A pass stopped while it sends (the console quitting): the send in hand is held until the stop is
asked, so the test knows the pass is mid-item when it stops."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

HANG = 30.0  # seconds: bounds a hang only; a loaded machine waits longer, never fails for it


class HeldSend:
    """Call `hold()` from a channel's or transport's send: it says an item is in hand, then waits."""

    def __init__(self) -> None:
        self.in_hand = threading.Event()
        self.go_on = threading.Event()
        self.held = 0

    def hold(self) -> None:
        self.held += 1
        self.in_hand.set()
        assert self.go_on.wait(HANG)


def stopped_mid_send(held: HeldSend, run_pass: Callable[[Callable[[], bool]], Any]) -> Any:
    """Run `run_pass(should_continue)` in a thread; once its first send is in hand, stop it and let the
    send go on. Returns the pass's result."""
    stop = threading.Event()
    out: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: out.update(result=run_pass(lambda: not stop.is_set())))
    thread.start()
    assert held.in_hand.wait(HANG), "the pass never sent"
    stop.set()
    held.go_on.set()
    thread.join(HANG)
    assert not thread.is_alive() and "result" in out, "the pass did not end"
    return out["result"]
