"""After the send-out counter's form, as a clerk uses it: refund a send (manager), hand sends to the
courier with a stranger in the scans, the courier's name typed, pasted or too long (the form itself:
test_sendout_screen.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from textual import events
from textual.widgets import Input, Select, Static

from db.models import HandoverBatch, ParcelEvent
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.sendout import accept, inspection, payments
from station_console.services.sendout.weighing import Weight
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.sendout_dialogs import RefundDialog
from station_console.tui.screens.sendout_handover import HandoverScreen
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput
from tui import quiet
from tui.conftest import PersonPace
from tui.drawn_text import drawn
from tui.quiet import send_key
from tui.sendout_driver import (
    accept_send,
    at_sendout,
    at_sf_handover,
    counter_app,
    keys_a_millisecond_apart,
    sends,
    sf_courier_here,
    text_of,
    until,
)


@pytest.mark.first_mode("sendout")
async def test_refund_and_the_courier_handover(app: StationApp, station: Station) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        for waybill in ("SF1234567890123", "SF1234567890124", "SF1234567890125"):
            await accept_send(pilot, screen, waybill)
        await quiet.press(pilot, "f7")  # the signed-in manager refunds the last send
        await quiet.settle(pilot)
        await quiet.press(pilot, *"customer left", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await quiet.press(pilot, "y")
        await until(pilot, lambda: "Refunded" in text_of(screen, "#so-message"))
        assert [s.status for s in sends(station)] == ["accepted", "accepted", "cancelled"]
        courier = await sf_courier_here(app, pilot)
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "OK (1 of 2)" in text_of(courier, "#ho-message"))
        courier.post_message(KeyRouter.Scanned("SF1234567890125"))  # the refunded one
        await until(pilot, lambda: courier.has_class("-wrong"))
        assert "cancelled" in text_of(courier, "#ho-message")
        courier.query_one("#ho-courier", Input).value = "Chen"
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "Handed over 1 parcel," in text_of(courier, "#ho-message"))
        assert "NOT collected: SF1234567890124" in text_of(courier, "#ho-message")
        assert [s.status for s in sends(station)] == ["handed_over", "accepted", "cancelled"]
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert isinstance(app.screen, SendoutScreen)


@pytest.mark.first_mode("sendout")
async def test_the_last_handover_stays_on_screen_when_nothing_is_left_waiting(
    app: StationApp, station: Station
) -> None:
    """Closing the last batch re-reads what waits: none does, and the handover's own line stays."""
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "1 parcel scanned" in text_of(courier, "#ho-message"))
        # One send is "1 parcel scanned", not "All 1 scanned", as at Pickup.
        assert text_of(courier, "#ho-message").startswith(
            "1 parcel scanned. F10 closes the batch and prints the manifest."
        )
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: len(courier.query_one("#ho-carrier", Select)._options) == 1)  # the prompt
        await quiet.settle(pilot)
        assert "Handed over 1 parcel," in text_of(courier, "#ho-message")
    assert [s.status for s in sends(station)] == ["handed_over"]


@pytest.mark.first_mode("sendout")
async def test_a_refund_refused_by_the_service_says_why_in_its_dialog_with_what_was_typed(
    app: StationApp, station: Station
) -> None:
    """The dialog waits for the service: its refusal (an empty reason, a send that is not there, a
    clerk) is said inside it, the send number and the reason as typed, the cursor at the fault."""
    async with at_sendout(station) as (app, pilot, screen):
        await quiet.press(pilot, "f7")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RefundDialog)
        await quiet.press(pilot, "shift+tab", *"SF0000000000000", "ctrl+s")  # no reason given

        def refusal() -> str:
            return str(dialog.query_one("#form-refused", Static).render())

        await until(pilot, lambda: "Reason is empty" in refusal())
        assert app.screen is dialog and dialog.focused is dialog.query_one("#form-reason")
        await quiet.press(pilot, *"customer left", "ctrl+s")
        await until(pilot, lambda: "No send with number or waybill SF0000000000000" in refusal())
        assert dialog.focused is dialog.query_one("#form-send")
        assert dialog.values() == {"send": "SF0000000000000", "reason": "customer left"}
        station.clerk_role = "clerk"
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: "Only a manager" in refusal())
        assert app.screen is dialog and dialog.values()["reason"] == "customer left"
        assert "is empty" not in text_of(screen, "#so-message")
    assert sends(station) == []


@pytest.mark.first_mode("sendout")
async def test_a_refund_asks_first_naming_the_send_its_customer_and_the_money(
    app: StationApp, station: Station
) -> None:
    """A hurried manager typed 3 as the reason (meant as the send's number) and Enter: money went out
    for the send offered. Now the form's Enter asks, naming the send, the customer masked and the
    amount; Enter on that question (No) refunds nothing and leaves the form as typed."""
    async with at_sendout(station) as (app, pilot, screen):
        app.key_bounce.clock = PersonPace()
        for waybill in ("SF1234567890123", "SF1234567890124"):
            await accept_send(pilot, screen, waybill)
        newest = sends(station)[-1]
        await quiet.press(pilot, "f7")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, RefundDialog) and form.values()["send"] == str(newest.id)
        await quiet.press(pilot, "3", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        said = f"{question.question}\n{question.body}"
        assert f"send {newest.id} (Z***)" in said and "Zhang" not in said
        assert f"Refund {newest.price_cents / 100:.2f} CNY for send" in said
        assert "Reason: 3" in said
        await quiet.press(pilot, "enter")  # No has the focus
        await until(pilot, lambda: app.screen is form)
        assert "Not refunded" in str(form.query_one("#form-refused", Static).render())
        assert form.values() == {"send": str(newest.id), "reason": "3"}
        assert [s.status for s in sends(station)] == ["accepted", "accepted"]
        await quiet.press(pilot, "enter")  # a second later: the clerk's, not the No's Enter bounced
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await quiet.press(pilot, "y")
        await until(pilot, lambda: "Refunded" in text_of(screen, "#so-message"))
    assert [s.status for s in sends(station)] == ["accepted", "cancelled"]


@pytest.mark.first_mode("sendout")
async def test_a_scan_while_the_carrier_list_has_the_focus_picks_nothing(
    app: StationApp, station: Station
) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        await accept_send(pilot, screen, "SF1234567890123")
        await quiet.press(pilot, "f12")
        await quiet.settle(pilot)
        courier = app.screen
        assert isinstance(courier, HandoverScreen)
        router = courier.query_one("#ho-scan", WedgeInput).router
        assert router is not None
        carrier = courier.query_one("#ho-carrier", Select)
        await until(pilot, lambda: len(carrier._options) > 1)
        assert carrier.has_focus
        clock = iter(100.0 + 0.004 * n for n in range(1000))
        router.clock = lambda _event: next(clock)
        for _ in range(2):  # the courier scans before anyone chose the carrier: twice
            await quiet.burst(pilot, *"SF1234567890123", "enter")
            await until(pilot, lambda: "Choose the carrier first" in text_of(courier, "#ho-message"))
        assert app.screen is courier and not isinstance(carrier.value, str) and courier.view is None


@pytest.mark.first_mode("sendout")
async def test_a_courier_name_past_the_fields_limit_is_refused_and_the_limit_said(
    app: StationApp, station: Station
) -> None:
    """Typed or pasted past its 64 characters, the courier's name is not cut without a word: what
    would pass the limit is not taken and a warning says the limit (once for a burst of keys)."""
    async with at_sf_handover(station) as (app, pilot, courier):
        name = courier.query_one("#ho-courier", Input)
        name.focus()
        name.value, name.cursor_position = "王" * 60, 60
        name.insert_text_at_cursor("李" * 5)  # a paste, or the last keys of a long name
        name.insert_text_at_cursor("李" * 5)
        await quiet.settle(pilot)
        assert name.value == "王" * 60
        said = [n.message for n in app._notifications if "64" in n.message]
        assert said == ["Courier takes at most 64 characters."]  # named by its label
        name.insert_text_at_cursor("李" * 4)  # exactly the limit: taken whole
        assert name.value == "王" * 60 + "李" * 4


@pytest.mark.first_mode("sendout")
async def test_a_courier_name_from_an_input_method_is_typed_and_a_paste_keeps_its_place(
    app: StationApp, station: Station
) -> None:
    """An input method commits a word in one burst (张师傅: three keys a millisecond apart); the name
    field's router took it for a scanner's head and refused it as a split scan. A paste right after a
    key the router still held went in ahead of that key."""
    async with at_sf_handover(station) as (app, pilot, courier):
        name = courier.query_one("#ho-courier", WedgeInput)
        router = keys_a_millisecond_apart(name)
        await quiet.burst(pilot, *"张师傅")
        assert name.value == "张师傅"
        assert router.refused == 0 and "Partial scan" not in text_of(courier, "#ho-message")
        name.value = ""
        keys_a_millisecond_apart(name, start=201.0)  # a key of its own, a second after the word
        send_key(app, "a")
        await until(pilot, lambda: router.decoder.pending)  # held: a scanner's first key, or a person's?
        name.post_message(events.Paste("bc"))
        await quiet.settle(pilot)
        assert name.value == "abc"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.first_mode("sendout")
async def test_the_courier_name_has_room_for_a_name_at_80_columns(
    station: Station, size: tuple[int, int]
) -> None:
    """Beside the carrier's 30 columns and the scan field, at 80 columns the name field showed '快 …'
    of its hint: the scan field goes on a row of its own there, and the hint shows whole."""
    set_language("zh")
    app = counter_app(station)
    async with app.run_test(size=size) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f12")
        await until(pilot, lambda: isinstance(app.screen, HandoverScreen))
        await quiet.settle(pilot)
        name, scan = (app.screen.query_one(f"#ho-{field}", Input) for field in ("courier", "scan"))
        if size[0] < 120:
            assert "快递员姓名，用于交接清单" in drawn(app, name)
            assert scan.region.y > name.region.y
        else:  # room enough beside them: one row, as before
            assert scan.region.y == name.region.y and name.content_size.width >= 16


@pytest.mark.first_mode("sendout")
async def test_a_send_accepted_without_a_printer_says_its_receipt_waits(
    app: StationApp, station: Station
) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        await accept_send(pilot, screen, "SF1234567890123")
        said = text_of(screen, "#so-message")
    assert "accepted" in said and "Receipt printing" not in said
    assert "No printer here takes receipts" in said


@pytest.mark.first_mode("sendout")
async def test_a_send_whose_receipt_printer_is_set_up_wrong_says_what_to_fix(station: Station) -> None:
    """A printer that takes receipts is there, its setting wrong: the clerk reads which and what to fix,
    as Pickup's fee receipt and `station fees pay` say it, not "No printer here takes receipts"."""
    app = counter_app(station)
    wrong = {"language": "pdf", "transport": "dummy", "target": "roll", "dpi": 600}
    app.counter_settings = app.counter_settings.model_copy(update={"printers": {"roll": wrong}})
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        await accept_send(pilot, screen, "SF1234567890123")
        said = text_of(screen, "#so-message")
    assert "accepted" in said and "No printer here takes receipts" not in said, said
    assert "Printer roll is misconfigured: Resolution" in said, said
    assert "The receipt waits in the print queue until that is fixed in Settings > Printers (F8)." in said


@pytest.mark.first_mode("sendout")
async def test_the_refund_dialog_offers_the_newest_send_still_here_or_nothing(
    app: StationApp, station: Station
) -> None:
    """The newest send (at the top of the list) refunded already: F7 offers the one before it, still
    at the counter; with none left to refund, the send field is empty and has the cursor."""

    async def refund_dialog(pilot: Any) -> RefundDialog:
        await quiet.press(pilot, "f7")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RefundDialog)
        return dialog

    async with at_sendout(station) as (app, pilot, screen):
        for waybill in ("SF1234567890123", "SF1234567890124"):
            await accept_send(pilot, screen, waybill)
        older, newest = (s.id for s in sends(station))
        assert newest is not None
        payments.refund(station, newest, "customer left")
        screen.refresh_sends()
        await quiet.settle(pilot)
        dialog = await refund_dialog(pilot)
        assert dialog.values()["send"] == str(older)
        await quiet.press(pilot, *"customer left", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await quiet.press(pilot, "y")
        await until(pilot, lambda: "Refunded" in text_of(screen, "#so-message"))
        dialog = await refund_dialog(pilot)
        assert dialog.values()["send"] == ""
        assert dialog.focused is dialog.query_one("#form-send")
    assert [s.status for s in sends(station)] == ["cancelled", "cancelled"]


@pytest.mark.first_mode("sendout")
async def test_the_couriers_name_is_asked_after_the_carrier_and_the_scans_after_it(
    app: StationApp, station: Station
) -> None:
    """Carrier, courier's name, then scans, as the fields read: the name typed right after the carrier
    went into the scan field (and was looked up as a waybill). A scan is taken while the name has the
    focus, and a name given moves the cursor on to the scans."""
    async with at_sf_handover(station) as (app, pilot, courier):
        name, scan_field = (courier.query_one(f"#ho-{field}", WedgeInput) for field in ("courier", "scan"))
        # The batch shown, the focus moves on the next turn of the message loop (Widget.focus).
        await quiet.until(pilot, lambda: app.focused is name, what="the courier name never had the focus")
        assert "type the courier's name" in text_of(courier, "#ho-message")
        router = name.router
        assert router is not None
        clock = iter(300.0 + 0.3 * n for n in range(1000))  # a person's keys
        router.clock = lambda _event: next(clock)
        await quiet.press(pilot, *"Chen", "enter")
        await quiet.settle(pilot)
        assert (name.value, scan_field.value, app.focused) == ("Chen", "", scan_field)
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "1 parcel scanned" in text_of(courier, "#ho-message"))


def handover_rows(station: Station) -> tuple[int, int]:
    """The handover batches saved, and their "handover opened" events."""
    with station.read() as session:
        batches = session.exec(select(HandoverBatch)).all()
        opened = session.exec(select(ParcelEvent).where(ParcelEvent.kind == "handover_opened")).all()
    return len(batches), len(opened)


@pytest.mark.first_mode("sendout")
async def test_a_carrier_chosen_then_esc_writes_nothing_and_the_first_good_scan_numbers_the_batch(
    app: StationApp, station: Station
) -> None:
    """Choosing the carrier opened a batch (its row and audit event) that Esc left open, empty, for
    ever. Now nothing is written before a parcel is accepted, the refused scan included, and the batch's
    number is said with its first accepted scan."""
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("JT1234567890123"))
        await until(pilot, lambda: courier.has_class("-wrong"))
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert isinstance(app.screen, SendoutScreen)
        assert handover_rows(station) == (0, 0)
        courier = await sf_courier_here(app, pilot)
        await until(pilot, lambda: "New batch for SF" in text_of(courier, "#ho-message"))
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "1 parcel scanned" in text_of(courier, "#ho-message"))
        assert "Batch number SB000001." in text_of(courier, "#ho-message")
        assert courier.view is not None and courier.view.batch_id == 1
    assert handover_rows(station) == (1, 1)


@pytest.mark.first_mode("sendout")
async def test_the_next_batch_asks_its_own_courier_s_name_after_a_close(
    app: StationApp, station: Station
) -> None:
    """A batch closed, its courier's name does not carry over: choosing the next
    carrier asks for its courier's name, and that name, not the last one, goes on its batch."""
    from security.helpers import accept_send as accepted

    accepted(station, "SF1234567890123")
    accept.accept(
        station,
        carrier="YTO",
        party=accept.Party("Zhang San", "13712345678", "passport", "E12345678", id_seen=True),
        recipient=accept.Recipient("Wang Wu", "13987654321", "北京"),
        parcel=accept.Parcel("books"),
        checked=inspection.current(station).ids,
        weight=Weight.typed(800),
        payment=payments.Payment("cash"),
        waybill="YT1234567890123",
    )
    async with at_sendout(station) as (app, pilot, _screen):
        courier = await sf_courier_here(app, pilot)
        courier.query_one("#ho-courier", Input).value = "Chen"
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "1 parcel scanned" in text_of(courier, "#ho-message"))
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "Handed over 1 parcel," in text_of(courier, "#ho-message"))
        await until(pilot, lambda: len(courier.query_one("#ho-carrier", Select)._options) == 2)  # YTO left
        courier.query_one("#ho-carrier", Select).value = "YTO"
        await until(pilot, lambda: courier.view is not None)
        await quiet.settle(pilot)
        name = courier.query_one("#ho-courier", Input)
        assert name.value == ""
        assert courier.focused is name
        assert "type the courier's name" in text_of(courier, "#ho-message")
        await quiet.press(pilot, *"Li", "enter")
        courier.post_message(KeyRouter.Scanned("YT1234567890123"))
        await until(pilot, lambda: "1 parcel scanned" in text_of(courier, "#ho-message"))
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "to YTO" in text_of(courier, "#ho-message"))
    with station.read() as session:
        batches = sorted(session.exec(select(HandoverBatch)).all(), key=lambda b: b.id or 0)
        assert [b.courier_name for b in batches] == ["Chen", "Li"]


def header_line(app: StationApp) -> str:
    """The screen's first row, as the terminal shows it."""
    return app.screen._compositor.render_strips()[0].text


@pytest.mark.first_mode("sendout")
async def test_the_handover_header_names_the_station_as_send_out_does_at_120_columns(
    app: StationApp, station: Station
) -> None:
    """At 120 columns the header names the station whole on the handover screen too, as on Send-out
    beside it: its title, 'Courier handover', took 8 cells more than any counter screen's, and with a
    printer not tried yet and a clerk of 12 letters the station's name was cut to 'Parcel Stat…'."""
    async with at_sendout(station) as (app, pilot, _screen):
        await quiet.resize(pilot, 120, 40, routers=False)
        app.clerk_name = "demo-manager"
        app.device_states = {"scanner": "wedge", "printer": "not tried yet"}
        await quiet.settle(pilot)
        assert "Parcel Station  ·  Send-out" in header_line(app)
        await quiet.press(pilot, "f12")
        await quiet.settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        header = header_line(app)
        assert "Parcel Station  ·  " in header and "Counter: test-counter" in header, header
