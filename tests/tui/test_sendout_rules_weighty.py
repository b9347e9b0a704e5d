"""Send-out rules in the console: the tariff's store question is weighty (its Yes changes what customers
are charged), so no key typed before it appeared answers it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.sendout import rule_files
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.widgets.plain import Static
from tui import quiet
from tui.test_sendout_rules_screen import RATES_CSV, open_rules, sf_versions, text


@pytest.mark.first_mode("settings")
async def test_a_y_typed_right_behind_the_tariff_forms_enter_stores_nothing(
    app: StationApp, station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tariff's store question is weighty: its Yes changes what customers are charged. A Y typed on
    right behind the Enter that sends the form answered its preview unread, and stored the prices. It
    is dropped and said; a Y typed at the question stores them."""
    (tmp_path / "sf.csv").write_text(RATES_CSV, encoding="utf-8")
    read = rule_files.preview_tariff

    def slow_preview(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # a slow disk: the Y is in before the question
        return read(*args, **kwargs)

    monkeypatch.setattr(rule_files, "preview_tariff", slow_preview)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        await quiet.press(pilot, "f10")
        field = app.screen.query_one("#form-path", Input)
        field.value = str(tmp_path / "sf.csv")
        field.focus()
        await quiet.burst(pilot, "enter", "y")  # sent, and the Y right behind it
        await quiet.until(
            pilot, lambda: isinstance(app.screen, ConfirmDialog) or sf_versions(station) != [], what="asked"
        )
        await quiet.settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and sf_versions(station) == [], "the early Y stored"
        said = str(app.screen.query_one("#question-said", Static).render())
        assert "typed before this question appeared were ignored" in said
        await quiet.press(pilot, "y")
        await quiet.until(pilot, lambda: "version 1 stored" in text(screen, "#sr-status"), what="stored")
    assert sf_versions(station) == [1]
