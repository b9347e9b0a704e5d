"""Settings' Ctrl+S when this counter's file could not take its new settings after the station's part
was saved (`counter_not_saved`, a rename refused by a disk gone): the form knows the station's part is
saved, so Ctrl+S again writes only the counter's file. It sent the station's edits again, and a table
among them (the fee rules) was refused as saved by another counter meanwhile: its own save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from station_console.counter_settings import load_counter_settings
from station_console.services.admin import counter
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.settings import SettingsScreen
from tui import quiet

pytestmark = pytest.mark.first_mode("settings")


async def test_saved_again_after_the_counter_file_failed_writes_only_the_counter_file(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = [True]
    replace = Path.replace

    def rename(self: Path, target: Any) -> Path:
        if failing[0]:
            raise OSError(5, "Input/output error")
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", rename)
    path = Path(counter.config_path())
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        status = screen.query_one("#settings-status", Static)
        fees = next(i for i, s in enumerate(screen.sections) if "storage_fee_rules" in s.station)
        await screen.show_section(fees)
        screen.query_one("#st-storage_fee_rules", Input).value = '[{"name": "mine"}]'
        scanner = next(i for i, s in enumerate(screen.sections) if "wedge_min_length" in s.counter)
        await screen.show_section(scanner)
        screen.query_one("#ct-wedge_min_length", Input).value = "9"
        await quiet.press(pilot, "ctrl+s")
        await quiet.until(pilot, lambda: "were not" in str(status.render()), what="the refusal")
        assert [rule.name for rule in station.settings().storage_fee_rules] == ["mine"]
        assert screen.unsaved_edits()  # the counter's part still to save
        failing[0] = False  # the disk is back
        await quiet.press(pilot, "ctrl+s")
        await quiet.until(pilot, lambda: not screen.saving(), what="the second save")
        await quiet.settle(pilot)
        said = str(status.render())
        assert "another counter or command" not in said and "saved" in said.lower(), said
        assert not screen.unsaved_edits()
        assert '"name": "mine"' in screen.query_one("#st-storage_fee_rules", Input).value  # as stored
    assert load_counter_settings(path).wedge_min_length == 9
    station.forget_settings()
    assert [rule.name for rule in station.settings().storage_fee_rules] == ["mine"]
