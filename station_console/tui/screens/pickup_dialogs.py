"""A one-line answer to a question (a reason, a courier's name): Pickup's unscanned handover and the other
screens' reasons use it.

A reason asked with its field's `NoteRule` is checked by that rule when Enter is pressed, as the service
will read it: a refusal (empty) is shown in the dialog, which stays open with the text. Its field stops at
the rule's limit (`rule_input`), as a form's fields stop at theirs: a key or a paste past it is refused
by the field and said on the dialog's line by the field's name (`say_too_long`), where a long paste went
in whole and was refused only at Enter. A paste into it while a refusal is shown is checked at once: the
refusal said is the one of the text now there, not of what was there before."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input

from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.services.core.free_text import REASON, NoteRule
from station_console.tui.screens.typed_dialog import ONE_FIELD_KEYS, TypedDialog, keys_line
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.plain import Label, Static, plain


def show_refusal(refusal: Static, exc: StationError | None) -> None:
    """Why what was typed is refused, in red in `refusal` with the bell; None: nothing refused (any
    earlier refusal goes). What was typed stays where it is."""
    if exc is None:
        refusal.update("")
        return
    refusal.update(plain(exc.message(), "red"))
    refusal.app.bell()


def taken(rule: NoteRule, text: str, refusal: Static) -> bool:
    """Whether `rule` takes `text`; if not, why, in red in `refusal` (the text stays where it is)."""
    try:
        rule.read(text)
    except StationError as exc:
        show_refusal(refusal, exc)
        return False
    show_refusal(refusal, None)
    return True


def rule_input(rule: NoteRule, widget_id: str, value: str = "", *, placeholder: str = "") -> FixedInput:
    """The field a reason or a note `rule` reads is typed into: it takes at most the rule's limit, and
    its dialog says a key or a paste past it (`say_too_long`)."""
    return FixedInput(value, placeholder=placeholder, id=widget_id, max_length=rule.limit, says_limit=False)


def say_too_long(refusal: Static, event: FixedInput.TooLong, name: str) -> None:
    """Typed or pasted past the field's limit (the field took none of it, and rang): said in `refusal`,
    by the field's `name`, as a form says it on its line."""
    event.stop()
    refusal.update(plain(event.said(name), "red"))


def pasted(rule: NoteRule, text: str, refusal: Static) -> None:
    """A paste went into a field `rule` reads: a refusal shown of what was there before is replaced by
    what `rule` says of the text now there (nothing, or why not)."""
    if str(refusal.content):
        taken(rule, text, refusal)


class ReasonDialog(TypedDialog[str | None]):
    """Ask why (or `prompt`: each caller's own examples); Enter (or Ctrl+S) with an answer gives it back
    (one `rule` takes, if given), Escape gives None."""

    what = N_("a reason being typed")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="pickup.reason.cancel", tooltip=N_("Close without saving")
        ),
    ]

    def __init__(
        self,
        title: str,
        prompt: str | None = None,
        value: str = "",
        *,
        rule: NoteRule | None = None,
        what: str = "",
    ) -> None:
        """`what`: how a clerk's hand-over names it (a message id; its title may carry a waybill)."""
        super().__init__()
        self.title_text, self.prompt, self.value, self.rule = title, prompt, value, rule
        self.what = what or self.what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            # Named as the rule names it in a refusal ("Note is longer than 500 characters.").
            yield Label(self.prompt or self.field_name())
            # Without a rule of its own (any text is given back): as long as a reason may be.
            yield rule_input(self.rule or REASON, "pk-reason", self.value)
            yield Static(id="pk-reason-refused")
            yield keys_line(ONE_FIELD_KEYS)

    def on_mount(self) -> None:
        self.query_one("#pk-reason", Input).focus()

    def field_name(self) -> str:
        return _((self.rule or REASON).label)

    @on(FixedInput.TooLong, "#pk-reason")
    def _too_long(self, event: FixedInput.TooLong) -> None:
        say_too_long(self.query_one("#pk-reason-refused", Static), event, self.field_name())

    @on(FixedInput.Pasted, "#pk-reason")
    def _pasted(self) -> None:
        if self.rule is not None:
            pasted(
                self.rule,
                self.query_one("#pk-reason", Input).value,
                self.query_one("#pk-reason-refused", Static),
            )

    @on(Input.Submitted, "#pk-reason")
    def action_send(self) -> None:
        value = self.query_one("#pk-reason", Input).value
        if self.rule is not None and not taken(
            self.rule, value, self.query_one("#pk-reason-refused", Static)
        ):
            return
        # A rule that may be left empty (an optional note) takes an empty Enter as "none".
        if value.strip() or (self.rule is not None and not self.rule.required):
            self.dismiss(value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
