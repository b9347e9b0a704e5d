"""Keys typed after an Enter in a field wait until the form has answered that Enter.

Textual hands each key to the widget focused when the app reads it, while the field's Enter is answered
later: the key reaches the field, the field's `submit` runs when the key has bubbled up to the app, and
the form's handler moves the focus after that. A clerk who types `name`, Enter, `2468`, Enter in one go
(or a console still busy opening the station) had the PIN land in the name field, in clear, and the
sign-in refuse. `TypeAhead` holds the keys that come after an Enter given to a field, follows that
Enter's answer through every queue it passes (the field, its containers up to the screen, the app, and
once more for the field's Submitted message), and only then passes the held keys on, in order, to
whatever has the focus by then. In a field whose keys a scanner router decides (`WedgeInput`) an Enter
holds nothing as it comes (it may end a scan): it holds once the router has decided it is the clerk's
(`person_enter`), and what was given on before that and reaches the field only then waits too, ahead
of the rest (`take_back`): a waybill pasted behind a shelf's Enter went into the shelf field, before the
stocktake begun had moved the focus on. If the answer closed the dialog (its queues closed with it),
the keys are passed on after `LONGEST_HOLD`; an answer only slow (a loaded machine, its queue still open) is
waited for, up to `LONGEST_WAIT`. An Enter (or Esc) that dismissed a dialog is answered by the dialog's
result callback, which Textual runs on the app (or screen) that opened it only once that one's queue is
empty: on a loaded machine the queues were followed before it ran, and the 'x' typed behind a courier's
close went into the Phone field before the close held the keys. The release waits behind it too
(`_after_answers`). Released keys pass the bounce guard again (`again`) as they would
have arrived after the answer: the same Enter bounced on a dialog that Enter closed is dropped, not
given to the screen below (on Pickup, an Enter there hands the parcels over).

Keys typed right behind a key that a dialog (or any screen over a mode) binds, not its focused field
(Esc, Tab, a one-key answer), wait the same way for that key's action: Textual runs it only once the key
has passed up to the app, and a digit typed right behind the Esc that closed the refusal form went to
the closing form's field and vanished with it. Held, it reaches what has the focus after the action
(the field the closing gave the focus back to). A key a mode's own screen binds (Settings' F10) waits
for its action the same way. A key that puts another screen on top, on any screen (Ctrl+L's sign-in,
Settings' F10 Clerks), holds what follows it for that screen's queue too, by when the screen has focused
its first field: given out of a hold, the name typed right behind a Ctrl+L held behind an Enter reached
the sign-in before it had the focus, and was lost; given out as F10 was still on its way, `Zhao` went to
Settings' section list.

Keys typed right behind the key that opens a drop-down (Space, an arrow, Enter on one with nothing chosen)
wait for its list to take the focus: a PageDown or End that reached the drop-down first went up to its
form, which scrolled away from the list opening over it, and the list then had the focus out of sight.
A scan's Enter, which the screen's scanner router takes as the scan's end, opens nothing and holds
nothing behind it. Behind Enter on a drop-down holding a choice, or on a tick box, which goes on to the
next field as a typed field's Enter does, keys wait as behind that one.

A paste (one bracketed paste from the terminal) waits in line with the keys wherever they wait: the name
pasted right behind the id's Enter in the directory's Add form went into the id field, and the save was
refused for want of a name. It answers nothing itself, so nothing waits behind it; but one a scan field
holds for keys its router still holds (`paste_behind`) waits here, and the keys typed after it with it.

Behind a key a dialog binds that its button's scanner router takes first (a question's Y), the keys wait
too for the router to give it back and for its action (`router_answered`): its queues are followed
while it is still held a scanner's gap.

A key Textual acts on as it reaches the app (a priority key: Ins, Ctrl+Q, Check-in's Ctrl+W) typed right
behind a letter the focused field's scanner router holds for a scanner's gap, or has given back and is
still on its way, waits for that letter to be typed, and the keys behind it with it: the letter typed
right before Ctrl+W went into the Who-is-this dialog it opened. (Any other key reaches the field first
and passes the router in turn.)

Keys and a paste right behind a key the focused text field binds itself (Ctrl+U, Backspace, Home) wait
for that key's action too: it runs on the app's queue, and a paste right behind Ctrl+U went into the
field first and was cleared with the rest. A question whose Yes moves money or cannot be undone
(`QuestionDialog.takes_keys_typed_ahead` False) takes no key typed before it was on screen: given out of a
hold, such a key is dropped and the question says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from time import monotonic
from typing import Any

from textual import events
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Select

from station_console.tui.one_shot import call_after
from station_console.tui.queue_trail import trail
from station_console.tui.widgets.paged_select import PagedSelect
from station_console.tui.widgets.tick import Tick

# What the terminal sends that may wait behind an Enter: a key, or a paste (bracketed, one event).
Typed = events.Key | events.Paste

# A dialog that the Enter closed never answers the probe: the held keys go on after this long.
LONGEST_HOLD = 0.25
# An answer still on its way (the queue it waits in open) is waited for past LONGEST_HOLD, up to this
# long: on a loaded machine the fallback let a name pasted behind a form's Enter go before the Enter
# had moved the focus on, into the id field. A queue stuck longer than this gives the keys up.
LONGEST_WAIT = 3.0
# The key's own trip up to the app, then the field's Submitted message's (or, for a bound key, what its
# action queued on its screen: a form's Esc closes it once unsaved edits are answered for).
_ROUNDS = 2


class TypeAhead:
    """One per console: sees every key the app passes on (after the bounce guard)."""

    def __init__(
        self,
        app: Any,
        pass_on: Callable[[Typed], Awaitable[None]],
        again: Callable[[list[Typed], events.Key], list[Typed]] = lambda held, _enter: held,
    ) -> None:
        self.app = app
        self.pass_on = pass_on  # hands a key to Textual's own dispatch
        self.again = again  # the held keys as they go on now: those the bounce guard keeps
        self._held: list[Typed] = []
        # The Enter (or bound key) the current hold waits behind; or a paste a scan field's router held
        # for the keys before it (`paste_behind`).
        self._enter: Typed | None = None
        self._screens: list[Screen[Any]] = []  # the screens on the stack as the current hold began
        # The hold is behind a mode's own screen's key: only typed keys wait for the focus its action
        # gives; a bound key right behind it (F2) goes on at once, queued behind it as before, so a
        # worker that action started answers to a screen left and opens nothing over the next mode.
        self._soft = False
        self._hold = 0  # the current hold's number (0: none); a stale probe or timer finds another
        # Holds begun so far: each takes a number never used before. Numbered from 1 again whenever none
        # was on, a release still on its way from a hold the fallback had ended found the next hold under
        # its own number, and let that one's keys go before their Enter was answered.
        self._holds_begun = 0
        self._waiting = False  # the hold waits for its screen's `let_go`, not for its queues
        # The fallback's timer: asyncio's, as Textual's skips one that finds itself late (one_shot.py).
        self._timer: asyncio.TimerHandle | None = None
        # What the dialog the current hold began on answers to when dismissed (its result callbacks'
        # requesters): the release waits for what each has been given to run next.
        self._answers_to: list[MessagePump] = []
        self._pending: MessagePump | None = None  # the queue the current hold's probe waits in now
        self._began = 0.0  # when the current hold began (the app's clock)
        # The hold is behind the key that opens this drop-down: it ends once its list has the focus (a
        # scanner router holds a lone Enter for its gap, past the queues followed), or at LONGEST_HOLD.
        self._opening: Select[Any] | None = None
        self._opening_late = False  # its queues followed, the hold waits for `list_focused` alone
        self._taken_back = 0  # events taken back by a scan field's router, ahead of those held
        # The hold is behind a key bound elsewhere that the focused widget's scanner router takes first
        # (a question's Y on its button): it ends once that router has given the key back and its
        # action has run (`router_answered`), or at LONGEST_WAIT.
        self._router: Any = None
        self._router_late = False  # its queues followed, the hold waits for `router_answered` alone
        self._let_through: set[int] = set()  # ids of keys passed on while held ones wait (Ctrl+Q, F1)
        self._waited_for_router: Typed | None = None  # the priority key last held for a router's keys

    @property
    def holding(self) -> bool:
        """Keys wait for an answer on its way through the queues (not for a screen's `let_go`, which
        waits for something outside them, the station opening)."""
        return bool(self._hold) and not self._waiting

    @property
    def keys_waiting(self) -> bool:
        """Keys (or a paste) typed are held now, to go on once an answer has come."""
        return bool(self._held)

    def let_go(self) -> None:
        """The screen whose answer kept the keys waiting (`holds_type_ahead`) has answered: they go on."""
        if self._hold and self._waiting:
            self._waiting = False
            self.app.call_later(self._release, self._hold)

    async def arrived(self, event: Typed) -> None:
        """Pass `event` on now, or hold it behind an Enter not yet answered. A paste waits in line with
        the keys around it: given at once, the name pasted right behind the id's Enter went into the id."""
        if self._waiting and self._app_binds(event):
            self._let_through.add(id(event))
            await self.pass_on(event)  # Ctrl+Q quits a console still opening, the keys held or not
            return
        if self._hold and not (
            self._soft and not self._held and self._bound_elsewhere(self.app.focused, event)
        ):
            self._held.append(event)
            return
        await self._give(event)

    async def _give(self, event: Typed) -> None:
        if not self.app.screen_stack:
            return  # held until the console shut down: its screens are gone, nothing takes the key
        top = self._top()
        typed_before = getattr(top, "typed_before_shown", None)
        if typed_before is not None and typed_before(event):
            # A question whose Yes moves money (a refund) is answered only by keys typed once it is on
            # screen (`QuestionDialog`): a Y held behind the Enter that asked refunded. Dropped, and the
            # question says so.
            top.typed_ahead_dropped()  # type: ignore[union-attr]
            return
        if isinstance(event, events.Paste):
            await self.pass_on(event)  # text for the focused field: it answers nothing, holds nothing
            return
        field = self.app.focused
        router = getattr(field, "router", None)
        waited = event is self._waited_for_router  # it waited once: it goes on now, however things stand
        if router is not None and router.answering and not waited and self._acts_on_arrival(event):
            # Textual runs it as it reaches the app, ahead of the keys the field's router still holds
            # for a scanner's gap or has given back: the letter typed right before Ctrl+W went into the
            # Who-is-this dialog it opened. It waits for them, first among the keys held.
            self._start(field, event, 1)
            self._enter = None  # it waits itself: no answer of its to hold behind, no bounce of it to drop
            self._router = router
            self._held.append(event)
            self._waited_for_router = event
            # Settled once the hold is on: a lone Enter decided the clerk's now holds nothing of its own.
            router.settle_held()
            return
        bound = self._bound_elsewhere(field, event)
        # A dialog's key may queue its close behind a question (a form's Esc): both rounds. A mode's own
        # screen's key is followed only as far as its action (Settings' F10 opening Clerks), softly.
        over_a_mode = len(self.app.screen_stack) > 1
        opens = self._opens_list(field, event)
        # Enter on a drop-down holding a choice, or on a tick box, goes on to the next field, as a typed
        # field's does.
        answered = isinstance(field, Input) or (isinstance(field, PagedSelect | Tick) and field.enter_goes_on)
        await self.pass_on(event)
        if event.key == "enter" and answered and getattr(field, "router", None) is None:
            self._start(field, event)
        elif opens and isinstance(field, Select):
            # The list takes the focus only once the key's action has run: a page key right behind
            # reached the drop-down first, and its form scrolled away from the list opening over it.
            self._start(field, event)
            self._opening = field
        elif bound is not None:
            self._start(bound, event, _ROUNDS if over_a_mode else 1, soft=not over_a_mode)
            # A router holds a lone letter for a scanner's gap before giving it back, so its queues are
            # followed before the key has acted: the Esc right behind a question's Y went on meanwhile,
            # and, given back behind it or even ahead of it, left the screen the close's answer was
            # written on, or answered No.
            self._router = getattr(field, "router", None)
        elif event.key != "enter" and field is not None and self._field_binds(field, event):
            # Its action (Ctrl+U's clear, Backspace) runs once the key has bubbled up to the app, while
            # a paste or a key typed right behind it goes into the field on the way: Ctrl+U then a paste
            # cleared the paste. They wait for that one round. (A scan field's Enter holds nothing as it
            # comes: it may end a scan, its router decides.)
            self._start(field, event, 1)
        elif (opened := self._top()) is not None and opened is not top:
            # The key put another screen on top (Ctrl+L's sign-in): what follows it waits for that
            # screen's queue, where it focuses its field.
            self._start(opened, event)

    def _top(self) -> Screen[Any] | None:
        stack = self.app.screen_stack
        return stack[-1] if stack else None

    def _app_binds(self, event: Typed) -> bool:
        if isinstance(event, events.Paste):
            return False
        if not self.app.screen_stack:
            return False
        binding = self.app.active_bindings.get(event.key)
        if binding is not None and binding.node is self.app:
            return True
        # The app's priority keys (Ins, Ctrl+Q) act over a dialog too, as Textual checks them from the app
        # down, though a modal dialog's active bindings leave them out.
        return self._app_priority(event)

    def _app_priority(self, event: events.Key) -> bool:
        return any(b.priority for b in self.app._bindings.key_to_bindings.get(event.key, ()))

    def _acts_on_arrival(self, event: events.Key) -> bool:
        """A priority key (Ins, Ctrl+Q, Check-in's Ctrl+W): Textual acts on it as it reaches the app,
        before the focused field sees it."""
        screen = self._top()
        binding = screen.active_bindings.get(event.key) if screen is not None else None
        return (binding is not None and binding.binding.priority) or self._app_priority(event)

    def _opens_list(self, field: Widget | None, event: events.Key) -> bool:
        """`event` opens the closed drop-down `field` (Enter, Space, an arrow)."""
        screen = self._top()
        if not isinstance(field, Select) or field.expanded or screen is None:
            return False
        binding = screen.active_bindings.get(event.key)
        if binding is None or binding.node is not field:
            return False
        action = binding.binding.action
        return action == "show_overlay" or (
            action == "choose_or_go_on" and isinstance(field, PagedSelect) and not field.enter_goes_on
        )

    def _field_binds(self, field: Widget | None, event: events.Key) -> bool:
        """The focused text field binds `event` itself (Ctrl+U, Backspace, Home): its action waits for the
        key to reach the app, and what the field takes in its own queue (typing, a paste) would overtake it."""
        screen = self._top()
        if not isinstance(field, Input) or screen is None:
            return False
        binding = screen.active_bindings.get(event.key)
        return binding is not None and binding.node is field and not binding.binding.priority

    def _bound_elsewhere(self, field: Widget | None, event: Typed) -> Widget | None:
        """Where `event` starts on its way to the action it is bound to, when something other than the
        focused field binds it (a dialog's Esc, a screen's F10); else None (a key typed into the field,
        a paste)."""
        screen = self._top()
        if screen is None or isinstance(event, events.Paste):
            return None
        binding = screen.active_bindings.get(event.key)
        if binding is None or (field is not None and binding.node is field):
            return None
        return field if field is not None else screen

    def person_enter(self, field: Widget, enter: events.Key, decided_by: Typed | None = None) -> None:
        """A scan field's router decided `enter` was the clerk's (not a scan's end) and gave it to
        `field`: what follows waits for its answer, as behind a form field's Enter. The key that decided
        it (`decided_by`) may have begun a hold of its own as it went by, bound by the screen (F9 right
        behind Pickup's Enter): the hold is the Enter's, that key first among those waiting; else F9
        acted before the customer was looked up. A key the app binds (a mode's F1) keeps its own hold and
        goes on: the clerk leaving Pickup right behind a handover's Enter leaves, the fee not asked there."""
        taken_over = decided_by is not None and self._enter is decided_by and not self._app_binds(decided_by)
        if not self._hold or taken_over:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._start(field, enter)
            self._taken_back = 0

    def paste_behind(self, field: Widget, paste: events.Paste) -> Typed:
        """`paste` reached the scan field `field` while keys its router held (or gave back) were still
        to be answered: it goes on once they are, to what has the focus then, and the keys typed after it
        wait behind it. Re-sent by the field on its own, a Tab typed right behind the paste went on
        first and took the focus on: the paste went into the next field. What the hold waits behind:
        the router takes back, behind the paste, what reaches its field after it (`take_back`)."""
        if not self._hold:
            self._start(field, paste)
            self._taken_back = 0
        self._held.insert(min(self._taken_back, len(self._held)), paste)
        self._taken_back += 1
        assert self._enter is not None
        return self._enter

    def take_back(self, enter: Typed, event: Typed) -> bool:
        """`event` reached the scan field after the hold behind its router's `enter` began, given on
        before it (a key or paste that came while the router was deciding the Enter): it waits with the
        keys held, ahead of those that came after it. False when no hold waits behind `enter`, or the
        hold let `event` through (a key the app binds)."""
        if self._hold != 0 and self._enter is enter and id(event) not in self._let_through:
            again: Typed
            if isinstance(event, events.Paste):
                again = events.Paste(event.text)
            else:
                again = events.Key(event.key, event.character)
            again.time = event.time  # the wedge decoder times keys by their arrival
            self._held.insert(min(self._taken_back, len(self._held)), again)
            self._taken_back += 1
            return True
        return False

    def list_focused(self, select: Select[Any]) -> None:
        """`select`'s list has taken the focus: keys held behind the key that opened it go to it now."""
        if self._hold and self._opening is select:
            self._opening = None
            if self._opening_late:  # else the queues' own release, still to come, lets them go
                self.app.call_later(self._release, self._hold)

    def router_answered(self, router: Any) -> None:
        """`router` holds no key undecided and has none given back on its way to its action: keys held
        behind a key it took go on now."""
        if self._hold and self._router is router and self._router_late:
            self._router_late = False
            self.app.call_later(self._release, self._hold)

    def _start(self, field: Widget, enter: Typed, rounds: int = _ROUNDS, *, soft: bool = False) -> None:
        self._holds_begun += 1
        self._hold = self._holds_begun
        self._opening, self._opening_late = None, False
        self._router, self._router_late = None, False
        self._soft = soft
        self._enter = enter
        self._screens = list(self.app.screen_stack)
        self._pending, self._began = None, monotonic()
        top = self._screens[-1] if self._screens else None
        self._answers_to = [answer.requester for answer in getattr(top, "_result_callbacks", ())]
        hold = self._hold
        self._follow(trail(field, self.app, rounds), hold)
        self._arm(hold)

    def _arm(self, hold: int) -> None:
        # Released on the app's queue, like the probe's release: a timer's own task would be cancelled
        # by stopping the timer in `_release`, half-way through the keys if passing one on awaits.
        self._timer = call_after(self.app, LONGEST_HOLD, partial(self.app.call_later, self._timed_out, hold))

    async def _timed_out(self, hold: int) -> None:
        if hold == self._hold:
            pending = self._pending
            slow = pending is not None and not (pending._closing or pending._closed)
            slow = slow or (self._router is not None and self._router.answering)
            if slow and monotonic() - self._began < LONGEST_WAIT:
                # The answer is still on its way, only slow: the probe will come. A dialog the Enter
                # closed took the probe with it, and the keys go on now.
                self._arm(hold)
                return
            self._opening = None  # a drop-down that never opened (its Enter ended a scan) holds no longer
            self._router = None
        await self._release(hold)

    def _after_answers(self, hold: int) -> bool:
        """The dialog the hold began on has been dismissed: the release goes on only after what its
        answer was given to has run what it was to run next (the close sent, which holds the keys), one
        requester after another. True when the release now waits for that (once per hold)."""
        answers_to, self._answers_to = self._answers_to, []
        if not answers_to or (self._screens and self._screens[-1] in self.app.screen_stack):
            return False

        def next_one(pumps: list[MessagePump]) -> None:
            if hold != self._hold:
                return
            while pumps:
                pump = pumps.pop(0)
                if pump.is_running and not (pump._closing or pump._closed):
                    self._pending = pump  # closed meanwhile, its callbacks never run: the timer goes on
                    pump.call_next(next_one, pumps)
                    return
            self._pending = None
            self.app.call_later(self._release, hold)

        next_one(answers_to)
        return True

    def _follow(self, pumps: list[MessagePump], hold: int) -> None:
        """A callback queued behind what each pump holds, one pump after another; the release after
        the last. A pump already closed (a dialog the Enter dismissed) is passed by."""
        while pumps:
            pump = pumps.pop(0)
            if pump.call_later(self._follow, pumps, hold):
                if hold == self._hold:
                    self._pending = pump
                return
        if hold == self._hold:
            self._pending = None  # followed: the release is queued, or waits for a list or a screen
        self.app.call_later(self._release, hold)

    async def _release(self, hold: int) -> None:
        if hold != self._hold:
            return  # answered already, or a later Enter's hold
        opening = self._opening
        if opening is not None and opening.is_attached and opening.screen.focused is opening:
            router = getattr(opening, "router", None)
            if opening.expanded or (router is not None and router.deciding):
                self._opening_late = True
                return  # its opening key still on its way: `list_focused` or the timer lets the keys go
            # Nothing opens: the router took the key as a scan's end. The keys behind it (the next scan,
            # the clerk's Tab) waited to the longest hold for a list that never came.
        self._opening, self._opening_late = None, False
        if self._router is not None and self._router.answering:
            self._router_late = True
            return  # the key is still with its router, or on its way to its action: `router_answered`
        self._router = None
        if self._after_answers(hold):
            return
        if getattr(self._top(), "holds_type_ahead", False):
            # The answer waits for more than the queues: the sign-in's PIN Enter for the station to open
            # (a new one's second PIN field comes then). The keys wait with it until the screen lets them
            # go (`let_go`): typed on, the second PIN ran on into the first.
            self._waiting = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            # Keys the app binds pass while the keys wait (Ctrl+Q, a mode's F-key): those held while the
            # queues were followed go on now, in order, up to the first key typed for the screen.
            while self._held and self._app_binds(self._held[0]):
                self._taken_back = max(0, self._taken_back - 1)
                self._let_through.add(id(self._held[0]))
                await self.pass_on(self._held.pop(0))
            return
        opened = self._top()
        if opened is not None and opened not in self._screens and self._enter is not None:
            # The action put a screen on top (Settings' F10 Clerks): the keys wait for its queue too,
            # where it focuses its first field.
            if self._timer is not None:
                self._timer.cancel()
            self._start(opened, self._enter)
            return
        self._hold = 0
        self._taken_back, self._let_through = 0, set()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        # Passed on after the answer: an Enter that closed a dialog and bounced is the same press, not
        # a key for the screen below.
        if isinstance(self._enter, events.Key):
            self._held = self.again(self._held, self._enter)
        self._enter = None
        while self._held and not self._hold:
            # Another Enter among them starts a hold of its own: the rest wait for it.
            await self._give(self._held.pop(0))


def newline_as_enter(key: events.Key, top: Screen[Any] | None) -> events.Key:
    """On a screen that asks for it (the sign-in), a newline is an Enter: keys typed while the console
    starts reach the terminal before it is raw, and its line discipline turns each Enter into a newline."""
    if key.key != "ctrl+j" or not getattr(top, "NEWLINE_IS_ENTER", False):
        return key
    enter = events.Key("enter", "\r")
    enter.time = key.time  # the wedge decoder and the bounce guard time keys by their arrival
    return enter
