"""A console that locks: two clerks on a fresh station, an idle clock the test moves, and the steps of
locking (a service call held on its way meanwhile), signing back in and reading what the next clerk is
told."""

from __future__ import annotations

import threading
from collections.abc import Collection
from typing import Any, TypeVar

from sqlmodel import select
from textual.widgets import Checkbox, Input

from db.models.carrierdata import CourierBatch
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.shelf_dialogs import MoveDialog
from station_console.tui.screens.shelves import ShelvesScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.conftest import PersonPace


def wang_and_li(new_station: Station) -> Station:
    """A manager, Wang, signed in, and a clerk, Li."""
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    clerks.add_clerk(new_station, "Li", "1357")
    return new_station


def console(station: Station) -> StationApp:
    app = StationApp(
        station, CounterSettings(counter="test-counter"), database_label="SQLite test", require_sign_in=True
    )
    now = [1000.0]
    app.idle_clock = lambda: now[0]
    app._last_activity = now[0]
    app.idle_now = now  # type: ignore[attr-defined]  # the test moves the idle clock
    app.key_bounce.clock = PersonPace()  # as every test console's: `sign_in` types at its pace
    return app


async def idle_lock(pilot, app: StationApp) -> None:  # type: ignore[no-untyped-def]
    """The console left alone past `auto_lock_minutes`."""
    app.idle_now[0] += 60 * 60  # type: ignore[attr-defined]
    app.check_auto_lock()
    await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
    await quiet.settle(pilot)


async def sign_in(pilot, name: str, pin: str, *, leave_running: Collection[str] = ()) -> None:  # type: ignore[no-untyped-def]
    """`name` and `pin` typed into the sign-in at a person's pace (`PersonPace`): over a lock, keys as
    fast as a scanner's are a parcel scanned meanwhile, and the fields take them back out."""
    await PersonPace.of(pilot.app).press(pilot, *name, "enter", *pin, "enter", leave_running=leave_running)


async def lock_and_sign_in(pilot, app: StationApp, who: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+L with a call on its way (its worker left running), then `who` signs in before it answers."""
    await quiet.press(pilot, "ctrl+l", leave_running=["run"])
    await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
    await sign_in(pilot, who, pin, leave_running=["run"])
    await quiet.until(pilot, lambda: app.clerk_name == who, what="signed in")


class HeldBack:
    """A service call that writes at once and answers only once released: its answer comes under the
    sign-in of a lock made meanwhile."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.written, self.release = threading.Event(), threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        answer = self.real(*args, **kwargs)
        self.written.set()
        self.release.wait(quiet.TIMEOUT)
        return answer


class HeldBefore:
    """A service call that runs only once released (the database busy at another counter): its answer
    or refusal comes when the test says, after the next clerk signed in."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        assert self.release.wait(quiet.TIMEOUT)
        return self.real(*args, **kwargs)


def toasts(app: StationApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_courier_dialog(pilot, app: StationApp) -> CourierDialog:  # type: ignore[no-untyped-def]
    await quiet.press(pilot, "f10")
    await quiet.until(pilot, lambda: isinstance(app.screen, CourierDialog))
    await quiet.press(pilot, "enter")  # the first carrier, then the courier's name
    await quiet.press(pilot, *"Zhao Liu")
    dialog = app.screen
    assert isinstance(dialog, CourierDialog)
    assert dialog.query_one("#courier-name", Input).value == "Zhao Liu"
    return dialog


async def open_move_dialog(pilot, app: StationApp, parcel: str, target: str) -> MoveDialog:  # type: ignore[no-untyped-def]
    """Shelves (F4), its Move dialog (F7) filled in to move `parcel` alone to `target`, not yet sent."""
    await quiet.press(pilot, "f4")
    await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
    await quiet.press(pilot, "f7")
    dialog = app.screen
    assert isinstance(dialog, MoveDialog)
    dialog.query_one("#move-parcel", Input).value = parcel
    dialog.query_one("#move-layer", Checkbox).value = False
    dialog.query_one("#move-target", Input).value = target
    return dialog


def batches(station: Station) -> list[CourierBatch]:
    with station.read() as session:
        return list(session.exec(select(CourierBatch)).all())


T = TypeVar("T")


async def open_from_settings(pilot, app: StationApp, key: str, kind: type[T]) -> T:  # type: ignore[no-untyped-def]
    """Settings (Ctrl+S), then its screen under `key`, once the console is quiet."""
    await quiet.settle(pilot)
    await quiet.press(pilot, "ctrl+s")
    await quiet.settle(pilot)
    await quiet.press(pilot, key)
    await quiet.until(pilot, lambda: isinstance(app.screen, kind))
    await quiet.settle(pilot)
    screen = app.screen
    assert isinstance(screen, kind)
    return screen
