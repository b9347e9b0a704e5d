"""The send form's carrier picker names each carrier in the clerk's language, as Check-in's picker does
(顺丰速运, not "SF"; on the Chinese console it listed codes and short names: "SF", "YD", "J&T")."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Select

from station_console.i18n import set_language
from station_console.services.scan.carriers import list_carriers
from station_console.tui.app import StationApp
from tui.sendout_driver import at_sendout, until


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_carrier_picker_names_carriers_in_the_clerks_language(
    app: StationApp, station: Any, lang: str
) -> None:
    set_language(lang)
    try:
        names = {c.code: (c.name_zh if lang == "zh" else c.name_en) for c in list_carriers(station)}
        async with at_sendout(station) as (app, pilot, screen):
            select = screen.query_one("#so-carrier", Select)
            await until(pilot, lambda: len(select._options) > 1)
            offered = {value: str(label) for label, value in select._options if isinstance(value, str)}
            assert offered and offered == {code: names[code] for code in offered}
            assert "SF" in offered
    finally:
        set_language("en")
