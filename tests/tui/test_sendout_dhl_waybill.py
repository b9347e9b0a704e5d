"""Send-out: a DHL Express waybill shaped as a mobile (11 digits starting 13-19, its check digit right)
typed (or scanned) into the waybill with DHL chosen. F10 (or the scan) refuses it as a phone naming DHL
and Ctrl+Y; Ctrl+Y accepts the send with it as DHL's waybill. Before, no key took it: such a send could not be made."""

from __future__ import annotations

import pytest
from station_helpers import act_as_new_clerk
from textual.widgets import Input, Select

from db.models import Role
from station_console.services.core.station import Station
from station_console.services.sendout import tariff
from station_console.services.sendout.rules import builtin
from station_console.tui.app import StationApp
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import at_sendout, fill, sends, text_of, until


@pytest.mark.first_mode("sendout")
async def test_f10_refuses_a_dhl_waybill_shaped_as_a_mobile_naming_dhl_and_ctrl_y_sends_it(
    app: StationApp, station: Station
) -> None:
    act_as_new_clerk(station, "Wang", Role.MANAGER)
    tariff.set_tariff(station, "DHL", dict(builtin("tariffs.toml")["SF"]))
    async with at_sendout(station) as (_app, pilot, screen):
        await quiet.press(pilot, "ctrl+y")  # nothing refused yet: nothing to confirm
        assert "Nothing to confirm" in text_of(screen, "#so-message") and sends(station) == []
        await fill(pilot, screen, **{"so-weight": "1", "so-waybill": "13812345606"})
        screen.query_one("#so-carrier", Select).value = "DHL"
        await until(pilot, lambda: "Total" in text_of(screen, "#so-quote"))
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "Ctrl+Y" in text_of(screen, "#so-message"))
        said = text_of(screen, "#so-message")
        assert "138****5606" in said and "DHL" in said and "13812345606" not in said
        assert sends(station) == []
        await quiet.press(pilot, "ctrl+y")
        await until(pilot, lambda: "accepted" in text_of(screen, "#so-message"))
        assert [(s.waybill, s.status) for s in sends(station)] == [("13812345606", "accepted")]


@pytest.mark.first_mode("sendout")
async def test_a_dhl_waybill_shaped_as_a_mobile_scanned_with_dhl_chosen_is_offered_for_ctrl_y(
    app: StationApp, station: Station
) -> None:
    """Scanned (not typed) with DHL chosen, the same refusal naming DHL and Ctrl+Y as F10's; with another
    carrier chosen, the phone's refusal, nothing to confirm. Before, a scanned one was only a phone."""
    act_as_new_clerk(station, "Wang", Role.MANAGER)
    tariff.set_tariff(station, "DHL", dict(builtin("tariffs.toml")["SF"]))
    async with at_sendout(station) as (_app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "1", "so-waybill": ""})
        screen.query_one("#so-carrier", Select).value = "SF"
        screen.query_one("#so-weight", Input).focus()
        await quiet.settle(pilot)
        screen.post_message(KeyRouter.Scanned("13812345606"))
        await until(pilot, lambda: "Type a phone in the phone field" in text_of(screen, "#so-message"))
        assert "Ctrl+Y" not in text_of(screen, "#so-message")
        assert screen.form.value("so-waybill") == ""
        await quiet.press(pilot, "ctrl+y")
        assert "Nothing to confirm" in text_of(screen, "#so-message") and sends(station) == []
        screen.query_one("#so-carrier", Select).value = "DHL"
        await until(pilot, lambda: "Total" in text_of(screen, "#so-quote"))
        screen.query_one("#so-weight", Input).focus()
        await quiet.settle(pilot)
        screen.post_message(KeyRouter.Scanned("13812345606"))
        await until(pilot, lambda: "Ctrl+Y takes it" in text_of(screen, "#so-message"))
        said = text_of(screen, "#so-message")
        assert "138****5606" in said and "DHL" in said and "13812345606" not in said
        assert screen.form.value("so-waybill") == "13812345606" and sends(station) == []
        await quiet.press(pilot, "ctrl+y")
        await until(pilot, lambda: "accepted" in text_of(screen, "#so-message"))
        assert [(s.waybill, s.status) for s in sends(station)] == [("13812345606", "accepted")]
