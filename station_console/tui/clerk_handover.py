"""A locked console handed to another clerk: what the last one left open does not pass to the next.

The same clerk signing back in finds everything as they left it (they locked to step away mid-task).
Another clerk finds none of the last one's dialogs on any mode's screen stack: each closes as its Esc
closes it (`Dialog.cancelled`), nothing written, and without the "discard?" some ask, as their owner
is gone; nor a customer's half-typed entry on a mode screen (`ModeScreen.clear_for_next_clerk`). A
dialog whose write is on its way, or answered under the sign-in (`Dialog.answer_kept`), stays to close
with its answer; the last clerk's dialogs beneath it close as by Esc once it has closed and they are on
top (`Dialog.when_on_top`), not before: its answer goes to the screen that opened it, which may be the
dialog beneath. The caller's toast names what was closed.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.screen import Screen

from station_console.tui.screens.base import Dialog, ModeScreen
from station_console.tui.screens.calls import ServiceCalls


def close_left_open(app: Any) -> list[str]:
    """Close, on every mode's stack, the dialogs on top of it the last clerk left, topmost first, and
    clear each mode screen's customer entry; how the toast names each (what had no name is left out)."""
    closed: list[str] = []
    for mode, stack in list(app._screen_stacks.items()):
        in_front = mode == app.current_mode
        while len(stack) > 1 and _theirs(stack[-1]):
            dialog: Dialog[Any] = stack[-1]
            if in_front and not dialog.is_active:
                break  # not on top after all: it would not close (`ClosesOnlyOnTop`)
            title = dialog.handover_title()
            if in_front:
                dialog.dismiss(dialog.cancelled())
            else:
                _close_behind(app, stack, dialog)
            if title:
                closed.append(title)
        closed += _close_once_on_top(stack)
        base = stack[0]
        if isinstance(base, ModeScreen) and (cleared := base.clear_for_next_clerk()):
            closed.append(cleared)
    return closed


def _close_once_on_top(stack: list[Screen[Any]]) -> list[str]:
    """The last clerk's dialogs beneath one that stays for its answer (and above the first screen that
    is no dialog): each closes as by Esc when it is on top again, if still the last clerk's then."""
    names: list[str] = []
    for screen in reversed(stack[1:-1]):
        if not isinstance(screen, Dialog):
            break
        if _theirs(screen):
            screen.when_on_top = partial(_close_if_theirs, screen)
            if title := screen.handover_title():
                names.append(title)
    return names


def _close_if_theirs(dialog: Dialog[Any]) -> None:
    """On top again, once the dialog above answered: the answer it gave this one may have started a
    write (a Save chosen under the lock), which closes it with its own answer instead."""
    if _theirs(dialog):
        dialog.dismiss(dialog.cancelled())


def _theirs(screen: Screen[Any]) -> bool:
    """A clerk's dialog, with no write on its way nor its answer kept (that answer closes it, or says
    why not: it may have written, so it is not dropped unsaid)."""
    if not isinstance(screen, Dialog) or not screen.CLERKS_OWN or screen.answer_kept():
        return False
    return not (isinstance(screen, ServiceCalls) and screen.writing())


def _close_behind(app: Any, stack: list[Screen[Any]], dialog: Dialog[Any]) -> None:
    """Textual's `Screen.dismiss` for a mode not in front, which Textual pops only when current: its
    caller gets the answer, and the screen is removed. The mode's next screen is resumed when the
    clerk switches to it."""
    stack.pop()
    if dialog._result_callbacks:
        dialog._result_callbacks[-1](dialog.cancelled())
        dialog._pop_result_callback()
    app.call_later(app._replace_screen, dialog)
