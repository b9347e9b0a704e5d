"""No database call on the UI thread: every statement a screen causes runs in a worker thread.

The engine is wrapped with a check of the calling thread (the Pilot runs the app on the main thread),
then each screen and dialog is opened by its keys, as a clerk would, and its main action is performed
by keys too (scan, submit, save, close, export...). The action must reach the database (in a worker),
so a walk that stops doing its work fails as surely as one that does it on the UI thread.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event
from station_helpers import configure
from textual.worker import WorkerCancelled

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import CounterSettings, FeeRule
from station_console.tui.app import StationApp
from tui.conftest import sign_in_manager

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


@dataclass
class Statements:
    on_ui_thread: list[str]
    in_workers: int = 0


@pytest.fixture
def statements(station: Station) -> Iterator[Statements]:
    """Statements run while the console runs: those on the main thread with where they came from."""
    seen = Statements([])

    def check(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
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
def codes(station: Station, clock: Any) -> dict[str, str]:
    """Parcels checked in before the console starts; their pickup codes, by placeholder."""
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    old = check_in(station, OLD, phone="13900001111")
    clock.advance(days=3)  # two days charged on OLD
    on_shelf = check_in(station, ON_SHELF, phone="13812345678")
    return {"{code}": on_shelf.pickup_code or "", "{old}": old.pickup_code or ""}


async def settle(app: StationApp, pilot: Any) -> None:
    for _round in range(3):  # an answer may start one more call
        await pilot.pause(0.05)
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # an exclusive read replaced by a newer one: wait for that
            await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("mode", SCREENS)
async def test_a_screen_never_calls_the_database_on_the_ui_thread(
    app: StationApp, statements: Statements, mode: str
) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press(SCREENS[mode])
        await settle(app, pilot)
        assert app.current_mode == mode
        await pilot.pause(3.5)  # one round of the periodic refreshes
        await settle(app, pilot)
    assert statements.on_ui_thread == [], statements.on_ui_thread


@dataclass(frozen=True)
class Walk:
    """Keys that open a screen or dialog (`screen`: its class), then the keys of its main action."""

    opens: tuple[str, ...]
    screen: str
    action: tuple[str, ...]
    reads: bool = True  # False: the action writes a file, not the database


def typed(text: str) -> tuple[str, ...]:
    """Text then Enter; "{code}" and "{old}" stand for pickup codes, known once the parcels are placed."""
    return ((text,) if text.startswith("{") else tuple(text)) + ("enter",)


# {code} stands for ON_SHELF's pickup code.
WALKS: dict[str, Walk] = {
    "check-in: a scan": Walk(("f1",), "CheckinScreen", typed("JT0000000000009")),
    "check-in: undo": Walk(("f1", *typed("JT0000000000009")), "CheckinScreen", ("ctrl+z",)),
    "check-in: batch picker": Walk(("f1", "f7"), "BatchPicker", ("enter",)),
    "check-in: phones to add": Walk(("f1", "f9"), "MissingPhones", ("escape",)),
    "check-in: recipient picker (Ctrl+N)": Walk(
        ("f1", *typed("JT0000000000009"), "ctrl+n"), "RecipientPicker", typed("Wang")
    ),
    "check-in: who is this? (Ctrl+W)": Walk(("f1", "ctrl+w"), "WhoIsThisDialog", ("escape",)),
    "check-in: a courier's batch": Walk(("f1", "f10"), "CourierDialog", typed("Zhao")),
    "pickup: a lookup and handover": Walk(("f2",), "PickupScreen", (*typed("{code}"), "f10")),
    "pickup: override": Walk(("f2", *typed("{code}"), "ctrl+o"), "ReasonDialog", typed("label torn")),
    "pickup: undo": Walk(("f2", *typed("{code}"), "f10"), "PickupScreen", ("ctrl+z",)),
    "pickup: a fee": Walk(("f2", *typed("{old}"), *typed(OLD), "f10"), "FeeDialog", ("1",)),
    "send-out: refuse": Walk(("f3", "f11"), "ReasonDialog", typed("liquids")),
    "send-out: refund": Walk(("f3", "f7"), "RefundDialog", ("enter",)),
    "send-out: courier handover": Walk(("f3", "f12"), "HandoverScreen", ("f10",)),
    "shelves: move": Walk(("f4", "f7"), "MoveDialog", (*typed(ON_SHELF), *typed("1-3"))),
    "shelves: stocktake, a scan": Walk(("f4", "f8"), "StocktakeScreen", (*typed("1"), *typed(ON_SHELF))),
    "shelves: returns, a scan": Walk(("f4", "f9"), "ReturnsScreen", (*typed("ZTO"), *typed(ON_SHELF))),
    "shelves: overdue": Walk(("f4", "f10"), "OverdueScreen", ("f7",)),
    "shelves: problems": Walk(("f4", "f11"), "ProblemsScreen", typed(ON_SHELF)),
    "shelves: edit a layer": Walk(("f4", "f12"), "ShelfEditScreen", (*typed("1-1"), "f7")),
    "shelves: door delivery (Ctrl+D)": Walk(("f4", "ctrl+d"), "DeliveryScreen", ("f7", *typed("Lin"))),
    "parcels: a search": Walk(("f5",), "ParcelsScreen", typed(ON_SHELF)),
    "reports: export": Walk(("f6",), "ReportsScreen", ("f10",), reads=False),
    "reports: close the day": Walk(("f6", "f12"), "ConfirmClose", ("ctrl+y", "ctrl+y")),
    "reports: reopen": Walk(("f6", "f12", "ctrl+y", "ctrl+y", "ctrl+o"), "ReopenDay", typed("late parcel")),
    "settings: save": Walk(("ctrl+s",), "SettingsScreen", ("ctrl+s",)),
    "settings: a carrier": Walk(("ctrl+s", "f7"), "CarrierEditorScreen", ("enter", "ctrl+s")),
    "settings: printers": Walk(("ctrl+s", "f8"), "PrintersScreen", ("f7",)),
    "settings: scan test": Walk(("ctrl+s", "f9"), "ScanTestScreen", ("ctrl+s",), reads=False),
    "settings: clerks": Walk(("ctrl+s", "f10"), "ClerkAdminScreen", ("f9", "f8")),
    "settings: outbox": Walk(("ctrl+s", "f11"), "OutboxScreen", ("f", "r")),
    "settings: recipients": Walk(("ctrl+s", "f12"), "RecipientsScreen", typed("Wang")),
    "settings: carrier events": Walk(("ctrl+s", "ctrl+o"), "CarrierEventsScreen", ("f", "r")),
    "audit trail (Ctrl+T)": Walk(("ctrl+t",), "ClerkActivityScreen", typed("Manager")),
    "lock and sign in (Ctrl+L)": Walk(("ctrl+l",), "SignInScreen", (*typed("Manager"), *typed("0000"))),
}


@pytest.mark.parametrize("name", WALKS)
async def test_a_screen_or_dialog_and_its_action_never_call_the_database_on_the_ui_thread(
    app: StationApp, codes: dict[str, str], statements: Statements, name: str, tmp_path: Any, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)  # exports land here
    walk = WALKS[name]

    async def press(key: str) -> None:
        await pilot.press(*(tuple(codes.get(key, "")) or (key,)))
        await settle(app, pilot)

    async with app.run_test(size=(160, 45)) as pilot:
        for key in walk.opens:
            await press(key)
        assert type(app.screen).__name__ == walk.screen, f"{name}: {type(app.screen).__name__} is shown"
        before = statements.in_workers
        for key in walk.action:
            await press(key)
        await pilot.pause(0.5)
        await settle(app, pilot)
        if walk.reads:
            assert statements.in_workers > before, f"{name}: the action did not reach the database"
    assert statements.on_ui_thread == [], statements.on_ui_thread


@pytest.fixture
def opening_app(station: Station) -> StationApp:
    """The console as `station` starts it, on a station with a manager and nobody signed in."""
    sign_in_manager(station)
    clerks.act_as(station, None)
    opening = SimpleNamespace(station=station, counter_settings=CounterSettings(counter="test-counter"))
    return StationApp(require_sign_in=True, opening=opening)


async def test_the_console_opening_its_station_and_signing_in_never_calls_the_database_on_the_ui_thread(
    opening_app: StationApp, statements: Statements
) -> None:
    """`station`'s start: the dialog first, the station opened in a worker, the name and PIN typed
    meanwhile, then check-in."""
    app = opening_app
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press(*typed("Manager"), *typed("0000"))
        for _ in range(600):  # the station opens, then the sign-in asked for meanwhile goes ahead
            if app.clerk_name is not None:
                break
            await pilot.pause(0.05)
        await settle(app, pilot)
        assert (app.clerk_name, type(app.screen).__name__) == ("Manager", "CheckinScreen")
        await pilot.pause(3.5)  # one round of the periodic refreshes
        await settle(app, pilot)
    assert statements.in_workers > 0
    assert statements.on_ui_thread == [], statements.on_ui_thread
