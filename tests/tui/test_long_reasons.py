"""A reason pasted whole (5,000 characters, with markup and a colour code in it) is refused with the
field's name where it was typed, nothing written: on the Problems screen the text is left in place to be
shortened (its markup as text, its colour code not: a field takes no escape code); a reason dialog's field
stops at the reason's limit and takes none of the paste, saying so on the dialog's line."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from station_helpers import configure, snapshot
from textual import events
from textual.widgets import Input, Static

from db.models import CarrierEvent, CarrierEventStatus, EventKind, ParcelEvent, Role
from station_console.services.core.station import Station
from station_console.settings import CounterSettings, EventTarget
from station_console.tui.app import StationApp
from station_console.tui.screens.carrier_events import CarrierEventsScreen
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.problems import ProblemsScreen
from tui import quiet
from tui.pickup_driver import receive, sign_in
from tui.shelf_data import place, wb

PASTED = "[b]wet[/b] \x1b[31mred\x1b[0m " + "x" * 5000
IN_FIELD = "[b]wet[/b] red " + "x" * 5000
REFUSED = "Reason is longer than 200 characters."
PASTE_REFUSED = (
    f"Reason takes at most 200 characters: the paste ({len(IN_FIELD)} characters) was not put in. "
    "Shorten it and paste again, or type it."
)


async def paste(pilot: Any, field: Input, text: str) -> None:
    field.focus()
    field.post_message(events.Paste(text))
    await quiet.settle(pilot)


@pytest.mark.first_mode("shelves")
async def test_a_pasted_write_off_reason_is_refused_on_the_problems_screen(
    app: StationApp, station: Station
) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(ProblemsScreen(wb(1)))
        await quiet.settle(pilot)
        note = app.screen.query_one("#pr-note", Input)
        before = snapshot(station)
        await paste(pilot, note, PASTED)  # past the field's limit (a flag's note, 500): refused whole
        status = str(app.screen.query_one("#pr-status", Static).render())
        assert note.value == "" and f"the paste ({len(IN_FIELD)} characters) was not put in" in status
        note.value = "x" * 201  # within a note's limit, past a reason's
        await quiet.press(pilot, "f9")
        assert str(app.screen.query_one("#pr-status", Static).render()) == REFUSED
        assert note.value == "x" * 201  # still there, to be shortened
        assert snapshot(station) == before
        note.value = "[b]wet[/b] \x1b[31mrang 13911112222\x1b[0m"
        await quiet.press(pilot, "f9")  # asked first, the reason as it is recorded
        assert "[b]wet[/b] rang 139****2222" in app.screen.body  # type: ignore[attr-defined]
        await quiet.press(pilot, "y")
        assert "written off" in str(app.screen.query_one("#pr-status", Static).render())
    with station.read() as session:
        written = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.WRITTEN_OFF)).one()
    assert written.details["reason"] == "[b]wet[/b] rang 139****2222"


def dead_event_console(station: Station) -> StationApp:
    """A manager's console on Settings with one carrier event given up on, to drop (D) with a reason."""
    configure(
        station, carrier_event_targets={"ZTO": EventTarget(channel="webhook", url="http://127.0.0.1:9")}
    )
    sign_in(station, Role.MANAGER)
    receive(station, 1, "13812345678")
    with station.write() as session:
        event = session.exec(select(CarrierEvent)).one()
        event.status = CarrierEventStatus.DEAD
        session.add(event)
    return StationApp(
        station, CounterSettings(counter="test-counter"), database_label="SQLite test", first_mode="settings"
    )


async def test_a_pasted_drop_reason_keeps_the_dialog_open(station: Station) -> None:
    console = dead_event_console(station)
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")  # Settings' carrier events
        assert isinstance(console.screen, CarrierEventsScreen)
        await quiet.press(pilot, "d")
        dialog = console.screen
        assert isinstance(dialog, ReasonDialog)
        reason = dialog.query_one("#pk-reason", Input)
        before = snapshot(station)
        await paste(pilot, reason, PASTED)
        assert console.screen is dialog and reason.value == ""
        assert str(dialog.query_one("#pk-reason-refused", Static).render()) == PASTE_REFUSED
        await quiet.press(pilot, "enter")  # nothing typed: refused, nothing written
        assert console.screen is dialog and snapshot(station) == before
        reason.value = "receiver gone"
        await quiet.press(pilot, "enter")
        assert isinstance(console.screen, CarrierEventsScreen)
    with station.read() as session:
        assert session.exec(select(CarrierEvent.status)).one() == CarrierEventStatus.DROPPED


async def test_a_paste_over_a_refusal_is_checked_at_once(station: Station) -> None:
    """ "Reason is empty." said, then a 5,000-character paste: the dialog says the field took none of it,
    before Enter, not the refusal of the empty field it replaced; a paste it takes clears the line."""
    console = dead_event_console(station)
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")
        await quiet.press(pilot, "d")
        dialog = console.screen
        assert isinstance(dialog, ReasonDialog)
        refused = dialog.query_one("#pk-reason-refused", Static)
        await quiet.press(pilot, "enter")
        assert str(refused.render()) == "Reason is empty."
        reason = dialog.query_one("#pk-reason", Input)
        await paste(pilot, reason, PASTED)
        assert str(refused.render()) == PASTE_REFUSED
        assert console.screen is dialog and reason.value == ""
        await paste(pilot, reason, "receiver gone")
        assert str(refused.render()) == "" and reason.value == "receiver gone"
