"""Small forms in a pop-up: a few typed fields, choices and tick boxes; Enter goes on to the next empty
field (in an empty one the check requires, it says so there), and with none left gives them back;
Ctrl+S gives them back from any field; Esc cancels. A line under OK says so.

A form given a `check` (the service's own pure check of the values, never a copy of its rule) runs it on
Enter: a refusal is shown in the form, which stays open with everything as typed and the cursor in the
field at fault, so the clerk corrects one field rather than typing the whole form again. What only the
database can refuse (an id another person has, a parcel that cannot go to a door) is the form's
`submit`: the service call itself, on a thread worker (the UI thread never waits on the database); its
refusal is shown the same way, and its answer is what the form closes with.

Every text shown here is data, never markup. The yes/no question over a text is `confirm_dialog`; the
look both share is `dialog_css`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, overload

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Select

from station_console.errors import StationError
from station_console.i18n import N_, _, get_language, shown_params
from station_console.safe_text import clean
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.dialog_css import DIALOG_CSS
from station_console.tui.screens.pickup_dialogs import show_refusal
from station_console.tui.screens.signin import pin_field
from station_console.tui.screens.typed_dialog import NEXT_FIELD_KEYS, TypedDialog, keys_line
from station_console.tui.screens.unsaved import SAVING, KeepsEdits
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.name_input import NameInput
from station_console.tui.widgets.no_scan_tick import NoScanTick
from station_console.tui.widgets.paged_select import PagedSelect
from station_console.tui.widgets.plain import Label, Static, plain
from station_console.tui.widgets.tick import Tick


@dataclass(frozen=True)
class FormField:
    key: str
    label: str  # shown as it is (translated by the caller)
    value: Any = ""
    options: tuple[tuple[str, Any], ...] | None = None  # a choice: (shown, value)
    switch: bool = False  # a tick box (the house one: Textual's Switch told on from off by colour only)
    placeholder: str = ""
    max_length: int = 200  # 0: no limit (a checked field takes a long paste whole, to be shortened)
    pin: bool = False  # typed unseen, digits only, as at the sign-in
    # A name or a note, never a code: a wedge scan typed into it is taken back out and said, its Enter
    # sending nothing (a parcel scanned while the form is open wrote its waybill as the note and sent it).
    no_scans: bool = False


SCAN_NOT_TYPED = N_(
    "A scan is not typed into {field}: {code} was not taken. Type it; scan the parcel once this is closed."
)
SCAN_NOT_CHOSEN = N_(
    "A scan chooses nothing in {field}: {code} was not taken. Choose with the arrow keys and Enter; scan "
    "the parcel once this is closed."
)
SCAN_NOT_TICKED = N_(
    "A scan ticks nothing in {field}: {code} was not taken. Tick with Space; scan the parcel once this is "
    "closed."
)
# Keys that edit a typed field, and the field's action for each: typed on OK, they edit the field.
EDIT_KEYS = {
    "backspace": "delete_left",
    "delete": "delete_right",
    "home": "home",
    "end": "end",
    "left": "cursor_left",
    "right": "cursor_right",
}

Checked = TypeVar("Checked")
Typed = TypeVar("Typed")


def type_into(field: Input, character: str) -> None:
    """`character` typed into `field`, as its own key handler types it (over its selection)."""
    if field.selection.is_empty:
        field.insert_text_at_cursor(character)
    else:
        field.replace(character, *field.selection)


class OkButton(Button):
    """The form's OK: the keys sent to it, whoever has the focus by the time each is handled, go to the
    form's field (`FormDialog.typed_at_ok`)."""

    def on_key(self, event: events.Key) -> None:
        if isinstance(self.screen, FormDialog):
            self.screen.typed_at_ok(event)


class FormDialog(ServiceCalls, KeepsEdits, TypedDialog[Checked | None], Generic[Checked]):
    """Fields in one column; Enter (or OK) returns {key: value}, or what `check` makes of them, or what
    `submit` answers for that (while a later typed field is empty, Enter goes on to it instead); Esc
    returns None, at once if nothing was typed or changed, else after asking whether to save or drop it
    (a name, a note or a reason is the clerk's work). `keeps_edits=False` is for a form whose typed text
    is retyped in a moment or must not linger (a file's path, a scanned code, PINs): Esc closes it as it
    is. Saving from that question gives the values back as OK does: the caller's save follows, and a
    quit waits for the next Ctrl+Q.

    `check` and `submit` refuse with a `StationError`; the field at fault is the one `at_fault` names
    for the refusal's code, else the one whose label the refusal names (its `field`). A refusal whose
    code is in `refused_whatever_typed` comes whatever the fields say (a proxy the recipient does not
    allow, without the pickup code): from then on Esc closes the form without asking, as no Save of
    what was typed would pass; Enter still sends it, should what refused it change meanwhile (the
    recipient allows proxies on the phone). A later refusal of another kind (a field emptied) asks again. While `submit`
    runs, the form says so and a second Enter or Esc waits for its answer (it may have written), as
    the app's quit does (`saving`): the unsaved-edits question never comes over a form saving.
    Keys typed (or pasted) right behind the key that sends `submit` wait for its answer
    (`ServiceCalls.call`, `holds_keys`), then go where the cursor is by then: every answer moves it (a
    refusal to the field at fault, a question opened over the form, the form closed over a screen the
    clerk goes on typing in), and given at once they went into the field the Enter was pressed in. An
    Enter that only goes on to the next field, or a form with no `submit`, sends nothing and holds
    nothing past the type-ahead's own wait. `holds_keys=False` is for a form whose answer moves nothing
    (none so far)."""

    what = N_("a form")
    START_FIELD = ""  # the field with the cursor as the form opens; "": the first

    DEFAULT_CSS = DIALOG_CSS
    SAVE_CALL = "submit"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel", tooltip=N_("Close without saving")),
    ]  # and Ctrl+S (`TypedDialog`): Enter goes on while a later field is empty, Ctrl+S sends from any

    @overload
    def __init__(
        self: FormDialog[dict[str, Any]],
        title: str,
        fields: list[FormField],
        note: str = "",
        *,
        keeps_edits: bool = True,
        what: str = "",
        holds_keys: bool = True,
    ) -> None: ...

    @overload
    def __init__(
        self,
        title: str,
        fields: list[FormField],
        note: str = "",
        *,
        keeps_edits: bool = True,
        what: str = "",
        holds_keys: bool = True,
        check: Callable[[dict[str, Any]], Checked],
        at_fault: Mapping[str, str] | None = None,
        refused_whatever_typed: Collection[str] = (),
    ) -> None: ...

    @overload
    def __init__(
        self,
        title: str,
        fields: list[FormField],
        note: str = "",
        *,
        keeps_edits: bool = True,
        what: str = "",
        holds_keys: bool = True,
        check: Callable[[dict[str, Any]], Typed],
        submit: Callable[[Typed], Checked],
        at_fault: Mapping[str, str] | None = None,
        refused_whatever_typed: Collection[str] = (),
    ) -> None: ...

    @overload
    def __init__(
        self,
        title: str,
        fields: list[FormField],
        note: str = "",
        *,
        keeps_edits: bool = True,
        what: str = "",
        holds_keys: bool = True,
        submit: Callable[[dict[str, Any]], Checked],
        at_fault: Mapping[str, str] | None = None,
        refused_whatever_typed: Collection[str] = (),
    ) -> None: ...

    def __init__(
        self,
        title: str,
        fields: list[FormField],
        note: str = "",
        *,
        keeps_edits: bool = True,
        what: str = "",
        holds_keys: bool = True,
        check: Callable[[dict[str, Any]], Any] | None = None,
        submit: Callable[[Any], Any] | None = None,
        at_fault: Mapping[str, str] | None = None,
        refused_whatever_typed: Collection[str] = (),
    ) -> None:
        super().__init__()
        self.title_text, self.fields, self.note = title, fields, note
        self.what = what or self.what  # `what`: how a clerk's hand-over names it (its title may carry a name)
        self.keeps_edits = keeps_edits
        self.check: Callable[[dict[str, Any]], Any] = check if check is not None else dict
        self.submit = submit
        # Its answer opens a question, closes the form or puts the cursor in the field at fault: keys
        # typed right behind the Enter that sends `submit` wait for it, not for the form still working.
        self.holds_keys = holds_keys
        self.at_fault = dict(at_fault or {})
        self.refused_whatever_typed = frozenset(refused_whatever_typed)
        self._refused_whatever_typed = False
        # The submit's answer: written, so a second Enter queued before the form closed (or while it
        # waits under another screen to close with it) sends nothing.
        self._answer: tuple[Any] | None = None
        self._was_refused = False
        self._typing_in: Input | None = None  # the field at fault, else the one last typed in
        self._been_in: set[Input] = set()  # the fields the cursor has been in

    def compose(self) -> ComposeResult:
        # The title, why it was refused and OK stay in view (docked); the fields between them scroll: a
        # long form (a person's) runs past the bottom of a small terminal.
        with Vertical(classes="form-dialog"):
            with Vertical(classes="form-head"):
                yield Static(Text(self.title_text), classes="dialog-title")
                yield Static(id="form-refused", classes="form-refused")
            with VerticalScroll(classes="form-body", can_focus=False):
                if self.note:
                    yield Static(Text(self.note), classes="form-note")
                for field in self.fields:
                    with Horizontal(classes="form-field"):
                        yield Label(Text(field.label), classes="form-label")
                        yield self._widget(field)
            with Vertical(classes="form-end"):  # after the fields: Tab reaches OK last
                yield OkButton(_("OK"), id="form-ok", variant="primary")
                yield keys_line(NEXT_FIELD_KEYS)

    def _widget(self, field: FormField) -> Input | Select[Any] | Tick:
        widget_id = f"form-{field.key}"
        if field.switch:
            return NoScanTick(value=bool(field.value), id=widget_id, field=field.label)
        if field.options is not None:
            values = [v for _label, v in field.options]
            return PagedSelect(
                list(field.options),
                value=field.value if field.value in values else values[0],
                allow_blank=False,
                id=widget_id,
            )
        if field.pin:
            return pin_field(field.placeholder, widget_id)
        return (NameInput if field.no_scans else FixedInput)(
            value=clean(str(field.value or "")),  # stored text to edit: no terminal sequences
            placeholder=field.placeholder,
            max_length=field.max_length,
            says_limit=False,  # said on the form's line, naming the field (`_too_long`)
            id=widget_id,
        )

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#form-{self.START_FIELD or self.fields[0].key}").focus()
        if self.keeps_edits:
            self.call_after_refresh(self.remember_saved)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, Input):
            self._typing_in = event.widget
            self._been_in.add(event.widget)

    def typed_at_ok(self, event: events.Key) -> None:
        """A key typed while OK had the focus (Shift+Tab from the first field wraps round to it) edits the
        field the clerk was in, the one at fault after a refusal: it went nowhere, unsaid. Every key sent
        to OK: an input method's 客户取消 comes as four keys at once, all sent to OK before the first has
        moved the focus, and the three behind it went nowhere either."""
        field = self._typing_in
        typed = event.is_printable or event.key in EDIT_KEYS
        if field is None or not typed or field.disabled:
            return
        event.prevent_default()
        event.stop()
        self.set_focus(field)  # now, not later as `focus()`: its Focus event goes ahead of the key
        character, key = event.character, event.key
        # After the field's own focus (it selects its text, as Tab into it does): the key acts on that.
        if event.is_printable and character:
            field.call_later(type_into, field, character)
        else:
            field.call_later(field.run_action, EDIT_KEYS[key])

    def edits_title(self) -> str:
        return self.title_text

    def unsaved_edits(self) -> bool:
        # Refused whatever is typed: no field put right passes it, so the question's Save could only be
        # refused again, and its Esc (stay) put a hurried clerk's second Esc back into the form.
        return not self._refused_whatever_typed and super().unsaved_edits()

    def save_now(self) -> None:
        self._ok()

    def say_saving(self, text: str = SAVING) -> None:
        self._say(plain(_(text), "italic"))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in self.fields:
            widget = self.query_one(f"#form-{field.key}")
            if isinstance(widget, Tick | Select | Input):
                out[field.key] = widget.value
        return out

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a typed field goes on to the next one still empty, as the sign-in does; with none
        left, it sends the form. Once refused, Enter sends: the clerk puts one field right, as told;
        but not past an empty field the cursor has never been in. Refused on Ctrl+S (or the unsaved
        question's Save) before the clerk reached it, the form closed on the field put right, and what
        was typed next for that field (a proxy's ID) went to the screen beneath.
        A tick box's Enter goes on to the next field, Space ticking it (`Tick`); a choice's Enter goes on
        too, its list opened by Space (`PagedSelect`)."""
        if not event.input.value and self._required_here(event.input):
            return
        typed = [w for f in self.fields if isinstance(w := self.query_one(f"#form-{f.key}"), Input)]
        later = typed[typed.index(event.input) + 1 :] if event.input in typed else []
        if self._was_refused:
            later = [field for field in later if field not in self._been_in]
        empty = next((field for field in later if not field.value), None)
        if empty is not None:
            empty.focus()
        else:
            self._ok()

    def _required_here(self, field: Input) -> bool:
        """Enter in an empty field the check requires: refused there, the cursor staying. Gone on to the
        next empty field, the digits typed next for this one (a proxy's phone) landed in that one."""
        try:
            self.check(self.values())
        except StationError as exc:
            if f"form-{self._field_at_fault(exc)}" == field.id:
                self._refused(exc)
                return True
        return False

    def action_send(self) -> None:
        self._ok()

    def on_name_input_scan_typed(self, event: NameInput.ScanTyped) -> None:
        """A wedge scan typed into a name or note field, taken back out by the field: said here."""
        event.stop()
        self._scan_not_typed(event.field.id, SCAN_NOT_TYPED, event.code)

    def on_paged_select_scan_typed(self, event: PagedSelect.ScanTyped) -> None:
        """A wedge scan into a drop-down's open list, its choice put back by the list: said here."""
        event.stop()
        self._scan_not_typed(event.select.id, SCAN_NOT_CHOSEN, event.code)

    def on_no_scan_tick_scan_typed(self, event: NoScanTick.ScanTyped) -> None:
        """A wedge scan on a tick box, which it left as it was: said here."""
        event.stop()
        self._scan_not_typed(event.tick.id, SCAN_NOT_TICKED, event.code)

    def on_tick_typed(self, event: Tick.Typed) -> None:
        """A letter typed on a tick box, which took nothing: said here, naming the field, with no bell
        (a hint, not a refusal)."""
        event.stop()
        self._say(plain(event.said(), "yellow"))

    def _scan_not_typed(self, widget_id: str | None, said: str, code: str) -> None:
        self.app.bell()
        self._say(plain(_(said, code=code, field=self._label_of(widget_id)), "red"))

    def _label_of(self, widget_id: str | None) -> str:
        return next((f.label for f in self.fields if f"form-{f.key}" == widget_id), "")

    @on(FixedInput.TooLong)
    def _too_long(self, event: FixedInput.TooLong) -> None:
        """Typed or pasted past a field's limit: the field took none of it (and rang); said here, by the
        field's name, as the form says its refusals."""
        event.stop()
        self._say(plain(event.said(self._label_of(event.field.id)), "red"))

    @on(FixedInput.Pasted)
    def _pasted(self) -> None:
        """A paste while a refusal is shown: the form's check says what it thinks of the fields now (a
        note pasted too long, at once), in place of a refusal of what was there before."""
        line = self.query_one("#form-refused", Static)
        if not line.has_class("-shown") or self.calling("submit") or self._answer is not None:
            return
        try:
            self.check(self.values())
        except StationError as exc:
            show_refusal(line, exc)
            return
        self._say(None)

    @on(Button.Pressed, "#form-ok")
    def _ok(self) -> None:
        if self.calling("submit") or self._answer is not None:
            return  # the first Enter's answer is on its way: a second would write twice
        try:
            checked = self.check(self.values())
        except StationError as exc:
            self._refused(exc)
            return
        if self.submit is None:
            self.dismiss(checked)
            return
        submit = self.submit
        self._working(True)
        self.call("submit", lambda: submit(checked), holds_keys=self.holds_keys)

    def _working(self, working: bool) -> None:
        self._say(plain(_("One moment..."), "italic") if working else None)
        self.set_class(working, "-working")

    def _say(self, text: Text | None) -> None:
        line = self.query_one("#form-refused", Static)
        line.update(text or "")
        line.set_class(text is not None, "-shown")

    def done_submit(self, result: Any) -> None:
        self._working(False)
        self._answer = (result,)
        self.dismiss(result)  # under another screen, kept to close with once on top (`Dialog`)

    def call_refused(self, tag: str, exc: StationError) -> None:
        self._working(False)
        self._refused(exc)

    def failed(self, tag: str, text: str) -> None:
        """A bug in the submit (logged by now): one calm line in the form, which keeps what was typed."""
        self._working(False)
        self._say(plain(text, "red"))
        self.app.bell()
        self.edits_not_saved()

    def _refused(self, exc: StationError) -> None:
        """Say why in the form and put the cursor where the fault is; a save asked for on the way out
        did not happen, so the way out waits."""
        self._was_refused = True
        self._refused_whatever_typed = exc.code in self.refused_whatever_typed
        line = self.query_one("#form-refused", Static)
        show_refusal(line, exc)
        line.add_class("-shown")
        key = self._field_at_fault(exc)
        if key is not None:
            field = self.query_one(f"#form-{key}")
            field.focus()
            # Once the refusal's lines are laid out: they shrink the fields' room, and a field that
            # already had the cursor is not scrolled to by focus() again.
            self.call_after_refresh(field.scroll_visible, animate=False, immediate=True)
        self.edits_not_saved()

    def _field_at_fault(self, exc: StationError) -> str | None:
        if exc.code in self.at_fault:
            return self.at_fault[exc.code]
        named = shown_params(exc.params, get_language()).get("field")
        return next((f.key for f in self.fields if named is not None and f.label == named), None)

    def action_cancel(self) -> None:
        if not self.calling("submit"):  # it may be writing: its answer closes the form
            self.action_leave("close")

    def action_close(self) -> None:
        if not self.calling("submit"):
            self.dismiss(None)
