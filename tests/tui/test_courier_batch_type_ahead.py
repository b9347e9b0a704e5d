"""Keys typed right behind the Enter that opens or closes a courier's batch on Check-in wait for that
write's answer and go to the scan field, where the cursor ends: the next bag's parcels are scanned or
typed there. Given on as the dialog closed, they went to the Phone field the last scan had focused, as
the last parcel's phone ('x' there was cleared as not a phone at the next scan)."""

from __future__ import annotations

import threading
from typing import Any

from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.services.prealerts import batches
from station_console.tui import error_toasts
from station_console.tui.app import StationApp
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens import calls_held_keys
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from tui import quiet

from .checkin_driver import scan, send_keys, settle, start, start_with_courier_batch, type_slowly


def typed(screen: CheckinScreen) -> dict[str, str]:
    return {field.id or "": field.value for field in screen.query("#scan, #phone").results(Input)}


async def test_keys_behind_the_close_s_enter_wait_for_the_close_and_go_to_the_scan_field(
    app: StationApp, station: Station, monkeypatch: Any
) -> None:
    """The close is slow (a loaded machine): the key typed behind its Enter waits for it, then goes
    to the scan field, not to the Phone field the last scan left the cursor in; a key typed later
    goes there too."""
    close, entered, go_on = batches.close_batch, threading.Event(), threading.Event()

    def slow_close(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        go_on.wait(10)
        return close(*args, **kwargs)

    monkeypatch.setattr(batches, "close_batch", slow_close)
    # The keys wait for the close however loaded the machine: past the fail-safe they went to Phone.
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", quiet.TIMEOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, keys = await start_with_courier_batch(app, pilot, "Wu")
        for n in (1, 2):
            await scan(pilot, keys, f"73{n:012d}")
            await settle(app, pilot)
        assert app.focused is screen.query_one("#phone")  # the clerk types the parcel's phone next
        await type_slowly(pilot, keys, "f11")
        assert isinstance(app.screen, ReasonDialog)
        keys.scanner()
        await send_keys(pilot, "enter", "x", settle=False)  # typed right behind the close's Enter
        await quiet.until(pilot, entered.is_set, what="the close on its way")
        await quiet.until(pilot, lambda: not app.type_ahead.holding, what="the dialog's queues followed")
        assert isinstance(app.screen, CheckinScreen)
        assert typed(screen) == {"scan": "", "phone": ""}  # still waiting for the close's answer
        go_on.set()
        keys.idle = 1.0  # the router's timer then sees the clerk's key as typed, not a scan's start
        await quiet.settle(pilot)
        assert screen.courier_batch is None
        assert typed(screen) == {"scan": "x", "phone": ""}
        assert app.focused is screen.query_one("#scan")
        await type_slowly(pilot, keys, "Z")
        assert typed(screen) == {"scan": "xZ", "phone": ""}


def app_queue_busy(app: StationApp, monkeypatch: Any) -> None:
    """The app's queue never found empty at once, as on a loaded machine: Textual runs what it was asked
    to run next (a dialog's answer, given to the app that opened it) only once its queue is empty, here
    four trips through that queue later, behind whatever came meanwhile."""
    run_next = app.call_next

    def later(callback: Any, *args: Any, **kwargs: Any) -> None:
        def trip(left: int) -> None:
            if left:
                app.call_later(trip, left - 1)
            else:
                run_next(callback, *args, **kwargs)

        trip(4)

    monkeypatch.setattr(app, "call_next", later)


async def test_keys_behind_the_close_s_enter_wait_for_its_answer_on_a_busy_app(
    app: StationApp, station: Station, monkeypatch: Any
) -> None:
    """The dialog's answer (the close sent) came after its queues had been followed: the 'x' typed right
    behind its Enter went on before the close held the keys, into the Phone field the last scan left the
    cursor in."""
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", quiet.TIMEOUT)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, keys = await start_with_courier_batch(app, pilot, "Wu")
        await scan(pilot, keys, "73000000000001")
        await settle(app, pilot)
        assert app.focused is screen.query_one("#phone")
        await type_slowly(pilot, keys, "f11")
        assert isinstance(app.screen, ReasonDialog)
        app_queue_busy(app, monkeypatch)
        keys.scanner()
        await send_keys(pilot, "enter", "x", settle=False)  # typed right behind the close's Enter
        keys.idle = 1.0
        await quiet.settle(pilot)
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is None
        assert typed(screen) == {"scan": "x", "phone": ""}
        assert app.focused is screen.query_one("#scan")


async def test_keys_behind_the_open_s_enter_go_to_the_scan_field(app: StationApp, station: Station) -> None:
    """A parcel scanned before the batch (the cursor in Phone), then F10: the waybill typed right
    behind the courier's name's Enter reaches the scan field once the batch is open."""
    async with app.run_test(size=(80, 24)) as pilot:
        screen, keys = await start(app, pilot)
        await scan(pilot, keys, "73000000000001")
        await settle(app, pilot)
        assert app.focused is screen.query_one("#phone")
        await type_slowly(pilot, keys, "f10")
        await settle(app, pilot)
        assert isinstance(app.screen, CourierDialog)
        await quiet.press(pilot, "down", "enter", *"Wu")
        keys.scanner()
        await send_keys(pilot, "enter", "q", settle=False)
        keys.idle = 1.0
        await quiet.settle(pilot)
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is not None
        assert typed(screen) == {"scan": "q", "phone": ""}
        assert app.focused is screen.query_one("#scan")


async def test_esc_right_behind_the_close_s_enter_leaves_its_refusal_to_read(
    app: StationApp, station: Station, monkeypatch: Any
) -> None:
    """The batch closed meanwhile (`station` at this PC, another counter's clerk), so F11's close is
    refused at once; the Esc typed right behind its Enter waited for that answer, then cleared the line
    it was written on (Check-in's Esc clears the message), "already closed" said to nobody while the
    courier left. It is said in a toast too, up until read."""
    monkeypatch.setattr(LiveBridge, "start", lambda self: None)  # the close not heard: F11 still offered
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen, keys = await start_with_courier_batch(app, pilot, "Wu")
        await scan(pilot, keys, "73000000000001")
        await settle(app, pilot)
        assert screen.courier_batch is not None
        batches.close_batch(station, screen.courier_batch, "Wu", print_receipt=False)
        await type_slowly(pilot, keys, "f11")
        assert isinstance(app.screen, ReasonDialog)
        keys.scanner()
        await send_keys(pilot, "enter", "escape", settle=False)  # typed right behind the close's Enter
        keys.idle = 1.0
        await quiet.settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        refused = [t for t in app._notifications if "is already closed" in str(t.message)]
        assert [(t.severity, t.timeout) for t in refused] == [("error", error_toasts.UP_TO_S)], refused


async def test_esc_right_behind_the_close_s_enter_leaves_its_receipt_not_saved_to_read(
    app: StationApp, station: Station
) -> None:
    """The close committed, then its receipt PDF could not be written (a file stands where the receipts
    folder should be): the Esc typed right behind the close's Enter cleared the line that said so and
    gave the command that saves it again. It is said in an error toast too, up until read."""
    from station_console.services.printing.saved_pdfs import pdf_path

    folder = pdf_path("receipts", "x").parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen, keys = await start_with_courier_batch(app, pilot, "Wu")
        batch = screen.courier_batch
        assert batch is not None
        await type_slowly(pilot, keys, "f11")
        assert isinstance(app.screen, ReasonDialog)
        keys.scanner()
        await send_keys(pilot, "enter", "escape", settle=False)  # typed right behind the close's Enter
        keys.idle = 1.0
        await quiet.settle(pilot)
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is None
        unsaved = [t for t in app._notifications if "Its receipt PDF was not saved" in str(t.message)]
        assert [(t.severity, t.timeout) for t in unsaved] == [("error", error_toasts.UP_TO_S)], unsaved
        said = str(unsaved[0].message)
    label = batches.get(station, batch).label
    assert f"station handover receipt {label} --pdf" in said  # the command that saves it again
    assert batches.get(station, batch).status == "closed"
