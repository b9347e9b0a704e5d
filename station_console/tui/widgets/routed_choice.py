"""A drop-down whose keys pass the screen's wedge router (`RoutedKeys`), its list safe to page early.

The router gives the keys it held back to back: an Enter that opens the list and a PageUp or
PageDown right behind it reach the list before it is laid out, and Textual's OptionList, paging a
list with no lines yet, fails looking up the highlighted line (the console stopped with an error).
A page key that early does nothing; the list opens with its highlight where it was.
"""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

from station_console.tui.widgets.wedge import RoutedKeys


class _LaidOutPages(SelectOverlay):
    def _move_page(self, direction: Literal[-1, 1]) -> None:
        if not self.scrollable_content_region:
            return  # not laid out yet: no lines to page through
        super()._move_page(direction)


class RoutedChoice(RoutedKeys, Select[str]):
    def compose(self) -> ComposeResult:
        """Select's own two parts, its list the one that pages only once laid out."""
        yield SelectCurrent(self.prompt)
        yield _LaidOutPages(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
