"""Settings > Recipients handed to another clerk by a lock: what the last clerk's change said on the
directory's line ("Saved: 张三") is not shown to the next one, as if they had done it; the same clerk
signing back in finds it as left."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.recipients import RecipientsScreen
from tui import quiet
from tui.lock_driver import console, idle_lock, open_from_settings, sign_in, wang_and_li
from tui.recipients_driver import text_of, until


@pytest.fixture
def station(new_station: Station) -> Station:
    wang_and_li(new_station)
    directory.add(new_station, {"name": "张三", "building": "A3", "room": "502", "phones": "13812345678"})
    return new_station


@pytest.mark.parametrize(("who", "pin", "kept"), [("Wang", "9071", True), ("Li", "1357", False)])
async def test_what_a_managers_save_said_is_not_said_to_the_next_clerk(
    station: Station, who: str, pin: str, kept: bool
) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_from_settings(pilot, app, "f12", RecipientsScreen)
        await until(pilot, lambda: "张三" in text_of(app, "#rc-detail"))
        await quiet.press(pilot, "f8")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-room", Input).value = "503"
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: app.screen is screen and "503" in text_of(app, "#rc-detail"))
        await quiet.settle(pilot)
        assert text_of(app, "#rc-status") == "Saved: 张三"
        await idle_lock(pilot, app)
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        assert app.clerk_name == who and app.screen is screen
        assert text_of(app, "#rc-status") == ("Saved: 张三" if kept else "1 person")
