"""A form whose answer is a file's preview asks whether to import it: keys typed right behind the key
that sends the form wait for that question. Given at once, they went to the form still reading the
file, and the question stayed open. Each preview is slowed 0.3 s, a slow disk or database, so the race
shows every time."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Input

from db.models import PreAlert, Recipient
from station_console.services.core.station import Station
from station_console.services.recipients import importing
from station_console.services.sendout import rule_files
from station_console.tui.app import StationApp
from station_console.tui.screens import prealerts
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.form_dialog import FormDialog
from tui.conftest import console_on, sign_in_manager
from tui.quiet import burst, press
from tui.recipients_driver import HEADERS, open_recipients, text_of
from tui.test_read_then_ask_hurried import slowed
from tui.test_sendout_rules_screen import CHECKLIST_TOML, RATES_CSV, open_rules, text


@pytest.mark.first_mode("settings")
async def test_enter_right_behind_a_pre_alert_files_ctrl_s_answers_the_import_question(
    request: pytest.FixtureRequest, station: Station, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ctrl+S reads the file (a preview), then asks whether to import it: an Enter typed right behind
    went to the form still reading, and the question stayed open. It waits for the question and
    answers its No: nothing imported."""
    path = tmp_path / "p.csv"
    path.write_text("运单号,快递公司\n73000000000001,中通\n", encoding="utf-8")
    sign_in_manager(station)
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "ctrl+g")
        screen = app.screen
        assert isinstance(screen, prealerts.PrealertsScreen)
        monkeypatch.setattr(prealerts, "import_file", slowed(prealerts.import_file))
        await press(pilot, "f7")
        app.screen.query_one("#form-path", Input).value = str(path)
        await burst(pilot, "ctrl+s", "enter")
        assert app.screen is screen
        assert "Nothing was imported." in str(screen.query_one("#pa-status").render())
        with station.read() as session:
            assert list(session.exec(select(PreAlert)).all()) == []


@pytest.mark.first_mode("settings")
async def test_enter_right_behind_a_checklists_ctrl_s_answers_the_store_question(
    app: StationApp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A checklist's Ctrl+S reads the file, then asks whether to store it: the Enter typed right behind
    waits for that question and answers its No."""
    path = tmp_path / "checklist.toml"
    path.write_text(CHECKLIST_TOML, encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        monkeypatch.setattr(rule_files, "preview_checklist", slowed(rule_files.preview_checklist))
        await press(pilot, "f11")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-path", Input).value = str(path)
        await burst(pilot, "ctrl+s", "enter")
        assert app.screen is screen
        assert text(screen, "#sr-status") == "Nothing was stored."


@pytest.mark.first_mode("settings")
async def test_enter_right_behind_a_tariffs_ctrl_s_waits_for_the_store_question_and_answers_nothing(
    app: StationApp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A tariff's Ctrl+S reads the file, then asks whether to store it: the Enter typed right behind
    waits for that question, a weighty one (its Yes changes what customers are charged), which takes no
    key typed before it appeared: dropped and said; an Enter typed at it answers its No."""
    path = tmp_path / "sf.csv"
    path.write_text(RATES_CSV, encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        monkeypatch.setattr(rule_files, "preview_tariff", slowed(rule_files.preview_tariff))
        await press(pilot, "f10")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-path", Input).value = str(path)
        await burst(pilot, "ctrl+s", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert "typed before this question appeared were ignored" in text_of(app, "#question-said")
        await press(pilot, "enter")
        assert app.screen is screen
        assert text(screen, "#sr-status") == "Nothing was stored."


@pytest.mark.first_mode("settings")
async def test_enter_right_behind_the_directorys_ctrl_s_waits_for_the_write_question_and_answers_nothing(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The directory import reads the file, then asks whether to write the changes: the Enter typed
    right behind Ctrl+S waits for that question, a weighty one, which takes no key typed before it
    appeared: dropped and said, nothing written; an Enter typed at it answers its No."""
    path = tmp_path / "名单.csv"
    path.write_text(HEADERS + "00123,张三,13812345678,A3,2,502\r\n", encoding="utf-8")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        screen = app.screen
        monkeypatch.setattr(importing, "import_file", slowed(importing.import_file))
        await press(pilot, "f10")
        screen.app.screen.query_one("#form-path", Input).value = str(path)
        await burst(pilot, "ctrl+s", "enter")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "typed before this question appeared were ignored" in text_of(app, "#question-said")
        await press(pilot, "enter")
        assert app.screen is screen
        assert "Nothing was written." in text_of(app, "#rc-status")
        with station.read() as session:
            assert session.exec(select(Recipient)).all() == []
