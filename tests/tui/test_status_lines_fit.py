"""A status line with a refusal and a late answer below it shows both whole, at 80x24 and 120x40: the
2-row lines cut the answer's end (Stocktake, Door delivery), as the boxes did on Pickup and Send-out."""

from __future__ import annotations

from typing import Any

import pytest

from station_console.tui.app import StationApp
from station_console.tui.widgets.status_line import StatusLine
from tui import quiet

# A refusal quoting what was scanned, and an answer naming a parcel, its recipient and address: three
# rows at 120 columns, five at 80.
REFUSAL = "JT0000000000003 is not on delivery run DR000001: put it back on its shelf. REFUSAL-END"
ANSWER = (
    "A-01-03 Building 7, Unit 2, Room 1402, Riverside Garden 张三: out with the runner "
    "小刘, who has 12 more parcels on this run. ANSWER-END"
)


def shown_lines(app: StationApp, widget: Any) -> list[str]:
    box = widget.content_region
    strips = app.screen._compositor.render_strips()[box.y : box.bottom]
    return [strip.crop(box.x, box.right).text.strip() for strip in strips]


async def _stocktake(app: StationApp, pilot: Any) -> str:
    await quiet.press(pilot, "f4", "f8")
    return "#st-last"


async def _delivery(app: StationApp, pilot: Any) -> str:
    await quiet.press(pilot, "f4")
    await quiet.press(pilot, "ctrl+d")
    return "#dl-status"


async def _pickup(app: StationApp, pilot: Any) -> str:
    await quiet.press(pilot, "f2")
    return "#pk-message"


async def _sendout(app: StationApp, pilot: Any) -> str:
    await quiet.press(pilot, "f3")
    return "#so-message"


# At 80 columns Send-out's message is a fifth of the width beside the quote and the sends (18 columns):
# a refusal and an answer that overflowed its 9-row band, and fit the band grown to half the screen.
NARROW_REFUSAL = "JT0000000000003: no such parcel at this counter. REFUSAL-END"
NARROW_ANSWER = "Sender 138****0000 found: 张三, last sent 3 days ago, ID on file. ANSWER-END"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("open_screen", [_stocktake, _delivery, _pickup, _sendout])
@pytest.mark.first_mode("shelves")
async def test_a_refusal_and_the_answer_below_it_are_shown_whole(
    app: StationApp, open_screen: Any, size: tuple[int, int]
) -> None:
    narrow = open_screen is _sendout and size[0] < 120
    refusal, answer = (NARROW_REFUSAL, NARROW_ANSWER) if narrow else (REFUSAL, ANSWER)
    async with app.run_test(size=size) as pilot:
        line_id = await open_screen(app, pilot)
        await quiet.settle(pilot)
        line = app.screen.query_one(line_id, StatusLine)
        line.say(refusal, error=True)
        assert line.show_read(answer, under_refusal=True)
        await quiet.settle(pilot)
        shown = " ".join(shown_lines(app, line))
        assert "REFUSAL-END" in shown and "ANSWER-END" in shown, shown
