"""A key whose screen reads the service before it opens a question or picker, pressed again while a slow
read is still on its way (past the 2 s the keys typed behind it are held, so the second press reaches the
screen): it read again, and the second answer's question could not open over the first's; an undo said
"Nothing undone" and a stocktake "was not resumed" under the question still open. The second press reads
nothing: one read, one question, nothing said under it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from station_helpers import events, recall
from textual.widgets import Input, Static

from db.models import EventKind, Role
from station_console.services.core.station import Station
from station_console.services.delivery import runs, scan_back
from station_console.services.exceptions import returns, stocktake
from station_console.services.pickup import undo
from station_console.services.prealerts import batches
from station_console.services.sendout import payments
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys, checkin
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.checkin_dialogs import BatchPicker
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.returns import ReturnsScreen
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.sendout_dialogs import RefundDialog
from station_console.tui.screens.stocktake import StocktakeScreen
from tui import quiet
from tui.door_run import FIRST, SECOND, a_run_of_three, open_delivery
from tui.pickup_driver import one_parcel_served, statuses
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves


async def pressed_twice_while_read(
    pilot: Any, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, key: str
) -> Any:
    """`owner.name` held like a slow database, `key` pressed twice quickly, the read let go only once it
    outlasted the hold on the keys behind the first press; the workers the screen started, by group."""
    slow, asked, answer, _answered = quiet.held(getattr(owner, name))
    monkeypatch.setattr(owner, name, slow)
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)
    started = quiet.workers_started(monkeypatch, type(pilot.app.screen))
    at = time.monotonic() - 0.6
    for step in (0.0, 0.3):  # a person's pace, not a scanner's
        quiet.send_key(pilot.app, key, at=at + step)
    await quiet.until(pilot, asked.is_set, what=f"the read behind {key}")
    await quiet.hold_ran_out(pilot)  # the read outlasts the hold: the second press reached the screen
    answer.set()
    await quiet.settle(pilot)
    return started


@pytest.mark.first_mode("pickup")
async def test_ctrl_z_again_while_the_undo_is_read_asks_once_and_says_nothing_under_it(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with one_parcel_served(station, console, Role.MANAGER) as (clerk, screen, a):
        await clerk.key("f10")
        assert statuses(station) == {a.waybill: "picked_up"}
        started = await pressed_twice_while_read(clerk.pilot, monkeypatch, undo, "undo_preview", "ctrl+z")
        assert isinstance(console.screen, ConfirmDialog)
        assert started["call-undo_recent"] == 1, "the second Ctrl+Z read the undo again"
        said = str(screen.query_one("#pk-message", Static).render())  # Pickup's line, under the question
        assert "Nothing undone" not in said, "said under the question still open"
        await quiet.press(clerk.pilot, "y")
        assert console.screen is screen
    assert statuses(station) == {a.waybill: "on_shelf"}


@pytest.mark.first_mode("shelves")
async def test_enter_again_on_the_shelf_while_it_is_begun_asks_once_and_says_nothing_under_it(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-2")
    paused = stocktake.start(station, "1-1")
    stocktake.pause(station, paused.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8")
        screen = app.screen
        assert isinstance(screen, StocktakeScreen)
        screen.query_one("#st-scope", Input).value = "1-2"
        started = await pressed_twice_while_read(pilot, monkeypatch, stocktake, "begin", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert started["call-start"] == 1, "the second Enter began the stocktake again"
        assert "not resumed" not in str(screen.query_one("#st-last").render()), "said under the question"
        await quiet.press(pilot, "y")
        assert app.screen is screen and screen.take is not None and screen.take.id == paused.id


@pytest.mark.first_mode("sendout")
async def test_f7_again_while_the_refundable_send_is_read_reads_once(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SendoutScreen)
        started = await pressed_twice_while_read(pilot, monkeypatch, payments, "newest_refundable", "f7")
        assert isinstance(app.screen, RefundDialog)
        assert started["call-refund_offer"] == 1, "the second F7 read again"


@pytest.mark.parametrize(
    ("owner", "name", "key", "dialog", "group"),
    [
        pytest.param(checkin, "carrier_choices", "f7", BatchPicker, "call-batch_choices", id="f7-carriers"),
        pytest.param(batches, "open_here", "f10", CourierDialog, "call-courier_choices", id="f10-batches"),
    ],
)
async def test_check_in_key_again_while_its_choices_are_read_reads_once(
    app: StationApp,
    monkeypatch: pytest.MonkeyPatch,
    owner: Any,
    name: str,
    key: str,
    dialog: type,
    group: str,
) -> None:
    """Check-in's F7 reads the carriers before its batch picker, F10 the open batches before the courier's
    dialog."""
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, checkin.CheckinScreen)
        started = await pressed_twice_while_read(pilot, monkeypatch, owner, name, key)
        assert isinstance(app.screen, dialog)
        assert started[group] == 1, f"the second {key.upper()} read again"


@pytest.mark.first_mode("shelves")
async def test_the_carriers_enter_again_while_its_batch_opens_opens_one_batch(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both Enters found no batch open for the carrier, and each opened one: two batches, two events."""
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9", *"JT")
        assert isinstance(app.screen, ReturnsScreen)
        started = await pressed_twice_while_read(pilot, monkeypatch, returns, "open_batch", "enter")
        assert started["call-opened"] == 1, "the second Enter opened the batch again"
    assert [b.carrier for b in returns.list_batches(station)] == ["JT"]
    assert len(events(station, EventKind.RETURN_BATCH_OPENED)) == 1


async def scanned_back(app: StationApp, pilot: Any, waybill: str) -> None:
    field = app.screen.query_one("#dl-scan", Input)
    field.value = waybill
    field.focus()
    quiet.send_key(app, "enter")
    await quiet.until(pilot, lambda: app.screen.back == waybill, what=f"{waybill} back")  # type: ignore[attr-defined]


@pytest.mark.first_mode("shelves")
async def test_ctrl_o_again_while_the_recall_is_read_opens_its_form(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pressed again, Ctrl+O read again and the second form silently did not open over the first."""
    a_run_of_three(station)  # FIRST is out with the runner
    recall(station, FIRST)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        await scanned_back(app, pilot, FIRST)
        await quiet.settle(pilot)
        started = await pressed_twice_while_read(pilot, monkeypatch, scan_back, "recalled_back", "ctrl+o")
        assert started["call-override_asked"] == 1, "the second Ctrl+O read again"
        assert isinstance(app.screen, FormDialog)


@pytest.mark.first_mode("shelves")
async def test_ctrl_o_for_the_next_parcel_back_while_the_last_ones_recall_is_read_reads_for_it(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read is the first parcel's: a key for the parcel scanned back since must not wait on it, whose
    answer is dropped as the next parcel's is on screen."""
    run = a_run_of_three(station)
    runs.scan_out(station, run.id, SECOND)
    recall(station, FIRST, SECOND)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        slow, asked, answer, _answered = quiet.held(scan_back.recalled_back)
        monkeypatch.setattr(scan_back, "recalled_back", slow)
        monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)
        started = quiet.workers_started(monkeypatch, type(app.screen))
        await scanned_back(app, pilot, FIRST)
        quiet.send_key(app, "ctrl+o")
        await quiet.until(pilot, asked.is_set, what="the read behind Ctrl+O")
        await quiet.hold_ran_out(pilot)  # past the keys' hold: the scan reaches the screen
        await scanned_back(app, pilot, SECOND)
        quiet.send_key(app, "ctrl+o")
        await quiet.until(pilot, lambda: started["call-override_asked"] == 2, what="Ctrl+O for SECOND read")
        answer.set()
        await quiet.settle(pilot)
        assert isinstance(app.screen, FormDialog)
