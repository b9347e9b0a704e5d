"""The send-out counter on F3, as a clerk uses it: fill the form, weigh, scan the waybill, see the
quote, accept; refuse one; type into its fields; take a waybill from stock (the questions before a
filled form is dropped: test_sendout_unsaved_form.py; the counter's sends: test_sendout_sends_list.py;
refunds and the courier handover: test_sendout_courier.py)."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, Select, SelectionList, Static

from db.models import ParcelEvent
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.sendout import waybills
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.widgets.tick import Tick
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput
from tui import quiet
from tui.drawn_text import drawn
from tui.sendout_driver import (
    at_sendout,
    counter_app,
    fill,
    keys_a_millisecond_apart,
    sends,
    text_of,
    until,
)


@pytest.mark.first_mode("sendout")
async def test_a_chinese_quote_and_acceptance_say_the_money_in_yuan(
    app: StationApp, station: Station
) -> None:
    """The Chinese console said "合计 44.00 CNY" under its quote and after the send, as the receipt now
    says "合计：44.00 元"."""
    set_language("zh")
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen)
        screen.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: screen.form.carrier == "SF")
        await quiet.press(pilot, "f8")
        await until(pilot, lambda: "合计：44.00 元" in text_of(screen, "#so-quote"))
        assert "CNY" not in text_of(screen, "#so-quote")
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "已收寄" in text_of(screen, "#so-message"))
        assert "44.00 元" in text_of(screen, "#so-message") and "CNY" not in text_of(screen, "#so-message")


@pytest.mark.first_mode("sendout")
async def test_a_send_from_the_form_to_the_receipt(app: StationApp, station: Station) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen)
        screen.post_message(KeyRouter.Scanned("SF1234567890123"))  # a wedge scan, wherever the focus is
        await until(pilot, lambda: screen.form.carrier == "SF")  # the scanned waybill named its carrier
        assert screen.query_one("#so-waybill", Input).value == "SF1234567890123"
        await quiet.press(pilot, "f8")
        await until(pilot, lambda: screen.scale_weight is not None)
        assert screen.query_one("#so-weight", Input).value == "1.200"
        await until(pilot, lambda: "Total 44.00 CNY" in text_of(screen, "#so-quote"))
        assert "remote region" in text_of(screen, "#so-quote")
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "accepted" in text_of(screen, "#so-message"))
        assert "44.00 CNY by cash" in text_of(screen, "#so-message")
        (sent,) = sends(station)
        assert (sent.waybill, sent.weight_manual, sent.weight_device, sent.id_last4) == (
            "SF1234567890123",
            False,
            "dummy",
            "002X",
        )
        assert screen.query_one("#so-idnum", Input).value == ""  # the ID number is gone from the screen
        await until(pilot, lambda: screen.query_one("#so-sends", DataTable).row_count == 1)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.first_mode("sendout")
async def test_the_quote_under_the_form_says_the_weight_it_charges(
    app: StationApp, station: Station, language: str
) -> None:
    """0.8 kg is priced as SF's first 1 kg: the box under the form said "Charged 0.8 kg" ("计费 0.8
    千克") over the first weight's price."""
    set_language(language)
    app = counter_app(station)
    async with app.run_test(size=(100, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        await fill(pilot, screen, **{"so-weight": "0.8", "so-dest": "北京"})
        screen.query_one("#so-carrier", Select).value = "SF"
        total = {"en": "Total", "zh": "合计"}[language]
        await until(pilot, lambda: total in text_of(screen, "#so-quote"))
        said = " ".join(text_of(screen, "#so-quote").split())
        assert {"en": "Charged 1 kg", "zh": "计费 1 千克"}[language] in said, said
        assert "0.8" not in said


@pytest.mark.first_mode("sendout")
async def test_a_typed_weight_is_manual_and_refusals_say_why(app: StationApp, station: Station) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "2.5", "so-waybill": "SF1234567890124"})
        screen.query_one("#so-carrier", Select).value = "SF"
        screen.query_one("#so-check", SelectionList).deselect_all()
        await until(pilot, lambda: "Total" in text_of(screen, "#so-quote"))
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "Inspection not finished" in text_of(screen, "#so-message"))
        assert sends(station) == []  # nothing written
        screen.query_one("#so-check", SelectionList).select_all()
        screen.query_one("#so-dest", Input).value = "Atlantis"
        await until(pilot, lambda: "Unknown destination" in text_of(screen, "#so-quote"))
        screen.query_one("#so-dest", Input).value = "北京"
        await until(pilot, lambda: "Total 36.00 CNY" in text_of(screen, "#so-quote"))
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "accepted" in text_of(screen, "#so-message"))
        assert sends(station)[0].weight_manual is True
        # Refused at inspection: the item found and the reason are recorded.
        await fill(pilot, screen, **{"so-contents": "[bold]fireworks[/]"})
        await quiet.press(pilot, "f11")
        await quiet.settle(pilot)
        await quiet.press(pilot, "space")  # the first item found
        app.screen.query_one("#form-reason").focus()
        await quiet.press(pilot, *"sparklers", "enter")
        await until(pilot, lambda: "Refused and recorded" in text_of(screen, "#so-message"))
        refused = sends(station)[1]
        assert (refused.status, refused.refused_reason, refused.contents) == (
            "refused",
            "sparklers",
            "[bold]fireworks[/]",
        )
        assert refused.inspection["found"] == [screen.setup.checklist.items[0].id]  # type: ignore[union-attr]


@pytest.mark.first_mode("sendout")
async def test_f11_records_the_items_found_with_the_forms_destination_and_weight(
    app: StationApp, station: Station
) -> None:
    """F11 asks which checklist items were found (the audit event names them); with none ticked and
    no reason the refusal is said in the dialog, which keeps what was typed. The refused send keeps
    the destination and the weight on the form."""
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "2.5"})
        await quiet.press(pilot, "f11")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        items = screen.setup.checklist.items  # type: ignore[union-attr]
        assert [str(label.render()) for label in dialog.query(".form-label")][:2] == [
            items[0].text(),
            items[1].text(),
        ]
        # The house tick box, read in any colours: a Switch showed only a knob's colour, no box or tick.
        assert all(isinstance(dialog.query_one(f"#form-found{n}"), Tick) for n in range(2))
        await quiet.press(pilot, "space")
        await quiet.settle(pilot)
        found = [dialog.query_one(f"#form-found{n}", Tick) for n in range(2)]
        assert [drawn(app, box).strip() for box in found] == ["▐✓▌", "▐ ▌"]  # whole, not cut to ▐✓…
        await quiet.press(pilot, "space", "ctrl+s")  # ticked and unticked: nothing, no reason
        await until(pilot, lambda: "Tick what was found" in str(dialog.query_one("#form-refused").render()))
        assert app.screen is dialog and sends(station) == []
        assert dialog.focused is dialog.query_one("#form-found0")  # the cursor where to tick
        await quiet.press(pilot, "tab", "tab", "tab", "space", "ctrl+s")  # the fourth item: batteries
        await until(pilot, lambda: "Refused and recorded" in text_of(screen, "#so-message"))
    (refused,) = sends(station)
    assert (refused.destination, refused.weight_g, refused.weight_manual) == ("新疆", 2500, True)
    assert refused.refused_reason is None
    assert refused.inspection["found"] == [items[3].id]
    with station.read() as session:
        (event,) = session.exec(select(ParcelEvent).where(ParcelEvent.kind == "send_refused")).all()
    assert event.details["found"] == [items[3].id]


@pytest.mark.first_mode("sendout")
async def test_a_parcel_scanned_into_the_refusal_ticks_nothing_and_is_said(
    app: StationApp, station: Station
) -> None:
    """The scan's Enter ticked the box that had the focus (guns found), saying nothing; now the box stays
    as it was and the dialog says why, and the clerk's own Space still ticks it."""
    async with at_sendout(station) as (app, pilot, screen):
        await quiet.press(pilot, "f11")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        guns = dialog.query_one("#form-found0", Tick)
        assert dialog.focused is guns
        await quiet.burst(pilot, *"SF1234567890123", "enter")
        await until(
            pilot, lambda: "A scan ticks nothing in" in str(dialog.query_one("#form-refused").render())
        )
        assert guns.value is False and dialog.focused is guns
        await quiet.press(pilot, "space")
        await until(pilot, lambda: guns.value is True)
        await quiet.press(pilot, "escape", "ctrl+d")  # a box ticked: asked, and discarded
        await until(pilot, lambda: app.screen is screen)
    assert sends(station) == []


@pytest.mark.first_mode("sendout")
async def test_hostile_text_is_shown_as_data(app: StationApp, station: Station) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        screen.post_message(ScannerBridge.Scanned("[/]\x1b[31m", "dummy"))
        await until(pilot, lambda: "has characters no carrier uses" in text_of(screen, "#so-message"))
        screen.query_one("#so-dest", Input).value = "[/] 新疆 [b]"
        screen.query_one("#so-weight", Input).value = "1"
        screen.query_one("#so-carrier", Select).value = "SF"
        await until(pilot, lambda: "[/]" in text_of(screen, "#so-quote"))


@pytest.mark.first_mode("sendout")
async def test_an_address_from_an_input_method_goes_into_the_send_form(
    app: StationApp, station: Station
) -> None:
    """Every field of the send form passes the screen's wedge router (a scan anywhere is a scan); an
    input method's words came in bursts no person types, and were refused as split scans."""
    async with at_sendout(station) as (app, pilot, screen):
        address = screen.query_one("#so-address", WedgeInput)
        router = keys_a_millisecond_apart(address)
        await quiet.burst(pilot, *"新疆乌鲁木齐市", "space", *"天山区")
        assert address.value == "新疆乌鲁木齐市 天山区"
        assert router.refused == 0
        # ASCII inside the word (a room number) came with it; the input method's own space is typed.
        address.value = ""
        await quiet.burst(pilot, *"3号楼502　室 王小明")
        assert address.value == "3号楼502　室 王小明"
        assert router.refused == 0


@pytest.mark.first_mode("sendout")
async def test_full_width_digits_in_a_phone_field_are_the_digits_they_mean(
    app: StationApp, station: Station
) -> None:
    """An input method in full-width mode types `１３８...`: the phone field took nothing (a bell)."""
    async with at_sendout(station) as (app, pilot, screen):
        phone = screen.query_one("#so-to-phone", WedgeInput)
        keys_a_millisecond_apart(phone)
        await quiet.burst(pilot, *"１３８　１２３４")
        phone.insert_text_at_cursor("５６７８")  # a paste
        await quiet.settle(pilot)
        assert phone.value == "138 12345678"


@pytest.mark.first_mode("sendout")
async def test_an_empty_stock_says_where_a_manager_imports_more(station: Station) -> None:
    """F9 to the station's stock with none left: the refusal names the screen and the key, not only
    "import more"."""
    async with at_sendout(station) as (_app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "1"})
        screen.query_one("#so-carrier", Select).value = "SF"
        await until(pilot, lambda: "Total" in text_of(screen, "#so-quote"))
        await quiet.press(pilot, "f9")  # entered -> stock
        assert screen.source == "stock"
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "left in stock" in text_of(screen, "#so-message"))
        assert "Settings (Ctrl+S) > Send-out rules (Ctrl+F) > F12" in text_of(screen, "#so-message")
    assert sends(station) == []


@pytest.mark.first_mode("sendout")
async def test_a_number_typed_after_f9_is_the_one_sent(app: StationApp, station: Station) -> None:
    """F9 to the station's stock, then the pre-printed waybill's number typed into the field: the send
    is recorded under the typed number and the stock keeps its own. F9's choice stood, so the typed
    number was dropped for the next one from stock (or, with none left, refused as if none was typed)."""
    waybills.import_stock(station, "SF", "SF0000000000011\n")
    async with at_sendout(station) as (_app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "1"})
        screen.query_one("#so-carrier", Select).value = "SF"
        await until(pilot, lambda: "Total" in text_of(screen, "#so-quote"))
        await quiet.press(pilot, "f9")  # entered -> stock
        assert screen.source == "stock"
        screen.query_one("#so-waybill", Input).value = "SF1234567890123"  # typed over the stock's turn
        await quiet.settle(pilot)
        assert screen.query_one("#so-waybill", Input).placeholder == "scan or type the number"
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "accepted" in text_of(screen, "#so-message"))
    (sent,) = sends(station)
    assert sent.waybill == "SF1234567890123"
    assert waybills.stock_left(station) == {"SF": 1}


@pytest.mark.first_mode("sendout")
async def test_tab_into_the_inspection_checklist_highlights_its_first_item_so_space_ticks_it(
    app: StationApp, station: Station
) -> None:
    """Tabbed into, the checklist highlighted nothing: the clerk's first Space ticked nothing, unsaid."""
    async with at_sendout(station) as (app, pilot, screen):
        checklist = screen.query_one("#so-check", SelectionList)
        await until(pilot, lambda: checklist.option_count > 1)
        screen.query_one("#so-insure").focus()
        await quiet.press(pilot, "tab")
        assert app.focused is checklist and checklist.highlighted == 0
        await quiet.press(pilot, "space")
        assert checklist.selected == [checklist.get_option_at_index(0).value]


@pytest.mark.first_mode("sendout")
async def test_a_recipients_mobile_number_shows_whole_once_typed_at_120_columns(
    app: StationApp, station: Station
) -> None:
    """The To row's phone held 11 digits and not the cursor behind them: typed in, the field scrolled one
    digit and stayed so once left, showing '3912345678' for 13912345678."""
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        phone = screen.query_one("#so-to-phone", Input)
        phone.focus()
        await quiet.settle(pilot)
        for digit in "13912345678":
            await quiet.press(pilot, digit)
            await pilot.pause(0.05)  # a person's pace: not a scan
        await quiet.press(pilot, "tab")
        await until(pilot, lambda: screen.query_one("#so-dest", Input).has_focus)
        assert phone.value == "13912345678"
        assert "13912345678" in drawn(app, phone)


@pytest.mark.first_mode("sendout")
async def test_a_scanned_waybill_and_its_full_stop_read_on_one_line_in_chinese_at_80_columns(
    station: Station,
) -> None:
    """The status box under the form was 16 cells inside at 80 columns: '已扫描运单 SF1234567890123。'
    showed as 'SF123456789012' / '3。', another parcel's number."""
    set_language("zh")
    app = counter_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        screen.post_message(KeyRouter.Scanned("SF1234567890123"))
        message = screen.query_one("#so-message", Static)
        await until(pilot, lambda: "SF1234567890123" in text_of(screen, "#so-message"))
        await quiet.settle(pilot)
        region = message.content_region
        rows = app.screen._compositor.render_strips()[region.y : region.bottom]
        lines = [row.crop(region.x, region.right).text.strip() for row in rows]
        assert "SF1234567890123。" in lines, lines


@pytest.mark.first_mode("sendout")
async def test_a_typed_weight_of_0_is_told_the_range_not_the_format(
    app: StationApp, station: Station
) -> None:
    """ "0" is a number, only not a weight a send can have: the quote says the range ("Weight in kg,
    e.g. 1.25: 0." read as if the clerk had typed it wrong)."""
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "0", "so-waybill": "SF1234567890124"})
        screen.query_one("#so-carrier", Select).value = "SF"
        await until(pilot, lambda: "Weight must be more than 0" in text_of(screen, "#so-quote"))
        assert "e.g. 1.25" not in text_of(screen, "#so-quote")
