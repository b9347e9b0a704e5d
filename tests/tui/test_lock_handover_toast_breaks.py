"""The toast naming what a hand-over closed, at 80 columns in Chinese: "修改 PIN 码的窗口" (the PIN change
form) broke between "PIN" and "码"; a no-break space in the catalogue holds them together."""

from __future__ import annotations

import pytest
from textual.widgets._toast import Toast

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.lock_driver import console, idle_lock, sign_in
from tui.test_chinese_line_breaks import shown_lines

# Names of these lengths put the toast's line end at, or either side of, "PIN" at 80 columns.
NAMES = [f"Zhang {'X' * n}" for n in range(6, 12)]


@pytest.mark.parametrize("last_clerk", NAMES)
async def test_the_closed_pin_change_toast_keeps_pin_and_its_word_together_at_80_columns(
    new_station: Station, last_clerk: str
) -> None:
    clerks.create_first_manager(new_station, last_clerk, "9071")
    clerks.sign_in(new_station, last_clerk, "9071")
    clerks.add_clerk(new_station, "Li", "1357")
    station = new_station
    set_language("zh")
    try:
        app = console(station)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await quiet.settle(pilot)
            await quiet.press(pilot, "ctrl+p")
            await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog))
            await quiet.press(pilot, *"9071")
            await idle_lock(pilot, app)
            await sign_in(pilot, "Li", "1357")
            await quiet.settle(pilot)
            toast = next(t for t in app.screen.query(Toast) if "修改" in str(t.render()))
            lines = shown_lines(app, toast)
            text = "".join(lines)
            assert "修改" in text and "Zhang" in text, lines
            assert not [line for line in lines if line.endswith("PIN")], lines
    finally:
        set_language("en")
