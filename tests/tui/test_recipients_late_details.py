"""Settings > Recipients: a key for the person shown pressed while the highlighted row's details are still
being read (a slow database) acts on nobody, and says whom it waits for. The service is held at the
function the worker calls."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import DataTable

from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.recipients_driver import open_recipients, people, text_of, until


@pytest.mark.first_mode("settings")
async def test_edit_pressed_before_the_highlighted_persons_details_came_opens_nobody(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cursor moved from the first person to the next while the pane's read is slow: F8 opened 'Edit'
    on the first person, still in the pane, though the next was highlighted. It says it is reading the
    highlighted person and opens nothing; once their details are in, F8 edits them."""
    ids = people(station)
    names = {person_id: name for name, person_id in ids.items()}
    asked, answer = threading.Event(), threading.Event()
    get = directory.get

    def slow(station: Station, recipient_id: int, *args: Any, **kwargs: Any) -> Any:
        if asked.is_set() or not answer.is_set():
            asked.set()
            assert answer.wait(quiet.TIMEOUT)  # else it answered before the test let it
        return get(station, recipient_id, *args, **kwargs)

    async with app.run_test(size=(160, 50)) as pilot:
        answer.set()  # the first person's details come at once
        await open_recipients(app, pilot)
        table = app.screen.query_one("#rc-table", DataTable)
        first = names[int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)]
        await until(pilot, lambda: first in text_of(app, "#rc-detail"))
        answer.clear()
        monkeypatch.setattr(directory, "get", slow)
        table.focus()
        await quiet.press(pilot, "down", leave_running=("run",))
        await quiet.until(pilot, asked.is_set, what="the next person's details never asked")
        following = names[int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)]
        assert following != first
        await quiet.press(pilot, "f8", leave_running=("run",))
        assert not isinstance(app.screen, FormDialog), app.screen.title_text  # type: ignore[attr-defined]
        assert text_of(app, "#rc-status") == f"Reading {following}…"
        answer.set()
        await until(pilot, lambda: following in text_of(app, "#rc-detail"))
        await quiet.press(pilot, "f8")
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.title_text == f"Edit {following}"
