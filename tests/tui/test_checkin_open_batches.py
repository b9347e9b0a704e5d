"""Check-in's F10 with a courier's batch already open at this counter: the batches still open here are
offered first, to go on with one, so a bag left open when the next courier's was opened is reachable
again (it showed under "Also open" only, and a restart was the one way back to it)."""

from __future__ import annotations

from textual.widgets import OptionList

from station_console.services.prealerts import batches
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.checkin_batch import CourierDialog
from tui import quiet
from tui.checkin_driver import KeyClock, scan, settle, start, type_slowly


async def courier_dialog(app: StationApp, pilot: object, clock: KeyClock) -> CourierDialog:
    await type_slowly(pilot, clock, "f10")
    await settle(app, pilot)  # the dialog opens once a worker has read the carriers and the batches
    dialog = app.screen
    assert isinstance(dialog, CourierDialog)
    return dialog


async def open_new(app: StationApp, pilot: object, clock: KeyClock, carrier: str, courier: str) -> int:
    dialog = await courier_dialog(app, pilot, clock)
    at = [code for code, _name in dialog.carriers].index(carrier)
    await quiet.press(pilot, "home", *["down"] * at, "enter", *courier, "enter")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, CheckinScreen) and screen.courier_batch is not None
    return screen.courier_batch


async def test_f10_offers_the_batch_left_open_here_and_its_scans_count_to_it_again(app: StationApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen, clock = await start(app, pilot)
        wu = await open_new(app, pilot, clock, "ZTO", "Wu")
        li = await open_new(app, pilot, clock, "SF", "Li")
        assert wu != li and screen.batch_carrier == "SF"
        dialog = await courier_dialog(app, pilot, clock)
        options = dialog.query_one(OptionList)
        first = str(options.get_option_at_index(0).prompt)
        assert first == f"Continue HB{wu:06d} ZTO Wu 0/0", first
        assert not any(  # the batch being received is not offered
            str(options.get_option_at_index(i).prompt).startswith(f"Continue HB{li:06d}")
            for i in range(options.option_count)
        )
        await quiet.press(pilot, "home", "enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert (screen.courier_batch, screen.batch_carrier) == (wu, "ZTO")
        assert f"HB{wu:06d} ZTO Wu continued" in str(screen.query_one("#ci-message").render())
        await scan(pilot, clock, "73000000000001")
        await settle(app, pilot)
        assert batches.get(app.station, wu).extra == ["73000000000001"]
        assert batches.get(app.station, li).extra == []
        # Both still open: the other courier's batch is offered in its turn.
        dialog = await courier_dialog(app, pilot, clock)
        first = str(dialog.query_one(OptionList).get_option_at_index(0).prompt)
        assert first == f"Continue HB{li:06d} SF Li 0/0", first
