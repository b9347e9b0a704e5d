"""Settings' status line after a save: saved, nothing changed, a counter change waiting for a restart,
and a refusal in the shared refusal style."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Select, Static

from station_console.services.core.station import Station
from station_console.settings import load_counter_settings
from station_console.tui.app import StationApp
from tui import quiet
from tui.settings_driver import section_of as _section_of

# Every test here starts in Settings (the console opens there: no check-in screen built for nothing).
pytestmark = pytest.mark.first_mode("settings")


def _status(app: StationApp) -> str:
    return str(app.screen.query_one("#settings-status", Static).render())


async def test_a_station_setting_saved_says_nothing_of_a_restart(app: StationApp) -> None:
    """The station's settings take effect at once (this console at the commit, the others through the
    live view): the line says it saved, and no more."""
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        app.screen.query_one("#st-station_name", Input).value = "Campus North"
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == "Settings were saved."


async def test_ctrl_s_with_nothing_changed_says_so_and_records_nothing(
    app: StationApp, station: Station
) -> None:
    """ "Saved" would tell the clerk something was recorded: nothing is sent, and the line says why."""
    before = station.settings()
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == "Nothing changed: nothing to save."
        app.screen.query_one("#st-station_name", Input).value = "Campus North"  # a change is still saved
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == "Settings were saved."
        await quiet.press(pilot, "ctrl+s")  # and once saved, there is nothing more to save
        assert _status(app) == "Nothing changed: nothing to save."
    station.forget_settings()
    assert station.settings().model_copy(update={"station_name": before.station_name}) == before


async def test_a_counter_change_that_waits_for_a_restart_is_named_and_the_rest_take_effect_now(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counter's name and language are named as waiting for a restart, and still are at a later
    save until the console restarts; put back as they were, nothing waits. The busy-database wait and
    the label font are not named: they are taken at once."""
    from hardware.printers import fonts

    fonts_used: list[str] = []
    monkeypatch.setattr(fonts, "use_cjk_font", fonts_used.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        screen: Any = app.screen
        await screen.show_section(_section_of(app, "counter"))
        screen.query_one("#ct-counter", Input).value = "counter-9"
        screen.query_one("#ct-language", Select).value = "zh"
        screen.query_one("#ct-busy_wait_s", Input).value = "9"
        screen.query_one("#ct-label_font", Input).value = "bundled"
        await quiet.press(pilot, "ctrl+s")
        said = "Saved. Counter name, Language take effect after a restart (Ctrl+Q, then start the console again)."
        assert _status(app) == said
        assert station.busy_wait_s == 9 and fonts_used == ["bundled"]
        assert load_counter_settings().counter == "counter-9"
        screen.query_one("#ct-busy_wait_s", Input).value = "7"
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == said  # not restarted yet
        screen.query_one("#ct-counter", Input).value = "test-counter"
        await quiet.press(pilot, "ctrl+s")
        assert _status(app).startswith("Saved. Language takes effect after a restart"), _status(app)
        screen.query_one("#ct-language", Select).value = Select.NULL
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == "Settings were saved."
    assert station.busy_wait_s == 7


async def test_a_refusal_takes_the_shared_bold_style_and_stays_light_on_red(app: StationApp) -> None:
    """Settings' status line named its refusal `error`, not StatusLine's `-error`: it missed the shared
    bold refusal style, and its light text held against Shelves' global `.error` (red text, once Shelves
    had been opened: red on red in tmux's 256 colours) only because an id rule outranks a class."""
    from rich.color import ColorSystem

    from station_console.tui.widgets.status_line import StatusLine

    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f4", "ctrl+s")  # Shelves' stylesheet loaded, back in Settings
        line = app.screen.query_one("#settings-status", StatusLine)
        line.say("Only a manager can change settings. Ask a manager to sign in.", error=True)
        await quiet.settle(pilot)
        box = line.content_region
        strip = app.screen._compositor.render_strips()[box.y].crop(box.x, box.right)
        said = [seg.style for seg in strip if seg.text.strip() and seg.style is not None]
        assert said and all(style.bold for style in said)
        pairs = {
            tuple(c.downgrade(ColorSystem.EIGHT_BIT) if c else c for c in (s.color, s.bgcolor)) for s in said
        }
        assert all(fg != bg for fg, bg in pairs), pairs
