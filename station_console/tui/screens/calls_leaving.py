"""A key that leaves a screen while a write it sent is on its way (`ServiceCalls`' part).

A write's answer is said on the screen that sent it: its line, a toast, the dialog it opens next (a fee
to settle). A screen that left took its worker's answer with it, and what was written (a flag, a
scan-out, a phone saved, a batch handed over) was said to nobody, though written all the same. An Esc
held behind a write is let go by the held keys' fail-safe after `HOLD_KEYS_AT_MOST` (calls_held_keys.py),
and an Esc not held goes at once; so a screen's way back asks `stays_for_answer(tags)` first. While one
of those writes is on its way, the screen stays, rings and says its answer comes first (`say_waiting`:
on the line `WAIT_LINE` names, a line its answer takes the place of; else a toast); the key pressed
again once the answer is said leaves. Wherever a screen or dialog says it, it has one look
(`waiting_look`: neither a refusal's red nor a result's plain text), where each line once had its own.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.content import Content
from textual.widgets import Static

from station_console.i18n import N_, _
from station_console.safe_text import visible
from station_console.tui.widgets.status_line import StatusLine

# One message on every screen, whatever is on its way (a scan, a close, a save): its first sentence is
# `calls.STILL_WRITING`, said to a write key pressed again, so both read alike.
WAIT_FOR_ANSWER = N_("One moment: the last action is still on its way. Its answer is said here first.")

# Neither a refusal nor a result: the theme's warning colour, in italics, whatever the line's own style
# (a style of the text itself, over the colour of Move's red refusal line).
WAIT_STYLE = "italic $warning"


def waiting_look(text: str) -> Content:
    """`text` (what waits, and for what) in the one look it has on every screen and dialog."""
    return Content.styled(visible(text), WAIT_STYLE)


def say_waiting_in(line: Static, text: str) -> None:
    """Say `text` in its one look on `line`, a screen's status line or a dialog's own line: a status
    line keeps its rules (a refusal of its own stands over later reads), any line drops the look of
    what it said before (a refusal's, a warning's)."""
    if isinstance(line, StatusLine):
        line.say(waiting_look(text))
        return
    line.update(waiting_look(text))
    line.set_class(False, "-error", "-warn", "-ok")


class StaysForAnswers:
    """The way back of a `ServiceCalls` screen or dialog, held while a write of its own is on its way."""

    # The line (a CSS selector: a status line, or a dialog's own line) where the screen says a way out
    # waits; "" says it as a toast.
    WAIT_LINE: ClassVar[str] = ""

    def stays_for_answer(self, *tags: str) -> bool:
        """Whether the screen stays because a write `tags` is on its way (any of several sent, each
        counted until its answer: `ServiceCalls.calling`), said with a bell in the one message every
        screen says it in: the caller leaves only on False."""
        calls: Any = self
        if not any(calls.calling(tag) for tag in tags):
            return False
        calls.app.bell()
        self.say_waiting(_(WAIT_FOR_ANSWER))
        return True

    def say_waiting(self, text: str) -> None:
        """Say that a way out waits for an answer on its way, on the line `WAIT_LINE` names (by id, or
        by class where each subclass names its own line's id: the queue lists), else in a toast."""
        screen: Any = self
        if self.WAIT_LINE:
            say_waiting_in(screen.query_one(self.WAIT_LINE, Static), text)
        else:
            screen.notify(text, markup=False)
