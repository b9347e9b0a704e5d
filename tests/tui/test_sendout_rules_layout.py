"""Settings > Send-out rules laid out at the console's usual size and the smallest, in English and
Chinese: one line per carrier in the list (a long name ends in "…")."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import OptionList

from station_console.i18n import set_language
from station_console.tui.app import StationApp
from tui import quiet
from tui.terminal_fit import SIZES_TO_80, at_each_size

LANGS = pytest.mark.parametrize("lang", ["en", "zh"])


def shown_lines(app: StationApp, widget: Widget, left: int = 0, right: int | None = None) -> list[str]:
    """The lines of `widget`'s content as the terminal shows them now (cells `left` to `right` of it)."""
    box = widget.content_region
    strips = app.screen._compositor.render_strips()[box.y : box.bottom]
    end = box.right if right is None else box.x + right
    return [strip.crop(box.x + left, end).text.rstrip() for strip in strips]


async def open_rules(app: StationApp, pilot: Any, lang: str) -> Any:
    set_language(lang)
    await quiet.settle(pilot)
    await quiet.press(pilot, "ctrl+r")
    await quiet.until(pilot, lambda: getattr(app.screen, "view", None) is not None, what="the rules read")
    return app.screen


@LANGS
@pytest.mark.first_mode("settings")
async def test_each_carrier_is_one_line_of_the_list(app: StationApp, lang: str) -> None:
    """'YUNDA   Yunda' / 'Express', 'S10' / 'International post' / '(UPU S10)': a long name took two
    and three lines, and the codes below it no longer lined up with the rows a clerk counts."""
    async with app.run_test(size=SIZES_TO_80[0]) as pilot:
        screen = await open_rules(app, pilot, lang)
        carriers = screen.query_one("#sr-carriers", OptionList)
        codes = [c.code for c in screen.view.carriers]
        assert "S10" in codes and "YUNDA" in codes

        async def one_line_each() -> None:
            carriers.scroll_home(animate=False)
            await quiet.settle(pilot)
            lines = [line for line in shown_lines(app, carriers) if line.strip()]
            shown = min(len(codes), carriers.content_region.height)
            assert [line.split()[0] for line in lines[:shown]] == codes[:shown], lines
            for line, c in zip(lines, screen.view.carriers, strict=False):
                assert line.rstrip().endswith("…") or line.endswith(
                    c.name_en if lang == "en" else c.name_zh
                ), line

        await at_each_size(app, pilot, one_line_each, SIZES_TO_80)
    set_language("en")
