"""The header names the station as it was named: the default name nobody typed in the console's
language (a station set up in English reads 快递驿站 on a Chinese console), a typed one as typed."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from station_console.i18n import set_language
from station_console.services.admin.settings import save_station_settings
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import quiet


@pytest.mark.parametrize(("lang", "shown"), [("en", "Parcel Station"), ("zh", "快递驿站")])
async def test_the_default_name_is_read_in_the_consoles_language(
    app: StationApp, station: Station, lang: str, shown: str
) -> None:
    assert station.settings().station_name == "Parcel Station"  # set up in English
    set_language(lang)
    async with app.run_test(size=(120, 30)) as pilot:
        await quiet.settle(pilot)
        title = str(app.screen.query_one("#hdr-title", Static).render())
        assert title.startswith(shown) and app.title == shown


async def test_a_typed_name_is_shown_as_typed_on_a_chinese_console(app: StationApp, station: Station) -> None:
    named = station.settings().model_copy(update={"station_name": "North Gate Parcels"})
    station.run(lambda session: save_station_settings(session, station, named))
    set_language("zh")
    async with app.run_test(size=(120, 30)) as pilot:
        await quiet.settle(pilot)
        title = str(app.screen.query_one("#hdr-title", Static).render())
        assert title.startswith("North Gate Parcels") and app.title == "North Gate Parcels"
