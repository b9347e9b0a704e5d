"""A question built from a call's answer, the call sent before a lock and answered after the next
clerk signed in: only the clerk who pressed the key is asked; the next clerk finds nothing of theirs."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import select
from station_helpers import configure
from textual.widgets import Input

from db.models import DeliveryItem, Parcel
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs
from station_console.settings import FeeRule
from station_console.tui.screens import checkin_batch
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.door_run import FIRST, SECOND, choose_run, open_delivery, two_runs
from tui.lock_driver import HeldBefore, batches, console, lock_and_sign_in, sign_in, toasts, wang_and_li
from tui.recipients_driver import people, text_of
from tui.test_delivery_late_answers import held_scan_out, scan


@pytest.mark.parametrize(("who", "pin", "asked"), [("Li", "1357", False), ("Wang", "9071", True)])
async def test_carriers_read_across_a_lock_ask_only_the_clerk_who_pressed_f10(
    new_station: Station, monkeypatch: pytest.MonkeyPatch, who: str, pin: str, asked: bool
) -> None:
    """Wang's F10 (open a courier's batch) read the carriers slowly; Li, signed in meanwhile, was asked
    which carrier's courier had come, and her answer opened a batch nobody at the counter asked for."""
    station = wang_and_li(new_station)
    held = HeldBefore(checkin_batch.carrier_choices)  # the database busy at another counter
    monkeypatch.setattr(checkin_batch, "carrier_choices", held)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f10", leave_running=["run"])
        await lock_and_sign_in(pilot, app, who, pin)
        held.release.set()  # the carriers come after the sign-in
        await quiet.settle(pilot)
        assert isinstance(app.screen, CourierDialog) is asked
        if asked:
            await quiet.press(pilot, "escape")  # Wang, back, finds his question and goes on without it
    assert batches(station) == []


@pytest.mark.parametrize(("who", "pin", "taken"), [("Li", "1357", False), ("Wang", "9071", True)])
async def test_a_proxy_checked_across_a_lock_is_given_only_to_the_clerk_who_typed_it(
    new_station: Station, monkeypatch: pytest.MonkeyPatch, who: str, pin: str, taken: bool
) -> None:
    """Wang's proxy form (F9) was checked slowly; Li, signed in meanwhile, found Wang's proxy set on her
    Pickup screen, and her next handover would have recorded them."""
    from textual.widgets import Input

    from station_console.services.checkin.transaction import check_in
    from station_console.tui.screens import pickup_handover
    from station_console.tui.screens.form_dialog import FormDialog

    station = wang_and_li(new_station)
    code = check_in(station, "JT0000000000001", phone="13812345678").pickup_code
    held = HeldBefore(pickup_handover.check_for)  # the directory read slowly: the console locks meanwhile
    monkeypatch.setattr(pickup_handover, "check_for", held)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await app.switch_mode("pickup")
        await quiet.settle(pilot)
        screen: Any = app.screen
        query = screen.query_one("#pk-query", Input)
        query.value = code
        query.focus()
        await quiet.press(pilot, "enter")
        await quiet.settle(pilot)
        await quiet.press(pilot, "f9")
        await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="the proxy's form")
        app.screen.query_one("#form-name", Input).value = "邻居老王"
        app.screen.query_one("#form-phone", Input).value = "13911112222"
        await quiet.press(pilot, "enter", "enter", leave_running=["run"])  # on to the ID, then sent
        await lock_and_sign_in(pilot, app, who, pin)
        held.release.set()  # the proxy's check comes after the sign-in
        await quiet.settle(pilot)
        await quiet.until(pilot, lambda: not isinstance(app.screen, FormDialog), what="the form closed")
        assert (screen.proxy is not None) is taken


@pytest.mark.parametrize("meanwhile", [None, "Li"], ids=["nobody-signed-in", "another-clerk"])
async def test_a_fee_found_across_a_lock_is_said_to_the_clerk_who_scanned_once_back(
    new_station: Station, monkeypatch: pytest.MonkeyPatch, meanwhile: str | None
) -> None:
    """Wang scanned a parcel out to the runner; its storage fee was found after a lock, with nobody or
    Li signed in, so nobody was asked and nothing was scanned out, without a word: Wang, back, took it
    as given to the runner. He is now told it was not scanned out, to scan it again; Li is told nothing."""
    station = wang_and_li(new_station)
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    check_in(station, "JT0000000000001", recipient_id=people(station)["张三"])
    requests.request(station, "JT0000000000001")
    runs.plan(station, "小刘")
    held = HeldBefore(runs.scan_out)  # the database busy at another counter
    monkeypatch.setattr(runs, "scan_out", held)
    app = console(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        await quiet.press(pilot, "ctrl+d")
        await quiet.until(pilot, lambda: "Waiting for a run" in text_of(app, "#dl-summary"))
        delivery = app.screen
        field = delivery.query_one("#dl-scan", Input)
        field.value = "JT0000000000001"
        await quiet.press(pilot, "enter", leave_running=["run"])
        await quiet.press(pilot, "ctrl+l", leave_running=["run"])
        assert isinstance(app.screen, SignInScreen)
        if meanwhile:
            await sign_in(pilot, meanwhile, "1357", leave_running=["run"])
            await quiet.until(pilot, lambda: app.clerk_name == meanwhile, what="signed in")
        held.release.set()  # the fee comes after the lock
        await quiet.settle(pilot)
        if meanwhile:
            assert app.screen is delivery and "Scan it again" not in text_of(app, "#dl-status")
            await quiet.press(pilot, "ctrl+l")
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "Wang", "9071")
        await quiet.until(pilot, lambda: app.clerk_name == "Wang", what="signed in")
        assert app.screen is delivery
        assert text_of(app, "#dl-status") == (
            "Not scanned out: JT0000000000001 owes a storage fee, and the console was locked before it "
            "was asked. Scan it again."
        )
    with station.read() as session:
        assert session.exec(select(Parcel)).one().delivery_run_id is None  # still waiting, not out


@pytest.mark.parametrize(("who", "pin", "theirs"), [("Li", "1357", False), ("Wang", "9071", True)])
async def test_a_dialogs_answer_and_a_workers_answer_agree_on_who_asked_across_a_lock(
    new_station: Station, who: str, pin: str, theirs: bool
) -> None:
    """Wang's key opened a dialog (`askers_own`) and sent a call; the console locked and `who` signed in
    before either answered: the call's answer (`asked_by`, `asked_by_clerk_now`) and the dialog's
    callback say the same of who asked, Wang, and of whether that is the clerk signed in now."""
    station = wang_and_li(new_station)
    wang = station.clerk_id
    held = threading.Event()
    seen: dict[str, object] = {}
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        screen: Any = app.screen
        given = screen.askers_own(lambda answer: seen.update(dialog=answer))  # as Wang's dialog opens

        def done_probe(_result: object) -> None:
            seen["worker"] = (screen.asked_by(), screen.asked_by_clerk_now())

        screen.done_probe = done_probe
        screen.call("probe", lambda: held.wait(quiet.TIMEOUT))
        await lock_and_sign_in(pilot, app, who, pin)
        held.set()  # the call answers after the sign-in
        await quiet.until(pilot, lambda: "worker" in seen, what="the call's answer")
        given("the dialog's answer")  # and so does the dialog
        assert seen["worker"] == (wang, theirs)
        assert ("dialog" in seen) is theirs


@pytest.mark.first_mode("shelves")
async def test_fees_found_under_a_fee_question_follow_the_clerk_who_scanned_across_a_lock(
    new_station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wang scanned two parcels owing a storage fee out to the runner: the first's fee question was up
    when the second's fee was found (said on it, not asked). He locked and Li signed in: the question
    closed, and Li was told Wang's scans were not scanned out, which she never scanned. Li is told
    nothing of them; Wang, back, is told both are not out, to scan them again."""
    station = wang_and_li(new_station)
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    first, _second = two_runs(station, first_out=False)
    with held_scan_out(monkeypatch) as (asked, answer):
        app = console(station)
        async with app.run_test(size=(160, 50)) as pilot:
            await quiet.settle(pilot)
            await open_delivery(app, pilot)
            await choose_run(app, pilot, first)
            delivery: Any = app.screen
            await scan(app, pilot, FIRST)
            await quiet.until(pilot, asked.is_set, what="no scan-out")
            await scan(app, pilot, SECOND)
            await quiet.until(pilot, lambda: delivery._in_flight.get("out") == 2, what="both on their way")
            answer.set()
            await quiet.until(pilot, lambda: not delivery.calling("out"), what="both answered")
            await quiet.settle(pilot)
            assert isinstance(app.screen, FeeDialog)
            await lock_and_sign_in(pilot, app, "Li", "1357")
            await quiet.settle(pilot)
            assert app.screen is delivery
            assert "Not scanned out" not in text_of(app, "#dl-status")  # none of them Li's
            assert toasts(app) == ["Closed a storage fee payment, left open by Wang."]
            await quiet.press(pilot, "ctrl+l")
            await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
            await sign_in(pilot, "Wang", "9071")
            await quiet.until(pilot, lambda: app.clerk_name == "Wang", what="signed in")
            await quiet.settle(pilot)
            assert app.screen is delivery
            said = text_of(app, "#dl-status")
            assert said.startswith("Not scanned out: JT000000000000"), said
            assert said.endswith(
                " owe storage fees, not settled before another clerk signed in. Scan them again."
            )
            assert FIRST in said and SECOND in said, said
    with station.read() as session:
        assert {i.status for i in session.exec(select(DeliveryItem)).all()} == {"planned"}


@pytest.mark.first_mode("shelves")
async def test_both_kinds_of_fee_left_for_one_clerk_are_said_together_once_back(
    new_station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wang scanned two parcels owing a storage fee: the first's question was up when he locked, and the
    second's fee was found after Li signed in. Back, he was told of the second only: the line about the
    first, said a moment before, was replaced, and he took the first as out with the runner."""
    station = wang_and_li(new_station)
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    first, _second = two_runs(station, first_out=False)
    release = {FIRST: threading.Event(), SECOND: threading.Event()}
    asked = {FIRST: threading.Event(), SECOND: threading.Event()}
    scan_out = runs.scan_out

    def held(station_: Station, run_id: int, raw: str, **kwargs: Any) -> Any:
        asked[raw].set()
        assert release[raw].wait(quiet.TIMEOUT)  # the database busy at another counter
        return scan_out(station_, run_id, raw, **kwargs)

    monkeypatch.setattr(runs, "scan_out", held)
    try:
        app = console(station)
        async with app.run_test(size=(160, 50)) as pilot:
            await quiet.settle(pilot)
            await open_delivery(app, pilot)
            await choose_run(app, pilot, first)
            delivery: Any = app.screen
            await scan(app, pilot, FIRST)
            await scan(app, pilot, SECOND)
            await quiet.until(pilot, lambda: all(e.is_set() for e in asked.values()), what="both sent")
            release[FIRST].set()
            await quiet.until(pilot, lambda: isinstance(app.screen, FeeDialog), what="the first's fee asked")
            await lock_and_sign_in(pilot, app, "Li", "1357")  # the question closes: FIRST left unsettled
            release[SECOND].set()  # its fee found with Li signed in: asked of nobody
            await quiet.until(pilot, lambda: not delivery.calling("out"), what="the second answered")
            await quiet.settle(pilot)
            assert app.screen is delivery and "Not scanned out" not in text_of(app, "#dl-status")
            await quiet.press(pilot, "ctrl+l")
            await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
            await sign_in(pilot, "Wang", "9071")
            await quiet.until(pilot, lambda: app.clerk_name == "Wang", what="signed in")
            await quiet.settle(pilot)
            said = text_of(app, "#dl-status")
            assert FIRST in said and SECOND in said, said
            assert "not settled before another clerk signed in" in said, said
            assert "the console was locked before it was asked" in said, said
    finally:
        for event in release.values():
            event.set()
    with station.read() as session:
        assert {i.status for i in session.exec(select(DeliveryItem)).all()} == {"planned"}


@pytest.mark.first_mode("shelves")
async def test_a_parcel_back_and_a_fee_left_for_one_clerk_are_both_said_once_back(
    new_station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wang scanned a parcel back from the runner and another owing a storage fee; both answers came
    after the lock, while Li was signed in. Back, the fee's line took the place of "is back": he was
    not told the first parcel came back, to settle it with F9 or F10."""
    station = wang_and_li(new_station)
    first, _second = two_runs(station, first_out=True)  # FIRST out before any fee was charged
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    asked, release = threading.Event(), threading.Event()
    scan_out = runs.scan_out

    def held(*args: Any, **kwargs: Any) -> Any:
        asked.set()
        assert release.wait(quiet.TIMEOUT)  # the database busy at another counter
        return scan_out(*args, **kwargs)

    monkeypatch.setattr(runs, "scan_out", held)
    try:
        app = console(station)
        async with app.run_test(size=(160, 50)) as pilot:
            await quiet.settle(pilot)
            await open_delivery(app, pilot)
            await choose_run(app, pilot, first)
            delivery: Any = app.screen
            await scan(app, pilot, FIRST)  # out with the runner: back
            await scan(app, pilot, SECOND)  # owes a fee
            await quiet.until(pilot, lambda: delivery._in_flight.get("out") == 2, what="both on their way")
            await lock_and_sign_in(pilot, app, "Li", "1357")
            release.set()
            await quiet.until(pilot, lambda: not delivery.calling("out"), what="both answered")
            await quiet.settle(pilot)
            assert app.screen is delivery and "Not scanned out" not in text_of(app, "#dl-status")
            await quiet.press(pilot, "ctrl+l")
            await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in dialog")
            await sign_in(pilot, "Wang", "9071")
            await quiet.until(pilot, lambda: app.clerk_name == "Wang", what="signed in")
            await quiet.settle(pilot)
            said = text_of(app, "#dl-status")
            assert f"Not scanned out: {SECOND} owes a storage fee" in said, said
            assert f"{FIRST} is back: F9 delivered" in said, said
    finally:
        release.set()
