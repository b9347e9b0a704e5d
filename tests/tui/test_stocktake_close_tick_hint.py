"""A letter typed on a tick box of the stocktake's close is said on the dialog's own line, as forms say
it: at 80x24 the app's toast covered the dialog's keys line ("Enter: close with the ticked · Esc: keep
scanning") while it was up."""

from __future__ import annotations

import pytest

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.question_keys import SAID_ID
from station_console.tui.screens.stocktake_close_dialog import CloseDialog
from station_console.tui.widgets.plain import Static
from station_console.tui.widgets.tick import SpaceTick
from tui import quiet
from tui.quiet import until


@pytest.mark.parametrize(("lang", "said"), [("en", "is a tick box, not typed"), ("zh", "是勾选框，不能输入")])
async def test_a_letter_on_a_close_tick_box_is_said_in_the_dialog_not_in_a_toast(
    app: StationApp, station: Station, lang: str, said: str
) -> None:
    from station_console.i18n import set_language

    set_language(lang)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await quiet.settle(pilot)
        dialog = CloseDialog({"relocate": ["JT1"], "mark_missing": ["JT2"]})
        app.push_screen(dialog)
        await until(pilot, lambda: app.screen is dialog)
        await quiet.settle(pilot)
        assert isinstance(dialog.focused, SpaceTick)
        await pilot.pause(0.5)  # a person's key, not the end of a scan
        await quiet.press(pilot, "q")
        await quiet.settle(pilot)
        line = str(dialog.query_one(f"#{SAID_ID}", Static).render())
        assert line and said in line, line
        assert [n.message for n in app._notifications] == []  # no toast over the keys line
        assert app.screen is dialog
