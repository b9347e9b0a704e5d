"""While a screen's save is on its way, no way out is taken and nothing is asked over it: Settings,
whether its own save key sent it or the unsaved-edits question's Save did. The save is held back on its worker (a slow disk, a busy database) while the
keys come; the screen says it is saving, and once its answer is back the next way out works as ever.
(A form's own, FormDialog's, is in test_checked_forms.py.)"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input, Static

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import settings
from station_console.tui.screens.settings import SettingsScreen
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet
from tui.quiet import TIMEOUT

pytestmark = pytest.mark.first_mode("settings")
SAYS_SAVING = "One moment: saving. Quit or leave once it is done."


def held_back(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> tuple[threading.Event, list[Any]]:
    """`owner.name` (the save's write) waits on its worker until the event is set; each call is listed."""
    release, calls = threading.Event(), []
    real: Callable[..., Any] = getattr(owner, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        assert release.wait(TIMEOUT)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)
    return release, calls


def says(app: StationApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_quit_and_mode_keys_while_settings_save_wait_for_its_answer(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+S, then at once F2 or Ctrl+Q: nothing is asked over the save (Discard there would put the
    old name back, or quit, as the new one is written) and Settings says it is saving; a second Ctrl+S
    sends no second save. Its answer is shown, and then F2 leaves with nothing to ask about."""
    release, calls = held_back(monkeypatch, settings, "save_station_settings")
    bells: list[str] = []
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#st-station_name", Input).value = "Campus North"
        await pilot.press("ctrl+s")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the save sent")
        app.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
        await pilot.press("f2")
        assert app.screen is screen and app.current_mode == "settings"
        assert says(app, "#settings-status") == SAYS_SAVING and bells == ["bell"]
        await pilot.press("ctrl+q", "ctrl+d")  # quit; the question's Discard, had it been asked
        await pilot.press("f8")  # Printers would start from the counter settings being replaced
        assert app.screen is screen and app.is_running and app.current_mode == "settings"
        await pilot.press("ctrl+s")
        assert len(bells) == 4
        release.set()
        await quiet.until(pilot, lambda: "were saved" in says(app, "#settings-status"), what="saved")
        assert len(calls) == 1
        await quiet.press(pilot, "f2")
        assert app.current_mode == "pickup"
        await quiet.press(pilot, "ctrl+q")
        await quiet.until(pilot, lambda: not app.is_running, what="quit")
    station.forget_settings()
    assert station.settings().station_name == "Campus North"


async def test_a_way_out_during_the_questions_save_waits_and_the_first_then_goes_on(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F2 asks; its Save (Ctrl+S) sends the save. F2 or Ctrl+Q again before the answer asks nothing
    again and leaves nothing: Settings says it is saving. The answer saved, the first F2 goes on."""
    release, calls = held_back(monkeypatch, settings, "save_station_settings")
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#st-station_name", Input).value = "Campus North"
        await quiet.press(pilot, "f2")
        assert isinstance(app.screen, LeaveUnsaved)
        await pilot.press("ctrl+s")
        await pilot.press("f2")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the save sent")
        await pilot.press("ctrl+q", "f3")
        assert app.screen is screen and app.current_mode == "settings" and app.is_running
        assert says(app, "#settings-status") == SAYS_SAVING
        release.set()
        await quiet.until(pilot, lambda: app.current_mode == "pickup", what="the first F2 went on")
        assert len(calls) == 1
        await quiet.press(pilot, "ctrl+q")  # nothing left to ask about
        await quiet.until(pilot, lambda: not app.is_running, what="quit")
    station.forget_settings()
    assert station.settings().station_name == "Campus North"
