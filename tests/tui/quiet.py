"""Waiting in Pilot tests for the console to be quiet, never for a fixed time.

`settle(pilot)` returns as soon as every message queued for the app and its screen was handled, no
worker is pending or running, no screen holds keys for its wedge router to decide on and the screen has
no layout waiting for Textual's update timer (a screenshot would show the old one); it checks
twice in a row, since handling a worker's answer may start more work. `press(pilot, *keys)` is a person
at the keyboard: one key, then until quiet, then the next (the router tells a person from a scanner by
the time between keys, so the keys are not sent back to back); `burst(pilot, *keys)` is a scanner: every
key back to back, then until quiet. `until(pilot, predicate)` polls with a short step for what a test
waits for that is not the console being quiet (a timer's work, a thread, a device).

Textual's own `pilot.press` and `pilot.pause()` wait for the whole process to look idle, 20 ms at least
per key and up to a second on a busy machine; a fixed pause is either too short under load or too long
on a quiet machine.
"""

from __future__ import annotations

import asyncio
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection
from typing import Any

from textual import events
from textual.geometry import Size
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.worker import WorkerState

from station_console.tui.widgets.wedge import WedgeInput

STEP = 0.005  # between two looks while a worker runs or a key is held
TIMEOUT = 30.0  # generous: a loaded machine is slow, and a hang fails with what was still busy

_BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


def _busy_workers(app: Any, held: Collection[str] = ()) -> list[str]:
    return [
        worker.name or repr(worker)
        for worker in app.workers
        if worker.state in _BUSY and worker.name not in held
    ]


def _held_keys(app: Any) -> bool:
    """A screen's wedge router (or the scan test's decoder) waits for its flush timer to decide on keys,
    or the app holds keys typed behind an Enter its form has not answered yet."""
    if getattr(app, "type_ahead", None) is not None and app.type_ahead.holding:
        return True
    for screen in app.screen_stack:
        fields = screen.walk_children(WedgeInput)  # a type filter: a CSS query matched every node's selectors
        routers = {id(r): r for r in [getattr(screen, "router", None), *(f.router for f in fields)]}
        if any(getattr(r, "_timer", None) is not None for r in routers.values()):
            return True
        if getattr(screen, "_timer", None) is not None:
            return True
    return False


def _layout_pending(app: Any) -> bool:
    """The screen has widgets to lay out (just mounted, resized): Textual does it on its update timer,
    so a screenshot taken before then shows the old layout; or the terminal was resized and the app
    has not told the screens yet (it does on a timer, 8 ms later, so that a drag sends one size); or a
    scroll is still on its way."""
    if getattr(app, "_resize_event", None) is not None or app.animator._animations:
        return True  # a scroll to a focused widget is an animation even at level none: one frame long
    try:
        screen = app.screen
    except Exception:  # no screen (the app is closing)
        return False
    return bool(screen._layout_required or screen._scroll_required or screen._recompose_required)


def _unsettled(node: Any) -> bool:
    """`node` has a message queued, or is not waiting for its next one (it is handling one, or has not
    started), or has a callback to run once its queue is empty or (a screen) after the next refresh."""
    if node._closed or node._closing:
        return False
    queue = node._message_queue
    waiting = bool(queue.ready_event._waiters)  # its loop is parked in `get()`: nothing in hand
    return bool(queue.values or not waiting or node._next_callbacks or getattr(node, "_callbacks", None))


async def _drain(app: Any) -> bool:
    """Every message queued so far for the app and its screen handled; True if nothing is left now.

    Only the nodes with something queued are waited on: a callback through every node's queue (some
    200 on a big screen) cost about 10 ms of the loop's time on every look."""
    try:
        nodes = [app, *app.screen.walk_children(with_self=True)]
    except Exception:  # no screen (the app is closing): nothing to wait for
        return True
    done = asyncio.Event()
    count = 0

    def handled() -> None:
        nonlocal count
        count -= 1
        if count == 0:
            done.set()

    for node in nodes:
        if _unsettled(node) and node.call_later(handled):
            count += 1
    if count:
        await asyncio.wait_for(done.wait(), TIMEOUT)
    else:
        await asyncio.sleep(0)  # what threads handed the loop (a worker's answer) is queued by the next look
    return not any(_unsettled(node) for node in nodes)


async def settle(
    pilot: Any, *, routers: bool = True, leave_running: Collection[str] = (), timeout: float = TIMEOUT
) -> None:
    """Until the console is quiet (see the module docstring); fails after `timeout` s saying what was busy.

    `routers=False`: keys a router holds do not count; for tests that set the routers' clock themselves
    (a clock standing still holds a scanner's burst until the test moves it on). `leave_running`: the
    names of workers a test leaves running on purpose (one it holds back like a slow disk, one the keys
    are typed during): they do not count, every other does."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet_looks = 0
    while quiet_looks < 2:
        if not app.is_running:
            return
        busy, held = _busy_workers(app, leave_running), routers and _held_keys(app)
        if busy or held or _layout_pending(app):  # look again soon (the app handles its messages meanwhile)
            quiet_looks = 0
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the console is not quiet after {timeout} s: workers {busy}, keys held {held},"
                    f" layout pending {_layout_pending(app)}"
                )
            await asyncio.sleep(STEP)
            continue
        quiet_looks = quiet_looks + 1 if await _drain(app) else 0


def send_key(app: Any, key: str, *, at: float | None = None) -> None:
    """One key into the app's input queue, as the terminal driver delivers it (as App._press_keys makes it);
    `at` stamps its arrival time (monotonic) instead of now."""
    char: str | None = (
        key if len(key) == 1 else None
    )  # a character is its own (`　`, whose name no lookup finds)
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    if char is None:
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = None
    event = events.Key(key, char)
    if at is not None:
        event.time = at
    event.set_sender(app)
    app._driver.send_message(event)


async def press(pilot: Any, *keys: str, leave_running: Collection[str] = ()) -> None:
    """A person: each key, then until the console is quiet (`leave_running` as for `settle`)."""
    for key in keys:
        send_key(pilot.app, key)
        await settle(pilot, leave_running=leave_running)


async def resize(pilot: Any, width: int, height: int, *, routers: bool = True) -> None:
    """The terminal resized (as Pilot's `resize_terminal` does), then until the console is quiet."""
    size = Size(width, height)
    pilot.app._driver._size = size  # the headless driver answers the app's size questions with it
    pilot.app.post_message(events.Resize(size, size))
    await settle(pilot, routers=routers)


async def burst(pilot: Any, *keys: str) -> None:
    """A scanner: every key back to back (nothing waits between them), then until the console is quiet.

    The keys share one arrival time: a busy machine may stop this process between two of them for longer
    than a scanner's gap, and the router would rightly call that a split scan."""
    at = time.monotonic()
    for key in keys:
        send_key(pilot.app, key, at=at)
    await settle(pilot)


async def type_on(app: Any, keys: str, gap: float = 0.12) -> None:
    """A person typing on while the console works: each key, then `gap` seconds, never waiting for quiet,
    so the keys arrive while a held service call is still running."""
    for key in keys:
        send_key(app, key)
        await asyncio.sleep(gap)


async def until(
    pilot: Any,
    predicate: Callable[[], object],
    *,
    what: str = "",
    timeout: float = TIMEOUT,
    step: float = 0.01,
) -> None:
    """Poll `predicate` (the app handling its messages in between) until it holds; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true after {timeout} s: {what or predicate}")
        await asyncio.sleep(step)


async def hold_ran_out(pilot: Any, *, leave_running: Collection[str] = ("run",)) -> None:
    """No screen holds the keys typed behind its call any longer (its answer came, or its fail-safe ran
    out: `calls_held_keys`) and none waits in the type-ahead: they went on, and were handled. A call's
    worker (`run`) still on its way, held by the test, is left running."""
    app = pilot.app

    def let_go() -> bool:
        screens_hold = any(getattr(screen, "holds_type_ahead", False) for screen in app.screen_stack)
        return not screens_hold and not app.type_ahead.keys_waiting

    await until(pilot, let_go, what="the keys held behind a call were never let go")
    await settle(pilot, leave_running=leave_running)


async def type_ahead_handed_over(pilot: Any, *, leave_running: Collection[str] = ("run",)) -> None:
    """The type-ahead's own hold on the keys typed behind a key is over, however it ended: its queues
    followed or its `LONGEST_HOLD` run out. The keys went on, or wait for the screen's answer
    (`holds_type_ahead`) however long that takes; a call's worker still on its way is left running."""
    await until(pilot, lambda: not pilot.app.type_ahead.holding, what="the type-ahead's hold never ended")
    await settle(pilot, leave_running=leave_running)


def workers_started(monkeypatch: Any, of: type = object) -> Counter[str]:
    """From now on, the workers each node of type `of` starts, counted by group (a read or a service
    call a screen asks for)."""
    from textual.dom import DOMNode

    started: Counter[str] = Counter()
    run_worker = DOMNode.run_worker

    def counted(node: DOMNode, *args: Any, **kwargs: Any) -> Any:
        if isinstance(node, of):
            started[str(kwargs.get("group"))] += 1
        return run_worker(node, *args, **kwargs)

    monkeypatch.setattr(DOMNode, "run_worker", counted)
    return started


def held(fn: Any) -> tuple[Any, threading.Event, threading.Event, threading.Event]:
    """`fn` held like a slow database, for a test to act while a worker waits on it: `asked` is set
    as it starts, and it answers (its real answer) once the test sets `answer`; `answered` is set
    once it has."""
    asked, answer, answered = threading.Event(), threading.Event(), threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        asked.set()
        assert answer.wait(TIMEOUT)  # else it answered before the test let it
        try:
            return fn(*args, **kwargs)
        finally:
            answered.set()

    return slow, asked, answer, answered


async def yes_to(pilot: Any, key: str) -> None:
    """`key`, which asks a weighty yes/no question (a courier's close), then Y once the question is up:
    a Y typed before it appeared answers nothing."""
    await asked(pilot, key)
    await press(pilot, "y")


async def asked(pilot: Any, key: str) -> None:
    """`key`, which asks a yes/no question, and the question up."""
    from station_console.tui.screens.confirm_dialog import ConfirmDialog

    await press(pilot, key)
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog), what="the question never came")
    await settle(pilot)  # on screen: a weighty question's Y typed before then answers nothing
