"""Keys on the screens Settings opens. Settings teaches Ctrl+S as its save, and the screens opened from
it take the key too: Printers saves the printer in its form, as its button does; Clerks adds the clerk
typed; a screen with nothing to save says so (the key went to the app's Ctrl+S, Settings itself,
already open, and did nothing, saying nothing). On Printers, F8 then F7 tests the new default."""

from __future__ import annotations

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Input, Select

from db.models import Clerk, PrintJob
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.settings import load_counter_settings
from station_console.tui.app import StationApp
from tui import quiet

pytestmark = pytest.mark.first_mode("settings")


async def test_ctrl_s_on_the_printers_screen_saves_the_printer_in_the_form(app: StationApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "f8")
        screen = app.screen
        screen.query_one("#p-name", Input).value = "Front desk"
        screen.query_one("#p-transport", Select).value = "dummy"
        screen.query_one("#p-target", Input).value = "front"
        screen.query_one("#p-name", Input).focus()
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is screen  # still on Printers, not back on Settings
        assert "Front desk" in load_counter_settings().printers
        assert screen.query_one("#printer-list", DataTable).row_count == 1
        assert "Printer Front desk saved." in str(screen.query_one("#printer-status").render())


async def test_ctrl_s_on_the_clerks_screen_adds_the_clerk_typed(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f10")
        screen = app.screen
        screen.query_one("#c-name", Input).value = "Wang"
        screen.query_one("#c-pin", Input).value = "4826"
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is screen
    with station.read() as session:
        assert session.exec(select(Clerk).where(Clerk.name == "Wang")).one_or_none() is not None


async def test_ctrl_s_on_a_settings_screen_with_nothing_to_save_says_so_in_chinese(app: StationApp) -> None:
    set_language("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "f11")  # the outbox: a list, no form
        screen = app.screen
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is screen
        assert [n.message for n in app._notifications] == ["此屏幕没有可保存的内容。"]


async def test_f8_leaves_the_cursor_on_the_new_default_and_f7_tests_that_printer(app: StationApp) -> None:
    """Make default, then Test print: the test goes to the printer just made the default, and says
    which. The list was drawn again with the cursor back on its first row, and the test went there."""
    two = {
        "printers": {
            "Back office": {"language": "tspl", "transport": "dummy", "target": "back"},
            "Front desk": {"language": "tspl", "transport": "dummy", "target": "front"},
        },
        "printer": {"name": "Back office", "language": "tspl", "transport": "dummy", "target": "back"},
    }
    app.counter_settings = app.counter_settings.model_copy(update=two)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "f8")
        screen = app.screen
        table = screen.query_one("#printer-list", DataTable)
        table.focus()
        await quiet.press(pilot, "down", "f8")
        assert load_counter_settings().printer["name"] == "Front desk"
        assert table.cursor_row == table.get_row_index("Front desk")
        await quiet.press(pilot, "f7")
        said = str(screen.query_one("#printer-status").render())
        assert "Test print queued for Front desk" in said
    with app.station.read() as session:
        job = session.exec(select(PrintJob).order_by(col(PrintJob.id).desc())).first()
    assert job is not None and job.kind == "test" and job.printer == "Front desk"
