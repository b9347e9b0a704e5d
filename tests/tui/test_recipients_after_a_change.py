"""Settings > Recipients after a manager's change: the list read again keeps the person just saved under
the cursor (the keys for the person shown act on them), and a deactivated person is found by a search
as in the whole list, to be edited or brought back."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input

from db.models import Recipient
from station_console.services.core.station import Station
from station_console.services.recipients import directory, matching
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.recipients_driver import open_recipients, people, text_of, until


def highlighted(app: StationApp) -> int:
    table = app.screen.query_one("#rc-table", DataTable)
    return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)


@pytest.mark.first_mode("settings")
async def test_a_person_saved_stays_highlighted_and_the_next_edit_is_theirs(
    app: StationApp, station: Station
) -> None:
    """The second person listed edited: the list read again put the cursor and the pane on the first
    person, under "Saved: <the second>", and the next F8 opened the first person's form."""
    ids = people(station)
    names = {person_id: name for name, person_id in ids.items()}
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        table = app.screen.query_one("#rc-table", DataTable)
        table.focus()
        await quiet.press(pilot, "down")
        second = highlighted(app)
        assert table.cursor_row == 1
        await until(pilot, lambda: names[second] in text_of(app, "#rc-detail"))
        await quiet.press(pilot, "f8")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-room", Input).value = "777"
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: app.screen is not form)
        screen: Any = app.screen
        await until(pilot, lambda: text_of(app, "#rc-status") == f"Saved: {names[second]}")
        await until(pilot, lambda: screen.current is not None and screen.reading is None)
        await quiet.settle(pilot)
        assert highlighted(app) == second
        assert screen.current.id == second and "777" in text_of(app, "#rc-detail")
        await quiet.press(pilot, "f8")
        again = app.screen
        assert isinstance(again, FormDialog)
        assert again.title_text == f"Edit {names[second]}"
    rooms_before = {"张三": "502", "李四": "1203", "[b]Bold[/b]": "101"}
    with station.read() as session:
        rooms = {names[r.id or 0]: r.room for r in session.exec(select(Recipient))}
    assert rooms == {**rooms_before, names[second]: "777"}


@pytest.mark.first_mode("settings")
async def test_a_deactivated_person_is_found_by_the_directorys_search_and_brought_back(
    app: StationApp, station: Station
) -> None:
    """李四 deactivated: the whole list shows him, struck through, but his name typed in the search
    found nobody ("Nobody matches."), so a manager could not find him to bring him back or edit him.
    Check-in's matching still leaves him out."""
    ids = people(station)
    directory.set_active(station, ids["李四"], False)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        screen: Any = app.screen
        screen.query_one("#rc-search", Input).value = "ls"
        await until(pilot, lambda: text_of(app, "#rc-status") != "3 people")
        await until(pilot, lambda: screen.reading is None)
        assert "李四" in text_of(app, "#rc-detail") and "deactivated" in text_of(app, "#rc-detail")
        await quiet.press(pilot, "f12")  # bringing him back asks nothing
        await until(pilot, lambda: text_of(app, "#rc-status") == "Saved: 李四")
    assert directory.get(station, ids["李四"]).active
    assert [m.name for m in matching.match(station, "ls")] == ["李四"]


@pytest.mark.first_mode("settings")
async def test_a_phone_made_shared_is_said_whole_at_80_by_24_in_chinese(
    app: StationApp, station: Station
) -> None:
    """A second person added with 张三's phone: the line names his two parcels and the command that
    moves one (three rows at 80 columns in Chinese); the line was two rows high, so the command's last
    words, the person's id to type, were cut off."""
    from station_console.i18n import set_language
    from station_console.services.checkin.transaction import check_in

    people(station)
    for waybill in ("JT0000000000001", "JT0000000000002"):
        check_in(station, waybill, phone="13812345678")  # linked to 张三 by his phone
    async with app.run_test(size=(80, 24)) as pilot:
        await open_recipients(app, pilot)
        set_language("zh")  # after the directory opened: its wait reads the English status
        await quiet.press(pilot, "f9")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-name", Input).value = "王五"
        form.query_one("#form-phones", Input).value = "13812345678"
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: app.screen is not form)
        await until(pilot, lambda: "此人编号" in text_of(app, "#rc-status"))
        await quiet.settle(pilot)
        status = app.screen.query_one("#rc-status")
        width = status.content_size.width
        rows = status.get_content_height(app.screen.size, app.size, width)
        assert rows >= 3 and status.content_size.height >= rows
