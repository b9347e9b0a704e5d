"""Settings > Clerks, F10 and F11 on the highlighted clerk (manager): a forgotten PIN reset (the new one
twice, unseen; a weak one refused in the form; Esc leaves the PIN as it was) and the role changed (a
choice, then a question naming the clerk and both roles, No under Enter); a clerk's F10 and F11 open
nothing and say why."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from db.models import Role
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.app import StationApp
from station_console.tui.screens.clerk_admin import ClerkAdminScreen
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet

pytestmark = pytest.mark.first_mode("settings")


async def _on_clerks(pilot: object, app: StationApp, name: str) -> None:
    """Settings > Clerks open (F10 in Settings: `first_mode`), the list's cursor on `name`."""
    await quiet.press(pilot, "f10")
    await quiet.until(pilot, lambda: isinstance(app.screen, ClerkAdminScreen), what="the Clerks screen")
    table = app.screen.query_one("#clerk-list", DataTable)
    await quiet.until(pilot, lambda: table.row_count > 1, what="the clerks listed")
    table.move_cursor(row=table.get_row_index(name))


def _status(app: StationApp) -> str:
    return str(app.screen.query_one("#clerk-status", Static).render())


def _role_of(station: Station, name: str) -> str:
    return clerks.get_clerk(station, name).role


async def test_f10_resets_a_forgotten_pin_refusing_a_weak_one_and_ends_the_lock_out(
    app: StationApp, station: Station
) -> None:
    clerks.add_clerk(station, "Li", "1357")
    for n in range(station.settings().pin_fail_limit):  # Li forgot the PIN and tried
        with pytest.raises(Refused):
            clerks.authenticate(station, "Li", f"90{n}1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_clerks(pilot, app, "Li")
        table = app.screen.query_one("#clerk-list", DataTable)
        assert str(table.get_row("Li")[2]).startswith("locked until")
        await quiet.press(pilot, "f10")
        await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="the PIN form")
        form = app.screen
        assert [field.password for field in form.query(Input)] == [True, True]  # masked, both
        await quiet.press(pilot, *"1111", "enter", *"1111", "enter")
        refused = str(form.query_one("#form-refused", Static).render())
        assert refused.startswith("That PIN is too easy to guess"), refused
        assert app.screen is form  # open still, nothing written
        assert form.query_one("#form-new", Input).has_focus  # the PIN at fault
        form.query_one("#form-new", Input).value = form.query_one("#form-again", Input).value = ""
        await quiet.press(pilot, *"4826", "enter", *"4826", "enter")
        await quiet.until(pilot, lambda: isinstance(app.screen, ClerkAdminScreen), what="the form closed")
        await quiet.until(pilot, lambda: str(table.get_row("Li")[2]) == "✓", what="the list read again")
        assert _status(app) == "PIN of Li reset: they sign in with the new one."
    assert clerks.authenticate(station, "Li", "4826").name == "Li"  # no lock-out left to wait


async def test_esc_in_the_pin_form_leaves_the_pin_as_it_was(app: StationApp, station: Station) -> None:
    clerks.add_clerk(station, "Li", "1357")
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_clerks(pilot, app, "Li")
        await quiet.press(pilot, "f10")
        await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="the PIN form")
        await quiet.press(pilot, *"4826", "enter", *"48", "escape")  # PINs typed: closed at once
        await quiet.until(pilot, lambda: isinstance(app.screen, ClerkAdminScreen), what="the form closed")
        assert _status(app) == "PIN not reset: nothing changed."
    assert clerks.authenticate(station, "Li", "1357").name == "Li"


async def test_f11_enter_pressed_on_changes_no_role_and_y_changes_it(
    app: StationApp, station: Station
) -> None:
    """The choice opens on the other role; Enter goes on to OK and sends it, and the question that
    comes has No under Enter: a hurried Enter, Enter, Enter leaves Li a clerk. Y makes Li a manager."""
    clerks.add_clerk(station, "Li", "1357")
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_clerks(pilot, app, "Li")
        await quiet.press(pilot, "f11")
        await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="the choice")
        await quiet.press(pilot, "enter", "enter")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert question.question == "Make Li a manager?"
        assert question.body.startswith("Li is a clerk now. As a manager they can manage clerks")
        await quiet.press(pilot, "enter")
        await quiet.until(pilot, lambda: isinstance(app.screen, ClerkAdminScreen), what="the question closed")
        assert _status(app) == "Role not changed: nothing changed."
        assert _role_of(station, "Li") == Role.CLERK
        await quiet.press(pilot, "f11")
        await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="the choice")
        await quiet.press(pilot, "enter", "enter")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await quiet.press(pilot, "y")
        table = app.screen.query_one("#clerk-list", DataTable)
        await quiet.until(pilot, lambda: str(table.get_row("Li")[1]) == "manager", what="the list read again")
        assert _status(app) == "Li is a manager now, from their next sign-in."
    assert _role_of(station, "Li") == Role.MANAGER


async def test_esc_at_the_choice_or_the_question_changes_no_role(app: StationApp, station: Station) -> None:
    clerks.add_clerk(station, "Li", "1357")
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_clerks(pilot, app, "Li")
        await quiet.press(pilot, "f11")
        await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="the choice")
        await quiet.press(pilot, "escape")
        await quiet.until(pilot, lambda: isinstance(app.screen, ClerkAdminScreen), what="the choice closed")
        assert _status(app) == "Role not changed: nothing changed."
        app.screen.query_one("#clerk-status", Static).update("")
        await quiet.press(pilot, "f11")
        await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="the choice")
        await quiet.press(pilot, "enter", "enter")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await quiet.press(pilot, "escape")
        await quiet.until(pilot, lambda: isinstance(app.screen, ClerkAdminScreen), what="the question closed")
        assert _status(app) == "Role not changed: nothing changed."
    assert _role_of(station, "Li") == Role.CLERK


async def test_the_last_manager_made_a_clerk_is_refused_on_the_screens_line(
    app: StationApp, station: Station
) -> None:
    """The manager signed in ("Manager") is the only one: the service refuses, said in the line."""
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_clerks(pilot, app, "Manager")
        await quiet.press(pilot, "f11", "enter", "enter")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        assert app.screen.question == "Make yourself (Manager) a clerk?"  # type: ignore[attr-defined]
        await quiet.press(pilot, "y")
        await quiet.until(pilot, lambda: "last manager" in _status(app), what="the refusal")
        assert _status(app) == "Manager is the last manager: make another clerk a manager first."
    assert _role_of(station, "Manager") == Role.MANAGER


async def test_a_manager_who_makes_themself_a_clerk_acts_as_a_clerk_at_once(
    app: StationApp, station: Station
) -> None:
    clerks.add_clerk(station, "Zhao", "5813", role=Role.MANAGER)
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_clerks(pilot, app, "Manager")
        await quiet.press(pilot, "f11", "enter", "enter")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await quiet.press(pilot, "y")
        await quiet.until(pilot, lambda: "clerk now" in _status(app), what="the answer")
        assert _status(app) == "You are a clerk now: another manager manages the clerks."
        assert station.clerk_role == Role.CLERK
        await quiet.press(pilot, "f11")  # a manager's key no more: refused, nothing opens
        assert isinstance(app.screen, ClerkAdminScreen)
        assert _status(app) == "Only a manager can manage clerks. Ask a manager to sign in."
    assert _role_of(station, "Manager") == Role.CLERK


@pytest.mark.parametrize("key", ["f10", "f11"])
async def test_a_clerks_f10_and_f11_open_nothing_and_say_why(
    app: StationApp, station: Station, key: str
) -> None:
    clerks.add_clerk(station, "Li", "1357")
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_clerks(pilot, app, "Li")
        clerks.act_as(station, clerks.get_clerk(station, "Li"))  # Li signed in instead (a clerk)
        await quiet.press(pilot, key)
        assert isinstance(app.screen, ClerkAdminScreen)
        assert _status(app) == "Only a manager can manage clerks. Ask a manager to sign in."
    assert clerks.authenticate(station, "Li", "1357").role == Role.CLERK
