"""Every tick box keys alike: Space ticks it, Enter goes on to the next field and leaves it as it was,
and a letter typed on it is said, naming it as its label reads. Send-out's ticked on Enter; a form's
tick box and the plain ones (Parcels' "problems only") dropped typed letters without a word; the move
dialog's hint rang the bell as a refusal does."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Static

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.parcels import ParcelsScreen
from station_console.tui.screens.shelf_dialogs import MoveDialog
from station_console.tui.screens.shelves import ShelvesScreen
from tui import quiet
from tui.sendout_driver import at_sendout, text_of

NEXT_AFTER = {"so-seen": "so-to-name", "so-insure": "so-check"}


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize("tick", list(NEXT_AFTER))
async def test_enter_on_a_send_out_tick_box_goes_on_and_leaves_it_as_it_was(
    app: StationApp, station: Station, tick: str
) -> None:
    async with at_sendout(station) as (_app, pilot, screen):
        box = screen.query_one(f"#{tick}", Checkbox)
        box.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "enter")
        assert box.value is False
        assert screen.focused is screen.query_one(f"#{NEXT_AFTER[tick]}")
        box.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "space")
        assert box.value is True  # Space ticks it
        await quiet.press(pilot, "enter")
        assert box.value is True and screen.focused is screen.query_one(f"#{NEXT_AFTER[tick]}")


@pytest.mark.first_mode("sendout")
async def test_keys_typed_right_behind_enter_on_a_tick_box_go_to_the_next_field(
    app: StationApp, station: Station
) -> None:
    """The recipient's name typed on at once behind the Enter that leaves "document seen": all of it
    in the name field, the box as it was."""
    async with at_sendout(station) as (console, pilot, screen):
        box = screen.query_one("#so-seen", Checkbox)
        box.focus()
        await quiet.settle(pilot)
        at = time.monotonic()  # the first letter right behind the Enter, the rest as a person types on
        quiet.send_key(console, "enter", at=at)
        quiet.send_key(console, "W", at=at)
        for key in "ang":
            await asyncio.sleep(0.12)
            quiet.send_key(console, key)
        await quiet.settle(pilot)
        assert screen.query_one("#so-to-name", Input).value == "Wang"
        assert box.value is False
        assert "tick box" not in text_of(screen, "#so-message")


def tick_form(app: StationApp) -> FormDialog[dict[str, Any]]:
    fields = [FormField("note", "Note"), FormField("urgent", "Urgent", False, switch=True)]
    dialog: FormDialog[dict[str, Any]] = FormDialog("A form", fields)
    app.push_screen(dialog)
    return dialog


async def test_a_forms_tick_box_says_letters_typed_on_it_and_goes_on_with_enter(app: StationApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        dialog = tick_form(app)
        await quiet.settle(pilot)
        bells: list[str] = []
        app.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
        urgent = dialog.query_one("#form-urgent", Checkbox)
        urgent.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "x")
        line = dialog.query_one("#form-refused", Static)
        await quiet.until(pilot, lambda: "tick box" in str(line.render()))
        said = str(line.render())
        assert said.startswith("“Urgent” is a tick box, not typed: Space ticks it"), said
        assert urgent.value is False and dialog.focused is urgent and bells == []
        await quiet.press(pilot, "enter")
        assert urgent.value is False and dialog.focused is not urgent
        await quiet.press(pilot, "shift+tab", "space")
        assert urgent.value is True


async def test_a_scan_on_a_forms_tick_box_is_said_once_as_a_scan(app: StationApp) -> None:
    """Its letters are a scan's: the form says the scan was not taken, not "tick box" as well."""
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        dialog = tick_form(app)
        await quiet.settle(pilot)
        urgent = dialog.query_one("#form-urgent", Checkbox)
        urgent.focus()
        await quiet.settle(pilot)
        said: list[str] = []
        say = dialog._say

        def say_and_keep(text: Any) -> None:
            said.append(str(text))
            say(text)

        dialog._say = say_and_keep  # type: ignore[method-assign]
        await quiet.burst(pilot, *"SF1234567890123", "enter")
        await asyncio.sleep(0.6)  # past the decoder's longest wait: a letter held would be told by now
        await quiet.settle(pilot)
        assert len(said) == 1 and said[0].startswith("A scan ticks nothing in Urgent: SF1234567890123"), said
        assert urgent.value is False


async def test_letters_on_parcels_problems_only_are_said(app: StationApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f5")
        await quiet.until(pilot, lambda: isinstance(app.screen, ParcelsScreen))
        box = app.screen.query_one("#pa-problems", Checkbox)
        box.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "q")
        said = [n.message for n in app._notifications]
        assert said == ["“problems only” is a tick box, not typed: Space ticks it, or clears its tick."]
        assert box.value is False


async def test_the_move_dialogs_tick_hint_rings_no_bell(app: StationApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
        await quiet.press(pilot, "f7")
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        bells: list[str] = []
        app.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
        dialog.query_one("#move-layer", Checkbox).focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "a")
        assert "tick box" in str(dialog.query_one("#move-error", Static).render())
        assert bells == []
