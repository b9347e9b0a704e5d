"""Pickup's undo across a lock: the counter's last pickup stays for the manager who signs in next (they
put right the clerk's mistake after the clerk locked), and the question says plainly it is another
clerk's handover; one's own is asked as before."""

from __future__ import annotations

from station_console.services.checkin.transaction import CheckinResult
from station_console.services.core.station import Station
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from tui.lock_driver import console, idle_lock, sign_in, wang_and_li
from tui.pickup_driver import ANN, SOLO, Clerk_, receive, statuses
from tui.quiet import settle, until

NOT_YOURS = "Not your handover: handed over by Li."


async def handed_over(clerk: Clerk_, station: Station, parcel: CheckinResult) -> None:
    await clerk.serve(parcel)
    await clerk.key("f10")
    await until(clerk.pilot, lambda: statuses(station)[parcel.waybill] == "picked_up")


async def test_the_manager_undoing_a_clerks_last_pickup_is_told_whose_it_was(new_station: Station) -> None:
    station = wang_and_li(new_station)
    mine, theirs = receive(station, 1, ANN), receive(station, 2, SOLO)  # two customers
    app = console(station)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await settle(pilot)
        clerk = Clerk_(app, pilot)
        await clerk.open()
        await handed_over(clerk, station, theirs)
        await idle_lock(pilot, app)
        await sign_in(pilot, "Wang", "9071")
        await settle(pilot)
        assert app.clerk_name == "Wang"
        await clerk.key("ctrl+z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.body.startswith(NOT_YOURS), dialog.body
        assert dialog.table is not None and [row[2] for row in dialog.table[1]] == ["Li"]
        await clerk.key("y")
        await until(pilot, lambda: set(statuses(station).values()) == {"on_shelf"})
        await handed_over(clerk, station, mine)  # Wang's own: asked as ever
        await clerk.key("ctrl+z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Not your handover" not in dialog.body
        assert dialog.table is not None and [row[2] for row in dialog.table[1]] == ["Wang"]
