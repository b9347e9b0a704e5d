"""Door delivery's scans left with a storage fee unsettled (the fee question closed by the next clerk's
sign-in) wait for the clerk who scanned them. A clerk deactivated since never comes back for them: a
manager is told and can scan them again to settle them, whether the clerk was deactivated elsewhere or
on this console's Clerks screen."""

from __future__ import annotations

from typing import Any

import pytest
from station_helpers import configure
from textual.widgets import DataTable

from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import FeeRule
from station_console.tui.screens.clerk_admin import ClerkAdminScreen
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.door_run import FIRST, choose_run, open_delivery, two_runs
from tui.lock_driver import console, lock_and_sign_in, open_from_settings, sign_in, wang_and_li
from tui.recipients_driver import text_of
from tui.test_delivery_late_answers import scan

LEFT_BY_LI = f"Not scanned out, left by Li, who can no longer sign in: {FIRST} owes a storage fee."


async def _li_leaves_a_fee_to_wang(app: Any, pilot: Any, station: Station) -> Any:
    """Li scans a parcel owing a fee out to the runner; Wang (a manager) signs in over its question."""
    first, _second = two_runs(station, first_out=False)
    await quiet.settle(pilot)
    await lock_and_sign_in(pilot, app, "Li", "1357")
    await quiet.settle(pilot)
    await open_delivery(app, pilot)
    await choose_run(app, pilot, first)
    delivery = app.screen
    await scan(app, pilot, FIRST)
    await quiet.until(pilot, lambda: isinstance(app.screen, FeeDialog), what="the fee asked of Li")
    await lock_and_sign_in(pilot, app, "Wang", "9071")
    await quiet.settle(pilot)
    assert app.screen is delivery and "left by Li" not in text_of(app, "#dl-status")  # Li may come back
    return delivery


@pytest.mark.first_mode("shelves")
async def test_a_manager_is_told_the_unsettled_scans_of_a_clerk_deactivated_elsewhere(
    new_station: Station,
) -> None:
    station = wang_and_li(new_station)
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    app = console(station)
    async with app.run_test(size=(160, 50)) as pilot:
        delivery = await _li_leaves_a_fee_to_wang(app, pilot, station)
        clerks.set_active(station, "Li", False)  # as at another counter: this console is not told
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        await sign_in(pilot, "Wang", "9071")
        await quiet.until(pilot, lambda: app.clerk_name == "Wang", what="signed in")
        await quiet.until(pilot, lambda: LEFT_BY_LI in text_of(app, "#dl-status"), what="Li's scan named")
        assert app.screen is delivery
        await scan(app, pilot, FIRST)  # Wang settles it
        await quiet.until(pilot, lambda: isinstance(app.screen, FeeDialog), what="the fee asked of Wang")


@pytest.mark.first_mode("shelves")
async def test_deactivating_a_clerk_who_left_a_fee_unsettled_says_so_and_hands_it_to_the_manager(
    new_station: Station,
) -> None:
    station = wang_and_li(new_station)
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    app = console(station)
    async with app.run_test(size=(160, 50)) as pilot:
        delivery = await _li_leaves_a_fee_to_wang(app, pilot, station)
        admin = await open_from_settings(pilot, app, "f10", ClerkAdminScreen)
        table = admin.query_one("#clerk-list", DataTable)
        table.move_cursor(row=table.get_row_index("Li"))
        await quiet.press(pilot, "f7")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="asked first")
        await quiet.press(pilot, "y")
        await quiet.until(pilot, lambda: "can no longer sign in" in text_of(app, "#clerk-status"))
        assert text_of(app, "#clerk-status").startswith(f"Li can no longer sign in. {LEFT_BY_LI}")
        await quiet.press(pilot, "f4")  # back to Door delivery: said there too, once
        await quiet.until(pilot, lambda: app.screen is delivery, what="Door delivery")
        await quiet.until(pilot, lambda: LEFT_BY_LI in text_of(app, "#dl-status"), what="Li's scan named")
    assert not [c for c in clerks.list_clerks(station) if c.name == "Li" and c.active]
