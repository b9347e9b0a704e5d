"""Small terminals (80x24, 100x30; the shelf map also 120x36), English and Chinese: a screen's fields
stay wide enough to use, inside the screen and clear of each other.

One console per screen and language walks both sizes (started at the first, resized to the next): a
console's start cost about as much CPU as the checks at one size, and a resize lays the screen out anew.
A failure names the size it was seen at."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from rich.cells import cell_len
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TextArea

from station_console.i18n import N_, _, set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.services.scan.carriers import NUMBER_FIELDS, TEXT_FIELDS
from station_console.tui.app import StationApp
from station_console.tui.screens.carrier_editor import CarrierForm
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.checkin_dialogs import MissingPhones
from station_console.tui.screens.day_close_dialogs import ReopenDay
from station_console.tui.screens.form_dialog import ConfirmDialog, FormDialog
from station_console.tui.screens.recipients import RecipientsScreen
from station_console.tui.screens.shelf_common import PARCEL_COLUMNS
from tui import quiet
from tui.checkin_driver import scan, settle, start

SIZES = ((80, 24), (100, 30))
SIZES_TO_80 = ((120, 40), (80, 24))  # the console's usual size, then the smallest
# Each test runs in both languages, and at each of SIZES in each.
SMALL = pytest.mark.parametrize("lang", ["en", "zh"])


@asynccontextmanager
async def console_in(
    app: StationApp, lang: str, *keys: str, size: tuple[int, int] = SIZES[0]
) -> AsyncIterator[Any]:
    """The console in `lang` at `size`, started in its first mode (check-in unless the test is marked
    `first_mode`), then `keys` pressed in turn."""
    set_language(lang)
    async with app.run_test(size=size) as pilot:
        if app.current_mode == "checkin":
            await start(app, pilot)  # the scanner's clock too
        else:
            await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        yield pilot


async def at_each_size(
    app: StationApp,
    pilot: Any,
    check: Callable[[], Awaitable[None]],
    sizes: tuple[tuple[int, int], ...] = SIZES,
) -> None:
    """`check` with the console resized to each of `sizes` in turn; a failure names the size."""
    for width, height in sizes:
        if (app.size.width, app.size.height) != (width, height):
            await pilot.resize_terminal(width, height)
            await settle(app, pilot)
        assert (app.size.width, app.size.height) == (width, height)
        try:
            await check()
        except AssertionError as failed:
            raise AssertionError(f"at {width}x{height}: {failed}") from failed


def shown_whole(app: StationApp, widget: Widget) -> Region:
    """The widget's region, asserted to lie whole inside the screen."""
    region = widget.region
    assert region.area, f"{widget!r} is not shown"
    screen = Region(0, 0, *app.size)
    assert screen.contains_region(region), f"{widget!r} at {region} is cut off by the {app.size} screen"
    return region


def assert_apart(named: dict[str, Region]) -> None:
    items = list(named.items())
    for n, (a, ra) in enumerate(items):
        for b, rb in items[n + 1 :]:
            assert not ra.overlaps(rb), f"{a} {ra} overlaps {b} {rb}"


async def scanned_at_checkin(app: StationApp, pilot: Any, code: str) -> CheckinScreen:
    """The check-in screen after `code` came from the scanner."""
    screen = app.screen
    assert isinstance(screen, CheckinScreen) and screen.router is not None
    await scan(pilot, screen.router.clock, code)
    await settle(app, pilot)
    return screen


@SMALL
async def test_checkin_fields_stay_usable_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    async with console_in(app, lang) as pilot:
        screen = await scanned_at_checkin(app, pilot, "SF1234567890123")

        async def fields_usable() -> None:
            fields = {name: screen.query_one(name) for name in ("#scan", "#phone", "#size", "#ci-phone-for")}
            regions = {name: shown_whole(app, widget) for name, widget in fields.items()}
            assert_apart(regions)
            assert regions["#scan"].width >= 30  # a long waybill typed by hand stays in view
            assert regions["#phone"].width >= 17  # 11 digits, the input's border and padding
            assert regions["#size"].width >= 6
            # What the phone is for is read whole: the code of the parcel just scanned.
            code = screen.results[-1].pickup_code
            assert code in str(fields["#ci-phone-for"].render())
            assert regions["#ci-phone-for"].width >= cell_len(str(fields["#ci-phone-for"].render()))
            table = shown_whole(app, screen.query_one("#ci-table"))
            assert table.height >= 4  # the heading and the last rows checked in

        await at_each_size(app, pilot, fields_usable)


@SMALL
async def test_the_checkin_status_line_reads_whole_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    """Batch, quick mode, parcels without a phone and the refused count: each whole, none cut."""
    async with console_in(app, lang) as pilot:
        screen = await scanned_at_checkin(app, pilot, "garbage!!")  # refused: the count the clerk must see

        async def status_whole() -> None:
            parts = {f"#{w.id}": w for w in screen.query("#ci-status > Static")}
            regions = {name: shown_whole(app, widget) for name, widget in parts.items()}
            assert_apart(regions)
            for name, widget in parts.items():
                text = str(widget.render())
                assert regions[name].width >= cell_len(text), f"{name} {text!r} cut to {regions[name].width}"
            assert str(parts["#ci-refused"].render()).endswith("1")

        await at_each_size(app, pilot, status_whole)


@SMALL
@pytest.mark.first_mode("parcels")
async def test_parcel_search_fields_stay_usable_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    async with console_in(app, lang, "f5") as pilot:
        screen = app.screen

        async def fields_usable() -> None:
            names = ("#pa-text", "#pa-carrier", "#pa-state", "#pa-since", "#pa-until", "#pa-problems")
            regions = {name: shown_whole(app, screen.query_one(name)) for name in names}
            assert_apart(regions)
            assert regions["#pa-text"].width >= 30  # the search field itself: a waybill, code or phone
            assert app.focused is screen.query_one("#pa-text")
            assert shown_whole(app, screen.query_one("#pa-table")).height >= 4

        await at_each_size(app, pilot, fields_usable)


@SMALL
@pytest.mark.first_mode("sendout")
async def test_sendout_form_stays_usable_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    async with console_in(app, lang, "f3") as pilot:
        screen = app.screen
        rows = [
            ("#so-phone", "#so-name"),
            ("#so-idtype", "#so-idnum", "#so-seen"),
            ("#so-contents", "#so-count", "#so-value", "#so-insure"),
        ]

        async def form_usable() -> None:
            side = {name: shown_whole(app, screen.query_one(name)) for name in ("#so-quote", "#so-message")}
            for row in rows:
                # Each field of the row focused in turn: a field out of view is scrolled to when it gets
                # the focus. The row is read once the last one's scroll is done; waiting out each scroll
                # before it re-rendered the whole screen every time, and those scrolls only lead there.
                for name in row:
                    screen.query_one(name).focus()
                    await settle(app, pilot)
                await pilot.wait_for_scheduled_animations()
                regions = {name: shown_whole(app, screen.query_one(name)) for name in row}
                assert_apart({**regions, **side})
                for name in row:
                    least = 9 if name == "#so-count" else 12  # the count is 3 digits, at its own fixed width
                    assert regions[name].width >= least, f"{name} squeezed to {regions[name].width} cells"
            waybill = screen.query_one("#so-waybill")
            waybill.focus()
            await settle(app, pilot)
            await pilot.wait_for_scheduled_animations()
            assert_apart({"#so-waybill": shown_whole(app, waybill), **side})
            assert shown_whole(app, screen.query_one("#so-sends")).height >= 2

        await at_each_size(app, pilot, form_usable)


@SMALL
@pytest.mark.first_mode("settings")
async def test_settings_fields_and_their_help_stay_readable_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    async with console_in(app, lang) as pilot:

        async def fields_readable() -> None:
            fields = [f for f in app.screen.query("#settings-form .field") if f.region.area]
            assert len(fields) >= 2  # the first fields of the section are in view
            for field in fields:
                editor, help_text = field.children[1], field.query_one(".help")
                assert editor.region.right <= app.size.width, f"{editor!r} is cut off at the right"
                assert editor.region.width >= 16, f"{editor!r} squeezed to {editor.region.width} cells"
                if help_text.region.area:  # the last field's help may be below the fold
                    assert help_text.region.right <= app.size.width
                    assert help_text.region.width >= 30, (
                        f"the help of {editor!r} is {help_text.region.width} wide"
                    )

        await at_each_size(app, pilot, fields_readable)


@SMALL
@pytest.mark.first_mode("settings")
async def test_printer_form_stays_usable_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    async with console_in(app, lang, "f8") as pilot:

        async def form_usable() -> None:
            names = ("#p-name", "#p-language", "#p-transport", "#p-size", "#p-dpi")
            names += ("#p-target", "#p-gap", "#p-paper", "#p-cjk", "#p-save")
            regions = {name: shown_whole(app, app.screen.query_one(name)) for name in names}
            assert_apart(regions)
            assert regions["#p-target"].width >= 40  # a device path or a CUPS queue, read whole
            assert regions["#p-paper"].width >= 14
            assert shown_whole(app, app.screen.query_one("#printer-list")).height >= 3

        await at_each_size(app, pilot, form_usable)


def columns_in_view(table: DataTable[Any]) -> list[str]:
    """The labels of the table's columns shown whole, the fixed ones and those scrolled into view."""
    fixed = sum(c.get_render_width(table) for c in table.ordered_columns[: table.fixed_columns])
    left, right = table.scroll_x + fixed, table.scroll_x + table.scrollable_content_region.width
    shown, x = [], 0
    for n, column in enumerate(table.ordered_columns):
        width = column.get_render_width(table)
        if n < table.fixed_columns or (x >= left and x + width <= right):
            shown.append(column.label.plain)
        x += width
    return shown


@SMALL
@pytest.mark.first_mode("shelves")
async def test_the_shelf_map_and_its_layer_list_stay_usable_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    async with console_in(app, lang, "f4") as pilot:
        screen = app.screen
        table = screen.query_one("#sh-map", DataTable)
        layer = screen.query_one("#sh-layer", DataTable)
        layers = [_("Layer {n}", n=n) for n in range(1, 6)]

        async def map_and_list_usable() -> None:
            regions = {name: shown_whole(app, screen.query_one(name)) for name in ("#sh-map", "#sh-layer")}
            assert_apart(regions)
            assert regions["#sh-map"].height >= 5  # the heading and two shelves
            assert regions["#sh-layer"].height >= 4
            # The layer list: a waybill, its carrier, code and location read whole without scrolling.
            assert columns_in_view(layer)[:4] == [_(N_(name)) for name in PARCEL_COLUMNS[:4]]
            table.cursor_coordinate = Coordinate(0, 1)
            await settle(app, pilot)
            await pilot.wait_for_scheduled_animations()
            if app.size.width >= 100:
                assert columns_in_view(table) == [_("Shelf"), *layers]  # the whole map at a glance
            for n in range(1, 6):  # at 80 columns each layer is scrolled to, its shelf still in view
                table.cursor_coordinate = Coordinate(0, n)
                await settle(app, pilot)
                await pilot.wait_for_scheduled_animations()
                assert columns_in_view(table)[0] == _("Shelf")
                assert layers[n - 1] in columns_in_view(table)
            assert "1-5" in str(screen.query_one("#sh-layer-title").render())

        await at_each_size(app, pilot, map_and_list_usable, (*SIZES, (120, 36)))


@pytest.mark.parametrize("key", ["f8", "f9", "f11", "f12"])  # stocktake, returns, problems, edit shelves
@pytest.mark.first_mode("shelves")
async def test_the_shelf_work_labels_read_whole_in_chinese_on_a_small_terminal(
    app: StationApp, station: Station, key: str
) -> None:
    """A Chinese label breaks between any two characters (a closing bracket alone on its second line);
    each one fits its line (an English one wraps at a space, whole words)."""
    async with console_in(app, "zh", "f4", key) as pilot:

        async def labels_whole() -> None:
            labels = [w for w in app.screen.query(".field-label") if w.region.area]
            assert labels
            for label in labels:
                text = str(label.render())
                assert cell_len(text) <= label.content_region.width, (
                    f"{text!r} in {label.content_region.width}"
                )

        await at_each_size(app, pilot, labels_whole)


@pytest.mark.parametrize("row", [0, 9])  # the first shelf, the last (OV)
@pytest.mark.first_mode("shelves")
async def test_the_shelf_map_keeps_its_cursor_in_view_when_the_console_narrows(
    app: StationApp, station: Station, row: int
) -> None:
    async with console_in(app, "en", "f4", size=(160, 45)) as pilot:
        table = app.screen.query_one("#sh-map", DataTable)
        table.cursor_coordinate = Coordinate(row, 5)
        await settle(app, pilot)

        async def cursor_in_view() -> None:
            await pilot.wait_for_scheduled_animations()
            top = 2 * row  # each shelf two lines, under the heading
            seen = table.scrollable_content_region.height - 1
            assert table.scroll_y <= top and top + 2 <= table.scroll_y + seen, f"scrolled to {table.scroll_y}"
            assert _("Layer {n}", n=5) in columns_in_view(table)

        # the layer list goes below the map, then the map scrolls
        await at_each_size(app, pilot, cursor_in_view, ((120, 36), (80, 24)))


def in_the_dialog(app: StationApp, box: Widget, fixed: list[Widget], widget: Widget) -> Region:
    """The widget's region, asserted whole inside the screen and the dialog's `box`, and clear of the
    dialog's `fixed` parts (its title and buttons, which do not scroll with the fields)."""
    region = shown_whole(app, widget)
    assert box.region.contains_region(region), f"{widget!r} is cut off by the dialog"
    for part in fixed:
        if part is not widget:
            assert not region.overlaps(shown_whole(app, part)), f"{widget!r} at {region} is under {part!r}"
    return region


def in_the_form(app: StationApp, form: FormDialog[Any], widget: Widget) -> Region:
    """`in_the_dialog` for a form: its title and OK stay in view."""
    fixed = [form.query_one(".dialog-title"), form.query_one("#form-ok")]
    return in_the_dialog(app, form.query_one(".form-dialog"), fixed, widget)


def dialog_box(dialog: Widget) -> Widget:
    """The dialog's box: what the screen of a dialog holds."""
    (box,) = dialog.children
    return box


async def walked_by_tab(app: StationApp, pilot: Any, order: list[str], fixed: list[Widget]) -> None:
    """The open dialog's widgets `order` (ids), each reached by Tab from the first and shown whole in
    the dialog, clear of its `fixed` parts, when focused."""
    dialog = app.screen
    dialog.query_one(f"#{order[0]}").focus()
    for n, name in enumerate(order):
        if n:
            await pilot.press("tab")
        await settle(app, pilot)
        await pilot.wait_for_scheduled_animations()
        focused = app.focused
        assert focused is not None and focused.id == name, f"Tab reached {focused!r}, not #{name}"
        in_the_dialog(app, dialog_box(dialog), fixed, focused)


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
    await pilot.press("enter")
    await settle(app, pilot)
    await pilot.wait_for_scheduled_animations()
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
    await pilot.press("f12")
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
    """Its fields, the patterns and Cancel / Save: longer than 40 lines, and wider than 80 columns."""
    async with console_in(app, lang, "f7", size=(120, 40)) as pilot:
        await quiet.press(pilot, "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        title = form.query(Static).first()  # above the fields
        fixed = [title, form.query_one("#cf-cancel"), form.query_one("#cf-save")]

        async def form_usable() -> None:
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
            parts = [w for w in dialog.query("Static, Input") if w.display]  # title, why, reason, refusal
            assert len(parts) == 4
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
