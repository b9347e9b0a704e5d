"""Quick mode's follow-up (F9): a phone typed for a parcel checked in without one."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from db.models import Parcel
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import consent
from station_console.services.recipients.consent import Choice
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin_dialogs
from station_console.tui.screens.checkin_dialogs import LISTING, NO_PHONE, MissingPhones
from tui import quiet
from tui.quiet import TIMEOUT
from tui.recipients_driver import people


async def test_enter_again_while_a_phone_is_saved_sends_it_once(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter twice (a hurried clerk, a bounced key) while the phone's save is on its way: one save,
    so one message to the customer; the second Enter waits for the save and finds the emptied field,
    which it says, saving nothing for the next parcel."""
    first = check_in(station, "JT0000000000001", batch="JT").parcel_id
    check_in(station, "JT0000000000002", batch="JT")
    release, calls = threading.Event(), []
    set_phone_for = checkin_dialogs.set_phone_for

    def held(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        assert release.wait(TIMEOUT)
        return set_phone_for(*args, **kwargs)

    monkeypatch.setattr(checkin_dialogs, "set_phone_for", held)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = MissingPhones(station)
        await app.push_screen(dialog)
        await quiet.settle(pilot)
        table = dialog.query_one("#missing-table", DataTable)
        assert table.row_count == 2

        def message() -> str:
            return str(dialog.query_one("#missing-message").render())

        await quiet.press(pilot, *"13812345678")
        await pilot.press("enter")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the phone's save sent")
        await pilot.press("enter")
        release.set()
        await quiet.until(pilot, lambda: message() == NO_PHONE, what="the second Enter said")
        await quiet.settle(pilot)
        assert [(c[1], c[2]) for c in calls] == [(first, "13812345678")] and dialog.done == 1
        assert table.row_count == 1 and app.screen is dialog


async def test_enter_before_the_list_is_read_says_to_wait_and_keeps_the_dialog(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow database: the phone typed and Enter pressed before the list arrived neither closes the
    dialog (it took the empty table for "nothing left") nor loses the phone; once listed, Enter saves."""
    check_in(station, "JT0000000000001", batch="JT")
    release = threading.Event()
    missing_phone = checkin_dialogs.missing_phone

    def held(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(TIMEOUT)
        return missing_phone(*args, **kwargs)

    monkeypatch.setattr(checkin_dialogs, "missing_phone", held)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = MissingPhones(station)
        await app.push_screen(dialog)
        await quiet.press(pilot, *"13812345678", leave_running=["_load"])
        await quiet.press(pilot, "enter", leave_running=["_load"])
        assert app.screen is dialog
        assert str(dialog.query_one("#missing-message").render()) == LISTING
        release.set()
        table = dialog.query_one("#missing-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the list read")
        await quiet.press(pilot, "enter")
        await quiet.until(pilot, lambda: dialog.done == 1, what="the phone saved")


async def test_the_next_phone_typed_while_a_save_runs_lands_in_the_next_rows_field(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clerk types the next phone while the last one's save is on its way: it is not wiped as the
    save lands, and its Enter gives it to the next parcel, never to the one just saved."""
    first = check_in(station, "JT0000000000001", batch="JT").parcel_id
    second = check_in(station, "JT0000000000002", batch="JT").parcel_id
    release, calls = threading.Event(), []
    set_phone_for = checkin_dialogs.set_phone_for

    def held(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == 1:
            assert release.wait(TIMEOUT)
        return set_phone_for(*args, **kwargs)

    monkeypatch.setattr(checkin_dialogs, "set_phone_for", held)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = MissingPhones(station)
        await app.push_screen(dialog)
        await quiet.settle(pilot)
        table = dialog.query_one("#missing-table", DataTable)
        assert table.row_count == 2
        await quiet.press(pilot, *"13812345678")
        await pilot.press("enter")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the first phone's save sent")
        for key in "13900001111":
            await pilot.press(key)
        release.set()
        await quiet.until(pilot, lambda: dialog.done == 1, what="the first phone saved")
        await quiet.settle(pilot)
        assert dialog.query_one("#missing-phone", Input).value == "13900001111"
        await quiet.press(pilot, "enter")
        await quiet.until(pilot, lambda: dialog.done == 2, what="the second phone saved")
    assert [(c[1], c[2]) for c in calls] == [(first, "13812345678"), (second, "13900001111")]


async def test_a_phone_that_finds_a_person_who_refused_says_so(app: StationApp, station: Station) -> None:
    """A phone saved here that links its parcel to a directory person who refused to have parcels held
    says so, as the phone field after a scan does: saying only "saved" hides a parcel the station may
    not keep."""
    ids = people(station)
    consent.record(station, ids["李四"], Choice(consent="refused"), channel="phone")
    code = check_in(station, "JT0000000000001", batch="JT").pickup_code
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = MissingPhones(station)
        await app.push_screen(dialog)
        await quiet.settle(pilot)
        await quiet.press(pilot, *"13987654321", "enter")
        await quiet.until(pilot, lambda: dialog.done == 1, what="the phone saved")
        said = str(dialog.query_one("#missing-message").render())
    assert said == (
        f"Phone 139****4321 saved for {code}. The recipient refused to have parcels held at the station:"
        " request door delivery or return it."
    )


async def test_arrows_in_the_phone_field_pick_the_parcel_the_phone_goes_to(
    app: StationApp, station: Station
) -> None:
    """The list reads "pick one, type the phone": ↓ in the phone field (which has the focus) moved
    nothing, and the phone went to the first row, another customer's parcel. The arrows pick the row,
    the focus stays in the field, and the phone goes to the parcel picked, no other."""
    ids = [check_in(station, f"JT000000000000{n}", batch="JT").parcel_id for n in (1, 2, 3)]
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = MissingPhones(station)
        await app.push_screen(dialog)
        await quiet.settle(pilot)
        table = dialog.query_one("#missing-table", DataTable)
        listed = [int(str(key.value)) for key in table.rows]
        assert sorted(listed) == sorted(ids) and table.row_count == 3
        await quiet.press(pilot, "down", "down", "up", "down", "down", "down")  # past the end: the last row
        assert dialog.focused is dialog.query_one("#missing-phone", Input)
        await quiet.press(pilot, *"13812345678", "enter")
        await quiet.until(pilot, lambda: dialog.done == 1, what="the phone saved")

    def phone_of(parcel_id: int) -> str | None:
        return station.run(lambda session: session.get_one(Parcel, parcel_id).masked_phone)

    phones = {pid: phone_of(pid) for pid in ids}
    assert phones[listed[2]] == "138****5678"
    assert [phones[pid] for pid in listed[:2]] == [None, None]
