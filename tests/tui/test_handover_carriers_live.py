"""The courier handover opened before any send was accepted: another counter's send shows among the
carriers offered as the live view hears it (the screen offered none until the clerk left and came
back), and the line that said none was waiting asks for the carrier."""

from __future__ import annotations

import pytest
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.sendout_handover import HandoverScreen
from tui import quiet
from tui.other_counter import another_counter
from tui.sendout_driver import at_sendout, text_of, until


def offered(courier: HandoverScreen) -> list[str]:
    return [str(prompt) for prompt, _value in courier.query_one("#ho-carrier", Select)._options[1:]]


@pytest.mark.first_mode("sendout")
async def test_a_send_accepted_at_another_counter_is_offered_without_leaving(
    app: StationApp, station: Station, db_url: str
) -> None:
    from security.helpers import accept_send as accepted

    async with at_sendout(station) as (app, pilot, _screen), another_counter(station, db_url) as other:
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        await quiet.press(pilot, "f12")
        courier = app.screen
        assert isinstance(courier, HandoverScreen)
        await until(pilot, lambda: "No sends are waiting" in text_of(courier, "#ho-message"))
        assert offered(courier) == []
        accepted(other, "SF1234567890123")
        await until(pilot, lambda: offered(courier) == ["SF: 1 waiting"])
        assert text_of(courier, "#ho-message") == "Choose the carrier whose courier is collecting."
        courier.query_one("#ho-carrier", Select).value = "SF"
        await until(pilot, lambda: courier.view is not None and len(courier.view.rows) == 1)


@pytest.mark.first_mode("sendout")
async def test_the_last_carrier_handed_over_at_another_counter_leaves_none_said_so(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The handover offered SF, asking for the carrier; another counter handed SF's send over: the
    carriers went, and the line still asked the clerk to choose one from an empty list. A send accepted
    for a carrier again asks for it again."""
    from security.helpers import accept_send as accepted

    from station_console.services.sendout import handover

    accepted(station, "SF1234567890123")
    async with at_sendout(station) as (app, pilot, _screen), another_counter(station, db_url) as other:
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        await quiet.press(pilot, "f12")
        courier = app.screen
        assert isinstance(courier, HandoverScreen)
        await until(pilot, lambda: offered(courier) == ["SF: 1 waiting"])
        assert text_of(courier, "#ho-message") == "Choose the carrier whose courier is collecting."
        view = handover.scan(other, handover.open_batch(other, "SF"), "SF1234567890123")
        handover.close_batch(other, view.batch_id, courier_name="Chen", print_manifest=False)
        await until(pilot, lambda: offered(courier) == [])
        await until(pilot, lambda: text_of(courier, "#ho-message") == "No sends are waiting for a courier.")
        accepted(other, "SF1234567890124")  # and one more for SF: asked for again
        await until(pilot, lambda: offered(courier) == ["SF: 1 waiting"])
        await until(
            pilot,
            lambda: text_of(courier, "#ho-message") == "Choose the carrier whose courier is collecting.",
        )


@pytest.mark.first_mode("sendout")
async def test_the_carrier_highlighted_stays_highlighted_as_another_counters_send_rebuilds_the_list(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The clerk had SF highlighted in the open list when another counter's EMS send was heard: the list
    was offered again, and the Enter chose by where the highlight was, not which carrier (or nothing
    at all), though SF's courier stood at the counter."""
    from security.helpers import accept_send as accepted

    accepted(station, "JT1234567890123", carrier="JT")
    accepted(station, "SF1234567890123")
    async with at_sendout(station) as (app, pilot, _screen), another_counter(station, db_url) as other:
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        await quiet.press(pilot, "f12")
        courier = app.screen
        assert isinstance(courier, HandoverScreen)
        await until(pilot, lambda: offered(courier) == ["J&T: 1 waiting", "SF: 1 waiting"])
        carriers = courier.query_one("#ho-carrier", Select)
        await quiet.press(pilot, "enter", "down", "down")  # the list open, SF highlighted
        await until(pilot, lambda: carriers.expanded and highlighted(carriers) == "SF: 1 waiting")
        accepted(other, "EE123456785CN", carrier="EMS")
        await until(pilot, lambda: offered(courier) == ["EMS: 1 waiting", "J&T: 1 waiting", "SF: 1 waiting"])
        await quiet.settle(pilot)
        assert carriers.expanded and highlighted(carriers) == "SF: 1 waiting"
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: courier.view is not None)
        assert carriers.value == "SF" and courier.view is not None and courier.view.carrier == "SF"


def highlighted(carriers: Select[str]) -> str | None:
    """The line the open list's highlight is on."""
    overlay = carriers.query_one(SelectOverlay)
    index = overlay.highlighted
    return None if index is None else str(overlay.get_option_at_index(index).prompt)
