"""Every dialog's head and foot at 80x24 and at the console's usual 120x40, English and Chinese: one blank
line under its title, whichever modes' style sheets the console has loaded by then (a mode's sheet
reaches every screen once loaded: Shelves' added a second blank line to each dialog's title), and its
line of keys on one line."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from station_console.i18n import _
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.checkin_dialogs import BatchPicker
from station_console.tui.screens.checkin_recipient import RecipientPicker
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.damaged import DamagedScreen
from station_console.tui.screens.day_close_dialogs import ReopenDay
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.keys_list import KeysList, keys_of
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.screens.sendout_dialogs import RefundDialog
from station_console.tui.screens.shelf_dialogs import MoveDialog
from station_console.tui.screens.stocktake_close_dialog import CloseDialog
from tui import quiet
from tui.checkin_driver import settle
from tui.drawn_text import reads_whole
from tui.terminal_fit import SIZES_TO_80, SMALL, at_each_size, console_in, shown_whole

CARRIERS = [("SF", "SF Express"), ("ZTO", "ZTO Express")]
CJK = re.compile(r"[\u4e00-\u9fff]")


def dialogs(app: StationApp) -> dict[str, Callable[[], Screen[Any]]]:
    """The dialogs with a title line, each as its caller opens it."""
    fixes = {"relocate": ["JT1"], "mark_missing": ["JT2"], "recheck_in": ["JT3"]}
    return {
        "form": lambda: FormDialog(_("Add a carrier"), [FormField("a", _("Reason"))], _("Reason")),
        "question": lambda: ConfirmDialog(_("Write these changes?"), "1: 张三 A3-502"),
        "damaged": lambda: DamagedScreen("row 1 missing from index ix_parcel_waybill"),
        "fee": lambda: FeeDialog(300, date(2026, 1, 1), app.station.settings(), account="张三"),
        "courier": lambda: CourierDialog(CARRIERS, "SF"),
        "refund": lambda: RefundDialog(app.station, "S000001"),
        "stocktake close": lambda: CloseDialog(fixes),
        "carrier": lambda: BatchPicker(CARRIERS, "SF"),
        "reason": lambda: ReasonDialog(_("Reason")),
        "recipient": lambda: RecipientPicker(),
        "reopen": lambda: ReopenDay("2026-11-25"),
        "move": lambda: MoveDialog(source="1-1"),
        "keys": lambda: KeysList(keys_of(app, app.screen)),
    }


def blank_lines_under_the_title(dialog: Screen[Any]) -> int:
    """The rows drawn blank across the title's width between its last line and what comes next."""
    title = dialog.query_one(".dialog-title")
    text = title.content_region
    assert shown_whole(dialog.app, title).area  # type: ignore[arg-type]
    rows = dialog._compositor.render_strips()[text.bottom :]  # what the terminal shows now
    drawn = [row.crop(text.x, text.right).text.strip() for row in rows]
    return next(n for n, line in enumerate(drawn) if line)


def keys_on_one_line(dialog: Screen[Any]) -> None:
    # The muted lines that say the keys: the common one, a hint line and the recipient finder's.
    for keys in dialog.query(".form-keys, .hint, #pick-hint"):
        assert keys.region.height == 1, f"the keys take {keys.region.height} lines: {keys.render()}"


@SMALL
async def test_a_dialog_has_one_blank_line_under_its_title_and_its_keys_on_one_line(
    app: StationApp, lang: str
) -> None:
    """Opened after Shelves, Pickup, Send-out and Reports were visited, as in a day at the counter."""
    async with console_in(app, lang, "f4", "f2", "f3", "f6", "f1", size=SIZES_TO_80[0]) as pilot:
        for name, make in dialogs(app).items():
            dialog = make()
            await app.push_screen(dialog)
            await settle(app, pilot)

            async def tidy(name: str = name, dialog: Screen[Any] = dialog) -> None:
                assert blank_lines_under_the_title(dialog) == 1, name
                keys_on_one_line(dialog)

            await at_each_size(app, pilot, tidy, SIZES_TO_80)
            dialog.dismiss(None)
            await quiet.resize(pilot, *SIZES_TO_80[0], routers=False)
            await settle(app, pilot)


@SMALL
async def test_the_move_dialog_reads_tidy_and_in_one_language(app: StationApp, lang: str) -> None:
    """Opened from Shelves (F7): its title in the console's language alone ("Move parcels (移库)" mixed
    them), one blank line under it, each field shown whole, the keys on one line."""
    async with console_in(app, lang, "f4", "f7", size=SIZES_TO_80[0]) as pilot:
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        title = str(dialog.query_one(".dialog-title").render())
        assert title == _("Move parcels")
        assert bool(CJK.search(title)) == (lang == "zh")

        async def tidy() -> None:
            assert blank_lines_under_the_title(dialog) == 1
            keys_on_one_line(dialog)
            box = dialog.query_one("#move-box")
            for field in ("#move-parcel", "#move-layer", "#move-target"):
                widget: Widget = dialog.query_one(field)
                widget.focus()
                await settle(app, pilot)
                assert box.region.contains_region(shown_whole(app, widget)), f"{field} is cut off"

        await at_each_size(app, pilot, tidy, SIZES_TO_80)


@SMALL
async def test_the_fee_dialog_on_door_delivery_is_whole_though_pickup_was_never_opened(
    app: StationApp, lang: str
) -> None:
    """The runner's scan-out asks the fee in Pickup's dialog. Its width lived in Pickup's sheet, so on a
    console where Pickup was not opened yet it took a plain dialog's and cut its keys ("· Esc ca")."""
    async with console_in(app, lang, "f4", "ctrl+d", size=SIZES_TO_80[0]) as pilot:
        dialog = FeeDialog(800, date(2026, 11, 30), app.station.settings(), account="张三 177****6223")
        await app.push_screen(dialog)
        await settle(app, pilot)

        async def whole() -> None:
            keys_on_one_line(dialog)
            keys = dialog.query_one(".form-keys", Static)
            assert "Esc" in reads_whole(app, keys)

        await at_each_size(app, pilot, whole, SIZES_TO_80)
