"""A drop-down whose list is safe to page as it opens, and holds the focus only while it is shown.

Keys typed back to back (a hurried clerk, a held key, the wedge router giving held keys back): a
PageUp or PageDown right behind the key that opens the list reaches it before it is laid out, and
Textual's OptionList, paging a list with no lines yet, fails looking up the highlighted line (the
console stopped with an error). A page key that early does nothing; the list opens with its highlight
where it was. The focus the list asks for as it opens is handed over a moment later, after keys right
behind the opening one (Tab, Tab) may have taken the focus past it: the list, focused again by that
late hand-over, then closed for the focus it had lost before, and held the focus unseen, the clerk's
keys going into it. A loss of focus already made up for closes nothing, and a list closed before the
hand-over does not take the focus. Its open list stays above the screen's last line, the footer's
keys: Textual keeps a list inside the screen only, and one opened near the bottom (Send-out's carrier)
covered the keys. Opened while its form is scrolled away from it (an Enter right behind a page key,
or behind the Esc that closed a screen over it), it is brought into view with its list. Every
drop-down of the console is one of these.

A scanner's burst into an open list is no one's choice: the list's type-to-search moved its highlight
with each character and the scan's Enter chose what it landed on (a parcel scanned while a consent's
list was open recorded "consented"). The keys are shown to the counter's wedge decoder, as a name
field's are (`NameInput`): a scan puts the highlight back on the option it was on (by its value: a live
list offered anew mid-scan moves its lines; on none if that option went), its Enter chooses nothing,
and the drop-down posts `ScanTyped` for its form to say so. Its options' names are text, never markup.

Enter on a closed drop-down that holds a choice goes on to the next field, as Tab does (it opened the
list again, and a clerk going down a form with Enter was stuck there); unlike a typed field's Enter in a
form (`FormDialog`), it never skips filled fields nor sends the form. Enter on one with nothing chosen
opens its list, to choose. Space and the arrow keys open it either way.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

from hardware.scanners.wedge import WedgeDecoder
from station_console.tui.widgets.plain import plain
from station_console.tui.widgets.scan_keys import TERMINATORS, decoder_for, scans_in

T = TypeVar("T")


def _as_text(options: Iterable[tuple[Any, T]]) -> list[tuple[Any, T]]:
    """Options whose `str` prompts are literal text: Textual's list and the chosen line read a `str` as
    markup, and a stored name (a carrier's) with `[/]` in it stopped the console as its form opened."""
    return [(plain(prompt) if isinstance(prompt, str) else prompt, value) for prompt, value in options]


# The highlight as it was before each of the last characters typed: enough to take back the longest scan.
KEPT_HIGHLIGHTS = 128
_NO_LINE = object()  # no line highlighted


class _LaidOutPages(SelectOverlay):
    decoder: WedgeDecoder | None = None

    def on_mount(self) -> None:
        # Kept by the option's value, not its line: the list offered anew in the middle of a scan (a live
        # list) moves its lines, and a line's number then named the one above or below.
        self._before: deque[object] = deque(maxlen=KEPT_HIGHLIGHTS)
        self.decoder = decoder_for(self.app)

    async def _on_key(self, event: events.Key) -> None:
        """Before the list's own type-to-search: a scan's keys are taken back and its Enter stopped."""
        select = self.parent
        if self.decoder is None or not isinstance(select, PagedSelect):
            return
        printable = bool(event.is_printable and event.character)
        scans = scans_in(self.decoder, event)
        if scans:
            code = scans[-1].code
            typed = len(code) + len(self.decoder.prefix) + len(self.decoder.suffix)
            if 0 < typed <= len(self._before):
                self.highlighted = self._line_of(select, self._before[-typed])
            self._before.clear()
            select.post_message(PagedSelect.ScanTyped(select, code))
            if event.key in TERMINATORS:
                event.prevent_default()  # the scan's own terminator chooses nothing
                event.stop()
                return
        if printable:
            self._before.append(self._value_at(select, self.highlighted))

    @staticmethod
    def _value_at(select: PagedSelect[Any], line: int | None) -> object:
        options = select._options
        return options[line][1] if line is not None and 0 <= line < len(options) else _NO_LINE

    @staticmethod
    def _line_of(select: PagedSelect[Any], value: object) -> int | None:
        """The line that holds `value` now; none if it went with the list offered anew."""
        if value is _NO_LINE:
            return None
        return next((n for n, (_p, held) in enumerate(select._options) if held == value), None)

    def allow_focus(self) -> bool:
        """Only while open: the focus asked for as it opened comes late, maybe after it was closed
        (a screen came over it right after its Enter and closed it)."""
        select = self.parent
        return super().allow_focus() and isinstance(select, Select) and select.expanded

    def _on_focus(self, event: events.Focus) -> None:
        """Keys typed right behind the key that opened the list waited for it (`TypeAhead`): now theirs."""
        select, type_ahead = self.parent, getattr(self.app, "type_ahead", None)
        if isinstance(select, Select) and type_ahead is not None:
            type_ahead.list_focused(select)

    def _on_blur(self, event: events.Blur) -> None:
        if self.screen.focused is self:  # focused again since: it stays open, as it is shown
            event.prevent_default()  # Textual's own handler, which closes the list, is not called

    def _move_page(self, direction: Literal[-1, 1]) -> None:
        if not self.scrollable_content_region:
            return  # not laid out yet: no lines to page through
        super()._move_page(direction)


class PagedSelect(Select[T]):
    @dataclass
    class ScanTyped(Message):
        """A wedge scan arrived in this drop-down's open list: its highlight put back; `code` is what it read."""

        select: PagedSelect[Any]
        code: str

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "choose_or_go_on", show=False)]

    # The list is kept inside the screen less its margin (Textual's `constrain`): the footer's line.
    DEFAULT_CSS = """
    PagedSelect > SelectOverlay { margin-bottom: 1; }
    """

    def __init__(self, options: Iterable[tuple[Any, T]], *args: Any, **kwargs: Any) -> None:
        super().__init__(_as_text(options), *args, **kwargs)

    def set_options(self, options: Iterable[tuple[Any, T]]) -> None:
        """Offered anew while open (a live list read again as the clerk moves in it): the highlight stays
        on the same option, by its value, not its line (or on none, if it went); Textual's left none,
        and the clerk's Enter chose nothing, or what the next key landed on."""
        overlay = self.query_one(SelectOverlay) if self.expanded else None
        index = overlay.highlighted if overlay is not None else None
        kept = self._options[index][1] if index is not None and index < len(self._options) else self.NULL
        super().set_options(_as_text(options))
        if overlay is not None and kept is not self.NULL:
            overlay.highlighted = next(
                (n for n, (_p, value) in enumerate(self._options) if value == kept), None
            )
            overlay.scroll_to_highlight()

    @property
    def enter_goes_on(self) -> bool:
        """Enter here goes on to the next field (a choice is held), rather than opening the list."""
        return not self.expanded and not self.is_blank()

    def action_choose_or_go_on(self) -> None:
        if self.enter_goes_on:
            self.screen.focus_next()
        else:
            self.action_show_overlay()

    def compose(self) -> ComposeResult:
        """Select's own two parts, its list the one that pages only once laid out."""
        yield SelectCurrent(self.prompt)
        yield _LaidOutPages(type_to_search=self._type_to_search).data_bind(compact=Select.compact)

    def watch_expanded(self, expanded: bool) -> None:
        """Opened, it is shown: an Enter that reached it while its form was scrolled away from it (Home
        or PageUp right before it, or Esc closing a screen over the form, which handed the focus back
        as Textual passed the Enter on) opened its list out of sight, the clerk's keys going into it
        unseen. Once its form has made the scrolls already asked for: a page key's comes first."""
        if not expanded:
            return
        form = next(
            (node for node in self.ancestors if isinstance(node, Widget) and node.allow_vertical_scroll), None
        )
        if form is None:
            return

        def show() -> None:
            if self.expanded and self.is_attached:
                for attribute in ("scroll_x", "scroll_y"):
                    self.app.animator.force_stop_animation(form, attribute)  # where a page key's glide ends
                self.screen.scroll_to_widget(self, animate=False, immediate=True)

        form.call_after_refresh(show)
