"""Keys typed behind a service call that holds them, waiting for its answer (`ServiceCalls`' part).

A call sent `holds_keys` (see calls.py), or one on its way that `hold_keys_for` joins, keeps the keys
typed behind its key waiting (`holds_type_ahead`, read by type_ahead.py) until its answer's handler has
run, then lets them go on to what is on top; a fail-safe timer lets them go after `HOLD_KEYS_AT_MOST`
if the answer is slower than that.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.timer import Timer

# Keys typed behind a call that holds them wait no longer than this for its answer.
HOLD_KEYS_AT_MOST = 2.0


class HeldKeysBehindCalls:
    """The holds of a `ServiceCalls` screen: which of its calls keys wait for, and letting them go."""

    # Calls on their way that keys typed behind their key wait for (`holds_keys`), each with its
    # hold's number (a fail-safe timer left over from an earlier one lets nothing go) and that timer.
    _holding_keys: dict[str, tuple[int, Timer]] | None = None
    _holds_sent: int = 0

    @property
    def holds_type_ahead(self) -> bool:
        """Keys typed behind the key that sent a call `holds_keys` wait for its answer (`TypeAhead`)."""
        return bool(self._holding_keys)

    def keys_wait(self) -> bool:
        """Keys the clerk typed behind a key are waiting to go on (in a `done_` handler: behind its call,
        to go once it has run): an Esc among them leaves the screen as soon as the answer is on it."""
        screen: Any = self
        type_ahead = getattr(screen.app, "type_ahead", None)
        return type_ahead is not None and bool(type_ahead.keys_waiting)

    def hold_keys_for(self, tag: str) -> None:
        """Keys typed from now wait for the answer of the call `tag` already on its way, as if it had
        been sent `holds_keys`: sent on the way to something else (the unsaved-edits question's Save
        sends the screen's save, whose answer then leaves the screen)."""
        calls: Any = self
        if calls.calling(tag):
            self._hold_keys(tag)

    def _hold_keys(self, tag: str) -> None:
        screen: Any = self
        app: Any = screen.app
        if (replaced := (self._holding_keys or {}).get(tag)) is not None:
            replaced[1].stop()  # an exclusive read replaced: its fail-safe would let nothing go
        self._holds_sent += 1
        hold = self._holds_sent
        # On the app: a screen closed meanwhile (its timers with it) never hears the answer.
        timer = app.set_timer(HOLD_KEYS_AT_MOST, partial(self._keys_go, tag, hold), name="held-keys")
        self._holding_keys = {**(self._holding_keys or {}), tag: (hold, timer)}

    def _keys_go(self, tag: str, hold: int | None = None) -> None:
        """The call `tag` that holds keys has answered (or `hold`, its fail-safe, ran out): the keys go
        on to what is on top now, the question its answer opened."""
        holding = self._holding_keys or {}
        if tag not in holding or (hold is not None and holding[tag][0] != hold):
            return
        if hold is None:  # answered: its fail-safe is not needed (stopped from within, it cancels itself)
            holding[tag][1].stop()
        self._holding_keys = {t: held for t, held in holding.items() if t != tag}
        screen: Any = self
        app: Any = screen.app
        top = app.screen_stack[-1] if app.screen_stack else None
        if getattr(top, "holds_type_ahead", False):
            return  # still held: by another call of ours, or by the sign-in over us for its PIN's Enter
        type_ahead = getattr(app, "type_ahead", None)
        if type_ahead is not None:
            type_ahead.let_go()
