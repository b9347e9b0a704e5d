"""Edits typed and not saved are never dropped without a question: save, discard or stay.

A screen with a save step mixes in `KeepsEdits`: it says which fields count (`EDITS`), remembers their
values as saved (`edits_saved`, after its own save succeeded) and starts its save in `save_now`. Every
way out asks first through `leave`: the app's quit and mode keys, and the screen's own Escape. While a
save is on its way (`saving`: the screen's service call `SAVE_CALL` is not answered yet, whether its
own save key or the question's Save sent it) none is taken and nothing asked, and a second save is
not sent (`save_waits`): the screen says it waits for the save. The question's Save says on the
screen that it saves, then leaves, until the save's answer (or its refusal) takes its place.
The question (`LeaveUnsaved`) is answered only by a deliberate key or a click: its focus rests on Stay,
so Enter, a scan (which ends in Enter) or a stray letter leave everything as it is. A form with no
save step (send-out's, whose only record is the send itself) asks it without Save: discard or stay. Values saved by
someone else meanwhile (`saved_elsewhere`) are shown in the fields not edited here, never over an edit.
A key the question does not take (F4, a letter) or a scan arriving under it is said in the question,
as every question says it (`question_keys`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, TextArea

from station_console.i18n import N_, _
from station_console.tui.screens.base import translate_bindings
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.question_keys import AnswerButton, QuestionDialog, said_line
from station_console.tui.screens.typed_dialog import keys_line
from station_console.tui.widgets.plain import Static

Answer = Literal["save", "discard", "stay"]
SAVING = N_("One moment: saving. Quit or leave once it is done.")
# The question's Save sent the save: the clerk has asked to leave, and the save may wait (a busy database).
LEAVING = N_("Saving, then leaving...")
_EDITORS = (Input, TextArea, Checkbox, Select)  # Checkbox: the house Tick
SAVE_KEYS = N_("Ctrl+S: save · Ctrl+D: discard · Esc or Enter: stay")
DISCARD_KEYS = N_("Ctrl+D: discard · Esc or Enter: stay")


def _value(widget: Widget) -> Any:
    return widget.text if isinstance(widget, TextArea) else getattr(widget, "value", None)


class KeepsEdits:
    """For a screen with fields and a save step (Settings, a printer, a clerk, a carrier, a person)."""

    EDITS: ClassVar[str] = ""  # the container of the fields that count; "" the whole screen
    # False: nothing to save (send-out's form: the send is the record): the question is discard or stay.
    SAVES: ClassVar[bool] = True
    # True: another mode leaves the fields as typed (asked only when the console quits).
    KEPT_ACROSS_MODES: ClassVar[bool] = False
    # The tag of the screen's service call (`ServiceCalls.call`, not exclusive) that saves or writes.
    SAVE_CALL: ClassVar[str] = ""
    _saved_values: dict[str, Any] | None = None
    _after_save: Callable[[], None] | None = None

    def _editors(self, root: Widget | None = None) -> Iterable[Widget]:
        node: Any = root or (self.query_one(self.EDITS) if self.EDITS else self)  # type: ignore[attr-defined]
        return (w for w in node.query("*") if isinstance(w, _EDITORS) and w.id)

    def remember_saved(self, root: Widget | None = None) -> None:
        """What the fields (under `root`, else all) hold now is what is saved; fields not seen yet count
        from when they are first remembered."""
        values = {w.id: _value(w) for w in self._editors(root) if w.id}
        self._saved_values = {**(self._saved_values or {}), **values}

    def unsaved_edits(self) -> bool:
        saved = self._saved_values
        if saved is None:
            return False
        return any(w.id in saved and _value(w) != saved[w.id] for w in self._editors())

    def edits_title(self) -> str:
        """How the question names this screen."""
        return _(getattr(self, "MODE_TITLE", "") or "") or _("This form")

    def save_now(self) -> None:
        """Start the screen's save; it calls `edits_saved` once it succeeded, `edits_not_saved` if not."""
        raise NotImplementedError

    def saving(self) -> bool:
        """A save is on its way and not answered yet: it may have written, so no way out is taken and
        nothing is asked over it until its answer is back."""
        return bool(self.SAVE_CALL) and isinstance(self, ServiceCalls) and self.calling(self.SAVE_CALL)

    def say_saving(self, text: str = SAVING) -> None:
        """Say on the screen that a way out waits for the save (`text`: a message id, `SAVING` when
        one was asked for while `saving`, `LEAVING` when the question's Save sent it). A screen says
        it in its own status line, where its save's refusal replaces it; this is for one that has none."""
        screen: Any = self
        screen.notify(_(text), markup=False)

    def save_waits(self) -> bool:
        """A save asked for while one is on its way is not sent again (two writes, the first's answer
        dropped): the screen says it waits, and the caller sends nothing."""
        if not self.saving():
            return False
        screen: Any = self
        screen.app.bell()
        self.say_saving()
        return True

    def save_edits(self, then: Callable[[], None]) -> None:
        self._after_save = then
        self.save_now()
        if self.saving():  # on its way (a save its own check refused says why instead)
            # Its answer leaves the screen: keys typed behind the Save go where the cursor is by then,
            # not into the fields that are leaving (saved or not, they were gone with the screen),
            # however long the save takes (`leaves`: no fail-safe lets them go while it is on its way).
            screen: Any = self
            screen.hold_keys_for(self.SAVE_CALL, leaves=True)
            self.say_saving(LEAVING)

    def edits_saved(self) -> None:
        self.remember_saved()
        then, self._after_save = self._after_save, None
        if then is not None:
            then()

    def edits_not_saved(self) -> None:
        """The save was refused (the screen says why): whatever waited for it does not happen."""
        self._after_save = None

    def discard_edits(self) -> None:
        """Every field back to what was saved."""
        saved = self._saved_values or {}
        for widget in self._editors():
            if widget.id not in saved or _value(widget) == saved[widget.id]:
                continue
            put_value(widget, saved[widget.id])

    def saved_elsewhere(self, values: dict[str, Any]) -> tuple[list[str], list[str]]:
        """`values` (by field id, as the fields hold them) were saved by someone else: a field not
        edited here shows its new value, one edited here keeps what was typed (a save puts it over the
        new value). The ids whose saved value changed, and those of them that kept what was typed."""
        saved = self._saved_values
        if saved is None:
            return [], []
        changed: list[str] = []
        kept: list[str] = []
        for widget in self._editors():
            key = widget.id
            if key is None or key not in saved or key not in values or values[key] == saved[key]:
                continue
            changed.append(key)
            if _value(widget) == saved[key]:
                put_value(widget, values[key])
            elif _value(widget) != values[key]:
                kept.append(key)
            saved[key] = values[key]
        return changed, kept

    def action_leave(self, how: str = "app.pop_screen") -> None:
        """Escape: back (or `how`, an action of this screen), once unsaved edits are answered for."""
        screen: Any = self

        async def back() -> None:
            # On top only: a save that closes the form has left already, and a screen opened over it
            # since the Esc (Ctrl+T) is not the one leaving (`app.pop_screen` closed that one, unmade).
            if screen.is_active:
                await screen.run_action(how)

        leave(screen.app, [screen], lambda: screen.call_later(back))


def put_value(widget: Widget, value: Any) -> None:
    if isinstance(widget, TextArea):
        widget.load_text(value)
    else:
        widget.value = value  # type: ignore[attr-defined]


def open_edits(screens: Iterable[Screen[Any]]) -> list[KeepsEdits]:
    return [s for s in screens if isinstance(s, KeepsEdits) and s.is_mounted and s.unsaved_edits()]


def leave(
    app: App[Any], screens: Iterable[Screen[Any]], then: Callable[[], Any], *, quitting: bool = False
) -> None:
    """`then` (quit, switch mode, go back), once each of `screens` with unsaved edits (topmost first)
    was saved or discarded; nothing if the person chose to stay or a save was refused. A screen whose
    fields another mode keeps as typed is asked for only when `quitting`."""
    screens = [s for s in screens if quitting or not (isinstance(s, KeepsEdits) and s.KEPT_ACROSS_MODES)]
    if isinstance(app.screen, LeaveUnsaved):
        return  # the question is on screen already: it is answered there, not by the same key again
    busy = [s for s in screens if isinstance(s, KeepsEdits) and s.is_mounted and s.saving()]
    if busy:
        # Its answer closes the screen (or says why not): a question over it, or quitting, could drop
        # the answer, or discard what the save has written.
        app.bell()
        busy[-1].say_saving()
        return
    dirty = open_edits(screens)
    if not dirty:
        then()
        return
    screen = dirty[-1]

    def answered(answer: Answer | None) -> None:
        if answer == "save":
            screen.save_edits(lambda: leave(app, screens, then, quitting=quitting))
        elif answer == "discard":
            screen.discard_edits()
            leave(app, screens, then, quitting=quitting)

    # Over whatever is on top (not `open_over`): asked as the clerk leaves, for a screen under it too.
    app.push_screen(LeaveUnsaved(screen.edits_title(), saves=screen.SAVES), answered)


class LeaveUnsaved(QuestionDialog[Answer]):
    """Save, discard or stay (`saves=False`: discard or stay); Stay has the focus, so Enter (and a
    scan) stays."""

    DEFAULT_CSS = """
    LeaveUnsaved { align: center middle; }
    LeaveUnsaved > Vertical { width: 64; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    LeaveUnsaved .dialog-title { text-style: bold; margin-bottom: 1; }
    LeaveUnsaved Horizontal { height: auto; margin-top: 1; }
    LeaveUnsaved Button { margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer('stay')", N_("Stay"), id="unsaved.stay", tooltip=N_("Keep editing")),
        Binding("ctrl+s", "answer('save')", N_("Save"), id="unsaved.save", tooltip=N_("Save, then go")),
        Binding(
            "ctrl+d",
            "answer('discard')",
            N_("Discard"),
            id="unsaved.discard",
            tooltip=N_("Drop the changes, then go"),
        ),
    ]
    # Enter alone never drops or saves anything: Stay has the focus as the dialog opens, before a
    # hurried Enter typed right after the key that asked (a focus() in on_mount came a moment too late).
    AUTO_FOCUS = "#unsaved-stay"

    def __init__(self, where: str, *, saves: bool = True) -> None:
        super().__init__()
        self.where = where
        self.saves = saves

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(_("{screen}: changes not saved", screen=self.where)), classes="dialog-title")
            # Short enough for one line at 80 columns; the keys in the muted line every dialog has.
            yield Static(
                _("Save them, discard them, or stay?") if self.saves else _("Discard them, or stay?")
            )
            with Horizontal():
                if self.saves:
                    yield AnswerButton(_("Save"), id="unsaved-save", variant="primary")
                yield AnswerButton(_("Discard"), id="unsaved-discard", variant="error")
                yield AnswerButton(_("Stay"), id="unsaved-stay")
            yield said_line()
            yield keys_line(SAVE_KEYS if self.saves else DISCARD_KEYS)

    def on_mount(self) -> None:
        translate_bindings(self)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        answer: Answer = {"unsaved-save": "save", "unsaved-discard": "discard"}.get(  # type: ignore[assignment]
            event.button.id or "", "stay"
        )
        self.dismiss(answer)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.saves or (action, parameters) != ("answer", ("save",))

    def action_answer(self, answer: Answer) -> None:
        self.dismiss(answer)

    def cancelled(self) -> Answer:
        return "stay"

    def handover_title(self) -> str:
        return ""  # the form it asks about is named, or cleared, on its own
