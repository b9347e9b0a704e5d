"""Problems: the next parcel pasted right behind the note's Enter waits for the flag that Enter writes,
and reaches the parcel field the written flag empties and focuses."""

from __future__ import annotations

import threading
import time

import pytest
from textual.widgets import Input, Select

from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.tui.app import StationApp
from station_console.tui.screens.problems import ProblemsScreen
from tui import quiet
from tui.shelf_data import place, wb
from tui.test_type_ahead import send_paste


@pytest.mark.first_mode("shelves")
async def test_the_next_parcel_pasted_right_behind_the_notes_enter_reaches_the_parcel_field(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flag is written after the Enter's own round through the queues (a slow database): the paste
    went into the note, which the written flag then emptied, and the next parcel was gone unsaid."""
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-2")
    asked, answer = threading.Event(), threading.Event()
    real = problems.mark

    def slow(*args: object, **kwargs: object) -> object:
        asked.set()
        assert answer.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(problems, "mark", slow)
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#pr-parcel", Input).value = wb(1)
        screen.query_one("#pr-kind", Select).value = "damaged"
        note = screen.query_one("#pr-note", Input)
        note.focus()
        await quiet.press(pilot, *"wet")
        at = time.monotonic()
        quiet.send_key(app, "enter", at=at)
        send_paste(app, wb(2), at=at)
        await quiet.until(pilot, asked.is_set, what="nothing written")
        await quiet.until(pilot, lambda: time.monotonic() > at + 0.4)  # the Enter's own answer went through
        answer.set()
        await quiet.until(pilot, lambda: problems.list_problems(station) != [], what="not flagged")
        await quiet.settle(pilot)
        assert [(p.waybill, p.problem_note) for p in problems.list_problems(station)] == [(wb(1), "wet")]
        parcel = screen.query_one("#pr-parcel", Input)
        assert app.focused is parcel and parcel.value == wb(2) and note.value == ""
