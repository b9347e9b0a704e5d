"""A paste where no field has the focus (Shelves' map, the table a dialog closed back to) is said, with
the bell, never dropped without a word: a waybill pasted there went nowhere, and the clerk took it as
taken. Over the sign-in only the bell: the toast would quote a customer's code to the next clerk."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input, TextArea

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.carrier_editor import CarrierForm
from station_console.tui.screens.shelves import ShelvesScreen
from tui import quiet
from tui.lock_driver import open_move_dialog
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves, settle
from tui.test_carrier_editor import open_editor
from tui.test_type_ahead import send_paste
from tui.toasts_shown import shown

pytestmark = pytest.mark.first_mode("shelves")

SAID = "Nothing here takes a paste: 75448446353387 was not taken. Paste it into a field on the screen that needs it."


async def test_a_paste_on_the_shelf_map_is_said_with_the_bell(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    bells: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_shelves(app, pilot)
        assert isinstance(app.screen, ShelvesScreen) and not isinstance(app.focused, Input)
        toasts = shown(app)
        monkeypatch.setattr(app, "bell", lambda: bells.append("bell"))
        send_paste(app, "75448446353387\n", at=time.monotonic())
        await quiet.until(pilot, lambda: bool(toasts), what="the paste said")
        assert toasts == [SAID] and bells == ["bell"]


async def test_a_paste_not_taken_is_said_in_chinese(app: StationApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_shelves(app, pilot)
        toasts = shown(app)
        set_language("zh")
        try:
            send_paste(app, "75448446353387", at=time.monotonic())
            await quiet.until(pilot, lambda: bool(toasts), what="the paste said")
        finally:
            set_language("en")
        assert toasts == ["这里不接收粘贴：75448446353387 没有收下。请在需要它的界面粘贴到输入框里。"]


async def test_a_paste_into_a_field_is_not_said(app: StationApp, station: Station) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_move_dialog(pilot, app, wb(1), "")
        await settle(pilot)
        target = dialog.query_one("#move-target", Input)
        target.focus()
        await settle(pilot)
        toasts = shown(app)
        send_paste(app, "1-2", at=time.monotonic())
        await quiet.until(pilot, lambda: target.value == "1-2", what="the paste in the field")
        await quiet.settle(pilot)
        assert toasts == []


@pytest.mark.first_mode("settings")
async def test_a_paste_into_a_text_area_is_not_said(app: StationApp) -> None:
    """A text area takes the paste and lets it bubble on to the app (Carriers' patterns)."""
    async with app.run_test(size=(140, 48)) as pilot:
        await open_editor(app, pilot)
        await quiet.press(pilot, "a")
        assert isinstance(app.screen, CarrierForm)
        patterns = app.screen.query_one("#cf-patterns", TextArea)
        patterns.focus()
        await quiet.settle(pilot)
        toasts = shown(app)
        send_paste(app, "^WK[0-9]{12}$", at=time.monotonic())
        await quiet.until(pilot, lambda: "^WK[0-9]{12}$" in patterns.text, what="the paste in the patterns")
        await quiet.settle(pilot)
        assert toasts == []
