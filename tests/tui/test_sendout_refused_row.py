"""A parcel refused at inspection (F11) right after an accepted send: recorded under no carrier unless
the clerk chose one for it (the form keeps the last send's carrier for the next customer), and with no
weight when none was weighed or typed; the counter's sends show it so ("-"), and the day's figures count
it under no carrier as the stored row says. It read "SF -   0   拒收"."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Select

from station_console.i18n import _, set_language
from station_console.services.sendout.figures import day_sends
from station_console.services.sendout.payments import STATUS_LABELS
from station_console.tui.app import StationApp
from station_console.tui.key_bounce import WINDOW
from station_console.tui.screens.sendout import SendoutScreen
from tui import quiet
from tui.sendout_driver import accept_send, at_sendout, fill, sends, text_of, until


async def refuse_with_a_reason(pilot: Any) -> None:
    pilot.app.screen.query_one("#form-reason").focus()
    await quiet.press(pilot, *"knife", "enter")


async def refuse_next(pilot: Any, screen: SendoutScreen) -> None:
    """The next sender's form filled (no carrier chosen, nothing weighed), refused with the first item."""
    await fill(pilot, screen)
    await quiet.press(pilot, "f11")
    await quiet.settle(pilot)
    await refuse_with_a_reason(pilot)
    await until(
        pilot, lambda: _("Refused and recorded as send {send}.", send=2) in text_of(screen, "#so-message")
    )


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_refusal_after_a_send_has_no_carrier_unless_chosen_and_no_weight(
    app: StationApp, station: Any, lang: str
) -> None:
    try:
        async with at_sendout(station) as (app, pilot, screen):
            await accept_send(pilot, screen, "SF1234567890123")  # its quote read in English
            set_language(lang)
            assert screen.query_one("#so-carrier", Select).value == "SF"  # kept for the next customer
            await refuse_next(pilot, screen)
            refused = sends(station)[1]
            assert (refused.status, refused.carrier_id, refused.weight_g) == ("refused", None, None)
            with station.read() as session:
                figures = day_sends(session, station, station.business_day())
            assert figures is not None and figures["refused"] == {"count": 1, "carriers": {"-": 1}}
            sends_row = screen.query_one("SendsTable").send_rows[0]  # type: ignore[attr-defined]
            assert sends_row["id"] == str(refused.id)
            assert (sends_row["waybill"].strip(), sends_row["kg"].strip()) == ("-", "-")
            assert sends_row["status"] == _(STATUS_LABELS["refused"])
            accepted = screen.query_one("SendsTable").send_rows[1]  # type: ignore[attr-defined]
            assert accepted["waybill"].split() == ["SF", "SF1234567890123"]
            assert accepted["kg"].strip() in {"1", "1*"}
            # The kept carrier chosen again from its list is this parcel's.
            await fill(pilot, screen)
            screen.query_one("#so-carrier", Select).focus()
            await pilot.pause(WINDOW)  # an Enter right after the refusal's is taken as its bounce
            await quiet.press(pilot, "space")  # its list opens on SF, the one kept
            await quiet.settle(pilot)
            await quiet.press(pilot, "enter")  # SF, chosen for this parcel
            await quiet.settle(pilot)
            await quiet.press(pilot, "f11")
            await quiet.settle(pilot)
            await refuse_with_a_reason(pilot)
            await until(pilot, lambda: len(sends(station)) == 3)
            assert sends(station)[2].carrier_id == sends(station)[0].carrier_id is not None
    finally:
        set_language("en")
