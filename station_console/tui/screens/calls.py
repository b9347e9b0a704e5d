"""The one way a screen or dialog calls a service: on a thread worker, the result posted back as a message.

`call("accept", fn)` runs `fn()` off the UI thread (`thread=True, exit_on_error=False`); the screen then
gets `Done("accept", result)`, handled by its `done_accept(result)`, or `Failed("accept", error)`, shown
in one place, `failed(tag, text)` (by default a bell and a notification; a refusal's own message, or
one calm line for a bug, which is logged); a refusal comes through `call_refused(tag, error)` first, for a
screen that shows more of it than its message. The screen never waits on the database, a scale or an
e-waybill service. A screen closed before the answer drops it, and an exclusive call replaced by a newer
one drops its answer and its failure alike (a bug among them is still logged); the failure of one that
writes (`WRITES`) is still said, since the newer call does not stand for what it left undone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from station_console.errors import StationError
from station_console.tui.screens.base import log_unexpected, report_unexpected


class ServiceCalls:
    # Tags of calls sent and not answered yet; an exclusive call is left out (a newer one cancels it,
    # and a cancelled call's answer is dropped).
    _in_flight: frozenset[str] = frozenset()
    # Exclusive calls that change something (an action on a row, an edit): a newer one is another
    # change, so a replaced one's refusal ("nothing was saved") is still said, not taken as done.
    WRITES: ClassVar[frozenset[str]] = frozenset()

    @dataclass
    class Done(Message):
        tag: str
        result: Any = field(repr=False)
        worker: Worker[None] | None = field(default=None, repr=False)

    @dataclass
    class Failed(Message):
        tag: str
        error: BaseException = field(repr=False)
        worker: Worker[None] | None = field(default=None, repr=False)

    def calling(self, tag: str) -> bool:
        """A call `tag` is on its way: a hurried clerk's second key (Esc twice, F8 twice) must not send
        it again."""
        return tag in self._in_flight

    def call(self, tag: str, fn: Callable[[], Any], *, exclusive: bool = False) -> None:
        screen: Any = self
        if not exclusive:
            self._in_flight |= {tag}

        def run() -> None:
            try:
                result = fn()
            except BaseException as exc:  # shown on the screen, never a traceback
                screen.post_message(ServiceCalls.Failed(tag, exc, get_current_worker()))
            else:
                screen.post_message(ServiceCalls.Done(tag, result, get_current_worker()))

        screen.run_worker(run, thread=True, group=f"call-{tag}", exclusive=exclusive, exit_on_error=False)

    # Named handlers, not @on: a plain mixin has no decorated-handler table of its own.
    def on_service_calls_done(self, message: Done) -> None:
        message.stop()
        # An exclusive call's newer one answers. Checked here, on the UI thread that cancels it: a
        # thread held up between its own check and its answer would put an older read over a newer one.
        if message.worker is not None and message.worker.is_cancelled:
            return
        self._in_flight -= {message.tag}
        getattr(self, f"done_{message.tag}")(message.result)

    def on_service_calls_failed(self, message: Failed) -> None:
        message.stop()
        exc = message.error
        if message.worker is not None and message.worker.is_cancelled and message.tag not in self.WRITES:
            # Replaced, as an answer would be: its failure must not land over the newer call's answer
            # (an error over a list read since, "not saved" over "Saved"). A bug is still logged.
            if not isinstance(exc, StationError):
                log_unexpected(exc)
            return
        self._in_flight -= {message.tag}
        if isinstance(exc, StationError):
            self.call_refused(message.tag, exc)
        else:
            self.failed(message.tag, report_unexpected(self._screen(), exc))

    def _screen(self) -> Screen[Any]:
        screen: Any = self
        return screen  # type: ignore[no-any-return]

    def call_refused(self, tag: str, exc: StationError) -> None:
        """The service refused (a form shows which field); by default shown as any failure is."""
        self.failed(tag, exc.message())

    def failed(self, tag: str, text: str) -> None:
        screen: Any = self
        screen.app.bell()
        screen.notify(text, severity="error", markup=False)
