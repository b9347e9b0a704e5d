"""The console's one tick box: an empty box unticked, a tick in it ticked.

Textual's Checkbox draws `▐X▌` ticked or not and tells them apart by the X's colour only (black on dark
blue unticked): an unticked box read as ticked, and a stocktake was closed with a fix the clerk thought
unticked. Here the box's inside is a space unticked and a tick ticked, so it reads the same in any
colours (tmux's 256, a 16-colour `TERM=xterm`, no colour at all).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Checkbox

from station_console.tui.widgets.wedge import RoutedKeys

TICKED = "✓"
UNTICKED = " "


class Tick(Checkbox):
    """A tick box (Space or Enter ticks it, as Textual's; see `RoutedTick` for a scanning screen's)."""

    DEFAULT_CSS = """
    Tick > .toggle--button { text-style: bold; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._show_value()  # the value given here is set before any watcher runs

    def watch_value(self) -> None:
        self._show_value()
        super().watch_value()

    def _show_value(self) -> None:
        # Textual draws the box's inside from BUTTON_INNER (its public drawing attribute).
        self.BUTTON_INNER = TICKED if self.value else UNTICKED


class RoutedTick(RoutedKeys, Tick):
    """A tick box on a screen that takes scans: its keys pass the screen's wedge router first."""


class SpaceTick(RoutedTick, inherit_bindings=False):
    """A routed tick box that Space ticks and Enter does not: in a dialog whose Enter answers it (the
    stocktake's close), Enter on a box closes, it does not flip the box."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle_button", show=False)]
