"""A drop-down whose keys pass the screen's wedge router (`RoutedKeys`), its list safe to page early
(`PagedSelect`: the router gives held keys back to back, a page key right behind the Enter that opens
the list)."""

from __future__ import annotations

from station_console.tui.widgets.paged_select import PagedSelect
from station_console.tui.widgets.wedge import RoutedKeys


class RoutedChoice(RoutedKeys, PagedSelect[str]):
    pass
