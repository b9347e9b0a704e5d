"""The day close's questions: the figures to confirm, a second yes before closing time, a reopen reason.

Each dialog only asks; the Reports screen runs the service (which decides who may, and when).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input

from station_console.i18n import N_, _
from station_console.services.core.free_text import REASON
from station_console.services.day import export, summary
from station_console.tui.line_breaks import clauses_unbroken, unbroken
from station_console.tui.role_keys import role_key
from station_console.tui.screens.dialog_css import DIALOG_CSS
from station_console.tui.screens.pickup_dialogs import rule_input, say_too_long, taken
from station_console.tui.screens.question_keys import AnswerButton, QuestionDialog, said_line
from station_console.tui.screens.typed_dialog import ONE_FIELD_KEYS, TypedDialog, keys_line
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.plain import Static

_SIGNS = re.compile(r"( [+=-] )")  # the balance's signs, between its figures, where its line may break


def balance_line(totals: dict[str, Any]) -> str:
    """`opening + checked in - ... = closing`, each figure held on its line with its words: "closing"
    at the end of one line and "219" alone on the next read as nothing."""
    line = _(
        "Opening {opening} + checked in {checked_in} - picked up {picked_up} - returned "
        "{returned} - written off {written_off} = closing {closing}",
        **{k: totals[k] for k in export.FIGURE_KEYS},
    )
    return "".join(part if _SIGNS.fullmatch(part) else unbroken(part) for part in _SIGNS.split(line))


class ConfirmClose(QuestionDialog[bool | None]):
    """The day's figures, and one deliberate yes (the button, or Ctrl+Y; before closing time, asked a
    second time, the button only); anything else cancels."""

    what = N_("the day close")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", N_("Cancel"), id="close.cancel"),
        Binding("ctrl+y", "yes", N_("Close the day"), id="close.yes"),
        # The figures scroll when they do not fit (their box takes no focus: the answers keep it).
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
    ]
    # Enter alone never closes a day: Cancel has the focus as the dialog opens, before a hurried Enter
    # typed right after the key that opened it (a focus() in on_mount came a moment too late).
    AUTO_FOCUS = "#close-no"
    takes_keys_typed_ahead = False  # a closed day is not opened again: only keys typed at it answer it

    def cancelled(self) -> bool | None:
        return None  # closed for another clerk: nobody said no (`confirm_dialog.ask`)

    def __init__(self, report: dict[str, Any], *, question: str = "", early: bool = False) -> None:
        super().__init__()
        self.report = report
        self.question = question
        self.early = early

    def compose(self) -> ComposeResult:
        report = self.report
        # The question, its buttons and its keys stay in view (docked, app.tcss), the figures between
        # them scroll: at 80x24 the second question's keys fell below the box, cut off.
        with Vertical(classes="dialog" + (" -early" if self.early else "")):
            yield Static(
                _("Close business day {day}?", day=report["date"]), classes="dialog-title close-head"
            )
            totals = report["totals"]
            with VerticalScroll(id="close-body", can_focus=False):
                yield Static(
                    "\n".join(
                        [
                            balance_line(totals),
                            *summary.summary_lines(report, at_close=True)[:2],  # as the close freezes them
                            # The money the close freezes, for the drawer to be counted against.
                            *map(clauses_unbroken, summary.fee_lines(report, waivers=False)),
                            *map(clauses_unbroken, summary.close_send_lines(report)),
                        ]
                    ),
                    id="close-figures",
                )
            with Vertical(id="close-foot"):
                yield Static(
                    self.question
                    or _(
                        "Its figures are frozen with their SHA-256; work after the close belongs to the next day."
                    ),
                    id="close-question",
                )
                with Horizontal(classes="dialog-buttons"):
                    yield AnswerButton(
                        _("Close the day"), id="close-yes", variant="error" if self.early else "primary"
                    )
                    yield AnswerButton(_("Cancel"), id="close-no")
                yield said_line()
                # Below, where a key it does not take sends the clerk ('answer with a key below'). The focus
                # starts on Cancel: a hurried Enter closes nothing, and the line says so.
                if self.early:
                    yield keys_line(
                        N_("Tab to “Close the day”, then Enter: close it anyway · Enter or Esc: cancel")
                    )
                else:
                    yield keys_line(N_("Ctrl+Y: close the day · Enter or Esc: cancel"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The second yes, before closing time, is given on its button: a Ctrl+Y pressed twice in a
        # hurry answered the first question and then this one.
        return not (self.early and action == "yes")

    def action_page(self, direction: int) -> None:
        body = self.query_one("#close-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    @on(Button.Pressed, "#close-yes")
    @role_key("close.yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#close-no")
    def _no(self) -> None:
        self.dismiss(False)


class ReopenDay(TypedDialog[str | None]):
    """A manager reopens a closed day: the reason is required (it goes into the audit trail). Typed,
    then Enter or Ctrl+S: the reason is the deliberate part."""

    what = N_("a day being reopened")

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", N_("Cancel"), id="reopen.cancel"),
    ]

    def __init__(self, day: str) -> None:
        super().__init__()
        self.day = day

    def compose(self) -> ComposeResult:
        # A form's layout: no wider than the screen, the question and why it was refused on top.
        with Vertical(classes="form-dialog"):
            with Vertical(classes="form-head"):
                yield Static(_("Reopen business day {day}?", day=self.day), classes="dialog-title")
                yield Static(id="reopen-refused", classes="form-refused")
            with VerticalScroll(classes="form-body", can_focus=False):
                yield Static(
                    _(
                        "Its close is withdrawn; closing it again stores new figures and a new hash. "
                        "Say why (kept in the audit trail), then Enter."
                    ),
                    classes="form-note",
                )
                yield rule_input(REASON, "reopen-reason", placeholder=_("reason"))
            with Vertical(classes="form-end"):
                yield keys_line(ONE_FIELD_KEYS)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(FixedInput.TooLong, "#reopen-reason")
    def _too_long(self, event: FixedInput.TooLong) -> None:
        refused = self.query_one("#reopen-refused", Static)
        say_too_long(refused, event, _(REASON.label))
        refused.add_class("-shown")

    @on(Input.Submitted, "#reopen-reason")
    def action_send(self) -> None:
        value = self.query_one("#reopen-reason", Input).value
        refused = self.query_one("#reopen-refused", Static)
        ok = taken(REASON, value, refused)
        refused.set_class(not ok, "-shown")
        if ok:
            self.dismiss(value.strip())
