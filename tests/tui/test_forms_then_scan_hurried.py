"""Forms that answer on a worker, then close over a screen the clerk goes on scanning or typing in: the
keys typed right behind the form's Enter wait for that answer and reach the screen's field. Given at
once, they went to the form about to close and were lost. Each answer is slowed 0.3 s, a busy
database, so the race shows every time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import Input

from db.models import ProxyPickup, Role
from station_console.services.core.station import Station
from station_console.services.sendout import accept
from station_console.tui.app import StationApp
from station_console.tui.screens import pickup_handover
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.conftest import PersonPace
from tui.pickup_driver import ANN, Clerk_, receive, sign_in, statuses
from tui.quiet import burst, until
from tui.sendout_driver import at_sendout, fill, sends, text_of
from tui.test_read_then_ask_hurried import slowed


async def typed_on(pilot: Any, *keys: str) -> None:
    """A person's keys, 80 ms apart, all in before the first one's answer (nothing waits between them):
    no scanner's burst, which a scan field's router would take for a scan."""
    at = time.monotonic()
    for n, key in enumerate(keys):
        quiet.send_key(pilot.app, key, at=at + PersonPace.KEY_GAP * n)
    await quiet.settle(pilot)


@pytest.mark.first_mode("pickup")
async def test_a_scan_right_behind_the_proxy_forms_enter_ticks_the_parcel(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proxy's details checked (whether the recipient allows proxies, read on a worker), the parcel
    scanned right behind their Enter: it is ticked for the handover, not typed into the closing form."""
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(a.pickup_code)
        await clerk.key("f9")
        form = console.screen
        assert isinstance(form, FormDialog)
        for key, value in {"name": "Li", "phone": "1567", "id_last4": "123X"}.items():
            form.query_one(f"#form-{key}", Input).value = value
        monkeypatch.setattr(pickup_handover, "check_for", slowed(pickup_handover.check_for))
        clerk.clock.t += 1.0
        clerk.clock.step, clerk.clock.idle = 0.004, 0.0
        await burst(pilot, "enter", *a.waybill, "enter")
        await until(pilot, lambda: console.screen is screen and screen.proxy is not None)
        await clerk.key("f10")
    assert statuses(station)[a.waybill] == "picked_up"
    with station.read() as session:
        assert [p.name for p in session.exec(select(ProxyPickup)).all()] == ["Li"]


@pytest.mark.first_mode("sendout")
async def test_the_next_senders_phone_right_behind_the_refusals_enter_reaches_the_phone_field(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parcel refused at inspection (F11), the next sender's phone typed right behind the form's
    Enter: it is in the cleared send form's phone field, not in the refusal's reason."""
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen)
        await quiet.press(pilot, "f11")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-reason", Input).focus()
        form.query_one("#form-reason", Input).value = "sparklers"
        monkeypatch.setattr(accept, "refuse", slowed(accept.refuse))
        await typed_on(pilot, "enter", *"13900001111")
        await until(pilot, lambda: "Refused and recorded" in text_of(screen, "#so-message"))
        assert screen.query_one("#so-phone", Input).value == "13900001111"
    assert [(s.status, s.refused_reason) for s in sends(station)] == [("refused", "sparklers")]
