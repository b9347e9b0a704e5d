"""Pickup's reads for the customer served, answering after the clerk went on to the next customer (a
slow database): a stranger's parcel scanned against the last customer's list is not refused over the
next customer's. The service is held at the function the worker calls."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from db.models import Role
from station_console.services.core.station import Station
from station_console.services.pickup import handover
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from tui import quiet
from tui.pickup_driver import ANN, OTHER, SOLO, Clerk_, receive, sign_in, statuses

HELD = ["run"]  # the held call's worker, left running while the clerk goes on


async def f10_then_the_next_customer(clerk: Clerk_, pilot: Any, screen: Any, asked: Any, code: str) -> None:
    """F10 for the customer served, the handover held on its way (`asked` set), then Esc and the next
    customer's `code` typed at a person's pace, their list up."""
    clerk.clock.step, clerk.clock.idle = 0.25, 1.0  # a person's keys
    await quiet.press(pilot, "f10", leave_running=HELD)
    await quiet.until(pilot, asked.is_set, what="no handover")
    await quiet.press(pilot, "escape", *code, "enter", leave_running=HELD)
    await quiet.until(pilot, lambda: screen.lookup is not None, what="the next customer not listed")


@pytest.mark.first_mode("pickup")
async def test_a_wrong_parcel_refused_after_the_next_customer_came_is_not_said_over_them(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ann's list up, a stranger's parcel scanned (where it belongs is read), then Esc and the next
    customer's code before the refusal comes: the next customer's list stays calm, unrefused, and
    their own parcel ticks."""
    sign_in(station, Role.CLERK)
    ann, solo, stranger = receive(station, 1, ANN), receive(station, 2, SOLO), receive(station, 3, OTHER)
    slow, asked, answer, answered = quiet.held(handover.check_scan)
    monkeypatch.setattr(handover, "check_scan", slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(ann.pickup_code)
        screen.post_message(ScannerBridge.Scanned(stranger.waybill, "dummy"))
        await quiet.until(pilot, asked.is_set, what="no check of the scan")
        clerk.clock.step, clerk.clock.idle = 0.25, 1.0  # a person's keys
        await quiet.press(pilot, "escape", *solo.pickup_code, "enter", leave_running=HELD)
        await quiet.until(pilot, lambda: screen.lookup is not None, what="the next customer not listed")
        answer.set()
        await quiet.until(pilot, answered.is_set, what="the check never answered")
        await clerk.settle()
        assert not screen.has_class("-wrong")
        assert stranger.location not in clerk.text("#pk-message")
        assert clerk.bells == 0
        assert clerk.progress() == ("0", "1")
        await clerk.scan(solo.waybill)
        assert clerk.progress() == ("1", "1")


@pytest.mark.first_mode("pickup")
async def test_a_handover_answering_after_the_next_customer_came_keeps_their_list(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ann's parcel handed over (F10) on a slow database, Esc and the next customer's code meanwhile: the
    handover, written, is said as the previous customer's (not 'Ready for the next customer', whose list
    is up), and the next customer's list stays up for their parcel to be scanned."""
    sign_in(station, Role.CLERK)
    ann, solo = receive(station, 1, ANN), receive(station, 2, SOLO)
    slow, asked, answer, answered = quiet.held(handover.confirm_pickup)
    monkeypatch.setattr(handover, "confirm_pickup", slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.serve(ann)
        await f10_then_the_next_customer(clerk, pilot, screen, asked, solo.pickup_code)
        answer.set()
        await quiet.until(pilot, answered.is_set, what="the handover never answered")
        await clerk.settle()
        said = clerk.text("#pk-message")
        assert "Handed over to the previous customer: 1 parcel." in said, said
        assert "next customer" not in said, said  # the next customer is served already
        assert screen.lookup is not None and screen.lookup.query == solo.pickup_code
        assert clerk.progress() == ("0", "1")
        await clerk.scan(solo.waybill)
        assert clerk.progress() == ("1", "1")


@pytest.mark.first_mode("pickup")
async def test_a_handover_refused_after_the_next_customer_came_is_said_as_the_previous_customers(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ann's parcel handed over (F10) on a slow database, Esc and the next customer's code meanwhile, and
    another counter hands Ann's parcel out first: the refusal lands over the next customer's list, so it
    says whose handover it was ('Nothing was handed over' alone reads as theirs), and their list stays."""
    sign_in(station, Role.CLERK)
    ann, solo = receive(station, 1, ANN), receive(station, 2, SOLO)
    confirm_pickup = handover.confirm_pickup
    slow, asked, answer, answered = quiet.held(confirm_pickup)
    monkeypatch.setattr(handover, "confirm_pickup", slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.serve(ann)
        await f10_then_the_next_customer(clerk, pilot, screen, asked, solo.pickup_code)
        confirm_pickup(station, [ann.parcel_id], method="code", scanned=[ann.waybill])  # another counter
        answer.set()
        await quiet.until(pilot, answered.is_set, what="the handover never answered")
        await clerk.settle()
        said = clerk.text("#pk-message")
        assert "previous customer" in said, said
        assert ann.waybill in said, said  # the refusal itself, whole
        assert screen.lookup is not None and screen.lookup.query == solo.pickup_code
        assert clerk.progress() == ("0", "1")


@pytest.mark.first_mode("pickup")
async def test_the_next_customers_f10_while_the_last_handover_is_on_its_way_is_said_not_lost(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ann's parcel handed over (F10) on a slow database; Esc, the next customer's code, their parcel
    typed, F10: that F10 sends nothing (one handover at a time) and says so, where it went unsaid and the
    clerk read the next customer's silence as done. Once Ann's is answered, F10 hands theirs over."""
    sign_in(station, Role.CLERK)
    ann, solo = receive(station, 1, ANN), receive(station, 2, SOLO)
    asked, answer = threading.Event(), threading.Event()
    confirm_pickup = handover.confirm_pickup
    calls: list[list[int]] = []

    def slow(station: Station, ids: list[int], **kwargs: Any) -> Any:
        calls.append(list(ids))
        asked.set()
        assert answer.wait(quiet.TIMEOUT)  # else it answered before the test let it
        return confirm_pickup(station, ids, **kwargs)

    monkeypatch.setattr(handover, "confirm_pickup", slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.serve(ann)
        await f10_then_the_next_customer(clerk, pilot, screen, asked, solo.pickup_code)
        await quiet.press(pilot, *solo.waybill, "enter", leave_running=HELD)
        assert clerk.progress() == ("1", "1")
        bells = clerk.bells
        await quiet.press(pilot, "f10", leave_running=HELD)
        said = clerk.text("#pk-message")
        assert "still on its way" in said, said
        assert clerk.bells == bells + 1 and calls == [[ann.parcel_id]]
        answer.set()
        await clerk.settle()
        assert "Handed over to the previous customer: 1 parcel." in clerk.text("#pk-message")
        assert statuses(station) == {ann.waybill: "picked_up", solo.waybill: "on_shelf"}
        await clerk.key("f10")
        await clerk.settle()
    assert calls == [[ann.parcel_id], [solo.parcel_id]]
    assert statuses(station) == {ann.waybill: "picked_up", solo.waybill: "picked_up"}
