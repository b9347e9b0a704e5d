"""A refusal on the check-in screen reads whole in its message box at the console's usual size and the
smallest, in English and Chinese: what happened in one sentence, then the hint, the one place that
says what to do (the service's advice is not said a second time)."""

from __future__ import annotations

from station_helpers import configure, keep_layers

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from tui.checkin_driver import KeyClock, attention, scan, settle
from tui.terminal_fit import SIZES_TO_80, SMALL, at_each_size, console_in
from tui.test_chinese_line_breaks import badly_broken, shown_lines

# Where a manager widens the range, as each language names it: said once, in the hint.
WHERE = {"en": "Last SEQ number in Settings (Ctrl+S), Pickup codes", "zh": "“取件码最大序号”"}


def _plain(text: str) -> str:
    return "".join(text.split())


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

        async def reads_whole() -> None:
            lines = shown_lines(app, screen.query_one("#ci-message"))
            assert _plain("".join(lines)) == _plain(said), lines
            assert badly_broken(lines) == [], lines

        await at_each_size(app, pilot, reads_whole, SIZES_TO_80)
