"""Returns: F9 pressed twice while the first take-out is on its way (a bounced key, a busy database)
takes the parcel out once. The second was sent too, and its "... is not in this batch." stood in red
over the parcel just taken out, as if the take-out had failed. The second press is told to wait, and
the answer takes that line back."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from station_console.services.core.station import Station
from station_console.services.exceptions import return_batch_parcels, returns
from station_console.tui.app import StationApp
from station_console.tui.screens.returns import ReturnsScreen
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import settle
from tui.test_returns_recall_key import open_jt_returns


def counted_and_held(fn: Any) -> tuple[Any, list[Any], threading.Event]:
    """`fn` held until the test sets the event, each call's arguments kept: how many times the screen
    sent it, and with what."""
    asked: list[Any] = []
    released = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        asked.append(args)
        if not released.wait(quiet.TIMEOUT):
            raise TimeoutError("the test never let the call go on")
        return fn(*args, **kwargs)

    return slow, asked, released


@pytest.mark.first_mode("shelves")
async def test_f9_twice_on_a_slow_take_out_takes_the_parcel_out_once(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(station, wb(1), "1-1")
    slow, asked, released = counted_and_held(return_batch_parcels.remove)
    monkeypatch.setattr(return_batch_parcels, "remove", slow)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReturnsScreen) and screen.current_batch is not None
        return_batch_parcels.add(station, screen.current_batch.id, wb(1), recalled=True, note="sender asked")
        screen.reread()
        await settle(pilot)
        assert [p.waybill for p in screen.current_batch.parcels] == [wb(1)]
        quiet.send_key(app, "f9")
        await quiet.until(pilot, lambda: [a[2] for a in asked] == [wb(1)], what="the take-out on its way")
        quiet.send_key(app, "f9")  # pressed again before its answer
        await quiet.settle(pilot, leave_running=("run",))
        released.set()
        await settle(pilot)
        said = str(screen.query_one("#ret-status").render())
        assert [a[2] for a in asked] == [wb(1)], asked
        assert "not in this batch" not in said and "still on its way" not in said, said
        assert "0 parcels" in said, said  # the answer: the batch as it is now
        assert screen.current_batch.parcels == []


@pytest.mark.first_mode("shelves")
async def test_f7_twice_on_a_slow_manifest_queues_it_once(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest likewise: F7 again before the first one's job is answered queues no second copy."""
    place(station, wb(1), "1-1")
    slow, asked, released = counted_and_held(returns.print_manifest)
    monkeypatch.setattr(returns, "print_manifest", slow)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_jt_returns(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReturnsScreen) and screen.current_batch is not None
        return_batch_parcels.add(station, screen.current_batch.id, wb(1), recalled=True, note="sender asked")
        screen.reread()
        await settle(pilot)
        quiet.send_key(app, "f7")
        await quiet.until(pilot, lambda: len(asked) == 1, what="the manifest on its way")
        quiet.send_key(app, "f7")  # pressed again before its answer
        await quiet.settle(pilot, leave_running=("run",))
        released.set()
        await settle(pilot)
        said = str(screen.query_one("#ret-status").render())
        assert len(asked) == 1, asked
        assert "still on its way" not in said, said
