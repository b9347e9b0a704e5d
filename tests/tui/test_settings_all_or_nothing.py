"""Settings' Ctrl+S saves the station settings and this counter's together or not at all: the counter
part refused after the form's own checks (a counter name the station would not open under, a file
that cannot be written) left the station part saved while the status line said the save failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from station_console.services.admin import counter
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.settings import SettingsScreen
from tui import quiet

pytestmark = pytest.mark.first_mode("settings")


def _disk_full(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize(
    ("counter_name", "disk_full", "said"),
    [
        pytest.param("\u200b", False, "A counter name is 1 to 32 characters", id="counter-name-refused"),
        pytest.param(None, True, "could not be written to", id="file-not-written"),
    ],
)
async def test_a_counter_part_refused_saves_no_station_part(
    app: StationApp,
    station: Station,
    monkeypatch: pytest.MonkeyPatch,
    counter_name: str | None,
    disk_full: bool,
    said: str,
) -> None:
    if disk_full:
        monkeypatch.setattr(counter, "save_counter_settings", _disk_full)
    was = station.settings().station_name
    path = Path(counter.config_path())
    file_was = path.read_bytes() if path.exists() else None
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#st-station_name", Input).value = "Campus North"
        if counter_name is not None:
            index = next(i for i, s in enumerate(screen.sections) if "counter" in s.counter)
            await screen.show_section(index)
            screen.query_one("#ct-counter", Input).value = counter_name
        await quiet.press(pilot, "ctrl+s")
        status = screen.query_one("#settings-status", Static)
        await quiet.until(pilot, lambda: said in str(status.render()), what="the refusal")
        assert screen.query_one("#st-station_name", Input).value == "Campus North"  # kept, to save again
    station.forget_settings()
    assert station.settings().station_name == was
    assert (path.read_bytes() if path.exists() else None) == file_was
