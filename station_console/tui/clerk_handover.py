"""A locked console handed to another clerk: what the last one left open does not pass to the next.

The same clerk signing back in finds everything as they left it (they locked to step away mid-task).
Another clerk finds none of the last one's dialogs on any mode's screen stack: each closes as its Esc
closes it (`Dialog.cancelled`), nothing written, and without the "discard?" some ask, as their owner
is gone; nor what was typed on any mode's screens (`ModeScreen.clear_for_next_clerk`), nor what
the last clerk's actions said on the message lines, a refusal or what was done
(`ModeScreen.drop_clerks_lines`), nor a
screen the new clerk's role may not open, nor edits typed and not saved. A
dialog whose write is on its way, or answered under the sign-in (`Dialog.answer_kept`), stays to close
with its answer; the last clerk's dialogs beneath it close as by Esc once it has closed and they are on
top (`Dialog.when_on_top`), not before: its answer goes to the screen that opened it, which may be the
dialog beneath. Refused instead, nothing was written, and it closes as by Esc in its turn
(`ClerkSessionMixin.close_last_clerks_dialog`). The caller's toast names what was closed.
"""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from textual.screen import Screen

from station_console.i18n import _
from station_console.tui.role_keys import refused
from station_console.tui.screens.base import Dialog, ModeScreen
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.unsaved import KeepsEdits
from station_console.tui.widgets import status_line


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
        closed += _close_refused_screens(app, stack, in_front)
        closed += _discard_edits(stack)
        for screen in stack:  # the mode's own screen and those opened over it (Problems, Returns...)
            if not screen.is_mounted:
                continue
            # Said to the last clerk, or of what they did; not worth a word in the toast. A write on
            # its way keeps its line ("Saving…"), where its answer is said.
            writing = isinstance(screen, ServiceCalls) and screen.writing()
            if not isinstance(screen, ModeScreen):  # a dialog kept for its answer on its way
                status_line.drop_said(screen, refusal_only=True)
                continue
            screen.drop_clerks_lines(refusal_only=writing)
            if cleared := screen.clear_for_next_clerk():
                closed.append(cleared)
    return closed


def _close_refused_screens(app: Any, stack: list[Screen[Any]], in_front: bool) -> list[str]:
    """A screen on top that the new clerk's role may not open (`ModeScreen.OPENED_BY`: a manager's,
    such as Edit shelves) closes, what was typed there with it: it shows what only its role reads. A
    screen any clerk may open stays, as the new clerk could open it anyway."""
    names: list[str] = []
    while len(stack) > 1 and isinstance(screen := stack[-1], ModeScreen):
        if refused(app, screen.OPENED_BY) is None or _saving(screen):
            break  # theirs to open too, or a save on its way, whose answer says what it wrote
        if in_front:
            if not screen.is_active:
                break
            app.pop_screen()
        else:
            stack.pop()
            app.call_later(app._replace_screen, screen)
        names.append(
            _(
                "{screen}, a manager's screen (anything not saved there discarded)",
                screen=_(screen.MODE_TITLE),
            )
        )
    return names


def _discard_edits(stack: list[Screen[Any]]) -> list[str]:
    """Edits typed and not saved (Settings, Printers, Clerks...) are the last clerk's unfinished work:
    the next clerk's save would record them under the next clerk's name, so they go back to what is
    saved, whatever the new clerk's role (a clerk's form is read-only, a manager's stays editable)."""
    names: list[str] = []
    for screen in stack:
        if not isinstance(screen, KeepsEdits) or not screen.SAVES or _saving(screen):
            continue
        if cast(Screen[Any], screen).is_mounted and screen.unsaved_edits():
            screen.discard_edits()
            names.append(_("the unsaved edits on {screen} (discarded)", screen=screen.edits_title()))
    return names


def _saving(screen: Screen[Any]) -> bool:
    return isinstance(screen, KeepsEdits) and screen.saving()


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
