"""A drop-down whose list is safe to page as it opens.

Keys typed back to back (a hurried clerk, a held key, the wedge router giving held keys back): a
PageUp or PageDown right behind the key that opens the list reaches it before it is laid out, and
Textual's OptionList, paging a list with no lines yet, fails looking up the highlighted line (the
console stopped with an error). A page key that early does nothing; the list opens with its highlight
where it was. Every drop-down of the console is one of these.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

T = TypeVar("T")


class _LaidOutPages(SelectOverlay):
    def _move_page(self, direction: Literal[-1, 1]) -> None:
        if not self.scrollable_content_region:
            return  # not laid out yet: no lines to page through
        super()._move_page(direction)


class PagedSelect(Select[T]):
    def compose(self) -> ComposeResult:
        """Select's own two parts, its list the one that pages only once laid out."""
        yield SelectCurrent(self.prompt)
        yield _LaidOutPages(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
