"""The one way a screen or dialog calls a service: on a thread worker, the result posted back as a message.

`call("accept", fn)` runs `fn()` off the UI thread (`thread=True, exit_on_error=False`); the screen then
gets `Done("accept", result)`, handled by its `done_accept(result)`, or `Failed("accept", error)`, shown
in one place, `failed(tag, text)` (by default a bell and a notification; a refusal's own message, or
one calm line for a bug, which is logged); a refusal comes through `call_refused(tag, error)` first, for a
screen that shows more of it than its message. The screen never waits on the database, a scale or an
e-waybill service. A screen closed before the answer drops it.

A read is exclusive (`call(tag, fn, exclusive=True)`): a newer read replaces it, and the replaced one's
answer and failure are dropped alike (a bug among them is still logged), so an old list never lands over
a newer one; `drop(tag)` drops it the same way when the newer input was refused before any read. A read refused because the console locked while it ran (nobody signed in, so any role
refused: "Nobody is signed in", "Only a manager") is not said, over the sign-in dialog or after it,
whenever the refusal arrives, but read again as whoever signed in, once the screen is in front. A call that changes
something is `write(tag, fn)` (or a plain `call` its screen guards with `calling`), never exclusive: a
thread cannot be stopped, so a replaced write would still have written, its answer unsaid. Each write's
answer or refusal is said (but a refusal of the clerk as deactivated by a manager meanwhile: the
console locks, its sign-in saying so; and a refusal of what the last clerk sent, landing after another
clerk signed in, is handled but not said to them, as the hand-over took back that clerk's lines: nothing
was written, and a refusal arms keys, F10 on Returns; a dialog kept open for that write closes as by
Esc), and a second one asked while the first is on its way is not sent
(`still_writing`). A toast an answer or refusal raises on a locked console is held for the clerk who
sent the call alone (`HeldToastsApp.toasts_of`). A call runs as the clerk signed in when it was sent
(`Station.as_now`): what they
sent before locking is refused or written as theirs, never as nobody or as the next clerk, and an answer
that puts a question asks only them (`asked_by_clerk_now`), never the next clerk signed in meanwhile;
a dialog's answer (a form checked on its own worker) is taken only for the clerk who opened it
(`askers_own`), by the same `asked_by` (calls_clerks.py). How a refusal is said, left unsaid or read
again after a lock is calls_refusals.py.

A read whose answer fills a form or a customer's view (a sender looked up by phone, a scale reading, a
scanned parcel checked against the listed customer) is `call(tag, fn, for_form=True)`: stamped with the
screen's form turn as sent, it lands only while the form is the one that asked. The screen calls
`new_form()` as it clears or replaces the form (Esc for the next customer, a send accepted, another
clerk): an answer or a refusal stamped before is dropped where it lands, as a replaced read's is, and
so is a read kept to ask again after a sign-in. Without it a slow database put the last sender's name
into the next sender's empty form.

A call whose answer may open a question (F12's close, checked by the service first) is
`call(tag, fn, holds_keys=True)`: keys typed right behind its key wait (`holds_type_ahead`, see
type_ahead.py) until its answer's handler has run, then go to what is on top, the question it opened,
whose No has the focus; a refusal lets them go too, and so does a fail-safe after `HOLD_KEYS_AT_MOST`
(calls_held_keys.py, with `hold_keys_for`: keys from now wait for a call already on its way), but for
a call whose answer leaves the screen (`call(tag, fn, leaves=True)`, Stocktake's pause): the keys
behind it are the next screen's, and wait for it however long it takes.
Given at once, an Enter right behind F12 reached the screen below before the question was up. An
exclusive read may hold keys too (the sender looked up by the phone's Enter, whose answer focuses the
name): a newer read holds on under its tag, and `drop` lets them go.

A write whose outcome reads differently once the form moved on (a handover answered after Esc and the
next customer's code, a scan-out after another run was chosen) is `write(tag, fn, stamped=True)` (or
`call(..., stamped=True)`): stamped with the form turn as sent like a read for a form, but never dropped,
since it changed the database and the clerk must hear of it. Its `done_` handler, `call_refused` and
`failed` ask `sent_for_another_form(tag)` to say it as the previous customer's or run's; so may a key
pressed while it is on its way.

A key that leaves the screen (Esc) asks `stays_for_answer(tags)` first: while one of its writes is on
its way the screen stays, saying its answer comes first (calls_leaving.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.tui.screens.base import log_unexpected, report_unexpected
from station_console.tui.screens.calls_clerks import (
    NOT_AN_ANSWER,
    CallsOfClerks,
    clerk_now,
    clerk_turns,
    toasts_of,
)
from station_console.tui.screens.calls_held_keys import HeldKeysBehindCalls
from station_console.tui.screens.calls_leaving import StaysForAnswers
from station_console.tui.screens.calls_refusals import SaysRefusals, deactivated

STILL_WRITING = N_("One moment: the last action is still on its way.")


class ServiceCalls(HeldKeysBehindCalls, StaysForAnswers, CallsOfClerks, SaysRefusals):
    # How many calls of each tag are sent and not answered yet (several scan-outs may be on their way
    # at once: the first answer leaves the rest on their way); an exclusive call is left out (a newer
    # one cancels it, and a cancelled call's answer is dropped). Replaced, never changed in place.
    _in_flight: dict[str, int] = {}
    # Tags of exclusive reads sent whose answer (or failure) has not been handled yet (`read_coming`).
    _reads_coming: frozenset[str] = frozenset()
    # What each `ask_after` read was last sent about, by tag: pressed again for it, nothing is sent.
    _asked_about: dict[str, object] | None = None

    # How many times the screen's form (or customer's view) was cleared or replaced (`new_form`).
    _form_turn: int = 0
    # The form turn each stamped write was last sent for, by tag (`sent_for_another_form`).
    _stamps: dict[str, int] | None = None
    # While a stamped write's answer or refusal is said: its tag and the form turn it was sent for.
    _answering: tuple[str, int] | None = None

    @dataclass
    class Done(Message):
        tag: str
        result: Any = field(repr=False)
        worker: Worker[None] | None = field(default=None, repr=False)
        asked_by: int | None = None  # the clerk signed in as the call was sent
        form_turn: int | None = None  # the form turn it was sent for (None: not for a form)
        stamped: bool = False  # a stamped write's: never dropped for another form
        exclusive: bool = False  # an exclusive read's: not counted among the calls on their way

    @dataclass
    class Failed(Message):
        tag: str
        error: BaseException = field(repr=False)
        worker: Worker[None] | None = field(default=None, repr=False)
        read: Callable[[], Any] | None = field(default=None, repr=False)  # an exclusive call's, to ask again
        turn: int = 0  # the app's `clerk_turns` as the call was sent
        form_turn: int | None = None  # the form turn it was sent for (None: not for a form)
        stamped: bool = False  # a stamped write's: never dropped for another form
        asked_by: int | None = None  # the clerk signed in as the call was sent

    def calling(self, tag: str) -> bool:
        """A call `tag` is on its way: a hurried clerk's second key (Esc twice, F8 twice) must not send
        it again."""
        return self._in_flight.get(tag, 0) > 0

    def read_coming(self, tag: str) -> bool:
        """An exclusive read `tag` is on its way (`calling` knows only the calls that are no such read):
        a key that needs its answer can say it came too soon. Until its answer is handled, not until its
        worker finished: the answer is a message still queued then, and a key in between (F8 right as a
        page came) found neither the read nor its answer, and did nothing it said."""
        return tag in self._reads_coming

    def writing(self) -> bool:
        """Any call that may change something is on its way (every one but an exclusive read)."""
        return bool(self._in_flight)

    def call(
        self,
        tag: str,
        fn: Callable[[], Any],
        *,
        exclusive: bool = False,
        for_form: bool = False,
        stamped: bool = False,
        holds_keys: bool = False,
        leaves: bool = False,
    ) -> None:
        """Run `fn` on a worker; `for_form`: its answer is for the form as it is now (`new_form`);
        `stamped`: a write's, said whatever the form is by then (`sent_for_another_form`);
        `holds_keys`: keys typed behind the key that sent it wait for its answer (its question);
        `leaves`: its answer leaves the screen, and those keys wait for it however long it takes."""
        if stamped:
            # A write is never replaced (its thread writes all the same), nor dropped.
            assert not exclusive and not for_form, "a stamped call is a write"
            self._stamps = {**(self._stamps or {}), tag: self._form_turn}
        if holds_keys or leaves:
            # An exclusive read replaced holds on under the same tag: the newer one's answer lets go.
            self._hold_keys(tag, leaves=leaves)
        self._send(tag, fn, exclusive, self._form_turn if for_form or stamped else None, stamped)

    def ask_after(
        self, tag: str, fn: Callable[[], Any], *, about: object = None, for_form: bool = False
    ) -> None:
        """A read whose answer puts a question or opens a dialog (Problems' F9, Pickup's Ctrl+Z; Returns'
        carrier's Enter, a write too, as it may open a batch): keys typed behind its key wait for it
        (`holds_keys`), and the key pressed again while it is on its way sends nothing. A read slower than the keys' hold let the second press read
        again: its question could not open over the first's and said "nothing changed" under the one
        still open. `about`: what it reads for (Door delivery's parcel scanned back, by identity): the key
        pressed for something else meanwhile (the next parcel) reads for that. `for_form`: see `call`."""
        if self.calling(tag) and (self._asked_about or {}).get(tag) is about:
            return
        self._asked_about = {**(self._asked_about or {}), tag: about}
        self.call(tag, fn, for_form=for_form, holds_keys=True)

    def _send(
        self,
        tag: str,
        fn: Callable[[], Any],
        exclusive: bool,
        form_turn: int | None,
        stamped: bool = False,
    ) -> None:
        screen: Any = self
        if not exclusive:
            self._in_flight = {**self._in_flight, tag: self._in_flight.get(tag, 0) + 1}
        else:
            self._reads_coming |= {tag}
        turn, asked_by = clerk_turns(screen.app), clerk_now(screen.app)
        # As the clerk who sent it, whoever the lock and sign-in leave on the app's station meanwhile.
        as_sent = screen.app.station.as_now(fn) if getattr(screen.app, "station_open", False) else fn

        def run() -> None:
            try:
                result = as_sent()
            except BaseException as exc:  # shown on the screen, never a traceback
                read = fn if exclusive else None
                worker = get_current_worker()
                failed = ServiceCalls.Failed(tag, exc, worker, read, turn, form_turn, stamped, asked_by)
                screen.post_message(failed)
            else:
                worker = get_current_worker()
                done = ServiceCalls.Done(tag, result, worker, asked_by, form_turn, stamped, exclusive)
                screen.post_message(done)

        screen.run_worker(run, thread=True, group=f"call-{tag}", exclusive=exclusive, exit_on_error=False)

    def drop(self, tag: str) -> None:
        """The exclusive read `tag` on its way is no longer wanted (what it was asked for was replaced by
        input refused at once, or cleared): its answer and failure are dropped, as a replaced read's are,
        and a read kept to ask again after a sign-in is forgotten. Never a write's tag: a write is said
        (its thread writes all the same), and one cancelled never lowered its count, so a way out
        waited for it (`stays_for_answer`) for good."""
        assert not self.calling(tag), "only an exclusive read is dropped: a write's answer is said"
        screen: Any = self
        screen.workers.cancel_group(screen, f"call-{tag}")
        self._reads_coming -= {tag}
        self._keys_go(tag)  # its answer, dropped, never comes to let keys held behind it go
        if self._read_again and tag in self._read_again:
            self._read_again = {t: again for t, again in self._read_again.items() if t != tag}

    def new_form(self) -> None:
        """The form (or the customer's view) was cleared or replaced: what was read for it on its way,
        or kept to read again after a sign-in, is dropped as it lands (`call(..., for_form=True)`)."""
        self._form_turn += 1

    def for_another_form(self, form_turn: int | None) -> bool:
        """A call stamped `form_turn` was sent for a form since cleared or replaced."""
        return form_turn is not None and form_turn != self._form_turn

    @property
    def form_turn(self) -> int:
        """The form's turn now, for an answer that does not come through `call` to be stamped with."""
        return self._form_turn

    def sent_for_another_form(self, tag: str) -> bool:
        """The stamped write `tag` was sent for a form since cleared or replaced: the one whose answer or
        refusal is being said, else the last one sent (on its way, `calling(tag)`)."""
        if self._answering is not None and self._answering[0] == tag:
            return self.for_another_form(self._answering[1])
        return self.for_another_form((self._stamps or {}).get(tag))

    def write(
        self, tag: str, fn: Callable[[], Any], *, stamped: bool = False, holds_keys: bool = False
    ) -> bool:
        """A call that changes something: sent unless a write `tag` is on its way (a bounced key, a
        hurried second press), which is said instead (`still_writing`) and sends nothing. Whether it
        was sent. `stamped`: see `call`."""
        if self.calling(tag):
            self.still_writing(tag)
            return False
        self.call(tag, fn, stamped=stamped, holds_keys=holds_keys)
        return True

    def still_writing(self, tag: str) -> None:
        """A write asked for while `tag` is on its way: by default a bell and a line saying to wait (a
        screen with a status line says it there)."""
        screen: Any = self
        screen.app.bell()
        screen.notify(_(STILL_WRITING), markup=False)

    # Named handlers, not @on: a plain mixin has no decorated-handler table of its own.
    def on_service_calls_done(self, message: Done) -> None:
        message.stop()
        # An exclusive call's newer one answers. Checked here, on the UI thread that cancels it: a
        # thread held up between its own check and its answer would put an older read over a newer one.
        if message.worker is not None and message.worker.is_cancelled:
            return
        if not message.exclusive:
            self._answered(message.tag)
        self._reads_coming -= {message.tag}
        try:
            if self.for_another_form(message.form_turn) and not message.stamped:
                return  # read for a form cleared since: the next customer's form is not its
            self._answer_for = message.asked_by
            self._answering = _stamp_of(message)
            try:
                with toasts_of(self._screen().app, message.asked_by):
                    getattr(self, f"done_{message.tag}")(message.result)
            finally:
                self._answer_for, self._answering = NOT_AN_ANSWER, None
        finally:
            self._keys_go_once_answered(message.tag)  # after the handler: the question it opened is on top

    def on_service_calls_failed(self, message: Failed) -> None:
        message.stop()
        exc = message.error
        if message.worker is not None and message.worker.is_cancelled:
            # A read replaced, as an answer would be: its failure must not land over the newer read's
            # answer (an error over a list read since). A bug is still logged.
            if not isinstance(exc, StationError):
                log_unexpected(exc)
            return
        if message.read is None:  # not an exclusive read's
            self._answered(message.tag)
        self._reads_coming -= {message.tag}
        self._answering = _stamp_of(message)
        try:
            with toasts_of(self._screen().app, message.asked_by):
                self._say_failed(message)
        finally:
            self._answering = None
            self._keys_go_once_answered(message.tag)

    def _answered(self, tag: str) -> None:
        """One call `tag` on its way answered (or failed): the others sent with it are still on theirs."""
        left = self._in_flight.get(tag, 0) - 1
        self._in_flight = {t: n for t, n in self._in_flight.items() if t != tag}
        if left > 0:
            self._in_flight[tag] = left

    def _keys_go_once_answered(self, tag: str) -> None:
        """Keys held behind calls `tag` go once the last of them on its way has answered: keys typed
        behind the second of two scan-outs wait for its answer (a fee dialog it opens), not the first's."""
        if not self.calling(tag):
            self._keys_go(tag)

    def _say_failed(self, message: Failed) -> None:
        """Say a call's failure, or drop it (a read for a form since cleared), or lock (deactivated)."""
        exc = message.error
        if self.for_another_form(message.form_turn) and not deactivated(exc) and not message.stamped:
            # Read for a form cleared since: its refusal is no longer the clerk's to read. A bug is logged.
            if not isinstance(exc, StationError):
                log_unexpected(exc)
            return
        if deactivated(exc):
            # The console locks as at Ctrl+L, its sign-in saying why; a read goes on as a lock's below.
            app: Any = self._screen().app
            app.clerk_deactivated(exc.message(), message.turn)
            if message.read is None:
                return
        if message.read is not None and self._locked_meanwhile(exc, message.turn):
            self._read_later(message.tag, message.read, message.form_turn)
        elif isinstance(exc, StationError) and self._for_last_clerk(message.asked_by):
            self._refused_unsaid(message.tag, exc, message.asked_by)
        elif isinstance(exc, StationError):
            self.call_refused(message.tag, exc)
        else:
            self.failed(message.tag, report_unexpected(self._screen(), exc))

    def _screen(self) -> Screen[Any]:
        screen: Any = self
        return screen  # type: ignore[no-any-return]


def _stamp_of(message: ServiceCalls.Done | ServiceCalls.Failed) -> tuple[str, int] | None:
    """A stamped write's tag and form turn, for `sent_for_another_form` while its outcome is said."""
    if message.stamped and message.form_turn is not None:
        return message.tag, message.form_turn
    return None
