"""Each of Send-out's drop-downs says what it takes when letters are typed into it (they were dropped
without a word but on Payment), by its own name, in both languages; the choice stays as it was."""

from __future__ import annotations

import pytest
from textual.widgets import Select

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import quiet
from tui.sendout_driver import at_sendout, text_of

NAMES = {
    "so-idtype": ("ID document", "证件类型"),
    "so-carrier": ("Carrier", "快递公司"),
    "so-pack": ("Packaging", "包装"),
    "so-pay": ("Payment", "付款方式"),
}


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("field", list(NAMES))
async def test_letters_typed_into_a_drop_down_are_told_what_it_takes(
    app: StationApp, station: Station, lang: str, field: str
) -> None:
    set_language(lang)
    try:
        async with at_sendout(station) as (_app, pilot, screen):
            choice = screen.query_one(f"#{field}", Select)
            choice.focus()
            await quiet.settle(pilot)
            before = choice.value
            await quiet.press(pilot, *"SF1")
            said = text_of(screen, "#so-message")
            en, zh = NAMES[field]
            if lang == "en":
                assert said.startswith(f"{en} is chosen from its list, not typed: Space opens it"), said
            else:
                assert said.startswith(f"{zh}从列表中选择，不能输入：按空格键打开列表"), said
            assert choice.value == before and not choice.expanded
    finally:
        set_language("en")
