"""A lock handed to another clerk names what it closed once: a form and the question its Enter opened
(Send-out's refund, an import's preview) are one piece of the last clerk's work, both called by what
they are."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.sendout_dialogs import RefundDialog
from tui import quiet
from tui.lock_driver import console, idle_lock, sign_in, wang_and_li
from tui.sendout_driver import accept_send, sends
from tui.toasts_shown import shown


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


async def test_a_refund_and_its_question_closed_for_another_clerk_are_named_once(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f3")
        await quiet.until(pilot, lambda: isinstance(app.screen, SendoutScreen))
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        await accept_send(pilot, screen, "SF1234567890123")
        await quiet.press(pilot, "f7")
        await quiet.until(pilot, lambda: isinstance(app.screen, RefundDialog))
        await quiet.settle(pilot)
        assert isinstance(app.focused, Input)
        await quiet.press(pilot, *"customer left", "enter")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li"
        assert not isinstance(app.screen, (ConfirmDialog, RefundDialog))
        closing = [t for t in said if t.startswith("Closed")]
        assert closing == ["Closed a refund, left open by Wang."]
    assert [s.status for s in sends(station)] == ["accepted"]
