"""A one-line answer to a question (a reason, a courier's name): Pickup's unscanned handover and the other
screens' reasons use it."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from station_console.i18n import N_, _
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.plain import Label, Static


class ReasonDialog(ModalScreen[str | None]):
    """Ask why (or `prompt`: each caller's own examples); Enter with an answer gives it back, Escape
    gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="pickup.reason.cancel", tooltip=N_("Close without saving")
        ),
    ]

    def __init__(self, title: str, prompt: str | None = None, value: str = "") -> None:
        super().__init__()
        self.title_text, self.prompt, self.value = title, prompt, value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Label(self.prompt or _("Reason"))
            yield FixedInput(self.value, id="pk-reason", max_length=200)

    def on_mount(self) -> None:
        self.query_one("#pk-reason", Input).focus()

    @on(Input.Submitted, "#pk-reason")
    def _given(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
