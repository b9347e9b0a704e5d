"""Esc while a scan is on its way, where more than one can be: the answer is read before the screen goes.

Door delivery sends a scan-out per scan, several on their way at once: the first answer cleared the
screen's "on its way" while the others still wrote, and Esc then left with their answers unread (a
refusal among them). Send-out's courier handover and Returns guarded only their close: a scan answering
after Esc was said to nobody (the list shows a parcel added on coming back, but never a refusal). And a
key typed right behind a question's Y (an Esc) reached the screen before the Yes had sent its write, and
left. Each now stays, saying the answer comes first, until it is said; Esc then goes back.

Every write is held at its service's seam until the test lets it go (`Held`), so it is slower than the
held keys' fail-safe however loaded the machine is."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from station_console.services.core.station import Station
from station_console.services.delivery import runs
from station_console.services.exceptions import return_batch_parcels, returns
from station_console.services.recipients import directory
from station_console.services.sendout import handover
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys
from station_console.tui.screens.base import on_a_stack
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.returns import ReturnsScreen
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.door_run import FIRST, THIRD, open_delivery, two_runs
from tui.recipients_driver import open_recipients, people, text_of, until
from tui.sendout_driver import at_sf_handover
from tui.sendout_driver import text_of as said_on
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves
from tui.test_returns_recall_key import open_jt_returns
from tui.test_slow_write_then_esc import WAITS, Held, esc_waits_for_the_answer


@pytest.fixture(autouse=True)
def short_fail_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fail-safe as short as can be: an Esc held behind a scan goes while the scan is held."""
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)


class HeldEach:
    """`owner.name`, each call held by what it was asked for (its `raw` argument) until the test lets
    that one go on: which of two scans answers first is the test's to say."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, *raws: str) -> None:
        self.asked = {raw: threading.Event() for raw in raws}
        self.released = {raw: threading.Event() for raw in raws}
        real = getattr(owner, name)

        def slow(station: Any, run_id: int, raw: str, **kwargs: Any) -> Any:
            self.asked[raw].set()
            if not self.released[raw].wait(quiet.TIMEOUT):
                raise TimeoutError("the test never let the scan go on")
            return real(station, run_id, raw, **kwargs)

        monkeypatch.setattr(owner, name, slow)

    def release_all(self) -> None:
        for event in self.released.values():
            event.set()


@pytest.mark.first_mode("shelves")
async def test_esc_after_the_first_of_two_scan_outs_answered_stays_for_the_second(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_runs(station, first_out=False)
    held = HeldEach(monkeypatch, runs, "scan_out", THIRD, FIRST)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        screen: Any = app.screen

        def said() -> str:
            return text_of(app, "#dl-status")

        try:
            screen.take_scan(THIRD)  # two scanner bursts, the second before the first is answered
            screen.take_scan(FIRST)  # not on the run shown: refused, when it answers
            await until(pilot, lambda: all(asked.is_set() for asked in held.asked.values()))
            held.released[THIRD].set()
            await until(pilot, lambda: "out with the runner" in said())
            quiet.send_key(app, "escape")  # the refusal of the second scan still on its way
            await until(pilot, lambda: app.screen is not screen or WAITS in said())
            assert app.screen is screen, "the Esc left while the second scan-out was on its way"
        finally:
            held.release_all()
        await until(pilot, lambda: FIRST in said())
        await quiet.settle(pilot)
        assert app.screen is screen  # the refusal is read before the clerk goes back
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert app.screen is not screen


@pytest.mark.first_mode("sendout")
async def test_esc_during_a_slow_handover_scan_stays_until_its_refusal_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Held(monkeypatch, handover, "scan")
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF9999999999999"))  # not a send of this station
        await esc_waits_for_the_answer(
            app,
            pilot,
            held,
            lambda: said_on(courier, "#ho-message"),
            lambda: "Wrong parcel" in said_on(courier, "#ho-message"),
        )
        assert isinstance(app.screen, SendoutScreen)


@pytest.mark.first_mode("shelves")
async def test_esc_during_a_slow_returns_scan_stays_until_its_refusal_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, wb(1), "1-1")  # on its shelf, not due: the scan is refused
    held = Held(monkeypatch, return_batch_parcels, "add")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReturnsScreen)

        def said() -> str:
            return str(screen.query_one("#ret-status").render())

        screen.take_scan(wb(1))
        await esc_waits_for_the_answer(app, pilot, held, said, lambda: "not due for return" in said())


@pytest.mark.first_mode("shelves")
async def test_esc_while_the_carriers_enter_opens_a_returns_batch_stays_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The carrier's Enter opens a batch (a write): Esc while it is on its way left with the batch
    opened and nothing said; it stays until "Opened a new return batch" is said, then goes back."""
    held = Held(monkeypatch, returns, "open_batch")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9", *"JT")
        screen = app.screen
        assert isinstance(screen, ReturnsScreen)

        def said() -> str:
            return str(screen.query_one("#ret-status").render())

        quiet.send_key(app, "enter")
        await esc_waits_for_the_answer(app, pilot, held, said, lambda: "Opened a new return batch" in said())
    assert [b.carrier for b in returns.list_batches(station, status="open")] == ["JT"]


@pytest.mark.first_mode("settings")
async def test_esc_right_behind_a_questions_yes_finds_its_write_on_its_way(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Y and Esc in one go: the Yes sends the deactivation as the question closes, so the Esc finds
    it on its way and the screen stays for its answer. Sent a message later (Textual's answer callback),
    an Esc let go behind the Y could be handled first, and left; whether it was depended on the queues,
    so what is checked is that the write is on its way as the question closes, before any key after."""
    people(station)
    held = Held(monkeypatch, directory, "set_active")
    on_its_way: list[bool] = []
    real_dismiss = ConfirmDialog.dismiss

    def dismiss(dialog: ConfirmDialog, result: bool | None = None) -> Any:
        done = real_dismiss(dialog, result)
        if not on_a_stack(dialog):  # closed: what the Yes sent is on its way now, or not
            on_its_way.append(screen.calling("changed"))
        return done

    monkeypatch.setattr(ConfirmDialog, "dismiss", dismiss)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        screen: Any = app.screen
        await quiet.asked(pilot, "f12")
        assert isinstance(app.screen, ConfirmDialog)
        quiet.send_key(app, "y")
        quiet.send_key(app, "escape")  # right behind the Y, before the question's answer was handled
        try:
            await until(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
            await until(pilot, lambda: app.screen is not screen or WAITS in text_of(app, "#rc-status"))
            assert app.screen is screen, "the Esc behind the Y left before the write was sent"
        finally:
            held.released.set()
        assert on_its_way == [True], "the Yes sent its write only a message after the question closed"
        await until(pilot, lambda: text_of(app, "#rc-status").startswith("Saved: "))
        await quiet.settle(pilot)
        assert app.screen is screen
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert app.screen is not screen
