"""A dialog that takes typed input: Ctrl+S sends it from any field, as its Enter (or OK) does, and a
muted line under its fields says its keys. A pop-up form is one, and so is every dialog that asks for
a few typed words (a move's target, a reason, a phone). Not one: a question that needs a deliberate yes
(the day's close, a restore, a delete), and a list the clerk picks a person from (Ctrl+S would take
the first match unseen)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from station_console.i18n import N_, _
from station_console.tui.screens.base import Dialog, Result
from station_console.tui.widgets.plain import Static

# The words of each key line; the same words are the same message in every dialog.
NEXT_FIELD_KEYS = N_("Enter: next field · Ctrl+S: save · Esc: cancel")
ONE_FIELD_KEYS = N_("Enter or Ctrl+S: save · Esc: cancel")


class TypedDialog(Dialog[Result]):
    """`action_send` is what the dialog's Enter in its last field (or its OK) does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # In a dialog it takes the place of the app's Ctrl+S (Settings), as inside Settings it saves.
        Binding("ctrl+s", "send", N_("Save"), id="form.save", tooltip=N_("Send the form as it is")),
    ]

    def action_send(self) -> None:
        raise NotImplementedError


def keys_line(text: str) -> Static:
    """The dialog's keys (`text` an English message id), in the muted line every dialog has."""
    return Static(_(text), classes="form-keys")
