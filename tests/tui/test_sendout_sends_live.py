"""The sends list follows sends made elsewhere under this counter's name: `station sendout` on this PC
(the same counter), or another console named the same, as other lists follow the live view."""

from __future__ import annotations

from dataclasses import replace

import pytest

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.sendout_sends import SendsTable
from tui import quiet
from tui.sendout_driver import counter_app, until
from tui.test_sendout_sends_list import sent_weighing


def waybills(table: SendsTable) -> list[str]:
    return [row["waybill"].split()[-1] for row in table.send_rows]


async def listening(app: StationApp, pilot: object) -> tuple[SendoutScreen, SendsTable]:
    await quiet.settle(pilot)
    await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
    screen = app.screen
    assert isinstance(screen, SendoutScreen)
    return screen, screen.query_one(SendsTable)


@pytest.mark.first_mode("sendout")
async def test_a_send_made_from_the_command_line_at_this_counter_shows_in_the_open_list(
    app: StationApp, station: Station
) -> None:
    """A send made by `station sendout` on this PC (this counter's name) was heard by the live view and
    left out as this counter's own, so the open list never showed it until the clerk's next send."""
    sent_weighing(station, "SF1234567890123", 1250)
    app = counter_app(station)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await listening(app, pilot)
        await until(pilot, lambda: table.row_count == 1)
        table.focus()
        await quiet.settle(pilot)
        cli = replace(station, _cached=None)  # the command line: another process, the same counter
        sent_weighing(cli, "SF1234567890124", 2000)
        await until(pilot, lambda: waybills(table) == ["SF1234567890124", "SF1234567890123"])
        # The row the clerk was on is still the send chosen (F7 offers it), not the new one on top.
        assert table.send_rows[table.cursor_row]["waybill"].endswith("SF1234567890123")
        assert isinstance(app.screen, SendoutScreen)


@pytest.mark.first_mode("sendout")
async def test_a_send_made_while_another_mode_was_in_front_shows_on_coming_back(
    app: StationApp, station: Station
) -> None:
    """Heard while Check-in was in front, a send at this counter was told to no one: back at Send-out,
    the list still lacked it."""
    app = counter_app(station)
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, table = await listening(app, pilot)
        await quiet.press(pilot, "f1")
        before = app.live_bridge.own_heard + app.live_bridge.delivered
        sent_weighing(replace(station, _cached=None), "SF1234567890125", 1500)
        await quiet.until(
            pilot, lambda: app.live_bridge.own_heard + app.live_bridge.delivered > before, what="heard"
        )
        await quiet.press(pilot, "f3")
        await until(pilot, lambda: waybills(table) == ["SF1234567890125"])


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("sendout")
async def test_the_quote_under_the_form_at_80_columns_shows_every_sum(
    app: StationApp, station: Station, lang: str
) -> None:
    """At 80x24 the quote box is 16 cells wide: the whole working wrapped each line over two or three
    and the first weight's and further weight's sums fell past its foot, the customer's price unexplained.
    In a few words each line, with its sum, fits; at 120 columns the whole working is back."""
    from textual.widgets import Select

    from station_console.i18n import set_language
    from tui.sendout_driver import fill, text_of
    from tui.test_chinese_line_breaks import shown_lines

    set_language(lang)
    app = counter_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        await fill(pilot, screen, **{"so-weight": "1.2", "so-waybill": "SF1234567890123"})
        screen.query_one("#so-carrier", Select).value = "SF"
        await until(pilot, lambda: "44.00" in text_of(screen, "#so-quote"))
        await quiet.settle(pilot)
        lines = shown_lines(app, screen.query_one("#so-quote"))
        assert lines[0] == ("合计：44.00 元" if lang == "zh" else "Total 44.00 CNY")
        assert "26.00" in " ".join(lines) and "18.00" in " ".join(lines), lines
        await quiet.resize(pilot, 120, 40, routers=False)
        await until(
            pilot,
            lambda: (
                "part steps rounded up" in text_of(screen, "#so-quote")
                or "不足" in text_of(screen, "#so-quote")
            ),
        )
