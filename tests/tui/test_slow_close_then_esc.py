"""A courier's close slower than the held keys' fail-safe (a database locked by another counter, a slow
disk), with Esc right behind its key: the fail-safe lets the Esc go while the close is still on its way.
It left the screen, the close's worker went with it, and what was handed over (or went back) was said to
nobody, the close written all the same. The Esc now says the close is still on its way and the screen
stays until the answer is said; Esc then goes back.

The close is held at its service's seam until the Esc has been handled, so it is slower than the
fail-safe however loaded the machine is."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.services.sendout import handover
from station_console.tui import error_toasts
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.returns import ReturnsScreen
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.sendout_handover import HandoverScreen
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import at_sf_handover, text_of, until
from tui.shelf_data import wb
from tui.shelves_driver import settle
from tui.test_returns_after_close import status, two_recalled
from tui.test_returns_recall_key import open_jt_returns
from tui.toasts_shown import shown

STILL_CLOSING = "still on its way"  # the one message every screen says


@pytest.fixture(autouse=True)
def short_fail_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fail-safe as short as can be: the close is held until the Esc it let go was handled."""
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)


def held_until(released: threading.Event, real: Callable[..., Any]) -> Callable[..., Any]:
    """`real`, run once `released` is set: a close slower than the keys' hold."""

    def slow(*args: Any, **kwargs: Any) -> Any:
        if not released.wait(quiet.TIMEOUT):
            raise TimeoutError("the test never let the close go on")
        return real(*args, **kwargs)

    return slow


@pytest.mark.first_mode("sendout")
async def test_esc_let_go_during_a_slow_handover_close_stays_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    released = threading.Event()
    monkeypatch.setattr(handover, "close_batch", held_until(released, handover.close_batch))
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: courier.view is not None and bool(courier.view.scanned))
        await quiet.settle(pilot)
        courier.query_one("#ho-courier", Input).value = "Wang"
        await quiet.asked(pilot, "f10")  # the courier's close asks first
        quiet.send_key(app, "y")
        quiet.send_key(app, "escape")  # held behind the close, then let go by the fail-safe
        await until(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        try:
            await until(
                pilot,
                lambda: app.screen is not courier or STILL_CLOSING in text_of(courier, "#ho-message"),
            )
            assert app.screen is courier, "the Esc left while the close was on its way"
        finally:
            released.set()
        await until(pilot, lambda: "Handed over 1 parcel" in text_of(courier, "#ho-message"))
        await quiet.settle(pilot)
        assert app.screen is courier  # the line is read before the clerk goes back
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert isinstance(app.screen, SendoutScreen)


@pytest.mark.first_mode("shelves")
async def test_esc_let_go_during_a_slow_return_batch_close_stays_until_it_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_recalled(station)
    released = threading.Event()
    monkeypatch.setattr(returns, "close", held_until(released, returns.close))
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        await quiet.burst(pilot, *wb(1), "enter")
        await settle(pilot)
        returns_screen = app.screen
        assert isinstance(returns_screen, ReturnsScreen)
        signer = returns_screen.query_one("#ret-signer", Input)
        signer.value = "Wang"
        signer.focus()
        await quiet.asked(pilot, "f8")  # the courier's close asks first
        toasts = shown(app)  # kept: on a loaded machine a toast's 5 s may pass before the test looks
        quiet.send_key(app, "y")
        quiet.send_key(app, "escape")  # held behind the close, then let go by the fail-safe
        await until(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        try:
            await until(pilot, lambda: app.screen is not returns_screen or STILL_CLOSING in status(app))
            assert app.screen is returns_screen, "the Esc left while the close was on its way"
        finally:
            released.set()

        def told() -> bool:
            return any("1 parcel returned to" in toast for toast in toasts)

        await until(pilot, told)
        await settle(pilot)
        assert app.screen is returns_screen
        await quiet.press(pilot, "escape")
        await settle(pilot)
        assert app.screen is not returns_screen


@pytest.mark.first_mode("sendout")
async def test_esc_held_behind_a_fast_handover_close_leaves_its_answer_in_a_toast(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A close answered well within the fail-safe, Esc typed right behind its Yes: the Esc waits for the
    Yes to send the close, then for the close's answer, and leaves as its line is written; what was
    handed over, said in a toast too, is still there once the screen has gone.

    The question's button takes the Y through its scanner router, which gives a lone letter back only
    after a scanner's gap, while the hold behind the Y ended once its queues were followed: the Esc went
    on meanwhile. Given back right behind the Y, it reached the screen unheld, which stayed (the close
    still on its way) or left after the answer with no toast; given to the button just ahead of the Y
    given back (a loaded machine), it answered No."""
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", quiet.TIMEOUT)  # the Esc waits for the answer
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: courier.view is not None and bool(courier.view.scanned))
        await quiet.settle(pilot)
        courier.query_one("#ho-courier", Input).value = "Wang"
        await quiet.asked(pilot, "f10")  # the close asks first
        toasts = shown(app)  # kept: on a loaded machine a toast's 5 s may pass before the test looks
        quiet.send_key(app, "y")
        quiet.send_key(app, "escape")  # right behind the Yes: held until the close has answered
        await quiet.settle(pilot)
        if app.screen is courier:
            raise AssertionError(
                f"the handover stayed: {text_of(courier, '#ho-message')!r}; toasts {list(toasts)}"
            )
        assert isinstance(app.screen, SendoutScreen)
        assert any("Handed over 1 parcel" in toast for toast in toasts), list(toasts)
        assert not any("Handed over" in text for text in toasts.taken_down)  # not with the screen


@pytest.mark.first_mode("sendout")
async def test_what_the_courier_did_not_collect_stays_in_its_toast_until_read(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An Esc held behind the close's Yes leaves the screen as the answer is written, which is also said
    in a toast: what was NOT collected went with it after 5 s, like a passing "done", while the send
    stayed at the counter unread of. It stays until the clerk acts after reading it. (Keys waiting
    behind the close are set here: whether the Esc is held or taken with the question is the machine's.)"""
    from security.helpers import accept_send as accepted

    monkeypatch.setattr(HandoverScreen, "keys_wait", lambda self: True)
    accepted(station, "SF1234567890125")
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "OK (1 of 2)" in text_of(courier, "#ho-message"))
        courier.query_one("#ho-courier", Input).value = "Wang"
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "NOT collected" in text_of(courier, "#ho-message"))
        await quiet.settle(pilot)
        said = [t for t in app._notifications if "NOT collected: SF1234567890125" in str(t.message)]
        assert [(t.severity, t.timeout) for t in said] == [("warning", error_toasts.UNTIL_READ)], said
