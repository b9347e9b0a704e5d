"""Pickup with a storage fee due (the dialog, payment, a clerk's waiver refused, a manager's waiver, whose
account, customers sharing a phone tail), a pre-alerted name shown as written at pickup, and the day's storage
fees in Reports."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select
from station_helpers import configure
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from db.models import FeeEntry, ParcelEvent, PrintJob, Role
from station_console.services.core.station import Station
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.screens.pickup_fees import FeeDialog
from tui import quiet
from tui.drawn_text import drawn
from tui.pickup_driver import Clerk_, fee_asked, fee_due, receive, sign_in, statuses


def fees(station: Station) -> list[tuple[str, int, str | None]]:
    with station.read() as session:
        return [
            (e.kind, e.amount_cents, e.method)
            for e in session.exec(select(FeeEntry).order_by(col(FeeEntry.id)))
        ]


def receipts(station: Station) -> list[str]:
    with station.read() as session:
        return [
            job.payload["paper"]
            for job in session.exec(select(PrintJob))
            if job.payload.get("flow") == "fees"
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
        # The question names its parcel: with two fee scans close together, which one it asks about.
        title = str(console.screen.query_one(".dialog-title", Static).render())
        assert title.startswith(f"Storage fee due for {parcel.pickup_code} · ")
        assert title.endswith(f"…{parcel.waybill[-4:]}: 3.00 CNY (charged since 2026-11-26)")
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
        # Money taken: its receipt is queued, and this counter has no printer that takes one.
        assert "No printer here takes receipts" in clerk.text("#pk-message")
    assert fees(station) == [("charge", 300, None), ("payment", 300, "qr")]
    assert receipts(station) == ["fee_receipt"]


@pytest.mark.first_mode("pickup")
async def test_the_list_says_which_day_of_storage_it_is_as_the_fee_counts(
    station: Station, clock: Any, console: StationApp
) -> None:
    """The check-in day is day 1 of storage, as the fee's free days count it: headed "Days", a parcel
    checked in an hour ago read as a day old. Its 3rd day, after 2 free days, is the first charged."""
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=2, per_day_cents=150)])
    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, "13812345678")
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        table = screen.query_one("#pk-table", DataTable)
        assert str(table.columns[ColumnKey("days")].label) == "Day"
        await clerk.type(parcel.pickup_code)
        assert str(table.get_cell(str(parcel.parcel_id), "days")) == "1"
        assert clerk.text("#pk-fee") == "No storage fee yet; it starts on 2026-11-27."  # on day 3
        await clerk.key("escape")
        clock.advance(days=2)
        await clerk.type(parcel.pickup_code)
        assert str(table.get_cell(str(parcel.parcel_id), "days")) == "3"
        assert "Storage fee due: 1.50 CNY" in clerk.text("#pk-fee")  # the day shown is the day charged


@pytest.mark.first_mode("pickup")
async def test_a_parcel_scanned_while_the_fee_is_asked_pays_nothing_and_is_said(
    station: Station, clock: Any, console: StationApp
) -> None:
    """The scan's digits were the dialog's keys: 73000000000001's 3 put the fee on the customer's account
    and handed the parcel over, unseen. Now the scan is one scan, said as not taken; 1 still pays cash."""
    parcel = fee_due(station, clock)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        dialog = await fee_asked(clerk, parcel)
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
    return str(console.screen.query_one("#fee-account", Static).render())


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
    assert receipts(station) == []  # a waiver takes no money: no receipt
    with station.read() as session:
        waived = session.exec(select(ParcelEvent).where(ParcelEvent.kind == "fee_waived")).one()
    assert waived.details["reason"] == "[b]shelf flooded[/b]" and waived.clerk_id == station.clerk_id


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
async def test_a_directory_persons_account_is_named_once_with_each_phone_and_read_whole(
    station: Station, clock: Any, console: StationApp
) -> None:
    """Parcels that came with the person's two phones are one customer: the dialog named 张三 once per
    phone, on one line cut at the dialog's edge, so the last phone (and a third person) went unseen."""
    from station_console.services.recipients import directory

    home, work, other = "13812341111", "13998762222", "13600003333"
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    sign_in(station, Role.MANAGER)
    directory.add(station, {"name": "张三", "phones": f"{home} / {work} / {other}"})
    sign_in(station, Role.CLERK)
    parcels = [receive(station, n, phone) for n, phone in enumerate((home, work, other), 1)]
    clock.advance(days=2)
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type("2222")  # the work phone's tail finds all three
        for parcel in parcels:
            await clerk.scan(parcel.waybill)
        await clerk.key("f10", "f10")  # the second check, then the fee
        assert isinstance(console.screen, FeeDialog)
        said = "3 puts it on the account of: 张三 138****1111 / 139****2222 / 136****3333"
        account = console.screen.query_one("#fee-account", Static)
        assert str(account.render()) == said
        shown = drawn(console, console.screen.query_one(".dialog"))  # as the terminal shows it
        assert "".join(said.split()) in "".join(shown.split()), shown
        assert not any(phone in shown for phone in (home, work, other))
        await clerk.key("3")
    assert {statuses(station)[p.waybill] for p in parcels} == {"picked_up"}


@pytest.mark.first_mode("pickup")
async def test_a_printer_setting_wrong_is_said_as_the_command_says_it(
    station: Station, clock: Any, console: StationApp
) -> None:
    """The payment stands; the receipt waits in the queue, and the clerk reads what to fix, as `station
    fees pay` says it (it read as "No printer here takes receipts", though one does, set up wrong)."""
    parcel = fee_due(station, clock)
    wrong = {"language": "pdf", "transport": "dummy", "target": "roll", "dpi": 600}
    console.counter_settings = console.counter_settings.model_copy(update={"printers": {"roll": wrong}})
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(parcel.pickup_code)
        await clerk.scan(parcel.waybill)
        await clerk.key("f10")
        await clerk.key("1")  # cash
        assert statuses(station)[parcel.waybill] == "picked_up"
        said = clerk.text("#pk-message")
        assert "Printer roll is misconfigured: Resolution" in said, said
        assert "The receipt waits in the print queue until that is fixed in Settings > Printers (F8)." in said
    assert receipts(station) == ["fee_receipt"]
