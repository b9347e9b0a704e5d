"""Pickup at a hurried clerk's pace: keys pressed twice, Esc for the next customer, a clerk asking for a
manager's action, a proxy's form answered badly. Each once, never twice, and nothing lost."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlmodel import select
from station_helpers import snapshot
from textual import events
from textual.widgets import Input, Static

from db.models import ParcelEvent, ProxyPickup, Role
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup import handover, undo
from station_console.services.pickup.proxy import PHONE_SHAPES, Proxy
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import Choice
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.widgets.wedge import WedgeInput
from tui.pickup_driver import (
    ANN,
    Clerk_,
    one_parcel_served,
    receive,
    sign_in,
    statuses,
)
from tui.quiet import TIMEOUT, burst, press, settle, until


@pytest.mark.first_mode("pickup")
async def test_enter_twice_on_the_reason_overrides_once(station: Station, console: StationApp) -> None:
    """Both Enters reached the reason's field before the dialog closed: the second answer closed the
    screen on top by then, Pickup (its mode's only screen), and the console stopped (ScreenStackError)."""
    sign_in(station, Role.MANAGER)
    a, b = (receive(station, n, ANN) for n in (1, 2))
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.serve(a)
        await clerk.key("ctrl+o")
        assert isinstance(console.screen, ReasonDialog)
        await press(pilot, *"label torn")
        await burst(pilot, "enter", "enter")
        assert console.is_running and console.screen is screen and len(console.screen_stack) == 1
        assert statuses(station) == {a.waybill: "picked_up", b.waybill: "picked_up"}


@pytest.mark.first_mode("pickup")
async def test_a_clerk_asking_to_undo_a_pickup_is_refused_before_the_question(
    station: Station, console: StationApp
) -> None:
    async with one_parcel_served(station, console) as (clerk, screen, a):
        await clerk.key("f10")
        assert statuses(station) == {a.waybill: "picked_up"}
        await clerk.key("ctrl+z")  # the question came first, and "Only a manager" after the yes
        assert console.screen is screen
        assert "Only a manager can undo a pickup" in clerk.text("#pk-message")
    assert statuses(station) == {a.waybill: "picked_up"}


@pytest.mark.first_mode("pickup")
async def test_enter_right_behind_ctrl_z_does_not_answer_the_undo_question(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The undo is read first, then asked: an Enter typed right behind Ctrl+Z reached Pickup before the
    question was up. An undo gives a fee back, so a key typed before its question appeared answers
    nothing: the question stays, No focused, saying so; the clerk's Esc then leaves the parcel handed
    over."""
    async with one_parcel_served(station, console, Role.MANAGER) as (clerk, screen, a):
        pilot = clerk.pilot
        await clerk.key("f10")
        assert statuses(station) == {a.waybill: "picked_up"}
        read = undo.undo_preview

        def slow_read(*args: Any, **kwargs: Any) -> undo.UndoPreview:
            time.sleep(0.3)  # a busy database: the Enter is in before the question
            return read(*args, **kwargs)

        monkeypatch.setattr(undo, "undo_preview", slow_read)
        await burst(pilot, "ctrl+z", "enter")
        await until(pilot, lambda: console.screen is not screen)
        await settle(pilot)
        question = console.screen
        assert "typed before this question appeared were ignored" in str(
            question.query_one("#question-said", Static).render()
        )
        assert statuses(station) == {a.waybill: "picked_up"}
        await press(pilot, "escape")
        await settle(pilot)
        assert console.screen is screen
        assert "Nothing undone" in clerk.text("#pk-message")
        assert statuses(station) == {a.waybill: "picked_up"}


@pytest.mark.first_mode("pickup")
async def test_a_proxys_short_phone_tail_is_refused_in_the_form_which_keeps_what_was_typed(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(a.pickup_code)
        await clerk.key("f9")
        await clerk.key(*" Li ", "tab", *"567", "tab", *"123x", "enter")
        form = console.screen
        assert isinstance(form, FormDialog), clerk.text("#pk-message")
        assert clerk.bells == 1
        refused = str(form.query_one("#form-refused", Static).render())
        assert refused == PHONE_SHAPES
        typed = {key: form.query_one(f"#form-{key}", Input).value for key in ("name", "phone", "id_last4")}
        assert typed == {"name": " Li ", "phone": "567", "id_last4": "123x"}
        assert console.focused is form.query_one("#form-phone", Input)  # where the fault is
        assert screen.proxy is None
        await clerk.key("home", "1", "enter")  # only the missing digit, in the field the cursor is in
        assert console.screen is screen
        assert screen.proxy == Proxy("Li", "1567", "123X")
        assert "Li ****1567" in clerk.text("#pk-message")
        await clerk.scan(a.waybill)
        await clerk.key("f10")
    assert statuses(station)[a.waybill] == "picked_up"
    with station.read() as session:
        recorded = session.exec(select(ProxyPickup)).all()
    assert [(p.name, p.phone_tail, p.id_last4) for p in recorded] == [("Li", "1567", "123X")]


@pytest.mark.first_mode("pickup")
async def test_a_proxys_name_pasted_too_long_is_refused_in_the_form_by_its_field(
    station: Station, console: StationApp
) -> None:
    """5,000 characters with colour codes pasted as the proxy's name: the field takes none of it and the
    form says so by the field's name (only a toast naming no field said it, over an empty field); typed
    past the limit it says the limit; a short coloured paste goes in without its codes."""
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(a.pickup_code)
        await clerk.key("f9")
        form = console.screen
        assert isinstance(form, FormDialog), clerk.text("#pk-message")
        name = form.query_one("#form-name", Input)
        before, toasts = snapshot(station), len(console._notifications)
        junk = ("\x1b[31m" + "张三" * 5 + "\x1b[0m" + "李") * 300
        name.post_message(events.Paste(junk))
        await settle(pilot)
        said = str(form.query_one("#form-refused", Static).render())
        assert said == (
            "Proxy's name takes at most 64 characters: the paste (3300 characters) was not put in. "
            "Shorten it and paste again, or type it."
        )
        assert name.value == "" and console.focused is name and clerk.bells == 1
        assert len(console._notifications) == toasts  # the form said it: no toast naming no field
        name.value, name.cursor_position = "王" * 64, 64
        await clerk.key("x")
        assert name.value == "王" * 64
        assert str(form.query_one("#form-refused", Static).render()) == (
            "Proxy's name takes at most 64 characters."
        )
        name.value = ""
        name.post_message(events.Paste("\x1b[31m王五\x1b[0m"))
        await settle(pilot)
        assert name.value == "王五" and console.screen is form
    assert snapshot(station) == before


@pytest.mark.first_mode("pickup")
async def test_a_proxy_the_recipient_has_not_allowed_is_refused_in_the_form_which_keeps_what_was_typed(
    station: Station, console: StationApp
) -> None:
    """Looked up by the phone tail, no code: the recipient's consent is in the directory, so the form
    asks the service on its worker. Refused there, the form stays with every field, nothing written; the
    recipient then allows proxies (on the phone, recorded at another counter) and Enter again takes it."""
    sign_in(station, Role.MANAGER)
    zhang = directory.add(station, {"name": "张三", "phones": ANN}).id
    a = check_in(station, "73000000000001", recipient_id=zhang)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(ANN[-4:])
        await clerk.key("f9")
        before = snapshot(station)
        await clerk.key(*"Li", "tab", *"1567", "tab", *"123x", "enter")
        form = console.screen
        assert isinstance(form, FormDialog), clerk.text("#pk-message")
        assert str(form.query_one("#form-refused", Static).render()) == (
            "A proxy may collect 73000000000001 only with the pickup code: the recipient has not allowed proxies."
        )
        assert clerk.bells == 1 and console.focused is form.query_one("#form-name", Input)
        typed = {key: form.query_one(f"#form-{key}", Input).value for key in ("name", "phone", "id_last4")}
        assert typed == {"name": "Li", "phone": "1567", "id_last4": "123x"}
        assert screen.proxy is None and snapshot(station) == before
        consent.record(station, zhang, Choice(proxy_allowed=True), channel="phone")
        await clerk.key("enter")
        assert console.screen is screen and screen.proxy == Proxy("Li", "1567", "123X")
        await clerk.scan(a.waybill)
        await clerk.key("f10", "f10")  # a phone tail: the second check, then the handover
    assert statuses(station)[a.waybill] == "picked_up"
    with station.read() as session:
        recorded = session.exec(select(ProxyPickup)).all()
    assert [(p.name, p.phone_tail, p.by_code) for p in recorded] == [("Li", "1567", False)]


@pytest.mark.first_mode("pickup")
async def test_esc_esc_leaves_a_proxy_form_refused_whatever_is_typed(
    station: Station, console: StationApp
) -> None:
    """A phone tail's lookup, a proxy the recipient has not allowed: refused whatever the form says, so
    Esc closes it without the unsaved question (whose Esc, stay, put the clerk's second Esc back into a
    form that cannot pass). A refusal a field puts right (a short tail) still asks before dropping it."""
    from station_console.tui.screens.unsaved import LeaveUnsaved

    sign_in(station, Role.MANAGER)
    zhang = directory.add(station, {"name": "张三", "phones": ANN}).id
    check_in(station, "73000000000001", recipient_id=zhang)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(ANN[-4:])
        before = snapshot(station)
        await clerk.key("f9", *"Li", "tab", *"15", "tab", *"123x", "enter")
        form = console.screen
        assert isinstance(form, FormDialog)
        assert str(form.query_one("#form-refused", Static).render()) == PHONE_SHAPES
        await clerk.key("escape")
        assert isinstance(console.screen, LeaveUnsaved)  # a field to put right: what was typed is asked for
        await clerk.key("escape")  # stay
        assert console.screen is form
        phone = form.query_one("#form-phone", Input)
        phone.value = "1567"
        phone.focus()
        await clerk.key("enter")
        await until(
            pilot, lambda: "only with the pickup code" in str(form.query_one("#form-refused").render())
        )
        assert console.screen is form
        await burst(pilot, "escape", "escape")  # the hurried clerk's way out
        await until(pilot, lambda: console.screen is screen)
        await settle(pilot)
        assert console.screen is screen and not any(
            isinstance(s, FormDialog | LeaveUnsaved) for s in console.screen_stack
        )
        assert screen.proxy is None and snapshot(station) == before


@pytest.mark.first_mode("pickup")
async def test_a_bounced_f10_hands_over_once_and_keeps_the_acknowledgment(
    station: Station, console: StationApp
) -> None:
    async with one_parcel_served(station, console) as (clerk, screen, a):
        await clerk.key("f10", "f10")  # a hurried clerk presses twice; the first is served by then
        assert "Handed over: 1 parcel" in clerk.text("#pk-message")
        assert not screen.query_one("#pk-message", Static).has_class("-error") and clerk.bells == 0
    with station.read() as s:
        kinds = [e.kind for e in s.exec(select(ParcelEvent).where(ParcelEvent.parcel_id == a.parcel_id))]
    assert kinds.count("picked_up") == 1


@pytest.mark.first_mode("pickup")
async def test_an_enter_bouncing_at_once_hands_over_once(station: Station, console: StationApp) -> None:
    """Every parcel scanned, the clerk's Enter read twice a millisecond apart (a key bounce) was taken
    for an Enter storm, no one's: nothing handed over, nothing said. It is the clerk's one Enter."""
    async with one_parcel_served(station, console) as (clerk, screen, a):
        assert "Enter or F10 hands it over" in clerk.text("#pk-message")
        clerk.clock.t += 2.0
        clerk.clock.step, clerk.clock.idle = 0.001, 1.0
        await burst(clerk.pilot, "enter", "enter")
        assert "Handed over: 1 parcel" in clerk.text("#pk-message")
    with station.read() as s:
        kinds = [e.kind for e in s.exec(select(ParcelEvent).where(ParcelEvent.parcel_id == a.parcel_id))]
    assert kinds.count("picked_up") == 1


@pytest.mark.first_mode("pickup")
async def test_the_scanners_second_terminator_after_a_refused_code_hands_nothing_over(
    station: Station, console: StationApp
) -> None:
    """Every parcel scanned, a code refused as too short, ended CR CR by its scanner: the second CR came
    a millisecond after the refusal and was taken for the clerk's Enter, handing the parcel over."""
    async with one_parcel_served(station, console) as (clerk, screen, a):
        assert "Enter or F10 hands it over" in clerk.text("#pk-message")
        clerk.clock.t += 2.0
        clerk.clock.step, clerk.clock.idle = 0.001, 1.0
        await burst(clerk.pilot, *"AB1", "enter", "enter")
    assert statuses(station) == {a.waybill: "on_shelf"}


@pytest.mark.first_mode("pickup")
async def test_f10_while_the_handover_is_written_asks_for_nothing_more(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    release, calls = threading.Event(), []
    real = handover.confirm_pickup

    def slow(*args: Any, **kwargs: Any) -> list[int]:
        calls.append(args)
        assert release.wait(TIMEOUT)  # a busy database: the write is still running
        return real(*args, **kwargs)

    monkeypatch.setattr(handover, "confirm_pickup", slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.serve(a)
        await pilot.press("f10")
        await until(pilot, lambda: len(calls) == 1)
        await pilot.press("f10")  # pressed again while the first is written
        release.set()
        await clerk.settle()
        assert len(calls) == 1 and clerk.bells == 0
        assert "Handed over: 1 parcel" in clerk.text("#pk-message")


@pytest.mark.first_mode("pickup")
async def test_esc_for_the_next_customer_empties_a_half_typed_query(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.key("5", "5", "escape")
        assert screen.query_one("#pk-query", WedgeInput).value == ""


@pytest.mark.first_mode("pickup")
async def test_a_proxy_with_one_code_sees_and_collects_only_that_parcel(
    station: Station, console: StationApp
) -> None:
    """The code lists the person's other parcel too; a proxy named for them narrows the list to the
    parcel whose code they gave (the other is not named, and its phone not shown), and F10 hands over
    that one. It listed both, and the proxy took both."""
    sign_in(station, Role.CLERK)
    a, b = (receive(station, n, ANN) for n in (1, 2))
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(a.pickup_code)
        assert clerk.progress() == ("0", "2")
        await clerk.key("f9")
        await clerk.key(*"Li", "tab", *"1567", "enter", "enter")
        assert console.screen is screen and screen.proxy == Proxy("Li", "1567")
        assert clerk.progress() == ("0", "1") and [r.waybill for r in screen.active_rows()] == [a.waybill]
        said = clerk.text("#pk-message")
        assert "1 other parcel is not listed" in said and b.waybill not in said
        await clerk.scan(a.waybill)
        await clerk.key("f10")
        await until(pilot, lambda: "Handed over" in clerk.text("#pk-message"))
    assert statuses(station) == {a.waybill: "picked_up", b.waybill: "on_shelf"}
    with station.read() as session:
        recorded = session.exec(select(ProxyPickup)).all()
    assert [(p.parcel_id, p.by_code) for p in recorded] == [(a.parcel_id, True)]
