"""A paste past a field's limit on a screen (not a form) names the field and says the paste was not put
in, in the words forms use: Returns' courier name said only "This field takes at most 64 characters."."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import quiet
from tui.shelves_driver import settle
from tui.test_returns_after_close import two_recalled
from tui.test_returns_recall_key import open_jt_returns


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Courier's name takes at most 64 characters: the paste (5000 characters) was not put in."),
        ("zh", "快递员姓名：最多 64 个字符，粘贴的内容（5000 个字符）没有放入。"),
    ],
)
@pytest.mark.first_mode("shelves")
async def test_a_long_paste_into_the_courier_s_name_names_the_field(
    app: StationApp, station: Station, lang: str, said: str
) -> None:
    set_language(lang)
    two_recalled(station)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await open_jt_returns(app, pilot)
        signer = app.screen.query_one("#ret-signer", Input)
        signer.focus()
        signer.post_message(events.Paste("x" * 5000))
        await settle(pilot)
        assert signer.value == ""
        toasts = [str(n.message) for n in app._notifications]
        assert any(t.startswith(said) for t in toasts), toasts
        await quiet.settle(pilot)
