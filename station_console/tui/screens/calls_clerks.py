"""Whose a service call is: the clerk signed in as it was sent (`ServiceCalls`' part).

A call runs as the clerk signed in when it was sent (`Station.as_now`, see calls.py); while its `done_`
handler runs, `asked_by` is that clerk, and an answer that puts a question asks only them
(`asked_by_clerk_now`), never the next clerk signed in meanwhile; a dialog's answer is taken only for
the clerk who opened it (`askers_own`). A toast an answer raises is that clerk's (`toasts_of`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

Result = TypeVar("Result")


class _NotAnAnswer(enum.Enum):
    NOT_AN_ANSWER = enum.auto()


NOT_AN_ANSWER = _NotAnAnswer.NOT_AN_ANSWER


class CallsOfClerks:
    """The clerk each answer of a `ServiceCalls` screen is for."""

    # While a `done_` handler runs: the clerk who sent its call (`asked_by_clerk_now`).
    _answer_for: int | None | _NotAnAnswer = NOT_AN_ANSWER

    def asked_by_clerk_now(self) -> bool:
        """Whether the clerk signed in now sent the call a `done_` handler is answering (outside one:
        the clerk now pressed the key). An answer that puts a question (a carrier to pick, "Undo the
        last pickup?", a fee to settle) asks only that clerk: one that lands after a lock and another
        clerk's sign-in would have the next clerk answer the last one's key."""
        return self._signed_in_now(self.asked_by())

    def asked_by(self) -> int | None:
        """The clerk who sent the call a `done_` handler is answering (outside one: the clerk signed in
        now), for an answer kept to say to that clerk when they are back."""
        if self._answer_for is NOT_AN_ANSWER:
            screen: Any = self
            return clerk_now(screen.app)
        return self._answer_for

    def askers_own(self, answered: Callable[[Result], None]) -> Callable[[Result], None]:
        """`answered`, as a dialog's callback, for the clerk who asked (`asked_by`, as the dialog opens)
        only: a preview read as the console locked comes to whoever signs in, and only the clerk who
        asked for it is asked what to do with it (the next clerk is not asked to write the last one's
        file); that clerk, back, finds the question. The same clerk a worker's answer is for."""
        asker = self.asked_by()

        def given(result: Result) -> None:
            if self._signed_in_now(asker):
                answered(result)

        return given

    def _signed_in_now(self, clerk_id: int | None) -> bool:
        """Whether `clerk_id` (who asked) is the clerk signed in now."""
        screen: Any = self
        return clerk_id == clerk_now(screen.app)


@contextmanager
def toasts_of(app: Any, clerk_id: int | None) -> Iterator[None]:
    """Toasts raised in the span are `clerk_id`'s: held under a lock, only they see them
    (`HeldToastsApp.toasts_of`; an app without held toasts shows them as ever)."""
    held_for = getattr(app, "toasts_of", None)
    if held_for is None:
        yield
        return
    with held_for(clerk_id):
        yield


def clerk_turns(app: Any) -> int:
    """How many times the clerk changed (`ClerkSessionMixin.clerk_turns`; 0 for an app without one)."""
    return int(getattr(app, "clerk_turns", 0))


def clerk_now(app: Any) -> int | None:
    """The id of the clerk signed in (None: nobody, or an app with no open station)."""
    return app.station.clerk_id if getattr(app, "station_open", False) else None
