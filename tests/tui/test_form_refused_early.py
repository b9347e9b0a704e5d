"""A form refused on Ctrl+S before the clerk reached its later fields: Enter in the field put right goes
on to the next empty one the cursor has not been in, as before the refusal. It sent the form there, and
the proxy's ID typed next went to the Pickup screen beneath, a phone-tail lookup dropping the customer."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from db.models import ProxyPickup, Role
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from tui.pickup_driver import ANN, Clerk_, receive, sign_in, statuses
from tui.quiet import until


@pytest.mark.first_mode("pickup")
async def test_enter_after_an_early_refusal_goes_on_to_the_proxys_id_not_past_it(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(a.pickup_code)
        await clerk.key("f9")
        form = console.screen
        assert isinstance(form, FormDialog)
        await clerk.key(*"Li", "ctrl+s")  # sent before the phone was typed: refused, the cursor in it
        assert console.focused is form.query_one("#form-phone", Input)
        await clerk.type("1567")
        assert console.screen is form, "the form closed before the ID was typed"
        assert console.focused is form.query_one("#form-id_last4", Input)
        await clerk.type("123X")
        await until(pilot, lambda: console.screen is screen and screen.proxy is not None)
        assert screen.lookup is not None and [r.waybill for r in screen.lookup.rows] == [a.waybill]
        await clerk.scan(a.waybill)
        await clerk.key("f10")
    assert statuses(station)[a.waybill] == "picked_up"
    with station.read() as session:
        assert [(p.name, p.id_last4) for p in session.exec(select(ProxyPickup)).all()] == [("Li", "123X")]


@pytest.mark.first_mode("pickup")
async def test_a_second_enter_on_the_proxys_empty_phone_stays_in_it(
    station: Station, console: StationApp
) -> None:
    """Enter twice after the proxy's name went past the empty phone to the ID: the 4 digits typed next
    went into the ID, kept there under a refusal naming the phone. The phone is required: Enter on it
    empty says so and leaves the cursor in it, and the digits are the phone."""
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(a.pickup_code)
        await clerk.key("f9")
        form = console.screen
        assert isinstance(form, FormDialog)
        phone, id_last4 = form.query_one("#form-phone", Input), form.query_one("#form-id_last4", Input)
        await clerk.key(*"Li", "enter", "enter")
        assert console.focused is phone
        said = str(form.query_one("#form-refused", Static).render())
        assert said == "Type the last 4 digits of the proxy's phone.", said
        await clerk.key(*"1567")
        assert (phone.value, id_last4.value) == ("1567", "")
