"""Keys a hurried clerk typed in a form and lost: letters on a tick box went nowhere without a word (now
the screen says Space ticks it, the box as it was), and Enter on a drop-down that held a choice opened
it again where every typed field's Enter goes on (now it goes on; an empty one's Enter still opens it,
and Space opens either)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Select, Static

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.shelf_dialogs import MoveDialog
from station_console.tui.screens.shelves import ShelvesScreen
from tui import quiet
from tui.sendout_driver import at_sendout, text_of


async def back_to_back(app: StationApp, *keys: str) -> None:
    """A person in a hurry: each key right behind the last, none waiting for the console."""
    for key in keys:
        quiet.send_key(app, key)
        await asyncio.sleep(0)


# The hint quotes the box's label as shown ("Document seen" and "Insured" named "document seen" and
# "insure").
TICKS = {
    "so-seen": ("document seen", "已查验证件"),
    "so-insure": ("insure", "保价"),
}


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("tick", list(TICKS))
async def test_letters_typed_on_a_tick_box_are_told_space_ticks_it(
    app: StationApp, station: Station, lang: str, tick: str
) -> None:
    set_language(lang)
    try:
        async with at_sendout(station) as (_app, pilot, screen):
            box = screen.query_one(f"#{tick}", Checkbox)
            box.focus()
            await quiet.settle(pilot)
            typed = {field.id: field.value for field in screen.query(Input)}
            await quiet.press(pilot, *"ab3")
            said = text_of(screen, "#so-message")
            en, zh = TICKS[tick]
            if lang == "en":
                assert said.startswith(f"“{en}” is a tick box, not typed: Space ticks it"), said
            else:
                assert said.startswith(f"“{zh}”是勾选框，不能输入：按空格键勾选"), said
            assert f"“{box.label.plain.strip()}”" in said
            # Neither applied nor moved: the box as it was, the focus on it, no field took the letters.
            assert box.value is False and screen.focused is box
            assert {field.id: field.value for field in screen.query(Input)} == typed
            await quiet.press(pilot, "space")
            assert box.value is True  # Space still ticks it
    finally:
        set_language("en")


@pytest.mark.first_mode("sendout")
async def test_enter_on_a_drop_down_holding_a_choice_goes_on(app: StationApp, station: Station) -> None:
    """The walk's ID document: Enter opened the list, Enter chose, and Enter again opened it again."""
    async with at_sendout(station) as (_app, pilot, screen):
        idtype = screen.query_one("#so-idtype", Select)
        idtype.focus()
        await quiet.settle(pilot)
        assert idtype.is_blank()
        await quiet.press(pilot, "enter")  # nothing chosen yet: Enter opens it
        assert idtype.expanded
        await quiet.press(pilot, "down", "enter")
        assert not idtype.expanded and not idtype.is_blank()
        chosen = idtype.value
        await quiet.press(pilot, "enter")
        assert not idtype.expanded
        assert screen.focused is screen.query_one("#so-idnum", Input)
        assert idtype.value == chosen
        # Payment always holds a choice: Enter goes on to its reference; Space opens it.
        pay = screen.query_one("#so-pay", Select)
        pay.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "enter")
        assert not pay.expanded and screen.focused is screen.query_one("#so-ref", Input)
        pay.focus()
        await quiet.settle(pilot)
        await quiet.press(pilot, "space")
        assert pay.expanded


@pytest.mark.first_mode("sendout")
async def test_keys_typed_right_behind_enter_on_a_choice_go_to_the_next_field(
    app: StationApp, station: Station
) -> None:
    """The ID number typed on at once behind the Enter that leaves the document type: all of it in the
    ID number field, none lost on the drop-down on the way."""
    async with at_sendout(station) as (console, pilot, screen):
        idtype = screen.query_one("#so-idtype", Select)
        idtype.value = "resident"
        idtype.focus()
        await quiet.settle(pilot)
        at = time.monotonic()  # the first digit right behind the Enter, the rest as a person types on
        quiet.send_key(console, "enter", at=at)
        quiet.send_key(console, "1", at=at)
        for key in "234":
            await asyncio.sleep(0.12)
            quiet.send_key(console, key)
        await quiet.settle(pilot)
        assert screen.query_one("#so-idnum", Input).value == "1234"
        assert not idtype.expanded and idtype.value == "resident"


async def test_keys_typed_right_behind_enter_on_a_forms_choice_go_to_the_next_field(app: StationApp) -> None:
    answers: list[Any] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        fields = [
            FormField("kind", "Kind", "b", options=(("A", "a"), ("B", "b"))),
            FormField("note", "Note"),
        ]
        dialog: FormDialog[dict[str, Any]] = FormDialog("A form", fields)
        app.push_screen(dialog, answers.append)
        await quiet.settle(pilot)
        await back_to_back(app, "enter", *"torn")
        await quiet.settle(pilot)
        assert dialog.query_one("#form-note", Input).value == "torn"
        assert dialog.query_one("#form-kind", Select).value == "b"


async def test_enter_on_a_forms_choice_goes_on_to_the_next_field(app: StationApp) -> None:
    """A pop-up form's drop-down always holds a choice: Enter goes on, as from a typed field, and the
    form is sent from the field after it, not from the choice."""
    answers: list[Any] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        fields = [
            FormField("kind", "Kind", "a", options=(("A", "a"), ("B", "b"))),
            FormField("note", "Note"),
        ]
        dialog: FormDialog[dict[str, Any]] = FormDialog("A form", fields)
        app.push_screen(dialog, answers.append)
        await quiet.settle(pilot)
        kind = dialog.query_one("#form-kind", Select)
        assert dialog.focused is kind
        await quiet.press(pilot, "enter")
        assert not kind.expanded
        assert dialog.focused is dialog.query_one("#form-note", Input)
        await quiet.press(pilot, "shift+tab", "space")
        assert kind.expanded  # Space opens it
        await quiet.press(pilot, "down", "enter")
        assert kind.value == "b" and not kind.expanded
        await quiet.press(pilot, "enter", *"torn", "enter")
        await quiet.settle(pilot)
        assert answers == [{"kind": "b", "note": "torn"}]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_letters_typed_on_the_move_dialogs_tick_box_are_told_space_ticks_it(
    app: StationApp, lang: str
) -> None:
    set_language(lang)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await quiet.settle(pilot)
            await quiet.press(pilot, "f4")
            await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
            await quiet.press(pilot, "f7")
            dialog = app.screen
            assert isinstance(dialog, MoveDialog)
            layer = dialog.query_one("#move-layer", Checkbox)
            layer.focus()
            await quiet.settle(pilot)
            before = layer.value
            await quiet.press(pilot, *"ab")
            said = str(dialog.query_one("#move-error", Static).render())
            if lang == "en":
                shown = "Move the whole layer 1-1"  # its label as shown, the layer's location in it
                assert said.startswith(f"“{shown}” is a tick box, not typed: Space ticks it"), said
            else:
                assert said.startswith("“移动整层 1-1”是勾选框，不能输入：按空格键勾选"), said
            assert layer.value == before and dialog.focused is layer
            assert dialog.query_one("#move-parcel", Input).value == ""
            assert dialog.query_one("#move-target", Input).value == ""
    finally:
        set_language("en")
