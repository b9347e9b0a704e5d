"""Quitting while customer messages go out: the console ends after the message in hand, not after the
whole outbox, and the terminal says what it is finishing once the screen is gone."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

import pytest
from sqlmodel import select

from db.models import Notification, NotificationStatus
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.notify.channels import DummyChannel
from station_console.services.notify.templates import Message
from station_console.tui.app import StationApp
from station_console.tui.quitting import finishing_line, run_to_the_end
from tui import quiet

QUEUED = 12
SEND_S = 0.4  # each message after the first, as a slow gateway answers: the whole queue takes 4.4 s
# From Ctrl+Q to the console's end: well under the 20 s the message in hand may take (the queue left
# behind shows in the count of messages sent); 2 s failed when a loaded machine was slow to shut down.
BOUND_S = 10.0


class SlowGateway(DummyChannel):
    """The first message is held until the terminal says it is being finished; each after takes SEND_S."""

    timeout = 20.0  # what the console says it may wait, as SMTP's

    def __init__(self) -> None:
        super().__init__()
        self.in_hand = threading.Event()
        self.told = threading.Event()

    def send(self, message: Message) -> None:
        if not self.in_hand.is_set():
            self.in_hand.set()
            assert self.told.wait(quiet.TIMEOUT), "the terminal was never told"
        else:
            threading.Event().wait(SEND_S)
        super().send(message)


class Terminal(io.StringIO):
    """What the console prints after its screen is gone; the first line lets the held message go."""

    def __init__(self, told: threading.Event) -> None:
        super().__init__()
        self.told = told

    def write(self, text: str) -> int:
        written = super().write(text)
        self.told.set()
        return written


def test_quitting_while_messages_go_out_ends_after_the_one_in_hand_and_says_so(
    app: StationApp, station: Station, clock: Any
) -> None:
    for n in range(QUEUED):
        check_in(station, f"73{n:012d}", batch="ZTO", phone=f"138123456{n:02d}")
    clock.advance(seconds=121)  # past the grouping window: every message is due
    gateway = SlowGateway()
    terminal = Terminal(gateway.told)
    quit_at: list[float] = []

    async def clerk(pilot: Any) -> None:
        await quiet.until(pilot, lambda: getattr(app, "notify_worker", None) is not None, what="devices")
        app.notify_worker.channel = gateway
        app.kick_worker("notify_worker")
        await quiet.until(pilot, gateway.in_hand.is_set, what="a message in hand")
        quit_at.append(time.monotonic())
        await pilot.press("ctrl+q")

    run_to_the_end(app, out=terminal, headless=True, size=(120, 40), auto_pilot=clerk)
    took = time.monotonic() - quit_at[0]
    assert took < BOUND_S, f"the console took {took:.1f} s to end"
    assert terminal.getvalue() == (
        "Finishing before quitting: a customer message being sent "
        "(given up after 20 s without an answer)...\n"
    )
    with station.read() as session:
        statuses = [n.status for n in session.exec(select(Notification)).all()]
    # The message in hand went and was marked; the rest wait for the next console, none left sending.
    assert len(gateway.sent) == statuses.count(NotificationStatus.SENT) == 1
    assert statuses.count(NotificationStatus.QUEUED) == QUEUED - 1


def test_nothing_is_said_when_no_pass_is_running(app: StationApp) -> None:
    async def clerk(pilot: Any) -> None:
        await quiet.until(pilot, lambda: getattr(app, "notify_worker", None) is not None, what="devices")
        await quiet.settle(pilot)
        await pilot.press("ctrl+q")

    terminal = io.StringIO()
    run_to_the_end(app, out=terminal, headless=True, size=(120, 40), auto_pilot=clerk)
    assert terminal.getvalue() == "" and finishing_line(app, grace=0) is None


class HeldGateway(DummyChannel):
    """The first message is held until let go; the others go at once, each counted as it starts."""

    def __init__(self) -> None:
        super().__init__()
        self.in_hand, self.let_go = threading.Event(), threading.Event()
        self.started = 0

    def send(self, message: Message) -> None:
        self.started += 1
        if not self.in_hand.is_set():
            self.in_hand.set()
            assert self.let_go.wait(quiet.TIMEOUT), "the held message was never let go"
        super().send(message)


def test_a_pass_asks_for_no_other_item_once_ctrl_q_was_handled(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message in hand ends right after Ctrl+Q, before Textual has shut the console down (here the
    UI loop is held just after the quit, as a busy machine holds it): the pass asks whether to go on,
    hears no, and starts no other message; the console ends. It went on sending until the app was
    unmounted."""
    for n in range(3):
        check_in(station, f"73{n:012d}", batch="ZTO", phone=f"138123456{n:02d}")
    clock.advance(seconds=121)  # past the grouping window: every message is due
    gateway = HeldGateway()
    asked_after: list[bool] = []  # the pass's question before its next item, once the held one went
    answered = threading.Event()
    quit_app = StationApp.action_quit

    async def quit_then_let_go(self: StationApp) -> None:
        await quit_app(self)
        gateway.let_go.set()
        # The UI thread held between the quit and Textual's shutdown, until the pass has asked.
        assert answered.wait(quiet.TIMEOUT), "the pass never asked whether to send another"

    monkeypatch.setattr(StationApp, "action_quit", quit_then_let_go)

    async def clerk(pilot: Any) -> None:
        await quiet.until(pilot, lambda: getattr(app, "notify_worker", None) is not None, what="devices")
        worker = app.notify_worker
        should_continue = worker.should_continue

        def recorded() -> bool:
            going_on = should_continue()
            if gateway.let_go.is_set():
                asked_after.append(going_on)
                answered.set()
            return going_on

        worker.should_continue = recorded  # type: ignore[method-assign]
        worker.channel = gateway
        app.kick_worker("notify_worker")
        await quiet.until(pilot, gateway.in_hand.is_set, what="a message in hand")
        await pilot.press("ctrl+q")

    run_to_the_end(app, out=io.StringIO(), headless=True, size=(120, 40), auto_pilot=clerk)
    assert asked_after[:1] == [False] and gateway.started == 1
    with station.read() as session:
        statuses = [n.status for n in session.exec(select(Notification)).all()]
    assert statuses.count(NotificationStatus.SENT) == 1 and statuses.count(NotificationStatus.QUEUED) == 2
