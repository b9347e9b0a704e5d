"""A screen's status line, where a refusal stays until the clerk has done something since.

A screen says two kinds of things on one line: what the clerk's own action did (`say`: a save, a key, a
scan), and what a read found (`show_read`: a count, a list's state). Reads land whenever they are
answered: a dialog closing reads again, another counter's change is read as it happens (the live view),
a worker's answer arrives late. Each wiped a refusal said a moment before, before the clerk had read it.
Here a refusal stands over every read until the clerk's next key or click on its screen (the app tells
each line, `clerk_acted`); a success line is replaced by the next read as before. The bell is the
screen's to ring, once, as it says the refusal. A read the clerk must hear of even so (another
counter changed the parcels in front of them) goes below the refusal (`show_read(under_refusal=True)`).
What a clerk's action said, a refusal or what it did, is that clerk's: another clerk signing in finds
the last read instead (`drop_said`). A refusal whose matter was put right by something other than the
clerk's key is taken back by the screen that knows it (`withdraw`): it would ask for what is done.
"""

from __future__ import annotations

import weakref
from typing import Any

from rich.text import Text
from textual.screen import Screen

from station_console.tui.widgets.plain import Static

# The lines whose refusal stands: the app tells the screen's lines of every key of the clerk's (a scan's
# too), and walking the screen for them on each key would cost every key a walk of its widgets.
_standing: weakref.WeakSet[StatusLine] = weakref.WeakSet()


class StatusLine(Static):
    # A refusal reads as one on every screen; a screen's stylesheet may say it louder (a background).
    # A line grows with what it says (a refusal and the answer below it), the screen's lists giving up
    # rows, to half the screen at most: a screen gives its usual height as `min-height`, never `height`.
    DEFAULT_CSS = """
    StatusLine { height: auto; max-height: 50vh; }
    StatusLine.-error { color: $error; text-style: bold; }
    """

    def __init__(
        self, content: Any = "", *, error_class: str = "-error", lays_out: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(content, **kwargs)
        self.error_class = error_class  # the screen's stylesheet's name for a refusal
        # False: the screen sizes the line, not its text (a box of its own): a new text repaints the
        # line only, as laying out the whole screen on every scan would slow the scan.
        self.lays_out = lays_out
        self._refusal: Any = ""  # what the standing refusal says
        # The last read: text, warn, ok; the line's first words until one lands ("Ready: ...").
        self._read: tuple[Any, bool, bool] = (content, False, False)
        self._said = False  # the line shows what a clerk's action said (`say`), not a read
        self._said_text: Any = ""  # what it said, while `_said`

    @property
    def refusal_stands(self) -> bool:
        return self in _standing

    @refusal_stands.setter
    def refusal_stands(self, stands: bool) -> None:
        if stands:
            _standing.add(self)
        else:
            _standing.discard(self)

    def say(self, text: Any, *, error: bool = False, warn: bool = False, ok: bool = False) -> None:
        """What the clerk's action did; a refusal (`error`) stays over any read until they act again."""
        self.refusal_stands, self._refusal = error, text if error else ""
        self._show(text, error=error, warn=warn, ok=ok)
        self._said, self._said_text = True, text

    def show_read(
        self, text: Any, *, warn: bool = False, ok: bool = False, under_refusal: bool = False
    ) -> bool:
        """What a read found, unless a refusal stands (then, `under_refusal`, on the line below it, the
        refusal still first and in its style); whether it is shown."""
        self._read = (text, warn, ok)
        if self.refusal_stands:
            if under_refusal:
                self._show(Text.assemble(self._refusal, "\n", text), error=True, warn=False, ok=False)
            return under_refusal
        self._show(text, error=False, warn=warn, ok=ok)
        self._said = False
        return True

    def withdraw(self, refusal: Any) -> bool:
        """The standing refusal, if it still says `refusal`, is taken back: what it was about was put
        right by something other than the clerk's key (it would tell them to do what is done). The
        line shows the last read in its place; a newer refusal stays. Whether it was taken back."""
        if not self.refusal_stands or self._refusal != refusal:
            return False
        self._back_to_read()
        return True

    def unsay(self, text: Any) -> bool:
        """What the clerk's action said, if the line still says `text` and it is no refusal, gives way to
        the last read: the clerk is doing what it asked (a waybill asked for, now being typed), and it
        would stand over their typing as if nothing were. Whether it was taken back."""
        if not self._said or self._said_text != text or self.refusal_stands:
            return False
        self._back_to_read()
        return True

    def reads(self, text: Any) -> bool:
        """Whether the line shows `text` as its last read, nothing said over it."""
        return not self._said and not self.refusal_stands and self._read[0] == text

    def clerk_acted(self) -> None:
        """The clerk pressed a key or clicked on this screen: the refusal was there to be read, and the
        next thing said or read may take its place."""
        self.refusal_stands = False

    def drop_said(self, *, refusal_only: bool = False) -> bool:
        """Another clerk signed in: what the last one's action said here (a refusal, or what it did:
        "Wang Li can no longer sign in.") was said to them, and the line shows the last read in its
        place; `refusal_only` keeps a line that is not a refusal (a write on its way says its answer
        there). Whether one was shown."""
        if not self._said or (refusal_only and not self.has_class(self.error_class)):
            return False
        self._back_to_read()
        return True

    def _back_to_read(self) -> None:
        """What was said gives way: the line shows the last read, as a read it is."""
        self.refusal_stands, self._refusal, self._said = False, "", False
        text, warn, ok = self._read
        self._show(text, error=False, warn=warn, ok=ok)

    def _show(self, text: Any, *, error: bool, warn: bool, ok: bool) -> None:
        self.update(text, layout=self.lays_out)
        self.set_class(error, self.error_class)
        self.set_class(warn and not error, "-warn")
        self.set_class(ok and not (error or warn), "-ok")


def drop_said(screen: Screen[Any], *, refusal_only: bool = False) -> None:
    """Another clerk signed in: every line on `screen` that says what the last one's action did or
    why it was refused gives way to its last read (`StatusLine.drop_said`)."""
    for line in screen.walk_children(StatusLine):
        line.drop_said(refusal_only=refusal_only)


def clerk_acted(screen: Screen[Any]) -> None:
    """A key or a click for `screen`: its status lines' refusals may now be replaced (a dialog's key
    leaves the screen under it as it was)."""
    for line in [line for line in _standing if screen in line.ancestors]:
        line.clerk_acted()
