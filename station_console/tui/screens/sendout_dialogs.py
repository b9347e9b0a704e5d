"""Dialogs of the send-out counter: a refund (which send, why)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input

from station_console.i18n import N_, _
from station_console.tui.screens.typed_dialog import NEXT_FIELD_KEYS, TypedDialog, keys_line
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.plain import Label, Static


class RefundDialog(TypedDialog[tuple[str, str] | None]):
    """Which send (its number or waybill) and why; Enter in the reason (or Ctrl+S) gives both back."""

    what = N_("a refund")

    CSS_PATH = "sendout.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="sendout.refund.cancel", tooltip=N_("Close without saving")
        ),
    ]

    def __init__(self, send_ref: str) -> None:
        super().__init__()
        self.send_ref = send_ref

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Refund a send still at the counter (manager)"), classes="dialog-title")
            yield Label(_("Send number or waybill"))
            yield FixedInput(value=self.send_ref, id="so-refund-send", max_length=40)
            yield Label(_("Reason"))
            yield FixedInput(id="so-refund-reason", max_length=200)
            yield keys_line(NEXT_FIELD_KEYS)

    def on_mount(self) -> None:
        self.query_one("#so-refund-reason", Input).focus()

    @on(Input.Submitted, "#so-refund-send")
    def _next(self) -> None:
        self.query_one("#so-refund-reason", Input).focus()

    @on(Input.Submitted, "#so-refund-reason")
    def action_send(self) -> None:
        # Whatever is typed goes to the service, whose refusal says what is missing (a key that did
        # nothing would not).
        send, reason = (
            self.query_one(f"#so-refund-{key}", Input).value.strip() for key in ("send", "reason")
        )
        self.dismiss((send, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
