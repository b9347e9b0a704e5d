"""Keyboard-wedge routing for a screen: a scan reaches the scan handler wherever the focus is.

`KeyRouter` feeds the keys that reach its `WedgeInput`s to `hardware.scanners.wedge.WedgeDecoder`
(pure timing logic). A complete scan becomes one `KeyRouter.Scanned` message posted to the owner
screen; scanner output that is not a whole code (a split scan, too short, no prefix) becomes one
`KeyRouter.Refused` message and is stored nowhere: keys of it that were already typed into a field
are taken back out. Keys a person typed are replayed, in order, to whatever is focused, as if nothing
happened. Time comes from `clock(event)`: the key's arrival time by default; tests inject their own.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual.keys import _character_to_key
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input

from hardware.scanners.wedge import Partial, Scan, WedgeDecoder, WedgeOutput
from station_console.i18n import N_, _
from station_console.tui.one_shot import call_after
from station_console.tui.queue_trail import follow_then, trail
from station_console.tui.widgets.fixed_input import FixedInput, typed_space

Clock = Callable[[events.Key | None], float]
# Pastes re-sent behind the keys a scan field's router held (`WedgeInput._send_after_held`): those keys are
# settled by the time one arrives, and it goes into the field it reaches as it is.
_IN_TURN: weakref.WeakSet[events.Paste] = weakref.WeakSet()
_ALWAYS_ROUTED = frozenset({"enter", "tab"})
# Separators inside GS1 and ISO 15434 barcodes arrive as ctrl+ keys: they are part of the code.
_CODE_CONTROLS = frozenset("\x04\x1c\x1d\x1e\x1f")
PARTIAL_TEXT = {
    "split": N_("Partial scan ({text}): it arrived in pieces."),
    "short": N_("Not a parcel barcode ({text}): too short."),
    "framing": N_("Not a whole scan ({text}): the scanner's prefix or suffix is missing."),
    "garbled": N_("Partial scan ({text}): a key broke into it."),
}
# A refusal that took typed keys back out of a field: they may be the scan's first keys, or the clerk's.
TAKEN_BACK_TEXT = {
    1: N_(
        "Partial scan ({text}): it arrived in pieces, and the last key typed before it was taken back."
        " Check the field, then scan again."
    ),
    2: N_(
        "Partial scan ({text}): it arrived in pieces, and the last 2 keys typed before it were taken"
        " back. Check the field, then scan again."
    ),
}


def arrival_time(event: events.Key | None) -> float:
    """When the key reached the app (monotonic), or now for a timer flush."""
    return event.time if event is not None else time.monotonic()


class KeyRouter:
    """Telling scans from typing for the inputs of one screen."""

    @dataclass
    class Scanned(Message):
        """A complete code from the keyboard-wedge scanner."""

        code: str
        source: str = "wedge"
        key_time: float = 0.0  # arrival of the terminator, for scan-to-screen timing

    @dataclass
    class Refused(Message):
        """Scanner output that is not a whole code: say so loudly; nothing of it is kept."""

        reason: str  # split | short | framing | garbled
        text: str
        taken_text: str = ""  # keys typed just before, taken back out of a field as its head, in order

        def shown(self) -> str:
            """Why it was refused, in the clerk's language, with the start of what came. Past what a
            waybill can be (a paste with no Enter), in the words a scan that long gets at check-in."""
            # Here, not at the top: the sign-in screen uses this widget before any service is loaded.
            from station_console.services.scan.waybill import clean_waybill

            _waybill, error = clean_waybill(self.text)
            if error is not None and error.code == "too_long":
                return error.message()
            fragment = self.text if len(self.text) <= 24 else f"{self.text[:20]}…"
            if self.taken_text:
                return _(TAKEN_BACK_TEXT[min(len(self.taken_text), 2)], text=fragment)
            return _(PARTIAL_TEXT.get(self.reason, PARTIAL_TEXT["split"]), text=fragment)

    def __init__(self, owner: Widget, decoder: WedgeDecoder, clock: Clock = arrival_time) -> None:
        self.owner = owner
        self.decoder = decoder
        self.clock = clock
        self._replayed: set[int] = set()  # ids of key events we re-posted ourselves
        self._withdrawn: set[int] = set()  # ...of those, ones taken back before they arrived
        self._timer: asyncio.TimerHandle | None = None
        self._typed_into: list[tuple[Widget, str, int]] = []  # the last characters replayed, where, event id
        self.scans = 0
        self.refused = 0
        self._settings: Any = None  # the counter settings the decoder was built from, when it follows them
        self._telling = 0  # scans (or refusals) decided and not yet answered by the owner
        self._told_at = 0.0  # when the owner last answered one (monotonic, as events are stamped)
        self._answering = 0  # keys given back and not yet through the app's queue (twice, as an Enter's)
        # The last Enter decided as a person's and replayed into a field: what follows it waits for its
        # answer with the console's type-ahead, as behind a form field's Enter (`behind_enter`).
        self._enter: events.Key | events.Paste | None = None
        self._deciding: events.Key | None = None  # the key being routed that decides a lone Enter

    @classmethod
    def from_settings(cls, owner: Widget, counter_settings: Any) -> KeyRouter:
        """A router whose decoder follows the counter's settings as they are saved (see `_follow`)."""
        router = cls(owner, WedgeDecoder.from_settings(counter_settings))
        router._settings = counter_settings
        return router

    def _follow(self) -> None:
        """Settings saved since (a new `app.counter_settings`): a new decoder by them, from the next key
        on, so the clerk need not restart for a prefix or timing just saved. Not while keys are held:
        they are decided by the settings they came under. What the old one remembers of the keys just
        before goes on (a scanner's extra CR/LF right after its code is still its own)."""
        if self._settings is None or self.decoder.pending:
            return
        settings = getattr(self.owner.app, "counter_settings", None)
        if settings is not None and settings is not self._settings:
            self.decoder = WedgeDecoder.from_settings(settings).following(self.decoder)
            self._settings = settings

    @property
    def deciding(self) -> bool:
        """Keys held undecided (a lone Enter waits out a scanner's gap), or given back to a widget and
        not arrived there yet: what they do is still to come."""
        return self.decoder.pending or bool(self._replayed)

    @property
    def answering(self) -> bool:
        """Keys held undecided, or given back (or a scan told) and not yet through the queues to what
        they do: the type-ahead's hold behind a key this router took waits for that (`router_answered`)."""
        return self.decoder.pending or self._answering > 0 or self._telling > 0

    def _answered_all(self) -> None:
        answered = getattr(getattr(self.owner.app, "type_ahead", None), "router_answered", None)
        if answered is not None and not self.answering:
            answered(self)

    def route(self, event: events.Key) -> bool:
        """Take `event` if the decoder must see it; False lets the widget handle it now."""
        if id(event) in self._replayed:
            self._replayed.discard(id(event))
            if id(event) in self._withdrawn:
                self._withdrawn.discard(id(event))
                return True  # a scan's head, taken back while the key was on its way: dropped
            return False
        if self.behind_enter(event):
            return True  # given on before the clerk's Enter was decided, it reaches the field only now
        self._follow()
        token = _token(event)
        if not (len(token) == 1 or token in _ALWAYS_ROUTED or self.decoder.pending):
            self._typed_into.clear()  # a person's own key (arrow, backspace...): nothing to take back
            # ...and the keys typed before it are no head of a scan that follows (an Esc between
            # `SF14` and a scan 30 ms later refused that scan as arrived in pieces, `SF14` unsaid).
            self.decoder.interrupt()
            return False  # F-keys, arrows, ctrl+...: instant, unless a burst is being decided
        now = self.clock(event)
        if self.decoder.decides_lone_terminator(token):
            # A key right behind a lone Enter makes it the clerk's: replayed, it holds what follows it
            # (this key first) until the field's form has answered it.
            self._deciding = event
            try:
                self._handle(self.decoder.interrupt(), now)
            finally:
                self._deciding = None
            if self.behind_enter(event):
                return True
        self._handle(self.decoder.feed(token, now), now)
        self._arm_flush(now)
        return True

    def before_paste(self) -> bool:
        """A paste is a person's: keys held undecided are settled first (a person's few replayed into
        the field, a scanner's refused). True when some were held, or a scan decided is still on its
        way to the owner: the paste must then follow them through the field's queue, or it lands
        ahead of what came before it (and the scan clears it as typing). True too while keys given
        back are still being answered: an Esc replayed into Size and on its way to its binding (the
        focus back to the scan field) left the paste behind it in Size."""
        if not self.decoder.pending:
            self.decoder.interrupt()  # nothing held, but an Enter behind the paste is the clerk's own
            return self._telling > 0 or self._answering > 0
        self.settle_held()
        return True

    def settle_held(self) -> None:
        """A person acted past the field (a paste, a key the console acts on as it arrives): keys held
        undecided are settled now, ahead of it (a person's few given back to the field, a scanner's
        refused)."""
        if self.decoder.pending:
            now = self.clock(None)
            self._handle(self.decoder.interrupt(), now)
            self._arm_flush(now)

    def answered_after(self, pasted: events.Paste) -> bool:
        """The owner answered a scan (its focus on to the phone) after `pasted` arrived: the app gave
        the paste to the field focused then, ahead of that answer, and it reaches the field only now.
        It follows the scan as a paste held behind it does (a phone pasted right behind a scan whose
        CR and LF both came, the LF ending it at once, stayed in the scan field, the focus on Phone)."""
        return self._told_at > pasted.time

    def behind_enter(self, event: events.Key | events.Paste) -> bool:
        """True when `event` waits behind the clerk's Enter this router decided, with the keys typed
        after it (`TypeAhead.take_back`): given on before the Enter was decided, it would go into the
        field the Enter left (a waybill pasted behind a shelf's Enter, into the shelf)."""
        type_ahead = getattr(self.owner.app, "type_ahead", None)
        return self._enter is not None and type_ahead is not None and type_ahead.take_back(self._enter, event)

    def flush(self) -> None:
        """Decide on held keys once their time is up."""
        now = self.clock(None)
        self._handle(self.decoder.flush(now), now)
        self._arm_flush(now)
        self._answered_all()  # decided into nothing given back (a refused scan's tail dropped)

    def _arm_flush(self, now: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.decoder.deadline()
        if deadline is not None:
            self._timer = call_after(self.owner, max(0.0, deadline - now) + 0.005, self._flush_in_turn)

    def _flush_in_turn(self) -> None:
        """The timer's flush, queued behind every key already received.

        A timer runs on its own, but keys wait in the app's queue and then the focused field's: on a
        busy machine the rest of a split scan can be waiting there, stamped in time, while the timer
        says the time is up. So the flush goes through the same two queues as the keys."""
        self._timer = None
        app = self.owner.app

        def through_focused() -> None:
            # A field closed since (its dialog dismissed) has no queue to wait behind: decided now, else
            # the keys stayed held unsaid and the router answering.
            if not (app.focused or self.owner).call_later(self.flush):
                self.flush()

        app.call_later(through_focused)

    def _handle(self, outputs: list[WedgeOutput], now: float) -> None:
        for out in outputs:
            if isinstance(out, Scan):
                self.scans += 1
                self._typed_into.clear()
                self._post_in_turn(KeyRouter.Scanned(out.code, "wedge", now))
            elif isinstance(out, Partial):
                self.refused += 1
                taken = self._take_back(out.retract)
                self._post_in_turn(KeyRouter.Refused(out.reason, out.text, taken))
            else:
                for token in out.keys:
                    self._replay(token)

    def _post_in_turn(self, message: Message) -> None:
        """Tell the owner after the focused field has handled the keys typed before (a phone, its
        Enter): those were replayed into the field's queue, so the scan goes through it too."""
        target = self.owner.app.focused or self.owner
        app = self.owner.app
        self._telling += 1

        def told() -> None:
            self._telling -= 1
            self._told_at = time.monotonic()
            self._answered_all()

        def tell() -> None:
            self.owner.post_message(message)
            # Told once the owner has answered it (a scan's focus on to the phone, given on the app's
            # queue): a paste that reached the field before that goes on behind the answer. Counted
            # only to the field, a paste right behind a scan typed into Size went into Size.
            if not self.owner.call_later(app.call_later, told):
                told()

        if not target.call_later(tell):
            # The field closed since (its dialog dismissed): nothing typed before waits in its queue now.
            # Told at once, the scan is not lost, nor the router left telling (the type-ahead's hold
            # behind a key it took waited out its longest wait).
            tell()

    def _replay(self, token: str) -> None:
        app = self.owner.app
        if getattr(app, "signing_in", False) and app.screen is not self.owner.screen:
            # Decided a person's after a lock covered the field's screen (Ctrl+L right behind it): the
            # sign-in's fields are the next clerk's, and a Check-in Enter sent its name on to the PIN.
            return
        top = app.screen
        if top is not self.owner.screen and not getattr(top, "takes_keys_typed_ahead", True):
            # Decided after a question whose Yes moves money covered the field's screen (a Y right
            # behind the refund's Enter): typed before it appeared, it answers nothing (`QuestionDialog`).
            top.typed_ahead_dropped()  # type: ignore[attr-defined]
            return
        if token in _CODE_CONTROLS:
            # A person's Ctrl+D (Discard, door delivery) comes as the character a GS1 separator is: a lone
            # one is that key again, with no character for a field to type (it was dropped, Discard unsaid).
            keys = ANSI_SEQUENCES_KEYS.get(token)
            if not isinstance(keys, tuple) or not keys:
                return
            event = events.Key(keys[0].value, None)
        elif len(token) == 1:
            event = events.Key(_character_to_key(token), token)
        else:
            event = events.Key(token, None)
        self._replayed.add(id(event))
        event.set_sender(self.owner.app)  # bubbles all the way up, so the App checks its key bindings
        event._set_forwarded()  # ...as a delivered key, not as new input to forward again
        target = self.owner.app.focused or self.owner
        if len(token) == 1 and token.isprintable():
            self._typed_into = [*self._typed_into, (target, token, id(event))][-4:]
        else:
            self._typed_into.clear()
        target.post_message(event)
        self._answering += 1
        follow_then(self.owner.app, trail(target, self.owner.app), self._answered)
        type_ahead = getattr(self.owner.app, "type_ahead", None)
        if token == "enter" and isinstance(target, (Input, Button)) and type_ahead is not None:
            # A person's Enter, not a scan's end: what comes behind it waits for its answer, as behind a
            # form field's Enter (queued behind this one, the hold follows it through the field). On a
            # question's button (Stay) too: keys typed on go to the field it closes back to.
            self._enter = event
            type_ahead.person_enter(target, event, self._deciding)

    def _answered(self) -> None:
        self._answering -= 1
        self._answered_all()

    def _take_back(self, count: int) -> str:
        """Take the last `count` replayed characters back: drop their keys if they have not arrived yet,
        else remove them from the field they went to (if they are still at its end). What went, in the
        order typed."""
        taken, self._typed_into = self._typed_into[-count:] if count else [], []
        gone = ""
        for target, char, event_id in reversed(taken):
            if event_id in self._replayed:
                self._withdrawn.add(event_id)
                gone = char + gone
            elif isinstance(target, Input) and target.value.endswith(char):
                target.value = target.value[: -len(char)]
                gone = char + gone
        return gone


def _token(event: events.Key) -> str:
    if event.is_printable and event.character or typed_space(event.character):
        return event.character or ""
    if event.character in _CODE_CONTROLS:
        return event.character
    return event.key


class RoutedKeys:
    """Keys of a non-text widget (a list, a drop-down, a tick box) pass the screen's wedge router too,
    so a scan that arrives while one of them has the focus still reaches the scan handler."""

    router: KeyRouter | None = None

    async def _on_key(self, event: events.Key) -> None:
        if self.router is not None and self.router.route(event):
            event.prevent_default()
            event.stop()
            return
        self.key_reached(event)

    def key_reached(self, event: events.Key) -> None:
        """A key the router gave this widget (a person's, not a scan's), before the widget's own handling:
        for a widget that answers keys it takes no action for."""


class WedgeInput(FixedInput):
    """An Input whose keys pass through a `KeyRouter` first (set `router` after mounting); typing repaints
    it without laying out the screen (`FixedInput`)."""

    router: KeyRouter | None = None

    async def _on_key(self, event: events.Key) -> None:
        if self.router is not None and self.router.route(event):
            event.prevent_default()
            event.stop()

    def _on_paste(self, event: events.Paste) -> None:
        if event in _IN_TURN:
            _IN_TURN.discard(event)
        elif self.router is not None:
            held = self.router.before_paste() or self.router.answered_after(event)
            if self.router.behind_enter(event):
                # Behind the clerk's Enter (the paste may have decided it): it waits for its answer.
                event.prevent_default()
                event.stop()
            elif held:
                event.prevent_default()
                event.stop()
                again = events.Paste(event.text)
                again.time = event.time  # typed before a question that comes meanwhile: it answers nothing
                self._send_after_held(self.router, again)

    def _send_after_held(self, router: KeyRouter, paste: events.Paste) -> None:
        """`paste` again once what the held keys came to is done: the keys replayed into this field, a
        scan told to the screen (which moves the focus on) and the focus moved. Re-sent to this field
        at once, a phone pasted right behind a scan went in ahead of that scan, which then cleared it
        as a waybill typed and not sent; now it goes to the field the scan gave the focus to. It waits
        in the console's type-ahead, the keys typed after it behind it (`TypeAhead.paste_behind`)."""
        app = self.app
        _IN_TURN.add(paste)  # its held keys are settled by the time it goes on: it goes in as it is
        type_ahead = getattr(app, "type_ahead", None)
        if type_ahead is not None:
            router._enter = type_ahead.paste_behind(self, paste)
            return

        def to_focus() -> None:
            (app.focused or self).post_message(paste)

        # Behind the replayed keys all the way, as they go: through the field's queue, its containers',
        # the screen's and the app's (where a key's binding acts: Esc's focus back to the scan field),
        # twice (an Enter's Submitted comes back through them; a scan's message and its answer, the
        # focus it gave, are on the screen's and the app's queues by then). Sent up the field and the
        # screen alone, it could overtake an Esc still in the containers.
        follow_then(app, trail(self, app), to_focus)
