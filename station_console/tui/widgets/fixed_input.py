"""An Input whose typing does not lay out the whole screen: every text field of the console.

Textual's Input sets its scroll extent (`virtual_size`, a layout reactive) to the text's width on every
change of its value, so each key typed into a field asked for a layout of the whole screen: ten to twenty
milliseconds a key on the check-in and send-out screens, though the field's own size is fixed by its
CSS. Here a value's change repaints the field only; the field still scrolls with its text (the extent is
read directly). A field sized by its content (`width: auto`, `height: auto`) is laid out as before.

A placeholder wider than its field ends in an ellipsis: Textual cut it at its last whole word ("kg, or
F8 to"), which read as if that were all it says.

A field with a `max_length` refuses what would pass it (a key, a paste) and says so, with the limit:
Textual only rings the bell, so a name typed past the limit was cut without a word. A form's field
(`says_limit=False`) posts `TooLong` instead, for the form to say on its own line which field refused
it: a toast naming no field was all a refused paste left, over an empty field. Any other field says it
in a toast in the same words, naming the field (`field=`, else the label before it in its row) and
saying a paste was not put in: "This field takes at most 64 characters." left the clerk guessing.

An input method in full-width mode types `１３８` and `ＳＦ`: a field that takes only some characters
(`restrict`, or an integer or number field: a phone, a count, a PIN) reads them as the ASCII they mean,
where Textual refused them with a bell and nothing typed. A space that is not ASCII's (the input
method's ideographic space `　`) is typed like any character: Textual dropped it, Python not calling
it printable.

A character such a field does not take is refused with a word, not only the bell: what the field takes
(`takes=`, "digits", "S, M, L or XL"), said once until something is typed that it does take (a burst of
an input method's word into a phone field says it once). A field that knows what such a key was meant
for (`refusal=`: digits in check-in's Size are a phone) says that instead.

A paste goes in as one line of text: an escape code or a control character in it is dropped (a paste
too long for the field is refused whole, as the text the clerk would see).

A paste that went in is posted as `FixedInput.Pasted` once the field holds it: a dialog still showing a
refusal of what was there before says again what it thinks of the field now.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Input, Label

from station_console.i18n import _, _n
from station_console.safe_text import ascii_forms, pasted_line
from station_console.tui.held_toasts import notify_of_screen


def typed_space(character: str | None) -> bool:
    """A space key other than ASCII's (`　` from an input method): a character, though not printable."""
    return character is not None and len(character) == 1 and unicodedata.category(character) == "Zs"


class FixedInput(Input):
    class Pasted(Message):
        """A paste is in `field` now (its value holds it)."""

        def __init__(self, field: FixedInput) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> FixedInput:
            """The field: what `@on(FixedInput.Pasted, "#id")` matches."""
            return self.field

    @dataclass
    class TooLong(Message):
        """What was typed or pasted into `field` would pass its `max_length`: not taken. `pasted` is the
        paste's length, 0 for keys."""

        field: FixedInput
        pasted: int

        @property
        def control(self) -> FixedInput:
            return self.field

        def said(self, name: str) -> str:
            """The refusal as a form or a dialog says it on its own line, by the field's `name`."""
            limit = self.field.max_length
            if not self.pasted:
                return _("{field} takes at most {limit} characters.", field=name, limit=limit)
            return _n(
                "{field} takes at most {limit} characters: the paste ({count} character) was not put in. "
                "Shorten it and paste again, or type it.",
                "{field} takes at most {limit} characters: the paste ({count} characters) was not put in. "
                "Shorten it and paste again, or type it.",
                self.pasted,
                field=name,
                limit=limit,
                count=self.pasted,
            )

    _value_changing = False
    _pasting = 0  # the length of the paste going in, while it does
    _too_long = False  # what the last edit would have made is longer than max_length
    _limit_said = False  # said once until the text is shorter again: a scan's burst says it once
    _refusal_said = False  # "takes only ...": said once until the field takes a character again

    def __init__(
        self,
        *args: Any,
        takes: str | None = None,
        says_limit: bool = True,
        field: str = "",
        refusal: Callable[[], str | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.takes = takes  # what a field that takes only some characters takes, for its refusal
        self.refusal = refusal  # its own words for a key it does not take (None from it: the usual ones)
        self.says_limit = says_limit  # False: its form says the limit (`TooLong`), naming the field
        self.field = field  # its name, an English message id ("" : the label before it names it)

    def replace(self, text: str, start: int, end: int) -> None:
        if self.restrict or self.type != "text":
            text = ascii_forms(text)
        start, end = sorted((max(0, start), min(len(self.value), end)))
        limit = self.max_length or 0  # 0: no limit
        self._too_long = bool(limit) and len(self.value) - (end - start) + len(text) > limit
        super().replace(text, start, end)

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable and typed_space(event.character):
            event.prevent_default()  # Input's own handler would drop it
            event.stop()
            self.replace(event.character or " ", *self.selection)

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Input's own handler would put the paste in as it came
        event.stop()
        before, line = self.value, pasted_line(event.text)
        if not line:
            return
        self._pasting = len(line)  # a paste refused is said, whatever was said of keys before
        try:
            if self.selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *self.selection)
        finally:
            self._pasting = 0
        if self.value != before:
            self.post_message(self.Pasted(self))

    def restricted(self) -> None:
        super().restricted()
        if self._too_long:
            if not self._limit_said or self._pasting:
                self._limit_said = self._limit_said or not self._pasting  # a burst of keys: said once
                if not self.says_limit:
                    self.post_message(self.TooLong(self, self._pasting))
                    return
                self._warn(self.TooLong(self, self._pasting).said(self.field_name()))
        elif not self._refusal_said:
            self._refusal_said = True
            what = self.takes or {"integer": _("digits"), "number": _("a number")}.get(self.type)
            text = (self.refusal() if self.refusal else None) or (
                _("This field takes {what} only.", what=what)
                if what
                else _("This field does not take that character.")
            )
            self._warn(text)

    def field_name(self) -> str:
        """How a refusal names the field: `field`, else the label just before it in its row (a screen's
        "Courier's name"), else "This field"."""
        if self.field:
            return _(self.field)
        siblings = list(self.parent.children) if self.parent is not None else []
        at = siblings.index(self) if self in siblings else 0
        before = siblings[at - 1] if at else None
        if isinstance(before, Label) and before.has_class("field-label"):
            return str(before.render()).strip()
        return _("This field")

    def _warn(self, text: str) -> None:
        """Said at once, over the sign-in too: it names no customer, and held for the clerk who signs in
        it left the sign-in silent and then spoke over check-in of none of its fields. Not said from a
        screen under another (a key typed right before Ctrl+L, taken once the sign-in was up): it spoke to
        whoever came by of a field they could not see; the field's next refusal is said. The toast goes
        when another screen comes on top (`HeldToastsApp.notify`'s `of_screen`)."""
        if not self.screen.is_active:
            self._refusal_said = self._limit_said = False
            return
        notify_of_screen(self.screen, text)

    def render_line(self, y: int) -> Strip:
        full, width = self.placeholder, self.scrollable_content_region.width
        if y or self.value or cell_len(full) <= width:
            return super().render_line(y)
        short = Text(full)
        short.truncate(width, overflow="ellipsis")
        self.set_reactive(Input.placeholder, short.plain)  # for this line only: no refresh, no watcher
        try:
            return super().render_line(y)
        finally:
            self.set_reactive(Input.placeholder, full)

    def _watch_value(self, value: str) -> None:
        if not self.max_length or len(value) < self.max_length:
            self._limit_said = False
        self._refusal_said = False
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False

    def refresh(
        self, *regions: Any, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Any:
        if self._value_changing and not self.styles.auto_dimensions:
            layout = False  # only the text's extent changed, not the field's place or size
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


def day_field(placeholder: str, field_id: str) -> FixedInput:
    """A day typed as YYYY-MM-DD (a report's day, a filter's bound): a key it does not take is said at
    once, not only at Enter as a date not understood."""
    return FixedInput(
        placeholder=placeholder,
        id=field_id,
        max_length=10,
        restrict=r"[0-9-]*",
        takes=_("digits and hyphens"),
    )
