"""Closing a courier's batch with no printer for receipts says where the receipt's PDF was written: the
whole sentence with its path reads in the message box at 80x24 and 120x40, in English and Chinese, and
the scan field and the parcel list stay on screen (the box showed 5 lines: cut after ".../share/")."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.widgets.plain import Static
from tui import quiet
from tui.checkin_driver import KeyClock, scan, settle, type_slowly
from tui.drawn_text import reads_whole
from tui.terminal_fit import SMALL, at_each_size, console_in, shown_whole


@pytest.fixture
def clerks_data(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The console's data folder, its path as long as a clerk's own gives
    (/home/clerk1/.local/share/station-console/...): pytest's folder for a test is longer, and its
    length changes with the run."""
    with tempfile.TemporaryDirectory(prefix="station-clerk-") as folder:
        monkeypatch.setenv("XDG_DATA_HOME", folder)
        yield Path(folder)


@SMALL
@pytest.mark.parametrize("sizes", [((80, 24), (120, 40)), ((120, 40), (80, 24))], ids=["at_80", "at_120"])
async def test_the_receipt_saved_as_a_pdf_reads_whole_with_its_path(
    app: StationApp, lang: str, clerks_data: Path, sizes: tuple[tuple[int, int], ...]
) -> None:
    """Said at the first of `sizes`, then read at each, the console resized to it (the box fits the
    message again at the new width)."""
    async with console_in(app, lang, size=sizes[0]) as pilot:
        screen = app.screen
        assert isinstance(screen, CheckinScreen) and screen.router is not None
        clock = screen.router.clock
        assert isinstance(clock, KeyClock)  # console_in put it in
        await type_slowly(pilot, clock, "f10")
        await settle(app, pilot)  # the dialog opens once a worker has read the carrier table
        dialog = app.screen
        assert isinstance(dialog, CourierDialog)
        zto = [code for code, _name in dialog.carriers].index("ZTO")
        await quiet.press(pilot, *["down"] * zto, "enter", *"Wang", "enter")
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is not None
        for n in (1, 2, 3):
            await scan(pilot, clock, f"73{n:012d}")
            await settle(app, pilot)
        await type_slowly(pilot, clock, "f11")
        assert isinstance(app.screen, ReasonDialog)
        await quiet.press(pilot, "enter")  # the courier's name, offered again
        await settle(app, pilot)
        assert screen.courier_batch is None
        receipt = clerks_data / "station-console" / "receipts" / "HB000001.pdf"
        assert receipt.is_file()

        async def reads_whole_on_screen() -> None:
            said = reads_whole(app, screen.query_one("#ci-message", Static))
            assert said.endswith(str(receipt)), said
            assert ("received 3, nothing pre-alerted" if lang == "en" else "已到 3，无预到货") in said, said
            shown_whole(app, screen.query_one("#scan", Input))
            table = shown_whole(app, screen.query_one("#ci-table", DataTable))
            assert table.height >= 3, table  # its header and the last parcels checked in

        await at_each_size(app, pilot, reads_whole_on_screen, sizes)
