"""A lock handed to another clerk on Door delivery: the parcel the last clerk scanned back, waiting for
F9 (delivered) or F10 (not delivered), is not offered to the next one, who would record the last
clerk's delivery as their own; it stays out with the runner, and its clerk, signing back in, finds it
waiting as left."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from textual.widgets import Input

from db.models import DeliveryItem, Parcel
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs
from station_console.tui.app import StationApp
from station_console.tui.screens.delivery import DeliveryScreen
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.lock_driver import console, idle_lock, sign_in, wang_and_li
from tui.recipients_driver import people, text_of, until
from tui.toasts_shown import shown

WAYBILL = "JT0000000000001"


def a_parcel_out(new_station: Station) -> Station:
    """Wang and Li; 张三's parcel out with the runner on a run."""
    station = wang_and_li(new_station)
    check_in(station, WAYBILL, recipient_id=people(station)["张三"])
    requests.request(station, WAYBILL)
    run = runs.plan(station, "小刘")
    runs.scan_out(station, run.id, WAYBILL)
    return station


async def scanned_back(pilot: Any, app: StationApp) -> DeliveryScreen:
    """Door delivery open (Shelves, Ctrl+D) and the parcel scanned back from its run."""
    await quiet.settle(pilot)
    await quiet.press(pilot, "f4")
    await quiet.settle(pilot)
    await quiet.press(pilot, "ctrl+d")
    await until(pilot, lambda: "Waiting for a run" in text_of(app, "#dl-summary"))
    screen = app.screen
    assert isinstance(screen, DeliveryScreen)
    field = screen.query_one("#dl-scan", Input)
    field.value = WAYBILL
    field.focus()
    await quiet.press(pilot, "enter")
    await until(pilot, lambda: f"{WAYBILL} is back" in text_of(app, "#dl-status"))
    return screen


async def handed_over(pilot: Any, app: StationApp, name: str, pin: str) -> None:
    await idle_lock(pilot, app)
    await sign_in(pilot, name, pin)
    await quiet.settle(pilot)
    assert app.clerk_name == name


def still_out(station: Station) -> bool:
    with station.read() as session:
        item = session.exec(select(DeliveryItem)).one()
        parcel = session.exec(select(Parcel)).one()
    return item.status == "out" and item.received_by is None and parcel.status != "picked_up"


async def test_a_parcel_scanned_back_is_not_the_next_clerks_to_settle(new_station: Station) -> None:
    station = a_parcel_out(new_station)
    app = console(station)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await scanned_back(pilot, app)
        said = shown(app)  # kept: a loaded run may outlast a toast before the look
        await handed_over(pilot, app, "Li", "1357")
        assert app.screen is screen
        assert f"{WAYBILL} is back" not in text_of(app, "#dl-status")
        assert (
            "Closed the parcel scanned back on Door delivery (scan it again to settle it), left open by Wang."
            in said
        )
        for key in ("f9", "f10"):
            await quiet.press(pilot, key)
            await quiet.settle(pilot)
            assert app.screen is screen, key  # no form for Wang's parcel
            assert "Scan the parcel that came back first." in text_of(app, "#dl-status"), key
        assert still_out(station)


async def test_its_clerk_signing_back_in_finds_it_waiting(new_station: Station) -> None:
    station = a_parcel_out(new_station)
    app = console(station)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await scanned_back(pilot, app)
        await handed_over(pilot, app, "Li", "1357")
        await handed_over(pilot, app, "Wang", "9071")
        assert app.screen is screen
        assert f"{WAYBILL} is back" in text_of(app, "#dl-status")
        await quiet.press(pilot, "f9")
        await until(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#form-received_by", Input).value = "门卫"
        await quiet.press(pilot, "enter", "enter", "enter")
        await until(pilot, lambda: "delivered." in text_of(app, "#dl-status"))
    with station.read() as session:
        item = session.exec(select(DeliveryItem)).one()
    assert (item.status, item.received_by) == ("delivered", "门卫")
