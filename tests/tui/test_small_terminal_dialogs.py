"""Dialogs on small terminals (80x24, and the console's usual 120x40 where a dialog was cut even there),
English and Chinese: a form's fields scroll between its title (with why it was refused) and its
buttons, which stay in view; every field and button is reached by Tab and shown whole when focused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Static, TextArea

from station_console.i18n import _
from station_console.services.checkin.transaction import check_in
from station_console.services.core.health import damaged
from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.services.scan.carriers import NUMBER_FIELDS, TEXT_FIELDS
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.carrier_editor import CarrierForm
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.checkin_dialogs import BatchPicker, MissingPhones
from station_console.tui.screens.clerk_activity import ClerkActivityScreen
from station_console.tui.screens.damaged import DamagedScreen
from station_console.tui.screens.day_close_dialogs import ReopenDay
from station_console.tui.screens.form_dialog import ConfirmDialog, FormDialog
from station_console.tui.screens.recipients import RecipientsScreen
from station_console.tui.screens.sendout_rules import SendoutRulesScreen
from station_console.tui.screens.shelf_dialogs import MoveDialog
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.screens.unsaved import DISCARD_KEYS, SAVE_KEYS, LeaveUnsaved
from station_console.tui.widgets.footer import StationFooter
from tui import quiet
from tui.checkin_driver import settle
from tui.terminal_fit import SIZES, SIZES_TO_80, SMALL, assert_apart, at_each_size, console_in, shown_whole


def in_the_dialog(app: StationApp, box: Widget, fixed: list[Widget], widget: Widget) -> Region:
    """The widget's region, asserted whole inside the screen and the dialog's `box`, and clear of the
    dialog's `fixed` parts (its title and buttons, which do not scroll with the fields)."""
    region = shown_whole(app, widget)
    assert box.content_region.contains_region(region), f"{widget!r} is cut off by the dialog"
    for part in fixed:
        if part is not widget:
            assert not region.overlaps(shown_whole(app, part)), f"{widget!r} at {region} is under {part!r}"
    return region


def in_the_form(app: StationApp, form: FormDialog[Any], widget: Widget) -> Region:
    """`in_the_dialog` for a form: its title, OK and the line of its keys stay in view."""
    fixed = [form.query_one(".dialog-title"), form.query_one("#form-ok"), form.query_one(".form-keys")]
    return in_the_dialog(app, form.query_one(".form-dialog"), fixed, widget)


def dialog_box(dialog: Widget) -> Widget:
    """The dialog's box: what the screen of a dialog holds."""
    (box,) = dialog.children
    return box


async def walked_by_tab(
    app: StationApp, pilot: Any, order: list[str], fixed: list[Widget], box: Widget | None = None
) -> None:
    """The open dialog's widgets `order` (ids), each reached by Tab from the first and shown whole in
    the dialog (its `box`, if it holds more than that), clear of its `fixed` parts, when focused."""
    dialog = app.screen
    dialog.query_one(f"#{order[0]}").focus()
    for n, name in enumerate(order):
        if n:
            quiet.send_key(app, "tab")
        await settle(app, pilot)
        focused = app.focused
        assert focused is not None and focused.id == name, f"Tab reached {focused!r}, not #{name}"
        in_the_dialog(app, box or dialog_box(dialog), fixed, focused)


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


@SMALL
async def test_a_long_question_keeps_its_answers_in_view_on_a_small_terminal(
    app: StationApp, lang: str
) -> None:
    """An import's preview runs past the screen: it scrolls between the question and Yes / No."""
    async with console_in(app, lang) as pilot:
        body = "\n".join(f"{n}: 张三 A3-502" for n in range(60))
        await app.push_screen(ConfirmDialog(_("Write these changes?"), body))
        await settle(app, pilot)

        async def answers_in_view() -> None:
            dialog = app.screen
            question, text = (
                shown_whole(app, dialog.query_one(".dialog-title")),
                dialog.query_one(".confirm-body"),
            )
            for button in ("#confirm-yes", "#confirm-no"):
                assert not shown_whole(app, dialog.query_one(button)).overlaps(shown_whole(app, text))
            assert not question.overlaps(text.region) and text.region.height >= 5

        await at_each_size(app, pilot, answers_in_view, (*SIZES, (120, 40)))


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
async def test_the_parcels_without_a_phone_fit_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    """Their table, the phone field and what it said: whole, inside the dialog, at 80 columns."""
    for n in range(1, 13):
        check_in(station, f"JT{n:013d}", batch="JT")
    async with console_in(app, lang, "f9") as pilot:
        dialog = app.screen
        assert isinstance(dialog, MissingPhones)
        table = dialog.query_one("#missing-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 12)
        await quiet.press(pilot, *"12", "enter")  # not a phone: refused in the dialog
        await quiet.until(pilot, lambda: bool(str(dialog.query_one("#missing-message").render()).strip()))

        async def dialog_fits() -> None:
            box, fixed = dialog_box(dialog), [dialog.query_one(".dialog-title")]
            fixed += [dialog.query_one("#missing-phone"), dialog.query_one("#missing-message")]
            regions = {f"#{w.id}": in_the_dialog(app, box, fixed, w) for w in fixed}
            assert regions["#missing-phone"].width >= 40  # a phone, or a masked one, read whole
            assert in_the_dialog(app, box, fixed, table).height >= 4  # the heading and some parcels

        await at_each_size(app, pilot, dialog_fits, SIZES[:1])


@SMALL
@pytest.mark.first_mode("reports")
async def test_reopening_a_day_fits_a_small_terminal(app: StationApp, lang: str) -> None:
    """The question, why it is asked, the reason field and its refusal: whole, inside the dialog."""
    async with console_in(app, lang) as pilot:
        await app.push_screen(ReopenDay("2026-11-25"))
        await settle(app, pilot)
        dialog = app.screen
        await quiet.press(pilot, "enter")  # no reason: refused in the dialog
        refused = dialog.query_one("#reopen-refused")
        assert str(refused.render()).strip(), "the dialog said nothing"

        async def dialog_fits() -> None:
            # title, why, reason, refusal, keys
            parts = [w for w in dialog.query("Static, Input") if w.display]
            assert len(parts) == 5
            regions = {f"{w!r}": in_the_dialog(app, dialog_box(dialog), [], w) for w in parts}
            assert_apart(regions)
            reason = dialog.query_one("#reopen-reason")
            assert regions[f"{reason!r}"].width >= 40  # the reason read back whole as it is typed

        await at_each_size(app, pilot, dialog_fits, SIZES[:1])


@SMALL
@pytest.mark.first_mode("reports")
async def test_closing_the_day_fits_a_small_terminal(app: StationApp, lang: str) -> None:
    """The day's figures, the question and both buttons: whole, inside the dialog."""
    async with console_in(app, lang, "f6", "f12") as pilot:
        dialog = app.screen
        assert type(dialog).__name__ == "ConfirmClose"

        async def dialog_fits() -> None:
            parts = [w for w in dialog.query("Static, Button") if w.display]
            assert {"close-yes", "close-no", "close-figures", "close-question"} <= {w.id for w in parts}
            assert_apart({f"{w!r}": in_the_dialog(app, dialog_box(dialog), [], w) for w in parts})

        await at_each_size(app, pilot, dialog_fits, SIZES[:1])


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
async def test_who_is_this_opened_first_is_a_box_on_the_check_in_screen(app: StationApp, lang: str) -> None:
    """Ctrl+W before any other form: its box (border, no taller than the screen) came from the forms'
    style, which a form opened earlier had brought; the first time it filled the screen, unframed."""
    async with console_in(app, lang, "ctrl+w") as pilot:
        dialog = app.screen
        assert type(dialog).__name__ == "WhoIsThisDialog"

        async def boxed() -> None:
            box = dialog_box(dialog)
            assert box.styles.border_top[0] != "", "no border"
            assert box.region.height < app.size.height and box.region.width <= app.size.width

        await at_each_size(app, pilot, boxed, SIZES_TO_80)


def sign_in_fixed(dialog: Widget) -> list[Widget]:
    """The sign-in's parts that stay in view: its title, why it refused, what it is doing, its keys."""
    return [dialog.query_one(f"#signin-{name}") for name in ("title", "error", "status", "keys")]


@SMALL
async def test_a_new_stations_sign_in_fits_a_small_terminal(new_station: Station, lang: str) -> None:
    """The manager's name, the PIN twice, the time zone and the hours: longer than 24 lines."""
    app = StationApp(
        new_station,
        CounterSettings(counter="test-counter"),
        database_label="SQLite test",
        require_sign_in=True,
        first_mode="reports",
    )
    async with console_in(app, lang) as pilot:
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        dialog = app.screen
        assert isinstance(dialog, SignInScreen) and dialog.first_run
        order = ["signin-name", "signin-pin", "signin-pin2", "signin-zone", "signin-hours"]
        await at_each_size(app, pilot, lambda: walked_by_tab(app, pilot, order, sign_in_fixed(dialog)))
        dialog.query_one("#signin-pin", Input).value = "9071"
        dialog.query_one("#signin-pin2", Input).value = "9091"
        dialog.query_one("#signin-pin2").focus()
        await quiet.press(pilot, "enter")  # the two PINs differ: said in the dialog

        async def refusal_in_view() -> None:
            assert str(dialog.query_one("#signin-error", Static).render()).strip(), "the dialog said nothing"
            for part in sign_in_fixed(dialog):
                in_the_dialog(app, dialog_box(dialog), [], part)

        await at_each_size(app, pilot, refusal_in_view)


@SMALL
async def test_the_sign_in_after_a_lock_fits_a_small_terminal(app: StationApp, lang: str) -> None:
    async with console_in(app, lang, "ctrl+l") as pilot:
        dialog = app.screen
        assert isinstance(dialog, SignInScreen) and not dialog.first_run
        fixed = sign_in_fixed(dialog)
        await at_each_size(
            app, pilot, lambda: walked_by_tab(app, pilot, ["signin-name", "signin-pin"], fixed)
        )


@SMALL
async def test_the_audit_trail_fits_a_small_terminal(app: StationApp, lang: str) -> None:
    """Both fields, the table with some rows, the summary and the event's details, and the keys below."""
    async with console_in(app, lang, "ctrl+t") as pilot:
        dialog = app.screen
        assert isinstance(dialog, ClerkActivityScreen)
        box = dialog.query_one("#activity-box")
        parts = [dialog.query_one(f"#activity-{name}") for name in ("title", "summary", "detail")]

        async def dialog_fits() -> None:
            order = ["activity-clerk", "activity-waybill", "activity-table"]
            await walked_by_tab(app, pilot, order, parts, box)
            regions = {f"#{w.id}": in_the_dialog(app, box, [], w) for w in [*parts, *dialog.query(Input)]}
            regions["#activity-table"] = table = in_the_dialog(app, box, [], dialog.query_one(DataTable))
            assert_apart(regions)
            assert table.height >= 5  # the heading and some events
            keys = shown_whole(app, dialog.query_one(StationFooter))
            assert not keys.overlaps(box.region), "the keys are over the dialog"

        await at_each_size(app, pilot, dialog_fits)


@SMALL
async def test_a_parcels_timeline_shows_its_waybill_whole_at_80_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    """The waybill column is shown whole first; the columns that do not fit beside it give way (at 80
    columns the table was wider than the dialog, the waybill cut at its edge), at 120 too."""
    waybill = "JT0012345678901"
    check_in(station, waybill, phone="13800138000")
    async with console_in(app, lang, "ctrl+t") as pilot:
        dialog = app.screen
        assert isinstance(dialog, ClerkActivityScreen)
        table = dialog.query_one(DataTable)
        dialog.show_timeline(waybill)
        await quiet.until(pilot, lambda: table.row_count == 1)

        async def waybill_whole() -> None:
            await settle(app, pilot)
            assert table.virtual_size.width <= table.scrollable_content_region.width
            headings = [c.label.plain for c in table.ordered_columns]
            assert {_("Waybill"), _("Time"), _("Event")} <= set(headings)
            column = headings.index(_("Waybill"))
            assert table.ordered_columns[column].content_width >= len(waybill)
            assert waybill in str(table.get_cell_at(Coordinate(0, column)))

        await at_each_size(app, pilot, waybill_whole, SIZES_TO_80)


@SMALL
async def test_the_damaged_database_fits_a_small_terminal(app: StationApp, lang: str) -> None:
    """What is wrong (SQLite's words, up to 200 characters) and what to do, and how to quit, whole."""
    detail = "; ".join(f"row {n} missing from index ix_parcel_waybill" for n in range(1, 9))
    async with console_in(app, lang) as pilot:
        await app.push_screen(DamagedScreen(damaged(detail).message()))
        await settle(app, pilot)
        dialog = app.screen

        async def dialog_fits() -> None:
            parts = [w for w in dialog.query(Static) if w.display]  # title, what to do, how to quit
            assert len(parts) == 3
            assert_apart({f"{w!r}": in_the_dialog(app, dialog_box(dialog), [], w) for w in parts})

        await at_each_size(app, pilot, dialog_fits, (*SIZES, (120, 40)))


@SMALL
async def test_the_unsaved_changes_question_reads_on_one_line_with_its_keys_under_it(
    app: StationApp, lang: str
) -> None:
    """Its sentence is short, one line at 120x40 and at 80x24; the keys are in the muted key line
    under the buttons, as in the other dialogs (the sentence that named them wrapped at every size)."""
    async with console_in(app, lang) as pilot:
        for saves, keys in ((True, SAVE_KEYS), (False, DISCARD_KEYS)):
            await app.push_screen(LeaveUnsaved(_("Settings"), saves=saves))
            await settle(app, pilot)
            question = app.screen
            assert isinstance(question, LeaveUnsaved)

            async def one_line(question: LeaveUnsaved = question, keys: str = keys) -> None:
                title, body = list(question.query(Static))[:2]
                assert shown_whole(app, body).height == 1, f"{body.render()} wraps"
                line = question.query_one(".form-keys", Static)
                assert str(line.render()) == _(keys)
                assert shown_whole(app, line).y > shown_whole(app, question.query_one("#unsaved-stay")).y

            await at_each_size(app, pilot, one_line, SIZES_TO_80)
            quiet.send_key(app, "escape")
            await settle(app, pilot)


@SMALL
async def test_the_carrier_pickers_keep_every_carrier_and_the_couriers_name_in_view_on_a_small_terminal(
    app: StationApp, lang: str
) -> None:
    """Every carrier is listed (more than 24 lines' worth with the title): the list scrolls inside the
    box, the last carrier shown once reached, and what is below it (the line of keys, the courier's name
    field) stays in view."""
    async with console_in(app, lang) as pilot:
        for key, kind in (("f7", BatchPicker), ("f10", CourierDialog)):
            await quiet.press(pilot, key)

            def shown(kind: type = kind) -> bool:
                return isinstance(app.screen, kind)

            await quiet.until(pilot, shown)
            dialog = app.screen
            listed = dialog.query_one(OptionList)
            assert listed.option_count >= 15  # every carrier, taller than the box at 80x24

            async def fits(dialog: Any = dialog, listed: OptionList = listed) -> None:
                box, fixed = (
                    dialog_box(dialog),
                    [dialog.query_one(".dialog-title"), dialog.query_one(".form-keys")],
                )
                if isinstance(dialog, CourierDialog):
                    fixed += [dialog.query_one("#courier-name")]
                for part in fixed:
                    in_the_dialog(app, box, fixed, part)
                assert in_the_dialog(app, box, fixed, listed).height >= 5
                quiet.send_key(app, "end")
                await settle(app, pilot)
                last = listed.get_option_at_index(listed.option_count - 1).id
                assert listed.highlighted == listed.option_count - 1, last
                assert listed.scroll_y == listed.max_scroll_y > 0, f"{last} is below the list's view"
                quiet.send_key(app, "home")
                await settle(app, pilot)

            await at_each_size(app, pilot, fits, SIZES[:1])
            await quiet.press(pilot, "escape")
            assert not isinstance(app.screen, kind)


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
