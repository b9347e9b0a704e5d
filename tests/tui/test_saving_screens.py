"""While a screen's save is on its way, no way out is taken and nothing is asked over it: Settings,
Printers, Clerks and the carrier form, whether their own save key sent it or the unsaved-edits
question's Save did. The save is held back on its worker (a slow disk, a busy database) while the
keys come; the screen says it is saving, and once its answer is back the next way out works as ever.
(A form's own, FormDialog's, is in test_checked_forms.py.)"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select
from textual.widgets import Button, Input, Select, Static

from db.models import Clerk
from station_console.services.core.db_errors import unavailable
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import load_counter_settings
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys, carrier_editor, printers, settings
from station_console.tui.screens.carrier_editor import CarrierEditorScreen, CarrierForm
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
    sends no second save. Its answer is shown, and then F2 leaves with nothing to ask about. The keys
    come once the hold on those typed right behind Ctrl+S has run out (`holds_keys`): a slow save."""
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)
    release, calls = held_back(monkeypatch, settings, "save_station_settings")
    bells: list[str] = []
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#st-station_name", Input).value = "Campus North"
        await pilot.press("ctrl+s")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the save sent")
        await quiet.until(pilot, lambda: not screen.holds_type_ahead, what="the keys' hold ran out")
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


async def test_the_questions_save_says_it_saves_then_leaves_and_its_refusal_replaces_that(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+Q asks; its Save sends the save, held back (the database busy): the status line says it
    saves and then leaves, not nothing. The save refused, the refusal takes that line's place, and
    the console stays, with the edit kept."""
    release, calls = threading.Event(), []

    def busy(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        assert release.wait(TIMEOUT)
        raise unavailable(OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked")))

    monkeypatch.setattr(settings, "save_station_settings", busy)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#st-station_name", Input).value = "Campus North"
        await quiet.press(pilot, "ctrl+q")
        assert isinstance(app.screen, LeaveUnsaved)
        await pilot.press("ctrl+s")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the save sent")
        assert app.screen is screen and says(app, "#settings-status") == "Saving, then leaving..."
        release.set()
        await quiet.until(pilot, lambda: "busy" in says(app, "#settings-status"), what="the refusal")
        assert says(app, "#settings-status") == (
            "The database is busy: another program holds it. Nothing was saved; try again in a moment."
        )
        assert app.is_running and app.screen is screen
        assert screen.query_one("#st-station_name", Input).value == "Campus North"


@pytest.mark.parametrize(
    ("key", "typed", "owner", "write", "status", "saved"),
    [
        pytest.param(
            "f8",
            {"#p-name": "counter-lp", "#p-transport": "dummy"},
            printers,
            "change_counter_settings",
            "#printer-status",
            "Printer counter-lp saved",
            id="printers",
        ),
        pytest.param(
            "f10",
            {"#c-name": "Wang", "#c-pin": "4826"},
            clerks,
            "add_clerk",
            "#clerk-status",
            "Clerk Wang added.",
            id="clerks",
        ),
    ],
)
async def test_esc_quit_and_mode_keys_while_a_sub_screen_saves_wait_for_its_answer(
    app: StationApp,
    station: Station,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    typed: dict[str, str],
    owner: object,
    write: str,
    status: str,
    saved: str,
) -> None:
    """Printers' Save printer, Clerks' Add clerk: Esc, Ctrl+Q or F2 before the answer changes nothing
    and the screen says it is saving; a second click sends nothing. Answered, Esc goes back at once."""
    release, calls = held_back(monkeypatch, owner, write)
    bells: list[str] = []
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, key)
        app.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
        screen = app.screen
        for selector, value in typed.items():
            widget = screen.query_one(selector)
            assert isinstance(widget, Input | Select)
            widget.value = value
        button = screen.query_one("#p-save, #c-add", Button)
        button.press()
        await quiet.until(pilot, lambda: len(calls) == 1, what="the save sent")
        await pilot.press("escape", "ctrl+d", "ctrl+q", "f2")
        assert app.screen is screen and app.current_mode == "settings" and app.is_running
        assert says(app, status) == SAYS_SAVING and len(bells) == 3  # Esc, Ctrl+Q, F2
        button.press()
        await quiet.until(pilot, lambda: len(bells) == 4, what="the second click answered")
        release.set()
        await quiet.until(pilot, lambda: saved in says(app, status), what="saved")
        assert len(calls) == 1
        await quiet.press(pilot, "escape")
        assert isinstance(app.screen, SettingsScreen)
    if key == "f8":
        assert load_counter_settings().printers["counter-lp"]["transport"] == "dummy"
    else:
        with station.read() as session:
            assert session.exec(select(Clerk).where(Clerk.name == "Wang")).one()


async def test_the_carrier_form_waits_for_its_save_even_for_cancel(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The carrier form's Esc, its Cancel button, Ctrl+Q and F2 while it saves: the form stays and says
    it is saving (Cancel would have closed it as the carrier was written, the table never told)."""
    release, calls = held_back(monkeypatch, carrier_editor, "add_carrier")
    bells: list[str] = []
    async with app.run_test(size=(140, 48)) as pilot:
        await quiet.press(pilot, "f7", "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        form.query_one("#cf-code", Input).value = "kdn"
        form.query_one("#cf-name_en", Input).value = "Kuaidi Nine"
        form.query_one("#cf-name_zh", Input).value = "快递九"
        await pilot.press("ctrl+s")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the save sent")
        app.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
        await pilot.press("escape", "ctrl+q", "f2")  # F2 goes nowhere over a dialog
        form.query_one("#cf-cancel", Button).press()
        await quiet.until(pilot, lambda: len(bells) == 3, what="Cancel answered")
        assert app.screen is form and app.current_mode == "settings" and app.is_running
        assert says(app, "#carrier-form-error") == SAYS_SAVING
        release.set()
        await quiet.until(pilot, lambda: isinstance(app.screen, CarrierEditorScreen), what="closed")
        await quiet.until(pilot, lambda: "KDN" in says(app, "#carrier-status"), what="the table told")
        assert len(calls) == 1
