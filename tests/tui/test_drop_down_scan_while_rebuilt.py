"""A scan typed into a drop-down's open list is taken back: its highlight goes back to the line it was
on before the scan's first key. A live list offered anew in the middle of the scan (Send-out's waiting
carriers, a printer's list) moved every line down one: the highlight went back by the line's number,
onto the line above the one the scan was typed over."""

from __future__ import annotations

import time
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets._select import SelectOverlay

from station_console.settings import CounterSettings
from station_console.tui.widgets.paged_select import PagedSelect
from tui import quiet

WORDS = ["alpha", "bravo", "charlie", "delta", "sierra"]
SCAN = "SF1234567890123"


class OneDropDown(App[None]):
    """A form of one drop-down, under the counter's scanner settings (its wedge decoder's)."""

    counter_settings = CounterSettings()

    def __init__(self) -> None:
        super().__init__()
        self.scans: list[str] = []

    def compose(self) -> ComposeResult:
        yield PagedSelect([(w, w) for w in WORDS], id="words", allow_blank=False, value="alpha")

    def on_paged_select_scan_typed(self, message: PagedSelect.ScanTyped) -> None:
        self.scans.append(message.code)


def highlighted_value(drop_down: PagedSelect[Any]) -> Any:
    index = drop_down.query_one(SelectOverlay).highlighted
    return None if index is None else drop_down._options[index][1]


async def test_a_scan_across_a_rebuilt_list_goes_back_to_the_line_it_was_typed_over() -> None:
    app = OneDropDown()
    async with app.run_test(size=(60, 20)) as pilot:
        drop_down = app.query_one(PagedSelect)
        drop_down.focus()
        await quiet.press(pilot, "space")
        await quiet.until(pilot, lambda: drop_down.expanded)
        await quiet.press(pilot, "down", "down", "down")
        assert highlighted_value(drop_down) == "delta"
        at = time.monotonic()  # every key of the scan at once, as a scanner's come
        for key in SCAN[:5]:  # "S" moved the highlight to sierra (type-to-search)
            quiet.send_key(app, key, at=at)
        await quiet.until(pilot, lambda: highlighted_value(drop_down) == "sierra")
        drop_down.set_options([("aardvark", "aardvark"), *((w, w) for w in WORDS)])  # a line above
        chosen = drop_down.value
        for key in (*SCAN[5:], "enter"):
            quiet.send_key(app, key, at=at)
        await quiet.until(pilot, lambda: app.scans == [SCAN])
        assert drop_down.expanded and drop_down.value == chosen  # its Enter chose nothing
        assert highlighted_value(drop_down) == "delta"  # the line it was typed over, not "charlie"
