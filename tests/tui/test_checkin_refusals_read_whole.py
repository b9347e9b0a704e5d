"""A refusal on the check-in screen reads whole in its message box at the console's usual size and the
smallest, in English and Chinese: what happened in one sentence, then the hint, the one place that
says what to do (the service's advice is not said a second time)."""

from __future__ import annotations

from typing import Any

import pytest
from station_helpers import configure, keep_layers

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from tui.checkin_driver import KeyClock, attention, scan, settle
from tui.terminal_fit import SIZES_TO_80, SMALL, at_each_size, console_in
from tui.test_chinese_line_breaks import badly_broken, shown_lines

# Where a manager widens the range, as each language names it: said once, in the hint.
WHERE = {"en": "Last SEQ number in Settings (Ctrl+S), Pickup codes", "zh": "“取件码最大序号”"}


# What the clerk does about shelves full, or no layer for the size: said once, in the hint.
TO_DO = {
    "no_room": {"en": "Free a layer", "zh": "腾出货架层"},
    "no_layer": {"en": "Shelves (F4, then F12)", "zh": "货架（F4，再按 F12）"},
}


def _plain(text: str) -> str:
    return "".join(text.split())


async def _reads_whole_at_each_size(app: StationApp, pilot: Any, screen: CheckinScreen, said: str) -> None:
    async def reads_whole() -> None:
        lines = shown_lines(app, screen.query_one("#ci-message"))
        assert _plain("".join(lines)) == _plain(said), lines
        assert badly_broken(lines) == [], lines

    await at_each_size(app, pilot, reads_whole, SIZES_TO_80)


@SMALL
async def test_no_pickup_code_free_reads_whole_with_where_a_manager_raises_last_seq(
    app: StationApp, station: Station, lang: str
) -> None:
    keep_layers(station, {"1-1": 40})
    configure(station, code_seq_min=1001, code_seq_max=1002)
    async with console_in(app, lang, size=SIZES_TO_80[0]) as pilot:
        screen = app.screen
        assert isinstance(screen, CheckinScreen) and screen.router is not None
        clock = screen.router.clock
        assert isinstance(clock, KeyClock)  # console_in put it in
        for n in range(1, 4):
            await scan(pilot, clock, f"JT000000000000{n}")
        await settle(app, pilot)
        item = attention(screen)[0]
        assert item.kind == "no_code" and item.waybill == "JT0000000000003"
        said = f"{item.text}\n{item.hint}"
        assert said.count(WHERE[lang]) == 1, said  # in the hint, not in the message too
        assert WHERE[lang] in item.hint and "Ctrl+Y" in item.hint
        await _reads_whole_at_each_size(app, pilot, screen, said)


@SMALL
@pytest.mark.parametrize(("kind", "layers"), [("no_room", {"1-1": 2}), ("no_layer", {})])
async def test_shelves_full_and_no_layer_for_the_size_read_whole_saying_what_to_do_once(
    app: StationApp, station: Station, lang: str, kind: str, layers: dict[str, int]
) -> None:
    keep_layers(station, layers)
    async with console_in(app, lang, size=SIZES_TO_80[0]) as pilot:
        screen = app.screen
        assert isinstance(screen, CheckinScreen) and screen.router is not None
        clock = screen.router.clock
        assert isinstance(clock, KeyClock)  # console_in put it in
        scans = 2 if kind == "no_room" else 1  # the first fills the one layer (an M takes 2 units)
        for n in range(1, scans + 1):
            await scan(pilot, clock, f"JT000000000000{n}")
        await settle(app, pilot)
        item = attention(screen)[0]
        assert item.kind == kind and item.waybill == f"JT000000000000{scans}"
        said = f"{item.text}\n{item.hint}"
        assert said.count(TO_DO[kind][lang]) == 1, said  # in the hint, not in the message too
        assert TO_DO[kind][lang] in item.hint and "Ctrl+Y" in item.hint
        await _reads_whole_at_each_size(app, pilot, screen, said)
