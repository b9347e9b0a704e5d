"""Esc while a write is on its way (a database locked by another counter, a slow disk): the screen or
dialog left, its worker's answer went with it, and what was written (a flag, a scan-out, a person switched
off, a phone saved) was said to nobody, though written all the same. An Esc held behind the write's key
was let go by the held keys' fail-safe, one not held went at once. The Esc now says the answer comes
first, and the screen stays until it is said; Esc then goes back.

Each write is held at its service's seam until the Esc has been handled (`Held`), so it is slower than
the fail-safe however loaded the machine is."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import runs
from station_console.services.exceptions import problems
from station_console.services.recipients import directory
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys, checkin_dialogs
from station_console.tui.screens.checkin_dialogs import MissingPhones
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.problems import ProblemsScreen
from tui import quiet
from tui.door_run import THIRD, open_delivery, two_runs
from tui.recipients_driver import open_recipients, people, text_of, until
from tui.shelf_data import place, wb

WAITS = "still on its way"


@pytest.fixture(autouse=True)
def short_fail_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fail-safe as short as can be: the write is held until the Esc it let go was handled."""
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)


class Held:
    """A service function that waits, once called, until the test lets it go on (`released`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
        self.asked, self.released = threading.Event(), threading.Event()
        real = getattr(owner, name)

        def slow(*args: Any, **kwargs: Any) -> Any:
            self.asked.set()
            if not self.released.wait(quiet.TIMEOUT):
                raise TimeoutError("the test never let the write go on")
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, slow)


async def esc_waits_for_the_answer(
    app: StationApp,
    pilot: Any,
    held: Held,
    said: Callable[[], str],
    answered: Callable[[], bool],
) -> Screen[Any]:
    """Esc with the write on its way: the screen stays and says so; the answer is said there; Esc then
    leaves. The screen that was on top."""
    screen = app.screen
    await until(pilot, held.asked.is_set)
    quiet.send_key(app, "escape")
    try:
        await until(pilot, lambda: app.screen is not screen or WAITS in said())
        assert app.screen is screen, "the Esc left while the write was on its way"
    finally:
        held.released.set()
    await until(pilot, answered)
    await quiet.settle(pilot)
    assert app.screen is screen  # the answer is read before the clerk goes back
    await quiet.press(pilot, "escape")
    await quiet.settle(pilot)
    assert app.screen is not screen
    return screen


@pytest.mark.first_mode("shelves")
async def test_esc_during_a_slow_flag_on_problems_stays_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, wb(1), "1-1")
    held = Held(monkeypatch, problems, "mark")
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#pr-parcel", Input).value = wb(1)
        screen.query_one("#pr-kind", Select).value = "damaged"
        screen.query_one("#pr-note", Input).value = "wet"
        quiet.send_key(app, "f7")
        await esc_waits_for_the_answer(
            app,
            pilot,
            held,
            lambda: text_of(app, "#pr-status"),
            lambda: text_of(app, "#pr-status") == f"{wb(1)} flagged.",
        )
    assert [p.waybill for p in problems.list_problems(station)] == [wb(1)]


@pytest.mark.first_mode("shelves")
async def test_esc_during_a_slow_scan_out_on_door_delivery_stays_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_runs(station, first_out=False)
    held = Held(monkeypatch, runs, "scan_out")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        field = app.screen.query_one("#dl-scan", Input)
        field.value = THIRD
        field.focus()
        quiet.send_key(app, "enter")  # the Esc behind it held by the scan-out, then let go by the fail-safe
        await esc_waits_for_the_answer(
            app,
            pilot,
            held,
            lambda: text_of(app, "#dl-status"),
            lambda: "out with the runner" in text_of(app, "#dl-status"),
        )


@pytest.mark.first_mode("settings")
async def test_esc_during_a_slow_deactivate_on_recipients_stays_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    people(station)
    held = Held(monkeypatch, directory, "set_active")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f12")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        quiet.send_key(app, "y")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        await esc_waits_for_the_answer(
            app,
            pilot,
            held,
            lambda: text_of(app, "#rc-status"),
            lambda: text_of(app, "#rc-status").startswith("Saved: "),
        )


async def test_esc_during_a_slow_phone_save_keeps_the_missing_phones_dialog_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_in(station, "JT0000000000001", batch="JT")
    held = Held(monkeypatch, checkin_dialogs, "set_phone_for")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = MissingPhones(station)
        answers: list[int | None] = []
        app.push_screen(dialog, answers.append)
        await quiet.settle(pilot)
        assert dialog.query_one("#missing-table", DataTable).row_count == 1

        def message() -> str:
            return str(dialog.query_one("#missing-message").render())

        await quiet.press(pilot, *"13812345678")
        quiet.send_key(app, "enter")  # the Esc behind it held by the save, then let go by the fail-safe
        await esc_waits_for_the_answer(app, pilot, held, message, lambda: message().startswith("Phone "))
        assert answers == [1]  # the phone saved is counted in what the dialog answers
