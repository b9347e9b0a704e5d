"""Esc on a screen that leaves through `KeepsEdits.action_leave` (Printers, Clerks) and Ctrl+T right
after it: the Esc closes that screen, never the audit trail the Ctrl+T behind it opens. The keys are
taken in the order typed: the Ctrl+T waits for the Esc's leaving (`type_ahead.py`), so the trail opens
over Settings, where the clerk is by then."""

from __future__ import annotations

import pytest

from station_console.tui.app import StationApp
from station_console.tui.screens.clerk_activity import ClerkActivityScreen
from station_console.tui.screens.printers import PrintersScreen
from station_console.tui.screens.settings import SettingsScreen
from tui import quiet


@pytest.mark.first_mode("settings")
async def test_esc_then_ctrl_t_at_once_leaves_printers_then_opens_the_audit_trail(app: StationApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f8")
        printers = app.screen
        assert isinstance(printers, PrintersScreen)
        await quiet.burst(pilot, "escape", "ctrl+t")
        assert app._exception is None
        activity = app.screen
        assert isinstance(activity, ClerkActivityScreen) and activity.is_mounted
        assert printers not in app.screen_stack  # the Esc left Printers before the trail opened
        assert isinstance(app.screen_stack[-2], SettingsScreen)
        await quiet.press(pilot, "escape")
        assert isinstance(app.screen, SettingsScreen)
        await quiet.press(pilot, "ctrl+q")
    assert app.return_code == 0
