"""Toasts that come while the console is locked: nothing of a customer's over the sign-in; a printer
problem waits for the clerk who signs in, unless it is over by then; the answer to a call the last
clerk sent waits for that clerk alone."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from textual import events
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.exceptions import overdue
from station_console.tui.screens.overdue import OverdueScreen
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.widgets.wedge import WedgeInput
from tui import quiet
from tui.lock_driver import console, idle_lock, sign_in, toasts, wang_and_li
from tui.shelf_data import place, wb

# A paste is said as not put in, as a form says it (the field the paste went to names no label).
PIN_PASTE_REFUSED = (
    "This field takes at most 12 characters: the paste (5000 characters) was not put in. "
    "Shorten it and paste again, or type it."
)


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


async def test_a_partial_scan_decided_under_the_lock_is_no_toast_on_the_locked_console(
    station: Station,
) -> None:
    """Keys at a scanner's pace, Ctrl+L right behind them: the router decides they were a partial scan
    only once the sign-in is up, and its toast quoted them (a customer's code) to whoever came by."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f3")
        assert isinstance(app.screen, SendoutScreen)  # no panel of its own for a partial scan: a toast
        router = app.screen.query(WedgeInput).first().router
        assert router is not None
        for key in [*"SF1234", "ctrl+l"]:
            quiet.send_key(app, key)
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await quiet.settle(pilot)
        assert station.clerk_id is None
        assert router.refused == 1  # decided as a partial scan, once the lock was up
        assert toasts(app) == []


async def test_a_printer_problem_under_the_lock_waits_for_the_clerk_who_signs_in(station: Station) -> None:
    """The printer fails while the console is locked: its toast named the label's waybill and code over
    the sign-in, to whoever came to the counter. It waits for the next clerk, who must hear of it."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await idle_lock(pilot, app)
        app.print_worker._told("75836893774689k2-1-1009n: usb:first printer")
        await quiet.settle(pilot)
        assert toasts(app) == []  # nothing over the sign-in
        await sign_in(pilot, "Li", "1357")
        await quiet.settle(pilot)
        assert app.clerk_name == "Li"
        problem = (
            "Printer problem: 75836893774689k2-1-1009n: usb:first printer. Print jobs wait in the queue."
        )
        assert problem in toasts(app)


async def test_a_printer_problem_over_before_the_sign_in_is_not_told(station: Station) -> None:
    """Taken back while still locked (the printer is ready again): the clerk who signs in is not told of
    a problem that is gone, as a toast up then would have gone too."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        app.print_worker._told("usb:first printer: offline")
        app.print_worker._told(None)
        await sign_in(pilot, "Wang", "9071")
        await quiet.settle(pilot)
        assert app.clerk_name == "Wang"
        assert not any("Printer problem" in t for t in toasts(app))


async def test_the_sign_in_fields_refusals_are_said_over_the_sign_in_not_held_for_after_it(
    station: Station,
) -> None:
    """A letter typed into the PIN, a paste past its limit: the field's word about it was held for the
    clerk who signs in, so the sign-in said nothing and check-in then showed 'This field takes digits
    only.' about none of its own fields. It names no customer: it is said at once, and goes with the
    sign-in (a field's toast goes once another screen is on top)."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await quiet.settle(pilot)
        await quiet.press(pilot, *"Wang", "enter", "x")
        app.screen.query_one("#signin-pin", Input).post_message(events.Paste("1" * 5000))
        await quiet.settle(pilot)
        assert toasts(app) == ["This field takes digits only.", PIN_PASTE_REFUSED]
        await quiet.press(pilot, *"9071", "enter")
        await quiet.settle(pilot)
        assert app.clerk_name == "Wang"
        assert toasts(app) == []  # about the sign-in's fields: gone with it, not over check-in


async def test_a_refusal_of_a_key_taken_by_a_form_under_the_lock_is_not_said_over_the_sign_in(
    station: Station,
) -> None:
    """A space typed into the Change PIN form's PIN, Ctrl+L right behind it: the field took the space
    once the sign-in was up, and 'This field takes digits only.' spoke over the sign-in, to whoever came
    by, of a field they could not see."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await sign_in(pilot, "Wang", "9071")
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+p")
        await quiet.settle(pilot)
        pin = app.focused
        assert isinstance(pin, Input) and pin.id == "form-old"
        pin.post_message(events.Key("space", " "))  # in the field's queue as the lock comes
        await app.run_action("lock")
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert toasts(app) == []
        await quiet.press(pilot, "5")  # the sign-in's own refusals are still said
        await quiet.settle(pilot)
        assert toasts(app) == []
        await quiet.press(pilot, "tab", "x")
        # Said once the keys pause: a scan's keys are taken back, its refusals with them.
        await quiet.until(pilot, lambda: toasts(app) == ["This field takes digits only."])


@pytest.mark.parametrize(("who", "pin", "theirs"), [("Li", "1357", False), ("Wang", "9071", True)])
async def test_an_answer_under_the_lock_waits_for_its_clerk_a_printer_problem_for_anyone(
    station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch, who: str, pin: str, theirs: bool
) -> None:
    """Wang's F7 (remind) answers under the lock: its toast is Wang's, about parcels Wang chose, so Li
    signing in is not told it (Wang's lines went at the hand-over too), Wang back is. The printer
    going away meanwhile is the station's: whoever signs in must hear of it."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    release = threading.Event()
    real = overdue.resend

    def held(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(quiet.TIMEOUT)  # answers once the console is locked
        return real(*args, **kwargs)

    app = console(station)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4", "f10")
        await quiet.until(pilot, lambda: isinstance(app.screen, OverdueScreen), what="Overdue")
        screen = app.screen
        assert isinstance(screen, OverdueScreen)
        await quiet.until(pilot, lambda: len(screen.rows) == 1, what="the overdue parcel")
        monkeypatch.setattr(overdue, "resend", held)
        await quiet.press(pilot, "f7", leave_running=["run"])
        assert screen.calling("remind")
        await quiet.press(pilot, "ctrl+l", leave_running=["run"])
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
        release.set()
        await quiet.until(pilot, lambda: not screen.calling("remind"), what="the answer")
        app.print_worker._told("usb:first printer: offline")
        await quiet.settle(pilot)
        assert toasts(app) == []  # nothing over the sign-in
        await sign_in(pilot, who, pin)
        await quiet.settle(pilot)
        assert app.clerk_name == who
        said = toasts(app)
        assert any("Printer problem: usb:first printer: offline" in t for t in said), said
        assert any(t.startswith("Reminders queued: 1") for t in said) is theirs, said
