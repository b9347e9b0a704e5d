"""Send-out's courier handover and a batch shared with another counter: F10 hands over only the sends
listed as scanned; one scanned in at the other counter since is refused, the refusal said over the
batch read again, and F10 again hands over what shows. The list follows the other counter's scans as
the live view hears them, the focus and the courier's name as typed left alone."""

from __future__ import annotations

import pytest
from textual.widgets import Digits, Input, Select

from station_console.services.core.station import Station
from station_console.services.sendout import handover
from station_console.tui import error_toasts
from station_console.tui.app import StationApp
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens.sendout_handover import HandoverScreen
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import at_sendout, at_sf_handover, sends, text_of, until
from tui.test_live_bridge import another_counter


@pytest.mark.first_mode("sendout")
async def test_f10_on_a_batch_another_counter_scanned_into_is_refused_and_read_again(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from security.helpers import accept_send as accepted

    monkeypatch.setattr(LiveBridge, "start", lambda self: None)
    accepted(station, "SF1234567890125")
    async with at_sf_handover(station) as (_app, pilot, courier), another_counter(station, db_url) as other:
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "OK (1 of 2)" in text_of(courier, "#ho-message"))
        handover.scan(other, handover.open_batch(other, "SF"), "SF1234567890125")
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "not the 1 listed" in text_of(courier, "#ho-message"))
        said = text_of(courier, "#ho-message")
        assert "now holds 2 parcels, not the 1 listed" in said and "check the list and close again" in said
        await until(pilot, lambda: courier.query_one("#ho-done", Digits).value == "2")
        assert [s.status for s in sends(station)] == ["accepted", "accepted"]
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "Handed over 2 parcels," in text_of(courier, "#ho-message"))
    assert [s.status for s in sends(station)] == ["handed_over", "handed_over"]


def ticks(courier: HandoverScreen) -> str:
    return f"{courier.query_one('#ho-done', Digits).value} of {courier.query_one('#ho-total', Digits).value}"


@pytest.mark.first_mode("sendout")
async def test_the_live_view_shows_a_scan_at_another_counter_in_the_batch_listed(
    app: StationApp, station: Station, db_url: str
) -> None:
    """A clerk watching the handover list saw another counter's scans only at F10's refusal."""
    from security.helpers import accept_send as accepted

    accepted(station, "SF1234567890125")
    async with at_sf_handover(station) as (app, pilot, courier), another_counter(station, db_url) as other:
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "OK (1 of 2)" in text_of(courier, "#ho-message"))
        name = courier.query_one("#ho-courier", Input)
        assert name.has_focus
        await quiet.press(pilot, *"Li")  # the courier's name, half typed as the other counter scans
        handover.scan(other, handover.open_batch(other, "SF"), "SF1234567890125")
        await until(pilot, lambda: ticks(courier) == "2 of 2")
        assert (name.value, name.has_focus) == ("Li", True)
        assert "OK (1 of 2)" in text_of(courier, "#ho-message")  # the clerk's line stays


@pytest.mark.first_mode("sendout")
async def test_the_live_view_shows_the_batch_another_counter_saved_with_its_first_scan(
    app: StationApp, station: Station, db_url: str
) -> None:
    """Chosen here and not saved yet (no scan here), the carrier's batch is saved by the other
    counter's first scan: the list shows it scanned, and this counter's scan joins that batch."""
    from security.helpers import accept_send as accepted

    accepted(station, "SF1234567890125")
    async with at_sf_handover(station) as (app, pilot, courier), another_counter(station, db_url) as other:
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        assert courier.view is not None and courier.view.batch_id is None
        saved = handover.scan(other, handover.open_batch(other, "SF"), "SF1234567890125").batch_id
        await until(pilot, lambda: ticks(courier) == "1 of 2")
        assert courier.view is not None and courier.view.batch_id == saved
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "All 2 scanned" in text_of(courier, "#ho-message"))
        assert courier.view.batch_id == saved


@pytest.mark.parametrize(
    ("lang", "offered"),
    [("en", "SF: 3 waiting, 1 scanned"), ("zh", "SF：3 件待揽收，1 件已扫")],
)
@pytest.mark.first_mode("sendout")
async def test_the_carriers_offered_say_how_many_waiting_are_scanned_already(
    app: StationApp, station: Station, db_url: str, lang: str, offered: str
) -> None:
    """The list said "SF: 3 waiting" while one of the three was scanned into another counter's open
    batch: waiting counts the sends not yet handed over (a scan is no handover until the close), and
    the scanned ones among them are said."""
    from security.helpers import accept_send as accepted

    from station_console.i18n import set_language

    set_language(lang)
    for n in (3, 4, 5):
        accepted(station, f"SF123456789012{n}")
    async with at_sendout(station) as (app, pilot, _screen), another_counter(station, db_url) as other:
        handover.scan(other, handover.open_batch(other, "SF"), "SF1234567890123")
        await quiet.press(pilot, "f12")
        courier = app.screen
        assert isinstance(courier, HandoverScreen)
        carrier = courier.query_one("#ho-carrier", Select)
        await until(pilot, lambda: len(carrier._options) > 1)
        assert [str(prompt) for prompt, value in carrier._options if value == "SF"] == [offered]


@pytest.mark.first_mode("sendout")
async def test_esc_right_behind_a_refused_close_leaves_the_refusal_to_read(
    app: StationApp, station: Station, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc right behind the close's Yes (the clerk done, the courier leaving), the close refused at once
    (another counter scanned a send in): the Esc held behind it went on as soon as the refusal's line was
    written, and the screen with it, "Nothing was closed" said to nobody while the courier left without
    the sends. Whichever way the Esc goes (on after the refusal, or on the screen while the close is on
    its way, which stays), the refusal is there to read in a toast, up until read."""
    from security.helpers import accept_send as accepted

    monkeypatch.setattr(LiveBridge, "start", lambda self: None)
    accepted(station, "SF1234567890125")
    async with at_sf_handover(station) as (app, pilot, courier), another_counter(station, db_url) as other:
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "OK (1 of 2)" in text_of(courier, "#ho-message"))
        handover.scan(other, handover.open_batch(other, "SF"), "SF1234567890125")
        await quiet.asked(pilot, "f10")
        quiet.send_key(app, "y")
        quiet.send_key(app, "escape")
        await until(pilot, lambda: "not the 1 listed" in text_of(courier, "#ho-message"))
        await quiet.settle(pilot)
        assert [s.status for s in sends(station)] == ["accepted", "accepted"]
        refused = [t for t in app._notifications if "Nothing was closed" in str(t.message)]
        assert [(t.severity, t.timeout) for t in refused] == [("error", error_toasts.UP_TO_S)], refused
