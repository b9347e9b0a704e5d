"""How a service call's refusal or failure is said (`ServiceCalls`' part).

A refusal is said on the screen that sent the call (`call_refused`, by default as any failure is:
`failed`, a bell and a toast). A read refused because the console locked while it ran is read again as
whoever signs in, once the screen is in front (`_read_later`). A refusal of what the last clerk sent,
landing after another clerk signed in, is handled but not said to them (`_refused_unsaid`): nothing
was written, and the hand-over took back that clerk's lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeGuard

from station_console.errors import DEACTIVATED, PermissionDenied, StationError
from station_console.tui.screens.base import Dialog, ModeScreen, on_a_stack
from station_console.tui.screens.calls_clerks import clerk_now, clerk_turns
from station_console.tui.widgets import status_line


class SaysRefusals:
    """The refusals and failures of a `ServiceCalls` screen's calls: said, unsaid, or read again."""

    # Reads refused because nobody was signed in (the console locked while they ran), by tag: read again
    # when the screen comes back from under the sign-in dialog.
    # A read for a form keeps the form turn it was sent for.
    _read_again: dict[str, tuple[Callable[[], Any], int | None]] | None = None

    def _locked_meanwhile(self, exc: BaseException, turn: int) -> bool:
        """Refused for who was signed in (nobody, or a role), and the console locked since the call was
        sent (its refusal may come after the next sign-in) or is locked now: the lock's refusal."""
        screen: Any = self
        app: Any = screen.app
        if not isinstance(exc, PermissionDenied):
            return False
        return bool(getattr(app, "signing_in", False)) or clerk_turns(app) != turn

    def _for_last_clerk(self, asked_by: int | None) -> bool:
        """Sent by a clerk who has locked since, and another clerk is signed in now. On a locked
        console (nobody signed in) it lands as it would have: the sign-in hands it on as the rest."""
        screen: Any = self
        now = clerk_now(screen.app)
        return now is not None and now != asked_by

    def _refused_unsaid(self, tag: str, exc: StationError, sent_by: int | None) -> None:
        """A refusal of what the last clerk (`sent_by`) sent, landing after another clerk signed in:
        nothing was written, and the new clerk pressed no key for it. The screen's own handling still
        runs (a flag of a write on its way, a form's Saving, put back), but what it says is taken back
        as the hand-over takes back the last clerk's lines (`drop_refusal_said`), and no toast nor bell
        (a line "F10 returns it as recalled" would have the new clerk recall the last one's parcel). A
        dialog the hand-over kept for this write closes as the hand-over closes the rest."""
        screen: Any = self
        app: Any = screen.app
        with nothing_said(app):
            self.call_refused(tag, exc)
        self.drop_refusal_said()
        if isinstance(screen, Dialog) and screen.CLERKS_OWN and not self._writing() and on_a_stack(screen):
            close = getattr(app, "close_last_clerks_dialog", None)  # the console's; a test's host has none
            if close is not None:
                close(screen, sent_by)

    def drop_refusal_said(self) -> None:
        """What a refusal for the last clerk said on this screen's lines gives way to the last read, as
        at the hand-over (`ModeScreen.drop_clerks_lines`, which also disarms a key the refusal armed);
        a line a write still on its way said stays, its answer coming there."""
        screen: Any = self
        if isinstance(screen, ModeScreen):
            screen.drop_clerks_lines(refusal_only=self._writing())
        else:
            status_line.drop_said(screen, refusal_only=True)

    def _read_later(self, tag: str, read: Callable[[], Any], form_turn: int | None) -> None:
        """Read again as whoever is signed in: now if the screen is in front and someone signed in
        (the refusal came after the sign-in), else once it is back in front; a read for a form, only
        for that form (`new_form`)."""
        screen: Any = self
        if screen.is_active and not getattr(screen.app, "signing_in", False):
            screen._send(tag, read, True, form_turn)
        else:
            self._read_again = {**(self._read_again or {}), tag: (read, form_turn)}

    def on_screen_resume(self) -> None:
        # A mixin's handler: Textual runs it as well as the screen's own.
        screen: Any = self
        again, self._read_again = self._read_again or {}, None
        for tag, (read, form_turn) in again.items():
            if not screen.for_another_form(form_turn):
                screen._send(tag, read, True, form_turn)

    def _writing(self) -> bool:
        calls: Any = self
        return bool(calls.writing())

    def call_refused(self, tag: str, exc: StationError) -> None:
        """The service refused (a form shows which field); by default shown as any failure is."""
        self.failed(tag, exc.message())

    def failed(self, tag: str, text: str) -> None:
        screen: Any = self
        screen.app.bell()
        screen.notify(text, severity="error", markup=False)


def refused_close_toasted(screen: Any, text: str) -> None:
    """A courier's close refused (`text`), or done but a step after it failed (a receipt not saved),
    said on the screen's line and again in an error toast, up until read (`error_toasts`): keys typed
    right behind the Yes or Enter that sent the close wait for its answer, and a refusal comes at once,
    so an Esc among them reaches the screen as soon as the line is written and leaves it (or clears the
    line). "Nothing was closed" was then said to nobody, and the courier left without what the clerk
    took as handed over (or without the receipt, and the command that saves it again)."""
    screen.notify(text, severity="error", markup=False)


def deactivated(exc: BaseException) -> TypeGuard[PermissionDenied]:
    """The clerk was deactivated by a manager meanwhile: the console locks, whatever the call was for."""
    return isinstance(exc, PermissionDenied) and exc.code == DEACTIVATED


@contextmanager
def nothing_said(app: Any) -> Iterator[None]:
    """No bell and no toast for the span, whoever raises them: `failed`, or a screen's own refusal
    that rings as it says its line or toasts by itself (Reports' day closed meanwhile)."""
    own = {name: vars(app)[name] for name in ("bell", "notify") if name in vars(app)}
    app.bell = _silent
    app.notify = _silent
    try:
        yield
    finally:
        for name in ("bell", "notify"):
            if name in own:
                setattr(app, name, own[name])
            else:
                delattr(app, name)


def _silent(*_args: Any, **_kwargs: Any) -> None:
    pass
