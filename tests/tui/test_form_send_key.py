"""A hurried clerk's form: Ctrl+S sends it from any field (Enter goes on to the next empty one), and a
line under OK says which key does what, at 120x40 and 80x24, in English and Chinese. A refusal keeps
what was typed; Esc on a filled person's form still asks first."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from textual.widgets import Input, Static

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet

from .test_own_pin import pin_changes, refusal
from .test_recipients_screens import open_recipients

HINT = {
    "en": "Enter: next field · Ctrl+S: save · Esc: cancel",
    "zh": "回车：下一项 · Ctrl+S：保存 · Esc：取消",
}


@pytest.fixture
def station(new_station: Station) -> Station:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    return new_station


def drawn(app: StationApp) -> str:
    """The text of every cell drawn now, spaces dropped (the screenshot's text)."""
    svg = app.export_screenshot()
    return re.sub(r"\s", "", html.unescape(re.sub(r"<[^>]*>", "", svg.split("<g class=", 1)[-1])))


async def own_pin_form(app: StationApp, pilot: Any) -> FormDialog[Any]:
    await quiet.settle(pilot)
    await quiet.press(pilot, "ctrl+p")
    form = app.screen
    assert isinstance(form, FormDialog)
    return form


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_forms_keys_are_written_under_it(station: Station, lang: str, subtests: Any) -> None:
    """One console a language, the form open at 120x40, then resized to 80x24: each size a subtest."""
    set_language(lang)
    app = StationApp(station, CounterSettings(counter="test-counter"))
    async with app.run_test(size=(120, 40)) as pilot:
        form = await own_pin_form(app, pilot)
        for width, height in ((120, 40), (80, 24)):
            await quiet.resize(pilot, width, height)
            with subtests.test(msg=f"{width}x{height}"):
                assert app.screen is form
                assert re.sub(r"\s", "", HINT[lang]) in drawn(app)
                line = form.query_one(".form-keys", Static)
                assert form.query_one(".form-dialog").region.contains_region(line.region)


async def test_ctrl_s_sends_the_form_from_its_first_field(station: Station) -> None:
    """Every field filled, the cursor in the first: Ctrl+S sends it (Enter there would go nowhere, no
    field being empty, but a clerk should not need to know that), and the PIN is changed."""
    app = StationApp(station, CounterSettings(counter="test-counter"))
    async with app.run_test(size=(120, 40)) as pilot:
        form = await own_pin_form(app, pilot)
        for key, value in (("old", "9071"), ("new", "8642"), ("again", "8642")):
            form.query_one(f"#form-{key}", Input).value = value
        form.query_one("#form-old", Input).focus()
        await quiet.press(pilot, "ctrl+s")
        await quiet.until(pilot, lambda: not isinstance(app.screen, FormDialog), what="the form stayed open")
        assert app.current_mode != "settings"  # the form's Ctrl+S, not the app's
    assert [d["clerk"] for d in pin_changes(station)] == ["Wang"]


async def test_ctrl_s_on_a_half_typed_form_is_refused_and_keeps_what_was_typed(station: Station) -> None:
    app = StationApp(station, CounterSettings(counter="test-counter"))
    async with app.run_test(size=(120, 40)) as pilot:
        form = await own_pin_form(app, pilot)
        await quiet.press(pilot, *"9071", "ctrl+s")
        await quiet.settle(pilot)
        assert app.screen is form and "4 to 12 digits" in refusal(form)
        assert [form.query_one(f"#form-{k}", Input).value for k in ("old", "new", "again")] == [
            "9071",
            "",
            "",
        ]
        assert app.current_mode != "settings" and pin_changes(station) == []


@pytest.mark.first_mode("settings")
async def test_esc_on_a_filled_persons_form_still_asks_and_ctrl_s_there_saves(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f9")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-name", Input).focus()
        await quiet.press(pilot, *"王五")
        await quiet.press(pilot, "escape")
        assert isinstance(app.screen, LeaveUnsaved)  # asked, nothing dropped
        await quiet.press(pilot, "escape")  # back to the form, as typed
        assert app.screen is form and form.query_one("#form-name", Input).value == "王五"
        for key, value in (("building", "C2"), ("room", "1203"), ("phones", "13600001234")):
            form.query_one(f"#form-{key}", Input).value = value
        form.query_one("#form-name", Input).focus()
        await quiet.press(pilot, "ctrl+s")
        await quiet.until(pilot, lambda: not isinstance(app.screen, FormDialog), what="the form stayed open")
