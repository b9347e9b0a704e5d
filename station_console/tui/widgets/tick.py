"""The console's one tick box: an empty box unticked, a tick in it ticked.

Textual's Checkbox draws `▐X▌` ticked or not and tells them apart by the X's colour only (black on dark
blue unticked): an unticked box read as ticked, and a stocktake was closed with a fix the clerk thought
unticked. Here the box's inside is a space unticked and a tick ticked, so it reads the same in any
colours (tmux's 256, a 16-colour `TERM=xterm`, no colour at all). `TickList` is the same box for a
list of items to tick (Textual's SelectionList drew `▐X▌` both ways too).

Every tick box keys alike, as the house's forms do: Space ticks it (or clears its tick); Enter goes on to
the next field and leaves it as it was, as a typed field's Enter and a chosen drop-down's do (Textual's
ticked on Enter too: a clerk going down Send-out's form with Enter ticked "document seen" unseen). A
letter or digit typed on one (the next field's text, a Tab too early) posts `Typed`: the screen says it
on its own line, or the console as a warning (`StationApp.on_tick_typed`); the box stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.selection_list import SelectionType

from station_console.i18n import N_, _
from station_console.tui.widgets.wedge import RoutedKeys

TICKED = "✓"
UNTICKED = " "
# What is said of a key typed on a tick box (`Tick.Typed`), quoting the box's name as it is shown.
TICK_NOT_TYPED = N_("“{field}” is a tick box, not typed: Space ticks it, or clears its tick.")


class Tick(Checkbox, inherit_bindings=False):
    """A tick box: Space ticks it, Enter goes on, a letter typed on it posts `Typed` (module doc).
    `field`: its name as shown beside it, for a box with no label of its own (a form's)."""

    @dataclass
    class Typed(Message):
        """A letter or digit typed on this box, which took nothing: the screen says Space ticks it."""

        tick: Tick

        def said(self) -> str:
            return _(TICK_NOT_TYPED, field=self.tick.shown_name)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", show=False),
        Binding("enter", "go_on", show=False),
    ]
    enter_goes_on = True  # for the console's type-ahead: keys typed behind its Enter wait for the move

    DEFAULT_CSS = """
    Tick > .toggle--button { text-style: bold; }
    """

    def __init__(self, *args: Any, field: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field = field
        self._show_value()  # the value given here is set before any watcher runs

    @property
    def shown_name(self) -> str:
        """The box's name as the clerk reads it: its label, else the field's name beside it."""
        return self.label.plain.strip() or self.field

    async def _on_key(self, event: events.Key) -> None:
        # After a scanning screen's router (`RoutedTick`), which stops a scan's keys before this.
        if event.is_printable and event.character not in (None, " "):
            self.letter_typed()

    def letter_typed(self) -> None:
        self.post_message(self.Typed(self))

    def action_go_on(self) -> None:
        self.screen.focus_next()

    def watch_value(self) -> None:
        self._show_value()
        super().watch_value()

    def _show_value(self) -> None:
        # Textual draws the box's inside from BUTTON_INNER (its public drawing attribute).
        self.BUTTON_INNER = TICKED if self.value else UNTICKED

    def render(self) -> Content:
        # Textual (8.2.8) pads even an empty label: a box with none (a form's, beside its own label)
        # drew '▐✓▌  ' in the box's 3 cells, cut to '▐✓…'.
        drawn = super().render()
        return drawn if self.label else drawn.rstrip()


class RoutedTick(RoutedKeys, Tick):
    """A tick box on a screen that takes scans: its keys pass the screen's wedge router first, so a scan
    reaches the scan handler; the keys a person typed reach the box as on any other."""


class SpaceTick(RoutedTick, inherit_bindings=False):
    """A routed tick box in a dialog whose Enter answers it (the stocktake's close): Enter on a box
    closes, as the dialog says, rather than going on to the next box."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle_button", show=False)]
    enter_goes_on = False


class TickList(SelectionList[SelectionType]):
    """A list of items to tick (Space or Enter ticks the highlighted one, as Textual's), each with the
    house box; taking the focus with none highlighted, it highlights the first."""

    DEFAULT_CSS = """
    TickList > .selection-list--button,
    TickList > .selection-list--button-highlighted,
    TickList > .selection-list--button-selected,
    TickList > .selection-list--button-selected-highlighted { text-style: bold; }
    """

    def on_focus(self) -> None:
        # Tabbed into with no item highlighted, Space ticked nothing and said nothing: the first item
        # is highlighted, so the clerk's first Space ticks what they see marked.
        if self.highlighted is None:
            self.action_first()

    def render_line(self, y: int) -> Strip:
        # Textual (8.2.8) draws every line's box from the class-wide BUTTON_INNER of its toggles (the one
        # Checkbox inherits) and has no hook per line, so the inside is put right here; the rest of the
        # line is Textual's. The box is the line's second segment, its style naming the option it ticks.
        line = super().render_line(y)
        segments = list(line)
        if len(segments) < 2 or segments[1].text != Checkbox.BUTTON_INNER:
            return line  # not an item's line
        box = segments[1]
        index = (box.style.meta if box.style else {}).get("option")
        if not isinstance(index, int):
            return line
        ticked = self.get_option_at_index(index).value in self.selected
        segments[1] = Segment(TICKED if ticked else UNTICKED, box.style)
        return Strip(segments, line.cell_length)
