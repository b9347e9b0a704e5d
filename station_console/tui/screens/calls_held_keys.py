"""Keys typed behind a service call that holds them, waiting for its answer (`ServiceCalls`' part).

A call sent `holds_keys` (see calls.py), or one on its way that `hold_keys_for` joins, keeps the keys
typed behind its key waiting (`holds_type_ahead`, read by type_ahead.py) until its answer's handler has
run, then lets them go on to what is on top; a fail-safe timer lets them go after `HOLD_KEYS_AT_MOST`
if the answer is slower than that. A call whose answer leaves the screen (`leaves`: Stocktake's pause
on Esc or F4) holds them however long it takes: they are the next
screen's keys, and given to this one after the fail-safe, an F8 meant for the shelf map opened the
stocktake's close. Its fail-safe only lets them go once the call is no longer on its way or the
screen is off every stack (its answer would never come).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from station_console.tui.one_shot import call_after
from station_console.tui.screens.base import on_a_stack

# Keys typed behind a call that holds them wait no longer than this for its answer.
HOLD_KEYS_AT_MOST = 2.0


class HeldKeysBehindCalls:
    """The holds of a `ServiceCalls` screen: which of its calls keys wait for, and letting them go."""

    # Calls on their way that keys typed behind their key wait for (`holds_keys`), each with its
    # hold's number (a fail-safe timer left over from an earlier one lets nothing go), that timer, and
    # whether the call leaves the screen (`leaves`: its fail-safe waits on while it is on its way).
    _holding_keys: dict[str, tuple[int, asyncio.TimerHandle, bool]] | None = None
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

    def hold_keys_for(self, tag: str, *, leaves: bool = False) -> None:
        """Keys typed from now wait for the answer of the call `tag` already on its way, as if it had
        been sent `holds_keys`: sent on the way to something else (the unsaved-edits question's Save
        sends the screen's save, whose answer then leaves the screen; `leaves`: see `call`)."""
        calls: Any = self
        if calls.calling(tag):
            self._hold_keys(tag, leaves=leaves)

    def _hold_keys(self, tag: str, *, leaves: bool = False) -> None:
        if (replaced := (self._holding_keys or {}).get(tag)) is not None:
            replaced[1].cancel()  # an exclusive read replaced: its fail-safe would let nothing go
        self._holds_sent += 1
        hold = self._holds_sent
        self._holding_keys = {**(self._holding_keys or {}), tag: (hold, self._fail_safe(tag, hold), leaves)}

    def _fail_safe(self, tag: str, hold: int) -> asyncio.TimerHandle:
        screen: Any = self
        # On the app: a screen closed meanwhile (its timers with it) never hears the answer. asyncio's
        # timer, as Textual's skips one that finds itself late (one_shot.py): the keys then waited on.
        return call_after(screen.app, HOLD_KEYS_AT_MOST, partial(self._hold_ran_out, tag, hold))

    def _hold_ran_out(self, tag: str, hold: int) -> None:
        """The fail-safe of hold `hold` ran out: the keys go, but for a call that leaves the screen still
        on its way, whose answer the keys wait for however long (the fail-safe starts again)."""
        held = (self._holding_keys or {}).get(tag)
        calls: Any = self
        if held is not None and held[0] == hold and held[2] and calls.calling(tag) and on_a_stack(calls):
            self._holding_keys = {**(self._holding_keys or {}), tag: (hold, self._fail_safe(tag, hold), True)}
            return
        self._keys_go(tag, hold)

    def _keys_go(self, tag: str, hold: int | None = None) -> None:
        """The call `tag` that holds keys has answered (or `hold`, its fail-safe, ran out): the keys go
        on to what is on top now, the question its answer opened."""
        holding = self._holding_keys or {}
        if tag not in holding or (hold is not None and holding[tag][0] != hold):
            return
        if hold is None:  # answered: its fail-safe is not needed
            holding[tag][1].cancel()
        self._holding_keys = {t: held for t, held in holding.items() if t != tag}
        screen: Any = self
        app: Any = screen.app
        top = app.screen_stack[-1] if app.screen_stack else None
        if getattr(top, "holds_type_ahead", False):
            return  # still held: by another call of ours, or by the sign-in over us for its PIN's Enter
        type_ahead = getattr(app, "type_ahead", None)
        if type_ahead is not None:
            type_ahead.let_go()
