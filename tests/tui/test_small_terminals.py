"""Small terminals (80x24, 100x30; the shelf map also 120x36), English and Chinese: a screen's fields
stay wide enough to use, inside the screen and clear of each other.

One console per screen and language walks both sizes (started at the first, resized to the next): a
console's start cost about as much CPU as the checks at one size, and a resize lays the screen out anew.
A failure names the size it was seen at."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from textual.widgets import Checkbox, Input, Label, Select, Static
from textual.widgets._select import InvalidSelectValueError

from station_console.i18n import _
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.checkin import CheckinScreen
from tui import quiet
from tui.checkin_driver import KeyClock, scan, settle
from tui.terminal_fit import SIZES, SIZES_TO_80, SMALL, assert_apart, at_each_size, console_in, shown_whole


async def scanned_at_checkin(app: StationApp, pilot: Any, code: str) -> CheckinScreen:
    """The check-in screen after `code` came from the scanner."""
    screen = app.screen
    assert isinstance(screen, CheckinScreen) and screen.router is not None
    clock = screen.router.clock
    assert isinstance(clock, KeyClock)  # console_in put it in
    await scan(pilot, clock, code)
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
            # The widest size typed shows whole beside the cursor: a field 2 cells wide inside showed
            # "XL" scrolled to "L", so the clerk read the size they had not typed.
            size = screen.query_one("#size", Input)
            size.focus()
            size.value = "XL"
            size.cursor_position = len("XL")
            await pilot.pause()
            assert size.render_line(0).text.strip() == "XL"
            size.value = ""
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
                regions = {name: shown_whole(app, screen.query_one(name)) for name in row}
                assert_apart({**regions, **side})
                for name in row:
                    least = 9 if name == "#so-count" else 12  # the count is 3 digits, at its own fixed width
                    assert regions[name].width >= least, f"{name} squeezed to {regions[name].width} cells"
            screen.query_one("#so-check").focus()
            await settle(app, pilot)
            section = screen.query_one("#so-check-title", Label)
            region = shown_whole(app, section)
            strips = app.screen._compositor.render_strips()  # what the terminal shows now
            drawn = "".join(
                line.crop(region.x, region.right).text.strip() for line in strips[region.y : region.bottom]
            )
            said = str(section.content)
            assert "".join(said.split()) in "".join(drawn.split()), f"the inspection line is cut: {drawn!r}"
            waybill = screen.query_one("#so-waybill")
            waybill.focus()
            await settle(app, pilot)
            assert_apart({"#so-waybill": shown_whole(app, waybill), **side})
            assert shown_whole(app, screen.query_one("#so-sends")).height >= 2

        await at_each_size(app, pilot, form_usable, (*SIZES, SIZES_TO_80[0]))  # and 120x40: two columns


@SMALL
@pytest.mark.first_mode("sendout")
async def test_a_sendout_choice_too_long_for_its_box_stays_on_its_line(
    app: StationApp, station: Station, lang: str
) -> None:
    """'港澳居民来往内地通行证' in the ID box: shortened with '…' on the box's one line; it wrapped onto the
    box's bottom edge, and at 120x40 lost '通行证' under it."""
    async with console_in(app, lang, "f3") as pilot:
        selects = list(app.screen.query_one("#so-form").query(Select))
        assert {s.id for s in selects} >= {"so-idtype", "so-pay"}

        async def each_choice_on_one_line() -> None:
            for select in selects:
                for _prompt, value in select._options:
                    if value is Select.BLANK:
                        continue
                    select.value = value
                    await settle(app, pilot)
                    label = select.query_one("SelectCurrent #label")
                    assert label.region.height == 1, (
                        f"{select.id}: {value!r} takes {label.region.height} lines"
                    )
                    assert label.region.y == select.region.y + 1  # inside the box, between its edges

        await at_each_size(app, pilot, each_choice_on_one_line, SIZES_TO_80)


@SMALL
@pytest.mark.first_mode("sendout")
async def test_the_id_kind_and_the_carrier_read_whole_in_their_drop_downs(
    app: StationApp, station: Station, lang: str
) -> None:
    """Each kind of ID and each carrier reads whole in its box and in its open list, at 120x40 and
    80x24: 'Resident ID card' and 'YUNDA Yunda Express' took two lines of the open list, and 'EMS
    China Post / EMS' lost its end."""
    async with console_in(app, lang, "f3") as pilot:
        screen = app.screen
        await settle(app, pilot)
        selects = [screen.query_one(name, Select) for name in ("#so-idtype", "#so-carrier")]
        await quiet.until(pilot, lambda: len(selects[1]._options) > 5, what="the carriers offered")

        async def each_reads_whole() -> None:
            for select in selects:
                prompts = [str(prompt) for prompt, value in select._options if value is not Select.BLANK]
                for prompt, value in select._options:
                    if value is Select.BLANK:
                        continue
                    select.value = value
                    await settle(app, pilot)
                    room = select.query_one("SelectCurrent #label").region.width
                    assert cell_len(str(prompt)) <= room, f"{select.id}: {prompt!r} in {room} cells"
                select.expanded = True
                await settle(app, pilot)
                listed = select.query_one("SelectOverlay")
                room = listed.scrollable_content_region.width - 2  # each option's padding
                widest = max(prompts, key=cell_len)
                assert cell_len(widest) <= room, f"{select.id}: {widest!r} in a list {room} wide"
                select.expanded = False
                await settle(app, pilot)

        await at_each_size(app, pilot, each_reads_whole, SIZES_TO_80)


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
            names: tuple[str, ...] = ("#p-name", "#p-language", "#p-transport", "#p-size", "#p-dpi")
            names += ("#p-target", "#p-gap", "#p-paper", "#p-cjk", "#p-save")
            regions = {name: shown_whole(app, app.screen.query_one(name)) for name in names}
            assert_apart(regions)
            assert regions["#p-target"].width >= 40  # a device path or a CUPS queue, read whole
            assert regions["#p-paper"].width >= 14
            assert shown_whole(app, app.screen.query_one("#printer-list")).height >= 3

        await at_each_size(app, pilot, form_usable)


@SMALL
@pytest.mark.first_mode("settings")
async def test_each_printer_choice_reads_on_one_line_in_its_box(
    app: StationApp, station: Station, lang: str
) -> None:
    """A choice wider than its box wraps onto the box's bottom edge ('58 毫米卷纸' at 80x24)."""
    async with console_in(app, lang, "f8") as pilot:

        async def choices_fit() -> None:
            for select in app.screen.query_one("#printer-form").query(Select):
                shown = select.query_one("SelectCurrent #label").region
                for prompt, _value in select._options:
                    text = prompt if isinstance(prompt, str) else str(prompt)
                    assert cell_len(text) <= shown.width, f"{select.id}: {text!r} in {shown.width} columns"

        await at_each_size(app, pilot, choices_fit, ((140, 40), (120, 40), *SIZES))


@SMALL
@pytest.mark.first_mode("sendout")
async def test_a_long_quote_shows_its_total_in_the_box_on_a_small_terminal(
    app: StationApp, station: Station, lang: str
) -> None:
    """Every line a quote can list (a remote zone, a volumetric weight, the steps, insurance, packaging):
    the Total under them is still inside the quote's box (at 80 columns the box is a fifth of the width
    under the form), in both languages."""
    async with console_in(app, lang, "f3", size=SIZES_TO_80[0]) as pilot:
        screen = app.screen
        values = {"so-dest": "新疆", "so-weight": "7.5", "so-dims": "60x40x40", "so-value": "2000"}
        for field, value in values.items():
            screen.query_one(f"#{field}", Input).value = value
        screen.query_one("#so-insure", Checkbox).value = True
        screen.query_one("#so-carrier", Select).value = "SF"
        pack = screen.query_one("#so-pack", Select)

        def packed() -> bool:  # the carrier's packaging is offered once the carrier is chosen
            try:
                pack.value = "纸箱 box L"
            except InvalidSelectValueError:
                return False
            return True

        await quiet.until(pilot, packed, what="no packaging offered")
        box = screen.query_one("#so-quote", Static)
        await quiet.until(pilot, lambda: "纸箱 box L" in str(box.render()), what="no quote with packaging")
        lines = str(box.render()).splitlines()
        assert len(lines) >= 7  # zone, weight, first and steps, insurance, packaging, a blank line, Total
        word = _("Total {total}", total="").strip()
        (total,) = [line for line in lines if line.startswith(word)]

        async def total_in_the_box() -> None:
            await settle(app, pilot)
            region = shown_whole(app, box)
            screen_lines = app.screen._compositor.render_strips()  # what the terminal shows now
            drawn = [
                line.crop(region.x, region.right).text for line in screen_lines[region.y : region.bottom]
            ]
            assert any(total in line for line in drawn), f"{total!r} is cut off: {drawn}"

        await at_each_size(app, pilot, total_in_the_box, SIZES_TO_80)


@SMALL
@pytest.mark.first_mode("sendout")
async def test_each_sendout_placeholder_fits_its_field_at_120x40(
    app: StationApp, station: Station, lang: str
) -> None:
    """At the console's usual size every send-out field's placeholder reads whole in its field: one
    wider than the field ends in an ellipsis ("ID numb…", "kg, or F8 to we…"), half a hint."""
    async with console_in(app, lang, "f3", size=SIZES_TO_80[0]) as pilot:
        await settle(app, pilot)
        fields = [field for field in app.screen.query("#so-form Input").results(Input) if field.placeholder]
        assert len(fields) >= 10, [field.id for field in fields]
        cut = {
            field.id: (str(field.placeholder), cell_len(str(field.placeholder)), field.content_region.width)
            for field in fields
            if cell_len(str(field.placeholder)) > field.content_region.width
        }
        assert not cut, f"placeholders wider than their fields (text, cells, field width): {cut}"
        names = {
            str(app.screen.query_one(f"#{name}", Input).placeholder) for name in ("so-name", "so-to-name")
        }
        assert names == {"full name" if lang == "en" else "姓名"}  # a person's, not a printer's 名称


@SMALL
@pytest.mark.first_mode("settings")
async def test_the_scan_tests_settings_read_whole_on_a_small_terminal(app: StationApp, lang: str) -> None:
    """Each wedge setting on the right, focused in turn, is in view with its label whole: the longest
    label ('Largest gap inside a scan (ms)') ran past the 80th column, and the last fields below the fold;
    in Chinese it wraps in its column as Chinese is typeset ('一次扫码内最大按键间隔（' / '毫秒）' was cut
    at its bracket)."""
    async with console_in(app, lang, "f9") as pilot:
        screen = app.screen
        right = screen.query_one("#st-right")

        async def settings_readable() -> None:
            for label in right.query(Label):
                field = right.children[right.children.index(label) + 1]
                field.focus()
                await settle(app, pilot)
                said = str(label.render())
                region = shown_whole(app, label)
                assert region.right <= right.region.right, f"{said!r} runs past its column"
                shown_whole(app, field)
                lines = [
                    strip.crop(region.x, region.right).text.strip()
                    for strip in app.screen._compositor.render_strips()[region.y : region.bottom]
                ]
                assert "".join(lines) == said.replace(" ", "") or " ".join(lines) == said, lines
                assert not [
                    n for n, line in enumerate(lines) if line.endswith("（") or line.startswith("）")
                ], lines

        await at_each_size(app, pilot, settings_readable)
