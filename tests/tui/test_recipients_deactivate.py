"""Pilot tests of deactivating a person in Settings > Recipients (F12): it asks first, naming them and
counting their parcels on the shelves, asks once, and sends a deactivate once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input

from db.models import Recipient
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.tui.app import StationApp
from station_console.tui.screens.calls import STILL_WRITING
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from tui import quiet
from tui.recipients_driver import open_recipients, people, text_of, until


@pytest.mark.first_mode("settings")
async def test_deactivate_pressed_again_while_it_is_on_its_way_sends_it_once_and_says_to_wait(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F12 (deactivate) twice on a busy database: a second deactivate was sent, and as the first had
    written, it brought the person back. The second is not sent; the status line says to wait, then
    the first's answer."""
    people(station)
    release, calls = threading.Event(), []
    set_active = directory.set_active

    def held(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        assert release.wait(quiet.TIMEOUT)
        return set_active(*args, **kwargs)

    monkeypatch.setattr(directory, "set_active", held)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: len(calls) == 1)
        await pilot.press("f12")
        assert text_of(app, "#rc-status") == STILL_WRITING
        release.set()
        await until(pilot, lambda: text_of(app, "#rc-status").startswith("Saved: "))
        await quiet.settle(pilot)
        assert len(calls) == 1 and calls[0][2] is False
        with station.read() as session:
            assert [r.active for r in session.exec(select(Recipient))].count(False) == 1


@pytest.mark.first_mode("settings")
async def test_f12_again_while_the_parcels_on_the_shelf_are_read_asks_once(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F12 reads the person's parcels on the shelves before it asks; on a slow database a second F12,
    past the keys' hold, read them again and a second question opened over the first. It asks once."""
    from station_console.tui.screens import calls_held_keys

    people(station)
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)  # the second F12 is not held behind
    asked, release, reads = threading.Event(), threading.Event(), []
    real = directory.parcels_on_shelf

    def held(*args: Any, **kwargs: Any) -> Any:
        reads.append(args)
        asked.set()
        assert release.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)

    monkeypatch.setattr(directory, "parcels_on_shelf", held)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        screen = app.screen
        quiet.send_key(app, "f12")
        await until(pilot, asked.is_set)
        await quiet.hold_ran_out(pilot)  # the keys' hold has run out: the read is still on its way
        await quiet.press(pilot, "f12", leave_running=("run",))
        release.set()
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await quiet.settle(pilot)
        assert len(reads) == 1
        assert [type(s) for s in app.screen_stack].count(ConfirmDialog) == 1
        await quiet.press(pilot, "n")
        assert app.screen is screen
    with station.read() as session:
        assert all(r.active for r in session.exec(select(Recipient)))


@pytest.mark.first_mode("settings")
async def test_f12_pressed_twice_from_settings_asks_before_deactivating_anyone(
    app: StationApp, station: Station
) -> None:
    """Settings' F12 opens the directory and the directory's F12 deactivates: a hurried double press
    deactivated the first person listed, unseen (and a deactivated person is purged later). It asks
    first, naming them; No changes nothing, Yes deactivates them; bringing them back asks nothing."""
    ids = people(station)

    def active() -> dict[int, bool]:
        with station.read() as session:
            return {r.id or 0: r.active for r in session.exec(select(Recipient))}

    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f12", "f12")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        asked = app.screen
        assert isinstance(asked, ConfirmDialog) and asked.question.startswith("Deactivate ")
        name = asked.question.removeprefix("Deactivate ").removesuffix("?")
        assert name in ids
        await quiet.press(pilot, "n")
        assert type(app.screen).__name__ == "RecipientsScreen"
        assert all(active().values())
        await quiet.press(pilot, "f12", "y")
        await until(pilot, lambda: text_of(app, "#rc-status") == f"Saved: {name}")
        assert [i for i, on in active().items() if not on] == [ids[name]]
        await quiet.press(pilot, "f12")  # the same person, now inactive: back at once
        await until(pilot, lambda: all(active().values()))
        assert type(app.screen).__name__ == "RecipientsScreen"


@pytest.mark.first_mode("settings")
async def test_the_deactivate_question_says_how_many_of_their_parcels_are_on_the_shelves(
    app: StationApp, station: Station
) -> None:
    """The question said nothing of the person's parcels waiting on the shelves: it counts them (they
    stay linked and on their shelves), and says when there are none."""
    ids = people(station)
    check_in(station, "SF1234567890123", recipient_id=ids["张三"])
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    check_in(station, "73123456789012", recipient_id=ids["李四"])
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        for initials, said in (
            ("zs", "2 parcels of theirs are on the shelves: they stay linked to them and on their shelves."),
            ("ls", "1 parcel of theirs is on the shelves: it stays linked to them and on its shelf."),
            ("b1-101", "No parcel of theirs is on the shelves."),
        ):
            app.screen.query_one("#rc-search", Input).value = initials
            await until(pilot, lambda: app.screen.query_one("#rc-table", DataTable).row_count == 1)
            await quiet.settle(pilot)
            await quiet.press(pilot, "f12")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            asked = app.screen
            assert isinstance(asked, ConfirmDialog) and asked.body.startswith(said + "\n\n")
            await quiet.press(pilot, "n")
    with station.read() as session:
        assert all(r.active for r in session.exec(select(Recipient)))
