"""Pickup with a storage fee due (the dialog, payment, a clerk's waiver refused, a manager's waiver), and
Settings > Carrier events (dead letters first, retry, a manager's drop with a reason)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlmodel import col, select
from station_helpers import configure
from textual.widgets import DataTable, Input, Label, Static

from db.models import CarrierEvent, FeeEntry, Parcel, ParcelEvent, Role
from station_console.i18n import N_, _, set_language
from station_console.services.carrier_events import sender
from station_console.services.carrier_events.channels import EventChannelError
from station_console.services.core.station import Station
from station_console.settings import EventTarget, FeeRule
from station_console.tui.app import StationApp
from station_console.tui.carrier_event_worker import delivery_problems
from station_console.tui.screens.carrier_events import CarrierEventsScreen
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from tui import quiet
from tui.drawn_text import reads_whole
from tui.pickup_driver import Clerk_, receive, sign_in, statuses


def fees(station: Station) -> list[tuple[str, int, str | None]]:
    with station.read() as session:
        return [
            (e.kind, e.amount_cents, e.method)
            for e in session.exec(select(FeeEntry).order_by(col(FeeEntry.id)))
        ]


@pytest.mark.first_mode("pickup")
async def test_a_fee_due_is_shown_and_settled_before_the_handover(
    station: Station, clock: Any, console: StationApp
) -> None:
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, "13812345678")
    clock.advance(days=2)  # the 3rd day: two days charged
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(parcel.pickup_code)
        assert "Storage fee due: 3.00 CNY (charged since 2026-11-26)" in clerk.text("#pk-fee")
        await clerk.scan(parcel.waybill)
        await clerk.key("f10")
        assert isinstance(console.screen, FeeDialog)
        await clerk.key("escape")  # the customer walks off: nothing handed over
        assert console.screen is screen and statuses(station)[parcel.waybill] == "on_shelf"
        await clerk.key("f10")
        await clerk.key("w")  # a clerk tries to waive it: told at once, no reason asked
        dialog = console.screen
        assert isinstance(dialog, FeeDialog) and not dialog.query("#fee-reason")
        said = str(dialog.query_one("#fee-refused", Static).render())
        assert "Only a manager can waive a storage fee. Ask a manager to sign in." in said
        await clerk.key("escape")
        assert statuses(station)[parcel.waybill] == "on_shelf" and fees(station) == []
        await clerk.key("f10")
        assert clerk_saw(console) == "3 puts it on the account of: 138****5678"
        await clerk.key("2")  # paid by QR
        assert statuses(station)[parcel.waybill] == "picked_up"
    assert fees(station) == [("charge", 300, None), ("payment", 300, "qr")]


@pytest.mark.first_mode("pickup")
async def test_a_parcel_scanned_while_the_fee_is_asked_pays_nothing_and_is_said(
    station: Station, clock: Any, console: StationApp
) -> None:
    """The scan's digits were the dialog's keys: 73000000000001's 3 put the fee on the customer's account
    and handed the parcel over, unseen. Now the scan is one scan, said as not taken; 1 still pays cash."""
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, "13812345678")
    clock.advance(days=2)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(parcel.pickup_code)
        await clerk.scan(parcel.waybill)
        await clerk.key("f10")
        dialog = console.screen
        assert isinstance(dialog, FeeDialog)
        await clerk.scan(parcel.waybill)
        await quiet.until(pilot, lambda: "A scan came while this question is open" in said_in(dialog))
        assert console.screen is dialog
        assert statuses(station)[parcel.waybill] == "on_shelf" and fees(station) == []
        await clerk.key("1")  # paid in cash
        assert statuses(station)[parcel.waybill] == "picked_up"
    assert fees(station) == [("charge", 300, None), ("payment", 300, "cash")]


def said_in(dialog: FeeDialog) -> str:
    return " ".join(str(line.render()) for line in dialog.query(Static))


def clerk_saw(console: StationApp) -> str:
    """The fee dialog's line saying whose account 3 puts the fee on."""
    return str(console.screen.query_one("#fee-account", Label).render())


@pytest.mark.first_mode("pickup")
async def test_the_fee_dialog_names_whose_account_before_3_puts_it_on_one(
    station: Station, clock: Any, tmp_path: Any, console: StationApp
) -> None:
    """The ledger keeps no account reference: the dialog says whose account it is, as recorded."""
    from station_console.services.prealerts.importer import import_file

    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    sign_in(station, Role.CLERK)
    csv = tmp_path / "p.csv"
    csv.write_text(
        "运单号,快递公司,手机,姓名\n73000000000001,中通,13812345678,[/]王[b]芳\n", encoding="utf-8"
    )
    import_file(station, csv)
    named = receive(station, 1, "")  # the pre-alert gives the phone and the name
    nobody = receive(station, 2, "")  # no phone, no name
    clock.advance(days=2)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        for parcel in (named, nobody):
            await clerk.type(parcel.pickup_code)
            await clerk.scan(parcel.waybill)
            await clerk.key("f10")
            assert isinstance(console.screen, FeeDialog)
            if parcel is named:
                assert clerk_saw(console) == "3 puts it on the account of: [/]王[b]芳 138****5678"
            else:
                assert clerk_saw(console) == "3 puts it on an account with no name or phone on record."
            await clerk.key("3")
    assert fees(station) == [("charge", 300, None), ("payment", 300, "account")] * 2


@pytest.mark.first_mode("pickup")
async def test_a_manager_waives_the_fee_with_a_reason(
    station: Station, clock: Any, console: StationApp
) -> None:
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=100)])
    sign_in(station, Role.MANAGER)
    parcel = receive(station, 1, "13812345678")
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(parcel.pickup_code)
        await clerk.scan(parcel.waybill)
        await clerk.key("f10", "w")
        assert console.screen.query_one("#fee-reason", Input).has_focus
        await quiet.press(pilot, *"[b]shelf flooded[/b]", "enter")  # text is data, never markup
    assert fees(station) == [("charge", 100, None), ("waiver", 100, None)]
    with station.read() as session:
        waived = session.exec(select(ParcelEvent).where(ParcelEvent.kind == "fee_waived")).one()
    assert waived.details["reason"] == "[b]shelf flooded[/b]" and waived.clerk_id == station.clerk_id


@pytest.mark.first_mode("settings")
async def test_dead_letters_come_first_and_are_retried_or_dropped(
    station: Station, tmp_path: Any, console: StationApp
) -> None:
    class Refusing:
        name, idempotent = "webhook", True

        def send(self, event_id: str, kind: str, body: bytes) -> None:
            raise EventChannelError("HTTP 400 [/]Bad Request", permanent=True)  # the receiver's own words

    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(tmp_path))})
    sign_in(station, Role.CLERK)
    for n in (1, 2):
        receive(station, n, "13812345678")
    sender.run_once(station, channels={"ZTO": Refusing()})  # type: ignore[dict-item]
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")  # Settings' carrier events
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen)
        table = screen.query_one(DataTable)
        assert [str(table.get_row_at(r)[1]) for r in range(table.row_count)] == ["dead letter", "dead letter"]
        assert str(table.get_row_at(0)[7]) == "HTTP 400 [/]Bad Request"
        # Retry the newest: the console's worker sends it through the file channel.
        await quiet.press(pilot, "r")
        await quiet.press(pilot, "d")  # a clerk is told at once that the drop is a manager's
        assert console.screen is screen
        assert "Only a manager can drop a carrier event" in str(
            screen.query_one("#ev-status", Static).render()
        )
        station.clerk_role = Role.MANAGER  # the manager is asked for a reason, and leaves it
        await quiet.press(pilot, "d")
        assert isinstance(console.screen, ReasonDialog)
        asked = [str(w.render()) for w in console.screen.query(Label)]
        assert asked == ["Reason"]  # not the pickup's examples (a torn label) for a carrier message
        await quiet.press(pilot, "escape")
    with station.read() as session:
        states = [e.status for e in session.exec(select(CarrierEvent).order_by(col(CarrierEvent.id)))]
    assert states[0] == "dead" and states[1] in ("queued", "sent")


@pytest.mark.first_mode("settings")
async def test_an_event_sent_counts_the_try_that_went_through(station: Station, console: StationApp) -> None:
    """Tries counts every send, the one that went through too: a sent event read "Tries 0" (the column
    showed the failures)."""

    class Receiving:
        name, idempotent = "webhook", True
        fail = False

        def send(self, event_id: str, kind: str, body: bytes) -> None:
            if self.fail:
                raise EventChannelError("HTTP 503 Busy")  # worth a later try

    channel = Receiving()
    configure(station, carrier_event_targets={"*": EventTarget(channel="webhook", url="https://x.example")})
    sign_in(station, Role.CLERK)
    receive(station, 1, "13812345678")
    sender.run_once(station, channels={"ZTO": channel})  # type: ignore[dict-item]
    channel.fail = True
    receive(station, 2, "13812345678")
    sender.run_once(station, channels={"ZTO": channel})  # type: ignore[dict-item]
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen)
        for _ in range(3):  # dead letters first; then failed, queued, all
            await quiet.press(pilot, "f")
            await quiet.settle(pilot)
        assert screen.filter is None
        table = screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]
    assert [(row[1], row[5]) for row in rows] == [("failed", "1"), ("sent", "1")]


@pytest.mark.first_mode("settings")
async def test_the_carrier_events_screen_reads_in_chinese(
    station: Station, tmp_path: Any, console: StationApp
) -> None:
    """State, kind and why it failed in Chinese (our sentence, kept by message id); the receiver's own
    words stay as they came, as data."""

    class Refusing:
        name, idempotent = "webhook", True

        def send(self, event_id: str, kind: str, body: bytes) -> None:
            raise EventChannelError.failed(
                N_("The receiver answered HTTP {code} {reason}"), permanent=True, code=400, reason="[/]Nope"
            )

    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(tmp_path))})
    sign_in(station, Role.MANAGER)
    receive(station, 1, "13812345678")
    sender.run_once(station, channels={"ZTO": Refusing()})  # type: ignore[dict-item]
    set_language("zh")
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen)
        row = [str(cell) for cell in screen.query_one(DataTable).get_row_at(0)]
        assert (row[1], row[3], row[7]) == ("死信", "已到站", "接收方回复 HTTP 400 [/]Nope")


async def test_the_courier_batch_counts_live_on_the_check_in_screen(
    app: StationApp, station: Station, tmp_path: Any
) -> None:
    """What the clerk sees: the batch opened for the courier, its counts moving with each scan, another
    counter's courier below, a damaged parcel flagged, the close with its receipt (a PDF here: no printer)."""
    from station_console.services.prealerts import batches
    from station_console.services.prealerts.importer import import_file
    from station_console.tui.screens.checkin import CheckinScreen
    from station_console.tui.screens.checkin_batch import CourierDialog

    from .checkin_driver import scan, settle, start, type_slowly

    csv = tmp_path / "zto.csv"
    csv.write_text(
        "运单号,快递公司,手机\n" + "".join(f"73{n:012d},中通,1381234{n:04d}\n" for n in (1, 2, 3, 4))
    )
    import_file(station, csv)
    other = batches.open_batch(replace(station, counter="counter-2"), "SF", "李师傅")
    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start(app, pilot)

        def panel() -> str:
            return str(screen.query_one("#ci-courier", Static).render())

        await settle(app, pilot)
        assert "F10 opens one" in panel() and "Also open: SF 李师傅 0/0 (counter-2)" in panel()
        await type_slowly(pilot, keys, "f10")
        await settle(app, pilot)  # the dialog opens once a worker has read the carrier table
        assert isinstance(app.screen, CourierDialog)
        await quiet.press(pilot, "down", "enter")  # ZTO is the second carrier in the table
        await quiet.press(pilot, *"[b]张[/b]", "enter")  # a name is data, never markup
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is not None
        assert "ZTO [b]张[/b]: expected 4 · received 0 · missing 4 · extra 0 · damaged 0" in panel()
        for n in (1, 2, 9):
            await scan(pilot, keys, f"73{n:012d}")
            await settle(app, pilot)
        assert "expected 4 · received 2 · missing 2 · extra 1 · damaged 0" in panel()
        assert "138****0001" in str(screen.query_one("#ci-table").get_row_at(2))  # the pre-alert's phone

        await type_slowly(pilot, keys, "f12")
        damage = app.screen
        assert isinstance(damage, ReasonDialog)
        # The field is named as its refusal names it: a note past its 500 characters is "Note is
        # longer...", under a field called Note (it was called Reason).
        assert str(damage.query_one(Label).render()) == "Note"
        await quiet.press(pilot, *"box crushed", "enter")
        assert "damaged 1" in panel()
        await type_slowly(pilot, keys, "f11")
        dialog = app.screen
        assert (
            isinstance(dialog, ReasonDialog) and dialog.query_one(Input).value == "[b]张[/b]"
        )  # offered again
        assert "Courier's name" in str(dialog.query_one(Label).render())
        await quiet.press(pilot, "ctrl+u", *"张师傅", "enter")
        message = str(screen.query_one("#ci-message", Static).render())
        assert "received 2, missing 2, extra 1, damaged 1" in message and "saved as" in message
        assert screen.courier_batch is None and "F10 opens one" in panel()
    closed = batches.list_batches(station, status="closed")[0]
    assert closed.courier_name == "张师傅" and closed.missing == ["73000000000003", "73000000000004"]
    assert batches.get(station, other.id).status == "open"


async def test_damage_is_flagged_on_the_last_parcel_still_checked_in_not_an_undone_one(
    app: StationApp, station: Station
) -> None:
    """Ctrl+Z undid the last scan: F12 asks about the parcel before it (the undone one is no longer
    here: its note was typed for nothing, then refused as no parcel), and flags that one."""
    from station_console.tui.screens.checkin import CheckinScreen
    from station_console.tui.screens.checkin_batch import CourierDialog

    from .checkin_driver import scan, settle, start, type_slowly

    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start(app, pilot)
        await settle(app, pilot)
        await type_slowly(pilot, keys, "f10")
        await settle(app, pilot)
        assert isinstance(app.screen, CourierDialog)
        await quiet.press(pilot, "down", "enter", *"Wu", "enter")
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is not None
        for n in (1, 2):
            await scan(pilot, keys, f"73{n:012d}")
            await settle(app, pilot)
        await type_slowly(pilot, keys, "ctrl+z")
        await settle(app, pilot)
        assert len(screen.undone) == 1
        await type_slowly(pilot, keys, "f12")
        damage = app.screen
        assert isinstance(damage, ReasonDialog)
        assert "73000000000001" in str(damage.query_one(".dialog-title", Static).render())
        await quiet.press(pilot, *"box crushed", "enter")
        await settle(app, pilot)
        assert "73000000000001 flagged as damaged." in str(screen.query_one("#ci-message", Static).render())
    with station.read() as session:
        kinds = {p.waybill: p.problem_kind for p in session.exec(select(Parcel)).all()}
    assert kinds == {"73000000000001": "damaged", "73000000000002": None}


async def test_a_courier_name_too_long_for_the_close_is_said_in_its_dialog_and_kept(
    app: StationApp, station: Station
) -> None:
    """The close's dialog took 200 characters and the service 64: a longer name closed the dialog,
    was refused on the screen's line and was lost. Now the dialog says it, with the name as typed."""
    from station_console.services.prealerts import batches
    from station_console.tui.screens.checkin import CheckinScreen
    from station_console.tui.screens.checkin_batch import CourierDialog

    from .checkin_driver import scan, settle, start, type_slowly

    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start(app, pilot)
        await settle(app, pilot)
        await type_slowly(pilot, keys, "f10")
        await settle(app, pilot)
        assert isinstance(app.screen, CourierDialog)
        await quiet.press(pilot, "down", "enter", *"Wu", "enter")
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is not None
        await scan(pilot, keys, "73000000000001")
        await settle(app, pilot)
        await type_slowly(pilot, keys, "f11")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        name = "Wu " + "x" * 70
        dialog.query_one(Input).value = name
        await quiet.press(pilot, "enter")
        await settle(app, pilot)
        assert app.screen is dialog and dialog.query_one(Input).value == name
        assert "Courier is longer than 64 characters." in str(dialog.query_one("#pk-reason-refused").render())
        dialog.query_one(Input).value = "Wu"
        await quiet.press(pilot, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is None
    (closed,) = batches.list_batches(station, status="closed")
    assert closed.courier_name == "Wu"


async def test_a_batch_left_open_at_this_counter_is_taken_back_when_the_console_starts(
    app: StationApp, station: Station, tmp_path: Any
) -> None:
    """The console closed while a courier's bag was received: started again, its batch is current again
    (scans count to it, F11 closes it); it was listed under 'Also open' and F11 said none was open here."""
    from station_console.services.prealerts import batches
    from station_console.services.prealerts.importer import import_file
    from station_console.tui.screens.checkin import CheckinScreen

    from .checkin_driver import scan, settle, start, type_slowly

    csv = tmp_path / "zto.csv"
    csv.write_text("运单号,快递公司,手机\n" + "".join(f"73{n:012d},中通,1381234{n:04d}\n" for n in (1, 2)))
    import_file(station, csv)
    other = batches.open_batch(replace(station, counter="counter-2"), "ZTO", "李师傅")
    left = batches.open_batch(station, "ZTO", "张师傅")  # newer than the other counter's
    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start(app, pilot)
        await settle(app, pilot)
        panel = str(screen.query_one("#ci-courier", Static).render())
        assert isinstance(screen, CheckinScreen) and screen.courier_batch == left.id
        assert f"{left.label} ZTO 张师傅: expected 2 · received 0" in panel
        assert "Also open: ZTO 李师傅 0/2 (counter-2)" in panel
        await scan(pilot, keys, "73000000000001")
        await settle(app, pilot)
        assert batches.get(station, left.id).received == ["73000000000001"]

        def status() -> str:
            return str(screen.query_one("#ci-batch", Static).render())

        assert status().startswith("Batch: ZTO")
        await type_slowly(pilot, keys, "f11")
        assert isinstance(app.screen, ReasonDialog)
        await quiet.press(pilot, "enter")
        await settle(app, pilot)
        assert screen.courier_batch is None
        assert status().startswith("Batch: any")  # the courier's carrier is no longer being received
    assert batches.get(station, left.id).status == "closed"
    assert batches.get(station, other.id).status == "open"


async def test_the_courier_name_entered_with_no_carrier_chosen_says_to_choose_it(app: StationApp) -> None:
    """Tab from the carrier list to the name and Enter: the cursor went back to the list, nothing said."""
    from station_console.tui.screens.checkin_batch import CourierDialog

    from .checkin_driver import settle, start, type_slowly

    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start(app, pilot)
        await type_slowly(pilot, keys, "f10")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CourierDialog)
        why = dialog.query_one("#courier-why", Static)
        assert not why.display
        await quiet.press(pilot, "tab", *"Zhao", "enter")
        assert app.screen is dialog and screen.courier_batch is None
        assert why.display and "Choose the carrier first." in str(why.render())


@pytest.mark.first_mode("reports")
async def test_the_days_storage_fees_show_in_reports_as_text(app: StationApp, station: Station) -> None:
    from station_console.services.fees.ledger import Settlement, settle

    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=250)])
    parcel = receive(station, 1, "13812345678")
    settle(station, parcel.parcel_id, Settlement("waive", reason="[/]oops [b]regular"))  # app: a manager
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f6")
        summary = str(app.screen.query_one("#rp-summary", Static).render()).replace("\u00a0", " ")
    assert "Storage fees: 2.50 CNY charged on 1 parcel; paid 0.00 CNY; waived 2.50 CNY; balanced" in summary
    assert "Fee waived: 73000000000001 2.50 CNY by Manager: [/]oops [b]regular" in summary


@pytest.mark.first_mode("pickup")
async def test_a_pre_alerted_name_is_shown_as_written_at_pickup(
    station: Station, tmp_path: Any, console: StationApp
) -> None:
    from station_console.services.prealerts.importer import import_file

    sign_in(station, Role.CLERK)
    csv = tmp_path / "p.csv"
    csv.write_text(
        "运单号,快递公司,手机,姓名\n73000000000001,中通,13812345678,[/]王[b]芳\n", encoding="utf-8"
    )
    import_file(station, csv)
    parcel = receive(station, 1, "")  # the pre-alert gives the phone and the name
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type("5678")  # a phone tail: the policy asks for a second check, with the name
        assert "138****5678 · [/]王[b]芳" in clerk.text("#pk-check")
        await clerk.scan(parcel.waybill)
        await clerk.key("f10")
        assert "[/]王[b]芳" in clerk.text("#pk-message")
        await clerk.key("f10")
    assert statuses(station)[parcel.waybill] == "picked_up"


@pytest.mark.first_mode("pickup")
async def test_customers_sharing_a_tail_each_see_their_own_fee(
    station: Station, clock: Any, console: StationApp
) -> None:
    # The line summed both customers' fees (6.00 CNY) while F10 asked the one handed to for 3.00 CNY.
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    sign_in(station, Role.CLERK)
    first = receive(station, 1, "13812345678")
    receive(station, 2, "13912345678")
    receive(station, 3, "13912345678")
    clock.advance(days=2)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type("5678")
        line = clerk.text("#pk-fee")
        assert (
            "by customer: A 3.00 CNY  B 6.00 CNY" in line or "by customer: A 6.00 CNY  B 3.00 CNY" in line
        ), line
        await clerk.scan(first.waybill)
        await clerk.key("f10")  # by phone tail: the customer's number is checked first
        assert "F10 again" in clerk.text("#pk-message")
        await clerk.key("f10")
        assert isinstance(console.screen, FeeDialog)
        assert "3.00 CNY" in str(console.screen.query_one(".dialog-title", Static).render())


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize(("lang", "width", "height"), [("en", 120, 40), ("zh", 80, 24)])
async def test_a_failed_events_error_reads_whole_under_the_list(
    station: Station, tmp_path: Any, lang: str, width: int, height: int, console: StationApp
) -> None:
    """The Error column cut why an event failed (at 80 columns in Chinese to '无法写入'): the highlighted
    event's error reads whole under the list, as data."""
    folder = tmp_path / "events"
    folder.write_text("a file where the folder should be")
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(folder))})
    sign_in(station, Role.MANAGER)
    receive(station, 1, "13812345678")
    sender.run_once(station)
    set_language(lang)
    async with console.run_test(size=(width, height)) as pilot:
        await quiet.press(pilot, "ctrl+o", "f")  # the failed ones (dead letters first)
        await quiet.settle(pilot)
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen) and screen.query_one(DataTable).row_count == 1
        said = reads_whole(console, screen.query_one("#ev-table-why", Static))
    why = {
        "en": "a file is where its folder should be",
        "zh": "所在文件夹的位置上是一个同名文件，而不是文件夹",
    }[lang]
    assert str(folder) in said and why in said


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "SF: the disk is full; ZTO: a file is where its folder should be"),
        ("zh", "SF：磁盘已满；ZTO：所在文件夹的位置上是一个同名文件，而不是文件夹"),
    ],
)
def test_the_sending_warning_names_each_carrier_as_its_language_writes_it(lang: str, said: str) -> None:
    """The toast joined a carrier and its reason with an English ': ' inside Chinese ("SF: 无法写入")."""
    set_language(lang)
    errors = {
        "ZTO": _("a file is where its folder should be"),
        "SF": _("the disk is full"),
    }
    assert delivery_problems(errors) == said
    assert delivery_problems({}) is None
