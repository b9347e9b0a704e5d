"""No database call on the UI thread: every statement a screen causes runs in a worker thread.

The engine is wrapped with a check of the calling thread (the Pilot runs the app on the main thread),
then each screen and dialog is opened by its keys, as a clerk would, and its main action is performed
by keys too (scan, submit, save, close, export...). The action must reach the database (in a worker)
and not be refused there, so a walk that stops short of its work (a handover closed with nothing
scanned) fails as surely as one that does it on the UI thread. Walks that
leave each other's data alone share a console (`TOURS`), each starting from check-in as a new console
does: a console's start and a mode's first screen cost more than most walks.

The console's periodic work (the outbox, carrier events, the idle lock, check-in's label and courier
re-reads) runs at test speed here: each interval is shortened at its class, and a test waits until every
one of them has run once more, counted, rather than for a round's worth of seconds.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from security.helpers import accept_send
from sqlalchemy import event
from station_helpers import configure
from textual.worker import NoActiveWorker, get_current_worker

from station_console.errors import StationError
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests
from station_console.services.people import clerks
from station_console.services.recipients import directory
from station_console.settings import CounterSettings, FeeRule
from station_console.tui import clerk_session
from station_console.tui.app import StationApp
from station_console.tui.carrier_event_worker import CarrierEventWorker
from station_console.tui.notify_worker import NotifyWorker
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.station_opening import OPENING_WORKER
from tui.conftest import PersonPace, sign_in_manager
from tui.quiet import press, settle, until

# Every mode, by the key that opens it.
SCREENS = {
    "checkin": "f1",
    "pickup": "f2",
    "shelves": "f4",
    "parcels": "f5",
    "reports": "f6",
    "sendout": "f3",
    "settings": "ctrl+s",
}

ON_SHELF = "73000000000001"  # checked in before the console starts; its pickup code is "{code}"
OLD = "73000000000002"  # three days on the shelf (a storage fee is due at pickup); its code is "{old}"
SEND = "SF0000000000017"  # accepted before the console starts, for the courier handover
DOOR = "JT0000000000047"  # asked for at the door before the console starts


# Work the console does on its own, on a timer or a feed: it reaches the database whatever a screen does.
BACKGROUND_GROUPS = {"printer", "notify", "carrier-events"}


def background() -> bool:
    """The calling thread is the live view's listener or a periodic pass, not a screen's worker."""
    if threading.current_thread().name == "live-view":
        return True
    try:
        return get_current_worker().group in BACKGROUND_GROUPS
    except NoActiveWorker:
        return False


@dataclass
class Statements:
    on_ui_thread: list[str]
    in_workers: int = 0  # in screens' own workers, not the background passes


@pytest.fixture
def statements(station: Station) -> Iterator[Statements]:
    """Statements run while the console runs: those on the main thread with where they came from."""
    seen = Statements([])

    def check(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            if not background():
                seen.in_workers += 1
            return
        stack = traceback.extract_stack()
        where = [f for f in stack if "station_console/tui" in f.filename] or [
            f for f in stack if "station_console" in f.filename
        ]
        origin = where[-1] if where else None
        seen.on_ui_thread.append(
            f"{statement.split()[0]} at {origin.filename}:{origin.lineno}" if origin else statement
        )

    station.settings()  # the console's start reads them once, before the first screen
    event.listen(station.engine, "before_cursor_execute", check)
    yield seen
    event.remove(station.engine, "before_cursor_execute", check)


@pytest.fixture
def codes(station: Station, clock: Any, tmp_path: Any) -> dict[str, str]:
    """Parcels checked in before the console starts; their pickup codes, by placeholder. And a file
    of waybill numbers for Send-out rules' stock import ("{stock}", its path), and a pre-alert file
    ("{prealert}", its path)."""
    fees = [FeeRule(name="standard", free_days=1, per_day_cents=150)]
    configure(station, storage_fee_rules=fees, send_real_name=False)  # a sender refused needs no ID here
    old = check_in(station, OLD, phone="13900001111")
    clock.advance(days=3)  # two days charged on OLD
    on_shelf = check_in(station, ON_SHELF, phone="13812345678")
    accept_send(station, SEND)  # waiting for its courier: the handover has a carrier to pick
    lin = directory.add(station, {"name": "Lin", "building": "A3", "room": "502", "phones": "13700002222"})
    check_in(station, DOOR, recipient_id=lin.id)
    requests.request(station, DOOR)  # the door delivery walk has a parcel to plan a run with
    stock = tmp_path / "stock.csv"
    stock.write_text("SF1234567890130\n", encoding="utf-8")
    prealert = tmp_path / "prealert.csv"
    prealert.write_text("运单号,快递公司\n73000000009001,中通\n", encoding="utf-8")
    return {
        "{code}": on_shelf.pickup_code or "",
        "{old}": old.pickup_code or "",
        "{stock}": str(stock),
        "{prealert}": str(prealert),
    }


QUICK = 0.1  # seconds between two passes of each periodic refresh, in these tests

# The console's periodic refreshes, by name: the class and method a timer calls (counted once it returns).
APP_REFRESHES: dict[str, tuple[Any, str]] = {
    "outbox": (NotifyWorker, "_drain"),
    "carrier events": (CarrierEventWorker, "_drain"),
    "idle lock": (clerk_session.ClerkSessionMixin, "check_auto_lock"),
}
CHECKIN_REFRESHES: dict[str, tuple[Any, str]] = {
    "labels": (CheckinScreen, "_read_labels"),
    "couriers": (CheckinScreen, "refresh_batches"),
}


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Every periodic refresh every `QUICK` s; how many times each has run."""
    for cls in (NotifyWorker, CarrierEventWorker):
        monkeypatch.setattr(cls, "INTERVAL", QUICK)
    monkeypatch.setattr(clerk_session, "IDLE_CHECK_SECONDS", QUICK)
    monkeypatch.setattr(CheckinScreen, "LABELS_EVERY", QUICK)
    monkeypatch.setattr(CheckinScreen, "BATCHES_EVERY", QUICK)
    runs = dict.fromkeys({**APP_REFRESHES, **CHECKIN_REFRESHES}, 0)

    def counted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            runs[name] += 1
            return result

        return run

    for name, (cls, attr) in {**APP_REFRESHES, **CHECKIN_REFRESHES}.items():
        monkeypatch.setattr(cls, attr, counted(name, getattr(cls, attr)))
    return runs


async def one_round(pilot: Any, runs: dict[str, int], names: list[str]) -> None:
    """Until each named refresh has run once more (and what it started is done)."""
    before = dict(runs)
    await until(pilot, lambda: all(runs[n] > before[n] for n in names), what=f"a round of {names}: {runs}")
    await settle(pilot)


async def test_no_screen_calls_the_database_on_the_ui_thread(
    app: StationApp, statements: Statements, refreshes: dict[str, int]
) -> None:
    """Every mode in turn in one console (a mode's screen is made the first time it is shown, as in a
    new console), each through a round of the periodic refreshes while it is shown."""
    async with app.run_test(size=(160, 45)) as pilot:
        for mode, key in SCREENS.items():
            await press(pilot, key)
            assert app.current_mode == mode
            names = [*APP_REFRESHES, *(CHECKIN_REFRESHES if mode == "checkin" else ())]
            await one_round(pilot, refreshes, names)
            assert statements.on_ui_thread == [], (mode, statements.on_ui_thread)


@dataclass(frozen=True)
class Walk:
    """Keys that open a screen or dialog (`screen`: its class), then the keys of its main action."""

    opens: tuple[str, ...]
    screen: str
    action: tuple[str, ...]
    reads: bool = True  # False: the action writes a file, not the database
    printer: bool = False  # the counter has a label printer (a dummy)
    # The action typed at a person's pace, as `lock_driver.sign_in` types: a locked sign-in takes keys
    # as fast as a scanner's for a parcel scanned meanwhile.
    person: bool = False


def typed(text: str) -> tuple[str, ...]:
    """Text then Enter; "{code}" and "{old}" stand for pickup codes, known once the parcels are placed."""
    return ((text,) if text.startswith("{") else tuple(text)) + ("enter",)


# {code} stands for ON_SHELF's pickup code.
WALKS: dict[str, Walk] = {
    "check-in: a scan": Walk(("f1",), "CheckinScreen", typed("JT0000000000009")),
    "check-in: undo": Walk(("f1", *typed("JT0000000000016")), "CheckinScreen", ("ctrl+z",)),
    "check-in: batch picker": Walk(("f1", "f7"), "BatchPicker", ("enter",)),
    "check-in: phones to add": Walk(("f1", "f9"), "MissingPhones", ("escape",)),
    "check-in: recipient picker (Ctrl+N)": Walk(
        ("f1", *typed("JT0000000000023"), "ctrl+n"), "RecipientPicker", typed("Wang")
    ),
    "check-in: who is this? (Ctrl+W)": Walk(("f1", "ctrl+w"), "WhoIsThisDialog", ("escape",)),
    "check-in: a courier's batch": Walk(("f1", "f10"), "CourierDialog", ("enter", *typed("Zhao"))),
    "pickup: a lookup and handover": Walk(("f2",), "PickupScreen", (*typed("{code}"), "f10")),
    "pickup: override": Walk(("f2", *typed("{code}"), "ctrl+o"), "ReasonDialog", typed("label torn")),
    "pickup: undo": Walk(("f2", *typed("{code}"), "f10", "ctrl+z"), "ConfirmDialog", ("y",)),
    "pickup: a fee": Walk(("f2", *typed("{old}"), *typed(OLD), "f10"), "FeeDialog", ("1",)),
    "send-out: refuse": Walk(
        ("f3", *typed("13600001111"), *typed("Zhao"), "f11"), "RefuseDialog", ("space", "ctrl+s")
    ),  # the first checklist item ticked as found, then sent
    "send-out: refund": Walk(("f3", "f7"), "RefundDialog", typed("damaged")),
    "send-out: courier handover": Walk(
        ("f3", "f12"), "HandoverScreen", ("enter", "down", "enter", *typed("Chen"), *typed(SEND), "f10")
    ),
    "shelves: move": Walk(("f4", "f7"), "MoveDialog", (*typed(ON_SHELF), *typed("1-3"))),
    "shelves: stocktake, a scan": Walk(("f4", "f8"), "StocktakeScreen", (*typed("1"), *typed(ON_SHELF))),
    "shelves: returns, a scan": Walk(("f4", "f9"), "ReturnsScreen", (*typed("ZTO"), *typed(ON_SHELF))),
    "shelves: overdue": Walk(("f4", "f10"), "OverdueScreen", ("f7",)),
    "shelves: problems": Walk(
        ("f4", "f11"), "ProblemsScreen", (*typed(ON_SHELF), "enter", "down", "enter", "tab", *typed("torn"))
    ),
    "shelves: edit a layer": Walk(("f4", "f12"), "ShelfEditScreen", (*typed("1-1"), "f7")),
    # The runner, then Enter again past the building left empty (all of them): the plan is sent.
    "shelves: door delivery (Ctrl+D)": Walk(
        ("f4", "ctrl+d"), "DeliveryScreen", ("f7", *typed("Lin"), "enter")
    ),
    "parcels: a search": Walk(("f5",), "ParcelsScreen", typed(ON_SHELF)),
    "reports: export": Walk(("f6",), "ReportsScreen", ("f10",), reads=False),
    # Before closing time: the second yes is the button's (Tab, Enter), never a second Ctrl+Y.
    "reports: close the day": Walk(("f6", "f12"), "ConfirmClose", ("ctrl+y", "tab", "enter")),
    "reports: reopen": Walk(
        ("f6", "f12", "ctrl+y", "tab", "enter", "ctrl+o"), "ReopenDay", typed("late parcel")
    ),
    # A field changed first: Ctrl+S with nothing changed sends nothing.
    "settings: save": Walk(("ctrl+s",), "SettingsScreen", ("tab", "x", "ctrl+s")),
    # A field changed first, as above.
    "settings: a carrier": Walk(("ctrl+s", "f7"), "CarrierEditorScreen", ("enter", "x", "ctrl+s")),
    "settings: printers": Walk(("ctrl+s", "f8"), "PrintersScreen", ("f7",), printer=True),
    # The counter's labels wait (no printer in this tour): the first is cancelled.
    "settings: print queue": Walk(("ctrl+s", "f8", "f10"), "PrintQueueScreen", ("c",)),
    "settings: scan test": Walk(("ctrl+s", "f9"), "ScanTestScreen", ("ctrl+s",), reads=False),
    "settings: clerks": Walk(("ctrl+s", "f10"), "ClerkAdminScreen", ("f9", "f8")),
    "settings: outbox": Walk(("ctrl+s", "f11"), "OutboxScreen", ("f", "r")),
    "settings: recipients": Walk(("ctrl+s", "f12"), "RecipientsScreen", typed("Wang")),
    "settings: carrier events": Walk(("ctrl+s", "ctrl+o"), "CarrierEventsScreen", ("f", "r")),
    # The import form opens on its file field.
    "settings: send-out rules, stock": Walk(
        ("ctrl+s", "ctrl+f"), "SendoutRulesScreen", ("f12", *typed("{stock}"))
    ),
    # Enter in the file's path goes on to the carrier, left empty: its Enter previews, Y imports.
    "settings: pre-alerts, an import": Walk(
        ("ctrl+s", "ctrl+g"), "PrealertsScreen", ("f7", *typed("{prealert}"), "enter", "y")
    ),
    # It opens on the clerk's own activity, the focus in the waybill field: a parcel's timeline.
    "audit trail (Ctrl+T)": Walk(("ctrl+t",), "ClerkActivityScreen", typed(ON_SHELF)),
    "lock and sign in (Ctrl+L)": Walk(
        ("ctrl+l",), "SignInScreen", (*typed("Manager"), *typed("0000")), person=True
    ),
}


# Walks that one console takes in turn, each from check-in as a new console starts (its dialogs closed,
# then F1): none changes what a later one in its tour reads or does. The check-in walks each scan a
# waybill of their own, so the scan, its undo and the recipient picker share a console; the day is
# closed, reopened and closed again in one; Shelves' walks share one, the stocktake and returns last
# (each leaves its screen's work open). Walks on the same send (its refund and its handover) and the
# counter with a printer each have a console of their own.
TOURS: dict[str, tuple[str, ...]] = {
    "check-in": (
        "check-in: a scan",
        "check-in: recipient picker (Ctrl+N)",
        "check-in: undo",
        "check-in: who is this? (Ctrl+W)",
        "check-in: phones to add",
        "check-in: a courier's batch",
        "check-in: batch picker",  # last: it sets the bag's carrier for the scans after it
    ),
    # F10 hands nothing over before the parcel is scanned: only the fee and the override hand over (OLD,
    # then ON_SHELF, last). The undo takes back the fee's pickup, from the database's recent pickups.
    "pickup": ("pickup: a fee", "pickup: a lookup and handover", "pickup: undo", "pickup: override"),
    "send-out": ("send-out: refuse", "send-out: courier handover"),
    "send-out: refund": ("send-out: refund",),
    "shelves": (
        "shelves: overdue",
        "shelves: edit a layer",
        "shelves: door delivery (Ctrl+D)",
        "shelves: move",
        "shelves: problems",
        "shelves: stocktake, a scan",  # left open: the stocktake pauses when its screen closes
        "shelves: returns, a scan",  # last: its batch is open, and ON_SHELF is on it
    ),
    # The reopen walk closes the day and reopens it; the close after it closes it again.
    "reports": ("reports: export", "reports: reopen", "reports: close the day"),
    "settings": (
        "settings: save",
        "settings: a carrier",
        "settings: scan test",
        "settings: clerks",
        "settings: outbox",
        "settings: recipients",
        "settings: carrier events",
        "settings: send-out rules, stock",
        "settings: pre-alerts, an import",
        "settings: print queue",
    ),
    "settings: printers": ("settings: printers",),
    "parcels, audit trail, lock": ("parcels: a search", "audit trail (Ctrl+T)", "lock and sign in (Ctrl+L)"),
}


def test_the_tours_take_every_walk_once() -> None:
    walks = [name for tour in TOURS.values() for name in tour]
    assert sorted(walks) == sorted(WALKS)
    for tour in TOURS.values():  # a counter with a printer is a console of its own
        assert len(tour) == 1 or not any(WALKS[name].printer for name in tour), tour


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the screens were refused, as they showed it: an action refused reaches the database too
    (to be refused), so the walk checks it was not, or it would pass without doing its work."""
    seen: list[str] = []
    shown = ServiceCalls.on_service_calls_failed

    def record(self: Any, message: ServiceCalls.Failed) -> None:
        error = message.error
        seen.append(f"{message.tag}: {error.message() if isinstance(error, StationError) else error!r}")
        shown(self, message)

    monkeypatch.setattr(ServiceCalls, "on_service_calls_failed", record)
    return seen


@pytest.mark.parametrize("tour", TOURS)
async def test_a_screen_or_dialog_and_its_action_never_call_the_database_on_the_ui_thread(
    app: StationApp,
    codes: dict[str, str],
    statements: Statements,
    refusals: list[str],
    tour: str,
    tmp_path: Any,
    monkeypatch: Any,
) -> None:
    monkeypatch.chdir(tmp_path)  # exports land here
    if any(WALKS[name].printer for name in TOURS[tour]):
        app.counter_settings = CounterSettings(
            counter="test-counter", printer={"language": "tspl", "transport": "dummy", "target": "desk"}
        )

    def keys(key: str) -> tuple[str, ...]:
        return tuple(codes.get(key, "")) or (key,)

    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for name in TOURS[tour]:
            walk = WALKS[name]
            while len(app.screen_stack) > 1:  # back to check-in, as a new console starts
                await app.pop_screen()
            await press(pilot, "f1")
            for key in walk.opens:
                await press(pilot, *keys(key))
            assert type(app.screen).__name__ == walk.screen, f"{name}: {type(app.screen).__name__} is shown"
            before = statements.in_workers
            for key in walk.action:
                await (PersonPace.of(app).press if walk.person else press)(pilot, *keys(key))
            if walk.reads:
                assert statements.in_workers > before, f"{name}: the action did not reach the database"
            assert refusals == [], (name, refusals)
            assert statements.on_ui_thread == [], (name, statements.on_ui_thread)
    assert statements.on_ui_thread == [], statements.on_ui_thread


@pytest.fixture
def opening_app(station: Station) -> StationApp:
    """The console as `station` starts it, on a station with a manager and nobody signed in."""
    sign_in_manager(station)
    clerks.act_as(station, None)
    opening = SimpleNamespace(station=station, counter_settings=CounterSettings(counter="test-counter"))
    return StationApp(require_sign_in=True, opening=opening)


async def test_the_console_opening_its_station_and_signing_in_never_calls_the_database_on_the_ui_thread(
    opening_app: StationApp, statements: Statements, refreshes: dict[str, int]
) -> None:
    """`station`'s start: the dialog first, the station opened in a worker, the name and PIN typed
    meanwhile, then check-in."""
    app = opening_app
    async with app.run_test(size=(160, 45)) as pilot:
        # Typed while the station opens: each key handled before the next, not waiting for the opening.
        await press(pilot, *typed("Manager"), *typed("0000"), leave_running=(OPENING_WORKER,))
        # The station opens, then the sign-in asked for meanwhile goes ahead.
        await until(pilot, lambda: app.clerk_name is not None, what="signed in")
        await settle(pilot)
        assert (app.clerk_name, type(app.screen).__name__) == ("Manager", "CheckinScreen")
        await one_round(pilot, refreshes, [*APP_REFRESHES, *CHECKIN_REFRESHES])
    assert statements.in_workers > 0
    assert statements.on_ui_thread == [], statements.on_ui_thread
