"""Forms on small terminals (80x24, and the console's usual 120x40 where a form was cut even there),
English and Chinese: a form's fields scroll between its title (with why it was refused) and its
buttons, which stay in view; every field and button is reached by Tab and shown whole when focused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from station_console.i18n import _
from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.services.scan.carriers import NUMBER_FIELDS, TEXT_FIELDS
from station_console.tui.app import StationApp
from station_console.tui.screens.carrier_editor import CarrierForm
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.recipients import RecipientsScreen
from station_console.tui.screens.sendout_rules import SendoutRulesScreen
from station_console.tui.screens.shelf_dialogs import MoveDialog
from tui import quiet
from tui.checkin_driver import settle
from tui.terminal_fit import (
    SIZES,
    SIZES_TO_80,
    SMALL,
    assert_apart,
    at_each_size,
    console_in,
    dialog_box,
    in_the_dialog,
    walked_by_tab,
)


def in_the_form(app: StationApp, form: FormDialog[Any], widget: Widget) -> Region:
    """`in_the_dialog` for a form: its title, OK and the line of its keys stay in view."""
    fixed = [form.query_one(".dialog-title"), form.query_one("#form-ok"), form.query_one(".form-keys")]
    return in_the_dialog(app, form.query_one(".form-dialog"), fixed, widget)


async def form_walked_by_tab(app: StationApp, pilot: Any) -> None:
    """The open form's fields, then OK, each reached by Tab from the first field and shown whole when
    focused."""
    form = app.screen
    assert isinstance(form, FormDialog)
    order = [f"form-{field.key}" for field in form.fields] + ["form-ok"]
    await walked_by_tab(app, pilot, order, [form.query_one(".dialog-title"), form.query_one("#form-ok")])


async def refusal_in_view(app: StationApp, pilot: Any, enter_in: str, at_fault: str) -> None:
    """Enter in the form's `enter_in` field refuses: why is read under the title, the cursor back in
    `at_fault`, shown whole, and OK still in view."""
    form = app.screen
    assert isinstance(form, FormDialog)
    form.query_one(f"#form-{enter_in}").focus()
    await settle(app, pilot)
    quiet.send_key(app, "enter")
    await settle(app, pilot)
    assert app.screen is form, "the form closed"
    line = form.query_one("#form-refused", Static)
    assert str(line.render()).strip(), "the form said nothing"
    in_the_form(app, form, line)
    assert app.focused is form.query_one(f"#form-{at_fault}")
    in_the_form(app, form, app.focused)
    in_the_form(app, form, form.query_one("#form-ok"))


async def the_directory(app: StationApp, pilot: Any, station: Station) -> None:
    """Settings > F12, its people listed and 张三 shown."""
    directory.add(station, {"name": "张三", "building": "A3", "room": "502", "phones": "13812345678"})
    await quiet.press(pilot, "f12")
    await quiet.until(pilot, lambda: isinstance(app.screen, RecipientsScreen) and bool(app.screen.people))
    await quiet.until(pilot, lambda: "张三" in str(app.screen.query_one("#rc-detail", Static).render()))


@SMALL
@pytest.mark.first_mode("settings")
async def test_a_new_persons_form_stays_usable_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    """Eleven fields and OK: longer than 24 lines, and than 40."""
    async with console_in(app, lang) as pilot:
        await the_directory(app, pilot, station)
        await quiet.press(pilot, "f9")
        await at_each_size(app, pilot, lambda: form_walked_by_tab(app, pilot))
        # No name: refused, the cursor back at the top of the form.
        await at_each_size(app, pilot, lambda: refusal_in_view(app, pilot, "language", "name"), SIZES[:1])


@SMALL
@pytest.mark.first_mode("settings")
async def test_a_persons_edit_form_stays_usable_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    """The edit form has a note over its fields besides."""
    async with console_in(app, lang) as pilot:
        await the_directory(app, pilot, station)
        await quiet.press(pilot, "f8")
        await at_each_size(app, pilot, lambda: form_walked_by_tab(app, pilot))
        app.screen.query_one("#form-email", Input).value = "zhangsan at example.com"
        await at_each_size(app, pilot, lambda: refusal_in_view(app, pilot, "language", "email"), SIZES[:1])


CARRIER_FORM = [f"cf-{name}" for name, _label in (*TEXT_FIELDS, *NUMBER_FIELDS)]
CARRIER_FORM += ["cf-active", "cf-patterns", "cf-cancel", "cf-save"]


@SMALL
@pytest.mark.first_mode("settings")
async def test_the_carrier_form_fits_the_usual_and_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    """Its fields, the patterns and Cancel / Save: longer than 40 lines, and wider than 80 columns; the
    line of its keys under the buttons, whole, as a pop-up form has."""
    async with console_in(app, lang, "f7", size=(120, 40)) as pilot:
        await quiet.press(pilot, "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        title = form.query(Static).first()  # above the fields
        keys = form.query_one(".form-keys", Static)
        fixed = [title, form.query_one("#cf-cancel"), form.query_one("#cf-save"), keys]
        assert str(keys.render()) == _(
            "Enter: next field, a new line in Patterns · Ctrl+S: save · Esc: cancel"
        )

        async def form_usable() -> None:
            in_the_dialog(app, dialog_box(form), [], keys)
            await walked_by_tab(app, pilot, CARRIER_FORM, fixed)
            # The check-digit rules over the patterns, each name read whole: the lines fit the form.
            help_text, patterns = form.query_one("#cf-patterns-help"), form.query_one("#cf-patterns")
            assert help_text.outer_size.width <= patterns.outer_size.width, "the rules run past the form"

        await at_each_size(app, pilot, form_usable, SIZES_TO_80)
        form.query_one("#cf-patterns", TextArea).text = "^KD[0-9"
        await quiet.press(pilot, "ctrl+s")
        await quiet.until(pilot, lambda: bool(str(form.query_one("#carrier-form-error").render()).strip()))
        assert app.screen is form, "the form closed"
        in_the_dialog(app, dialog_box(form), fixed, form.query_one("#carrier-form-error"))
        in_the_dialog(app, dialog_box(form), fixed, form.query_one("#cf-save"))


@SMALL
@pytest.mark.first_mode("shelves")
async def test_the_move_dialog_shows_each_field_under_its_label_on_a_small_terminal(
    app: StationApp, lang: str
) -> None:
    """As it opens: what the first field is for (scan the parcel) in view above it; it was scrolled
    out of the dialog at 80x24, leaving a field with nothing to say what to type."""
    async with console_in(app, lang) as pilot:
        await app.push_screen(MoveDialog(source="1-1"))
        await settle(app, pilot)
        dialog = app.screen

        async def dialog_fits() -> None:
            fixed = [dialog.query_one(".dialog-title"), dialog.query_one(".form-keys")]
            parts = list(dialog.query("Label, Input, Checkbox"))
            assert len(parts) == 5
            assert_apart({f"{w!r}": in_the_dialog(app, dialog_box(dialog), fixed, w) for w in parts})
            fields = dialog.query_one(".form-body").region  # what they scroll in: outside it, not drawn
            for part in parts:
                assert fields.contains_region(part.region), f"{part!r} at {part.region} is scrolled away"

        await at_each_size(app, pilot, dialog_fits, SIZES_TO_80)


@SMALL
@pytest.mark.first_mode("settings")
async def test_a_missing_files_long_path_leaves_its_field_in_view(
    app: StationApp, lang: str, tmp_path: Path
) -> None:
    """Settings > Send-out rules > F12: a long path refused fills three lines over the fields, and the
    path's field, the cursor in it, stays in view (it was scrolled under OK, the form's top kept)."""
    async with console_in(app, lang, "ctrl+f") as pilot:
        await quiet.until(
            pilot, lambda: isinstance(app.screen, SendoutRulesScreen) and app.screen.view is not None
        )
        await quiet.press(pilot, "f12")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-path", Input).value = str(tmp_path / ("很长的文件名-" * 12 + "missing.csv"))
        await refusal_in_view(app, pilot, "path", "path")
