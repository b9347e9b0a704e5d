"""Problems' F9 writes a parcel off, which cannot be undone: it wrote it off at once, the note as its
reason, asking nothing. It asks first, naming the parcel and the reason, No focused; a Y typed before
the question appeared answers nothing; No writes nothing; Yes writes it off with that reason."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input

from db.models import ParcelStatus
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.tui.app import StationApp
from station_console.tui.screens import calls_held_keys
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.problems import ProblemsScreen
from station_console.tui.widgets.status_line import StatusLine
from tui import quiet
from tui.shelf_data import place, wb


def status_of(station: Station, pid: int) -> str:
    from db.models import Parcel

    with station.read() as session:
        parcel = session.get(Parcel, pid)
        assert parcel is not None
        return str(parcel.status)


@pytest.mark.first_mode("shelves")
async def test_write_off_asks_naming_the_parcel_and_reason_first(app: StationApp, station: Station) -> None:
    pid = place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(ProblemsScreen(wb(1)))
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#pr-note", Input).value = "crushed in the van"
        await quiet.burst(pilot, "f9", "y")  # Y typed before the question appeared
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog), "F9 wrote the parcel off asking nothing"
        assert wb(1) in dialog.question and "crushed in the van" in dialog.body
        assert app.focused is dialog.query_one("#confirm-no")
        assert status_of(station, pid) == ParcelStatus.ON_SHELF
        await quiet.press(pilot, "n")
        assert app.screen is screen and status_of(station, pid) == ParcelStatus.ON_SHELF
        assert "Not written off" in str(screen.query_one("#pr-status", StatusLine).render())
        await quiet.press(pilot, "f9")
        assert isinstance(app.screen, ConfirmDialog)
        await quiet.press(pilot, "y")
        assert app.screen is screen
        assert "written off" in str(screen.query_one("#pr-status", StatusLine).render())
    assert status_of(station, pid) == ParcelStatus.WRITTEN_OFF


@pytest.mark.first_mode("shelves")
async def test_write_off_with_no_reason_puts_the_cursor_in_the_note(
    app: StationApp, station: Station
) -> None:
    """F9 with the note empty is refused ("Reason is empty."), nothing asked or written, and the cursor
    goes where the reason is typed: it stayed in the parcel field, where the Y behind F9 landed."""
    pid = place(station, wb(2), "1-1")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ProblemsScreen(wb(2)))
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#pr-parcel", Input).focus()
        await quiet.press(pilot, "f9")
        assert app.screen is screen, "a write-off with no reason was asked about"
        assert "Reason is empty." in str(screen.query_one("#pr-status", StatusLine).render())
        assert app.focused is screen.query_one("#pr-note", Input)
        await quiet.press(pilot, *"wet")
        await quiet.press(pilot, "f9")
        assert isinstance(app.screen, ConfirmDialog) and "wet" in app.screen.body
    assert status_of(station, pid) == ParcelStatus.ON_SHELF


@pytest.mark.first_mode("shelves")
async def test_a_second_f9_while_the_question_comes_asks_nothing_more(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two quick F9s read the write-off twice: the second's question could not open over the first and
    said "Not written off: nothing changed." under the question still open. A second F9 while the
    question is on its way, or open, reads nothing; the one question answers for both."""
    pid = place(station, wb(3), "1-1")
    slow, asked, answer, _answered = quiet.held(problems.write_off_preview)
    monkeypatch.setattr(problems, "write_off_preview", slow)
    # A slow read outlasts the hold on keys typed behind F9: the second F9 reaches Problems.
    monkeypatch.setattr(calls_held_keys, "HOLD_KEYS_AT_MOST", 0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ProblemsScreen(wb(3)))
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#pr-note", Input).value = "soaked"
        started = quiet.workers_started(monkeypatch, ProblemsScreen)
        at = time.monotonic()
        for key in ("f9", "f9"):  # two quick F9s
            quiet.send_key(app, key, at=at)
        await quiet.until(pilot, asked.is_set, what="the write-off read")
        await quiet.hold_ran_out(pilot)  # the read outlasts the hold on the keys behind the first F9
        answer.set()
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        await quiet.press(pilot, "f9")  # and again with the question open
        assert app.screen is dialog
        assert started["call-write_off_asked"] == 1, "a second F9 read the write-off again"
        status = screen.query_one("#pr-status", StatusLine)
        assert "Not written off" not in str(status.render()), "said under the question still open"
        await quiet.press(pilot, "y")
        assert app.screen is screen and "written off" in str(status.render())
    assert status_of(station, pid) == ParcelStatus.WRITTEN_OFF
