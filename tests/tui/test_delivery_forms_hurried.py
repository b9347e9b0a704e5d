"""Door delivery's forms (plan, delivered, not delivered, request) write on Enter, then close and say a
line: the next scan, typed right behind that Enter, waits for the write's answer and reaches the scan
field. Given at once, it went to the form about to close and was lost. Each write is slowed 0.3 s, a
busy database, so the race shows every time."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from station_helpers import configure
from textual.widgets import Input

from db.models import DeliveryItem, FeeEntry, Parcel
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs, scan_back
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from tui import quiet
from tui.door_run import FIRST, SECOND, THIRD, open_delivery
from tui.recipients_driver import people, text_of, until
from tui.test_read_then_ask_hurried import slowed


def _out(station: Station, waybill: str) -> bool:
    """`waybill` is out with the runner (its stop on the run scanned out)."""
    with station.read() as session:
        parcel = session.exec(select(Parcel).where(Parcel.waybill == waybill)).one()
        item = session.exec(select(DeliveryItem).where(DeliveryItem.parcel_id == parcel.id)).first()
    return item is not None and item.status == "out"


def _three_asked(station: Station) -> None:
    """A parcel each for the directory's three people, all three asked to the door."""
    for waybill, person in zip((FIRST, SECOND, THIRD), people(station).values(), strict=True):
        check_in(station, waybill, recipient_id=person)
        requests.request(station, waybill)


async def _form(app: StationApp, pilot: Any, key: str) -> FormDialog[Any]:
    await quiet.press(pilot, key)
    await quiet.settle(pilot)
    form = app.screen
    assert isinstance(form, FormDialog)
    return form


async def _enter_then_scan(app: StationApp, pilot: Any, waybill: str) -> None:
    """The form's Enter, the next parcel's scan right behind it."""
    screen = app.screen_stack[-2]
    await quiet.burst(pilot, "enter", *waybill, "enter")
    await quiet.until(
        pilot, lambda: app.screen is screen and "out with the runner" in text_of(app, "#dl-status"), timeout=3
    )


@pytest.mark.first_mode("shelves")
async def test_a_scan_right_behind_the_plan_forms_enter_scans_out_on_the_new_run(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_asked(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        monkeypatch.setattr(runs, "plan", slowed(runs.plan))
        form = await _form(app, pilot, "f7")
        form.query_one("#form-runner", Input).value = "小刘"
        form.query_one("#form-building", Input).focus()  # empty: all of them
        await _enter_then_scan(app, pilot, FIRST)
    assert _out(station, FIRST)


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize(("key", "settle", "field"), [("f9", "deliver", "photo"), ("f10", "fail", "note")])
async def test_a_scan_right_behind_a_door_outcomes_enter_scans_the_next_parcel_out(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, key: str, settle: str, field: str
) -> None:
    """A parcel back from the run settled (F9 delivered, F10 not), the next one scanned out right behind."""
    _three_asked(station)
    run = runs.plan(station, "小刘")
    runs.scan_out(station, run.id, FIRST)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        scan = app.screen.query_one("#dl-scan", Input)
        scan.value = FIRST  # back from the run
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "is back" in text_of(app, "#dl-status"))
        monkeypatch.setattr(scan_back, settle, slowed(getattr(scan_back, settle)))
        form = await _form(app, pilot, key)
        if key == "f9":
            form.query_one("#form-received_by", Input).value = "门卫"
        form.query_one(f"#form-{field}", Input).focus()
        await _enter_then_scan(app, pilot, SECOND)
    assert _out(station, SECOND)
    with station.read() as session:
        first = session.exec(select(Parcel).where(Parcel.waybill == FIRST)).one()
        assert first.status == ("picked_up" if key == "f9" else "on_shelf")


@pytest.mark.first_mode("shelves")
async def test_a_scan_right_behind_the_request_forms_enter_scans_out_on_the_run(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A recipient asks for the door (F12) while the runner waits: the parcel on the run scanned right
    behind the request's Enter goes out."""
    ids = list(people(station).values())
    check_in(station, FIRST, recipient_id=ids[0])
    check_in(station, SECOND, recipient_id=ids[1])
    requests.request(station, FIRST)
    runs.plan(station, "小刘")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        monkeypatch.setattr(requests, "request", slowed(requests.request))
        form = await _form(app, pilot, "f12")
        form.query_one("#form-ref", Input).value = SECOND
        await _enter_then_scan(app, pilot, FIRST)
    assert _out(station, FIRST)
    with station.read() as session:
        second = session.exec(select(Parcel).where(Parcel.waybill == SECOND)).one()
        assert session.exec(select(DeliveryItem).where(DeliveryItem.parcel_id == second.id)).one()


@pytest.mark.first_mode("shelves")
async def test_a_key_right_behind_the_scan_that_finds_a_storage_fee_does_not_pay_it(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan-out that finds a storage fee due opens the fee dialog: a key typed right behind its Enter
    (cash, 1) was typed before the fee was shown, so it records no payment (a payment moves money): the
    dialog stays, says the key was ignored, and the scan field behind it is left empty. The clerk's own
    1 once the fee is up pays it: out with the runner."""
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    check_in(station, FIRST, recipient_id=people(station)["张三"])
    requests.request(station, FIRST)
    runs.plan(station, "小刘")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        monkeypatch.setattr(runs, "fee_due", slowed(runs.fee_due))
        field = app.screen.query_one("#dl-scan", Input)
        field.value = FIRST
        field.focus()
        screen = app.screen
        await quiet.burst(pilot, "enter", "1")
        await quiet.until(pilot, lambda: isinstance(app.screen, FeeDialog), timeout=3)
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FeeDialog)
        assert "typed before this question appeared were ignored" in text_of(app, "#question-said")
        assert field.value == "" and not _out(station, FIRST)
        with station.read() as session:
            assert session.exec(select(FeeEntry)).all() == []  # nothing charged or paid yet
        await quiet.press(pilot, "1")
        await quiet.until(
            pilot,
            lambda: app.screen is screen and "out with the runner" in text_of(app, "#dl-status"),
            timeout=3,
        )
    with station.read() as session:
        paid = [(e.kind, e.amount_cents, e.method) for e in session.exec(select(FeeEntry)).all()]
    assert _out(station, FIRST) and paid == [("charge", 150, None), ("payment", 150, "cash")]
