"""Dialogs on small terminals (80x24, and the console's usual 120x40 where a dialog was cut even there),
English and Chinese: questions, pickers, lists and the sign-in keep their parts in view, each reached
by Tab and shown whole when focused (forms: test_small_terminal_forms.py)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Static

from station_console.i18n import _
from station_console.services.checkin.transaction import check_in
from station_console.services.core.health import damaged
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.checkin_dialogs import BatchPicker, MissingPhones
from station_console.tui.screens.clerk_activity import ClerkActivityScreen
from station_console.tui.screens.confirm_dialog import YES_NO_KEYS, ConfirmDialog
from station_console.tui.screens.damaged import DamagedScreen
from station_console.tui.screens.day_close_dialogs import ReopenDay
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.screens.unsaved import DISCARD_KEYS, SAVE_KEYS, LeaveUnsaved
from station_console.tui.widgets.footer import StationFooter
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
    shown_whole,
    walked_by_tab,
)


@SMALL
async def test_a_long_question_keeps_its_answers_in_view_on_a_small_terminal(
    app: StationApp, lang: str
) -> None:
    """An import's preview runs past the screen: it scrolls between the question and Yes / No, and the
    line saying that Enter answers No stays in view under them (at 80x24 it was cut off)."""
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
            buttons = [dialog.query_one(button) for button in ("#confirm-yes", "#confirm-no")]
            keys = dialog.query_one(".form-keys", Static)
            in_the_dialog(app, dialog_box(dialog), [dialog.query_one(".dialog-title"), *buttons, text], keys)
            assert str(keys.render()) == _(YES_NO_KEYS)

        await at_each_size(app, pilot, answers_in_view, (*SIZES, (120, 40)))


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
async def test_a_new_stations_sign_in_shows_every_field_at_once_at_80x24(
    new_station: Station, lang: str
) -> None:
    """All five fields, each with its name, and both lines above them in view together, nothing scrolled
    away: the time zone and the hours started below the bottom of 80x24, to be found by scrolling."""
    app = StationApp(
        new_station,
        CounterSettings(counter="test-counter"),
        database_label="SQLite test",
        require_sign_in=True,
        first_mode="reports",
    )
    async with console_in(app, lang, size=SIZES[0]) as pilot:
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        dialog = app.screen
        assert isinstance(dialog, SignInScreen) and dialog.first_run

        async def all_in_view() -> None:
            assert dialog.query_one("#signin-fields").max_scroll_y == 0, "the fields scroll"
            parts = [*dialog.query("#signin-fields .hint"), *dialog.query(".field-row > *")]
            assert len(parts) == 2 + 2 * 5
            box = dialog_box(dialog)
            assert_apart({f"{w!r}": in_the_dialog(app, box, sign_in_fixed(dialog), w) for w in parts})
            for name in dialog.query(".field-row > Label"):
                assert str(name.render()).strip(), f"{name!r} names no field"

        await at_each_size(app, pilot, all_in_view, SIZES_TO_80[::-1])


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
