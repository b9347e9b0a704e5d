"""The courier handover and a batch closed at another counter: a scan refused as closed leaves the
screen on the carrier's next batch, not on the closed one every scan is refused by; so does the close
heard through the live view, before any scan. Either says who closed it, when, and at which counter if
not this one (a `station sendout handover` run here shares the counter's name), as the command says."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from security.helpers import accept_send as accepted
from textual.widgets import Input, Select

from db.engine import create_station_engine
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.sendout import handover
from station_console.tui.app import StationApp
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens.sendout_handover import HandoverScreen
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import at_sendout, sf_courier_here, text_of, until
from tui.test_live_bridge import another_counter


@asynccontextmanager
async def closed_at_another_counter(
    station: Station, db_url: str
) -> AsyncIterator[tuple[Any, HandoverScreen, int | None]]:
    """Two SF sends, one scanned into a batch here that another counter then closes, heard live: the
    pilot, the handover screen and the closed batch's id."""
    accepted(station, "SF1234567890123")
    accepted(station, "SF1234567890124")
    async with at_sendout(station) as (app, pilot, _screen), another_counter(station, db_url) as other:
        courier = await sf_courier_here(app, pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "SF1234567890123" in text_of(courier, "#ho-message"))
        assert courier.view is not None
        closed_id = courier.view.batch_id
        handover.close_batch(other, closed_id, courier_name="Chen", print_manifest=False)
        yield pilot, courier, closed_id


@asynccontextmanager
async def this_counters_command(station: Station, db_url: str) -> AsyncIterator[Station]:
    """The same clerk running `station` on this PC: its own engine, this counter's name."""
    command = Station(
        engine=create_station_engine(db_url),
        counter=station.counter,
        clerk_id=station.clerk_id,
        clerk_role=station.clerk_role,
        clock=station.clock,
    )
    try:
        yield command
    finally:
        command.engine.dispose()


# Who closed it, when, and where if not here, as the scan's refusal says it; then what to do.
CLOSED_SAID = {
    ("en", True): (
        "Handover batch SB000001 was closed at counter counter-2 by Manager at ",
        ": scans no longer go into it. Choose the carrier again for its next batch.",
    ),
    ("en", False): (
        "Handover batch SB000001 was closed by Manager at ",
        ": scans no longer go into it. Choose the carrier again for its next batch.",
    ),
    ("zh", True): (
        "交接批次 SB000001 已由 Manager 于 ",
        " 在柜台 counter-2 关闭：扫描不再计入该批次。请重新选择快递公司，开始其下一批。",
    ),
    ("zh", False): (
        "交接批次 SB000001 已由 Manager 于 ",
        " 关闭：扫描不再计入该批次。请重新选择快递公司，开始其下一批。",
    ),
}


def says_who_closed(said: str, lang: str, elsewhere: bool) -> bool:
    start, end = CLOSED_SAID[lang, elsewhere]
    return said.startswith(start) and said.endswith(end) and "another counter" not in said


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("elsewhere", [True, False], ids=["counter-2", "this-counters-command"])
@pytest.mark.first_mode("sendout")
async def test_a_scan_after_a_close_at_another_counter_goes_into_the_carriers_next_batch(
    app: StationApp, station: Station, db_url: str, lang: str, elsewhere: bool
) -> None:
    """The refusal said "is closed" alone; who closed it and when, and where if not at this counter,
    are said as `station sendout handover` says them ("at another counter" was wrong for a command
    run at this one, which shares its name)."""
    set_language(lang)
    accepted(station, "SF1234567890123")
    accepted(station, "SF1234567890124")
    closer = another_counter if elsewhere else this_counters_command
    async with at_sendout(station) as (app, pilot, _screen), closer(station, db_url) as other:
        courier = await sf_courier_here(app, pilot)
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "SF1234567890123" in text_of(courier, "#ho-message"))
        assert courier.view is not None
        closed_id = courier.view.batch_id
        handover.close_batch(other, closed_id, courier_name="Chen", print_manifest=False)
        courier.post_message(KeyRouter.Scanned("SF1234567890124"))
        await until(pilot, lambda: courier.has_class("-wrong"))
        said = text_of(courier, "#ho-message")
        assert says_who_closed(said, lang, elsewhere), said
        await quiet.settle(pilot)
        # The carrier chosen again, as the refusal says: its next batch, and the scan goes in.
        courier.query_one("#ho-carrier", Select).value = "SF"
        await until(pilot, lambda: courier.view is not None and courier.view.batch_id != closed_id)
        courier.post_message(KeyRouter.Scanned("SF1234567890124"))
        await until(pilot, lambda: courier.view is not None and courier.view.scanned)
        assert not courier.has_class("-wrong")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("sendout")
async def test_a_close_at_another_counter_heard_live_offers_the_carriers_again(
    app: StationApp, station: Station, db_url: str, lang: str
) -> None:
    """Heard through the live view, the close left the screen on the closed batch as if open: its line
    said to scan on, the next scan was refused, and the carrier, chosen already, could not be chosen.
    Its line names who closed it, when and at which counter, as the command's refusal does."""
    set_language(lang)
    async with closed_at_another_counter(station, db_url) as (pilot, courier, closed_id):
        await until(pilot, lambda: "Manager" in text_of(courier, "#ho-message"))
        said = text_of(courier, "#ho-message")
        assert says_who_closed(said, lang, elsewhere=True), said
        assert courier.view is None and not courier.has_class("-wrong")
        await quiet.settle(pilot)
        courier.query_one("#ho-carrier", Select).value = "SF"
        await until(pilot, lambda: courier.view is not None and courier.view.batch_id != closed_id)
        courier.post_message(KeyRouter.Scanned("SF1234567890124"))
        await until(pilot, lambda: courier.view is not None and courier.view.scanned)
        assert not courier.has_class("-wrong")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("sendout")
async def test_a_scan_after_the_close_heard_live_says_again_who_closed_it(
    app: StationApp, station: Station, db_url: str, lang: str
) -> None:
    """The courier scanning on after the close was heard: the scan said "Choose the carrier first."
    alone, over the line that said who closed the batch (and a refusal on show had kept that line from
    being shown at all). It says who closed it again, as does F10, until a carrier is chosen."""
    set_language(lang)
    async with closed_at_another_counter(station, db_url) as (pilot, courier, closed_id):
        await until(pilot, lambda: courier.view is None)
        await quiet.settle(pilot)
        for press in ("scan", "f10"):
            courier.say("")  # whatever the line said before: the scan's or the close's own answer counts
            if press == "scan":
                courier.post_message(KeyRouter.Scanned("SF1234567890124"))
            else:
                await pilot.press("f10")
            await until(pilot, lambda: text_of(courier, "#ho-message") != "")
            said = text_of(courier, "#ho-message")
            assert courier.has_class("-wrong") and says_who_closed(said, lang, elsewhere=True), said
        courier.query_one("#ho-carrier", Select).value = "SF"
        await until(pilot, lambda: courier.view is not None and courier.view.batch_id != closed_id)
        courier.post_message(KeyRouter.Scanned("SF1234567890124"))
        await until(pilot, lambda: courier.view is not None and courier.view.scanned)
        assert not courier.has_class("-wrong")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("heard", ["live", "scan"])
@pytest.mark.first_mode("sendout")
async def test_the_courier_typed_here_and_not_on_the_closed_batchs_manifest_is_said(
    app: StationApp, station: Station, db_url: str, lang: str, heard: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both counters typed a courier's name; the other closed the batch with its own, and the name typed
    here went on no manifest without a word. Said, heard live or by the next scan's refusal."""
    set_language(lang)
    if heard == "scan":
        monkeypatch.setattr(LiveBridge, "start", lambda self: None)  # the close heard by the scan only
    accepted(station, "SF1234567890123")
    accepted(station, "SF1234567890124")
    async with at_sendout(station) as (app, pilot, _screen), another_counter(station, db_url) as other:
        courier = await sf_courier_here(app, pilot)
        if heard == "live":
            await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        courier.query_one("#ho-courier", Input).value = "Wang [b]Wu[/b]"
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "SF1234567890123" in text_of(courier, "#ho-message"))
        assert courier.view is not None
        handover.close_batch(other, courier.view.batch_id, courier_name="Chen", print_manifest=False)
        if heard == "scan":
            courier.post_message(KeyRouter.Scanned("SF1234567890124"))
        await until(pilot, lambda: "Chen" in text_of(courier, "#ho-message"))
        said = text_of(courier, "#ho-message")
        kept = {
            "en": ": scans no longer go into it. Its manifest names the courier Chen; Wang [b]Wu[/b], typed "
            "here, is not on it. Choose the carrier again for its next batch.",
            "zh": " 在柜台 counter-2 关闭：扫描不再计入该批次。其交接单上的快递员是 Chen；此处填写的 Wang [b]Wu[/b] "
            "未记入交接单。请重新选择快递公司，开始其下一批。",
        }[lang]
        assert said.startswith(CLOSED_SAID[lang, True][0]) and said.endswith(kept), said


@pytest.mark.first_mode("sendout")
async def test_the_courier_typed_here_as_the_manifest_keeps_it_is_not_said_to_be_off_it(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The other counter closed with the very name typed here, which the manifest keeps cleaned (its
    spaces one each): the name typed here with two spaces was said to be on no manifest."""
    accepted(station, "SF1234567890123")
    accepted(station, "SF1234567890124")
    async with at_sendout(station) as (app, pilot, _screen), another_counter(station, db_url) as other:
        courier = await sf_courier_here(app, pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        courier.query_one("#ho-courier", Input).value = " Chen  Li "
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "SF1234567890123" in text_of(courier, "#ho-message"))
        assert courier.view is not None
        handover.close_batch(other, courier.view.batch_id, courier_name="Chen  Li", print_manifest=False)
        await until(pilot, lambda: "Choose the carrier again" in text_of(courier, "#ho-message"))
        said = text_of(courier, "#ho-message")
        assert said.startswith(CLOSED_SAID["en", True][0]) and said.endswith(CLOSED_SAID["en", True][1]), said
