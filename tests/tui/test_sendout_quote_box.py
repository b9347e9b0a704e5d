"""Send-out's quote box under the form (80x24): what it shows adds up. 2.5 kg to Xinjiang by SF is
charged as 3 kg: the first 1 kg and 2 steps of 1 kg, 26.00 + 36.00. The box said "Charged 3 kg" over "Extra 1.5 kg"
("计费 3 千克", "续重 1.5 千克"), which reads as if the two disagree: the steps that make the 3 kg were
only in the wide box's working."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.screens.sendout import SendoutScreen
from tui import quiet
from tui.sendout_driver import counter_app, fill, text_of, until
from tui.test_chinese_line_breaks import shown_lines

EXPECTED = {
    # the total, the zone, the weight charged, the first weight, the steps: each sum beside or under it
    "en": ["Total 62.00 CNY", "remote region", "Charged 3 kg", "First 1 kg 26.00", "Extra 2 × 1 kg", "36.00"],
    "zh": ["合计：62.00 元", "偏远地区", "计费 3 千克", "首重 1 千克", "26.00", "续重 2×1 千克", "36.00"],
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.first_mode("sendout")
async def test_the_quote_under_the_form_says_the_steps_that_make_the_weight_charged(
    station: Station, language: str
) -> None:
    set_language(language)
    app = counter_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        await fill(pilot, screen, **{"so-weight": "2.5", "so-dest": "新疆"})
        screen.query_one("#so-carrier", Select).value = "SF"
        await until(pilot, lambda: "62.00" in text_of(screen, "#so-quote"))
        await quiet.settle(pilot)
        # As the terminal shows it: every line inside the box, none cut at its foot.
        assert shown_lines(app, screen.query_one("#so-quote")) == EXPECTED[language]
        assert screen.query_one("#so-weight", Input).value == "2.5"
