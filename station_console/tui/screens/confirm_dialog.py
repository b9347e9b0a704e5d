"""A yes/no question over a text to read (an import's preview, a checklist), with a table over it if
asked, and `ask`: the one way a screen puts a yes/no question, saying on that screen what a No left
undone. Every text shown here is data, never markup."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button

from station_console.i18n import N_, _
from station_console.tui.screens.base import open_over
from station_console.tui.screens.dialog_css import DIALOG_CSS
from station_console.tui.screens.question_keys import AnswerButton, QuestionDialog, said_line
from station_console.tui.screens.typed_dialog import keys_line
from station_console.tui.widgets.plain import Static
from station_console.tui.widgets.wrapped_table import WrappedTable

# Said under every yes/no question: No has the focus, so a hurried Enter says no, and the clerk reads so.
YES_NO_KEYS = N_("Y: yes · N, Esc or Enter: no")


class ConfirmDialog(QuestionDialog[bool | None]):
    """A text to read and a question: Y (or the Yes button) says yes; Esc, N or Enter on No say no.
    Closed for another clerk signing in (`cancelled`), it answers None: nobody said no."""

    what = N_("a question")

    DEFAULT_CSS = DIALOG_CSS
    # Under 40 lines the text takes what room is left between the question and the buttons.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", N_("No"), id="confirm.no", tooltip=N_("Change nothing")),
        Binding("y", "answer(True)", N_("Yes"), id="confirm.yes", tooltip=N_("Go ahead")),
    ]

    # No has the focus as the dialog opens (not the scrolling text, where Enter says nothing), before an
    # Enter typed right behind the key that asked; a caller whose safe answer is Yes sets its own.
    AUTO_FOCUS = "#confirm-no"

    def __init__(
        self,
        question: str,
        body: str,
        *,
        what: str = "",
        table: tuple[Sequence[str], Sequence[Sequence[str]]] | None = None,
        weighty: bool = False,
    ) -> None:
        """`what`: how a clerk's hand-over names it (a message id; the question may carry a count).
        `table`: headings and rows shown over the text, long cells wrapped in their row (a checklist's
        items: as aligned lines of text, a line longer than the dialog wrapped into the next column).
        `weighty`: its Yes moves money or cannot be undone: keys typed before it appeared answer
        nothing (`QuestionDialog.takes_keys_typed_ahead`)."""
        super().__init__()
        self.question, self.body, self.table = question, body, table
        self.what = what or self.what
        self.takes_keys_typed_ahead = not weighty

    def compose(self) -> ComposeResult:
        # The question and its buttons stay in view (docked), the text between them scrolls.
        with Vertical(classes="form-dialog wide"):
            yield Static(Text(self.question), classes="dialog-title form-head")
            with VerticalScroll(classes="confirm-body"):
                if self.table is not None:
                    yield WrappedTable(self.table[0], id="confirm-table")
                yield Static(Text(self.body))
            # The keys' line docked with the buttons, under them: after the scrolling text, a long one
            # (an import's preview on 80x24) pushed it out of the box, and Enter's "no" went unsaid.
            with Vertical(classes="form-foot"):
                with Horizontal(classes="confirm-buttons"):
                    yield AnswerButton(_("Yes"), id="confirm-yes", variant="primary")
                    yield AnswerButton(_("No"), id="confirm-no")
                yield said_line()
                yield keys_line(YES_NO_KEYS)

    def on_mount(self) -> None:
        if self.table is not None:
            self.query_one("#confirm-table", WrappedTable).show(self.table[1])

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def cancelled(self) -> bool | None:
        return None


def ask(
    screen: Screen[Any],
    dialog: QuestionDialog[Any],
    yes: Callable[[], object],
    *,
    no: str,
    say: Callable[[str], None] | None = None,
) -> bool:
    """Put the yes/no `dialog` over `screen`: Yes runs `yes`; No (or the question not opening: the
    clerk left the screen before it came) says `no` (an English message id, what was left undone:
    "Not started: no return batch.") with `say`, the screen's line, else a toast. A question closed
    for another clerk (answered None) says nothing. Whether it opened. The answer is handled as the
    question closes (`QuestionDialog.answered_at_once`): every Yes here sends a write, which is then on
    its way before a key typed right behind the Y reaches the screen (an Esc right behind a close's Y
    left the screen first, the close's answer said to nobody; an F12 right behind it asked again)."""

    def said(text: str) -> None:
        if say is not None:
            say(text)
        else:
            screen.notify(text, severity="warning", markup=False)

    def answered(answer: object) -> None:
        if answer:
            yes()
        elif answer is not None:
            said(_(no))

    dialog.answered_at_once = answered
    opened = open_over(screen, dialog)
    if not opened:
        said(_(no))
    return opened
