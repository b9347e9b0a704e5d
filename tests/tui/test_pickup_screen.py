"""The Pickup screen's handover, driven like a clerk: look up, fetch, scan each parcel, hand over on one
key; partial pickups, overrides and their undo, the shift's list, other counters' pickups meanwhile.
Lookups and scans are `test_pickup_lookups.py`.

Key timing goes through the router's clock seam (`KeyRouter.clock`): a scanner's keys arrive 4 ms apart,
a person's 250 ms apart (`tui/pickup_driver.py`); a hurried clerk's double keys are in
`test_pickup_hurried.py`.
"""

from __future__ import annotations

import pytest
from sqlmodel import select
from station_helpers import configure
from textual.widgets import DataTable

from db.models import Parcel, Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from tui.pickup_driver import (
    ANN,
    OTHER,
    SOLO,
    Clerk_,
    one_parcel_served,
    receive,
    sign_in,
    statuses,
    statuses_ids,
)
from tui.quiet import press, until


@pytest.mark.first_mode("pickup")
async def test_serve_by_code_refuse_a_wrong_scan_then_serve_by_phone_tail(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    ann = [receive(station, n, ANN) for n in (1, 2, 3)]
    solo = receive(station, 4, SOLO)
    stranger = receive(station, 5, OTHER)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(ann[1].pickup_code)
        assert {r.waybill for r in screen.active_rows()} == {p.waybill for p in ann}
        assert clerk.progress() == ("0", "3")
        # The clerk fetched a wrong parcel: loud refusal naming where it belongs, nothing ticked.
        await clerk.scan(stranger.waybill)
        assert screen.has_class("-wrong") and clerk.bells == 1
        assert stranger.pickup_code in clerk.text("#pk-message") and stranger.location in clerk.text(
            "#pk-message"
        )
        assert clerk.progress() == ("0", "3")
        for p in ann:
            await clerk.scan(p.waybill)
        assert not screen.has_class("-wrong")
        assert clerk.progress() == ("3", "3") and clerk.ticks() == ["✓"] * 3
        assert "All 3 scanned. Enter or F10 hands them over." in clerk.text("#pk-message")
        await clerk.key("enter")  # Enter on the empty box hands over a complete set
        assert screen.lookup is None and "3" in clerk.text("#pk-message")
        assert screen.query_one("#pk-recent", DataTable).row_count == 3
        # Next customer: only the last 4 digits of the phone, with a second check shown.
        await clerk.type("4321")
        assert [r.waybill for r in screen.active_rows()] == [solo.waybill]
        assert "139****4321" in clerk.text("#pk-check")
        await clerk.scan(solo.waybill)
        # One parcel is "it", not "All 1 scanned ... them".
        assert "1 parcel scanned. Enter or F10 hands it over." in clerk.text("#pk-message")
        await clerk.key("f10")  # the policy's second check: the clerk confirms who is here
        assert statuses(station)[solo.waybill] == "on_shelf" and "139****4321" in clerk.text("#pk-message")
        await clerk.key("f10")
    expected = {p.waybill: "picked_up" for p in [*ann, solo]} | {stranger.waybill: "on_shelf"}
    assert statuses(station) == expected


@pytest.mark.first_mode("pickup")
async def test_a_parcel_handed_over_at_another_counter_meanwhile_leaves_the_list_and_the_rest_go(
    station: Station, console: StationApp
) -> None:
    from db.models import LookupFailure
    from station_console.services.pickup.handover import confirm_pickup

    sign_in(station, Role.CLERK)
    ann = [receive(station, n, ANN) for n in (1, 2, 3)]
    solo = receive(station, 4, SOLO)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(ann[0].pickup_code)
        for p in ann:
            await clerk.scan(p.waybill)
        # Meanwhile a family member collected one of Ann's parcels at the next counter.
        confirm_pickup(station, [ann[1].parcel_id], method="code", scanned=[ann[1].waybill])
        await clerk.key("f10")
        assert "Nothing was handed over" in clerk.text("#pk-message") and clerk.bells == 1
        assert {r.waybill for r in screen.active_rows()} == {ann[0].waybill, ann[2].waybill}
        assert clerk.progress() == ("2", "2") and clerk.ticks() == ["✓", "✓"]  # scans kept
        await clerk.key("f10")
        assert statuses(station)[ann[0].waybill] == statuses(station)[ann[2].waybill] == "picked_up"
        # A customer whose only parcel went meanwhile: nothing left to hand over, and the reason stays.
        await clerk.serve(solo)
        confirm_pickup(station, [solo.parcel_id], method="code", scanned=[solo.waybill])
        await clerk.key("f10")
        assert screen.lookup is None and clerk.ticks() == []
        assert solo.waybill in clerk.text("#pk-message") and "Nothing was handed over" in clerk.text(
            "#pk-message"
        )
    with station.read() as s:  # reading a found customer's list again is no guess at a code
        assert not s.exec(select(LookupFailure)).all()


@pytest.mark.first_mode("pickup")
async def test_a_change_at_another_counter_reads_the_list_again_and_keeps_the_ticks(
    station: Station, console: StationApp
) -> None:
    from station_console.services.pickup.handover import confirm_pickup
    from station_console.tui.live_bridge import LiveBridge

    sign_in(station, Role.CLERK)
    ann = [receive(station, n, ANN) for n in (1, 2, 3)]
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(ann[0].pickup_code)
        await clerk.scan(ann[0].waybill)
        await clerk.scan(ann[2].waybill)
        confirm_pickup(station, [ann[2].parcel_id], method="code", scanned=[ann[2].waybill])
        screen.post_message(
            LiveBridge.Changed(frozenset({"parcel"}), frozenset({"counter-2"}), frozenset({ann[2].parcel_id}))
        )
        await clerk.settle()
        assert [r.waybill for r in screen.active_rows()] == [ann[0].waybill, ann[1].waybill]
        assert clerk.progress() == ("1", "2") and sorted(clerk.ticks()) == ["", "✓"]
        assert "Another counter" in clerk.text("#pk-message")


@pytest.mark.first_mode("pickup")
async def test_partial_pickup_asks_twice(station: Station, console: StationApp) -> None:
    sign_in(station, Role.CLERK)
    a, b = (receive(station, n, ANN) for n in (1, 2))
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.serve(a)
        await clerk.key("enter")  # not everything is scanned: Enter does not hand over
        assert statuses(station)[a.waybill] == "on_shelf" and "1 of 2" in clerk.text("#pk-message")
        await clerk.key("f10")
        assert statuses(station)[a.waybill] == "on_shelf"  # the first F10 only asks
        await clerk.key("f10")
    assert statuses(station) == {a.waybill: "picked_up", b.waybill: "on_shelf"}


@pytest.mark.first_mode("pickup")
async def test_override_is_refused_for_a_clerk(station: Station, console: StationApp) -> None:
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(a.pickup_code)
        await clerk.key("ctrl+o")
        assert "manager" in clerk.text("#pk-message").lower()
        assert not isinstance(console.screen, ReasonDialog)
    assert statuses(station)[a.waybill] == "on_shelf"


@pytest.mark.first_mode("pickup")
async def test_a_manager_overrides_with_a_reason_and_undoes(station: Station, console: StationApp) -> None:
    sign_in(station, Role.MANAGER)
    a, b = (receive(station, n, ANN) for n in (1, 2))
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.serve(a)
        await clerk.key("ctrl+o")
        assert isinstance(console.screen, ReasonDialog)
        await press(pilot, *"label torn", "enter")
        assert statuses(station) == {a.waybill: "picked_up", b.waybill: "picked_up"}
        with station.read() as s:
            methods = {p.waybill: p.pickup_method for p in s.exec(select(Parcel)).all()}
        assert methods == {a.waybill: "code", b.waybill: "override"}
        await clerk.key("ctrl+z")  # asked first: N (or Esc) changes nothing
        assert isinstance(console.screen, ConfirmDialog)
        # The question names each parcel: its code, carrier and waybill, who handed it over and when.
        assert console.screen.table is not None
        when = station.now().astimezone(station.zone()).strftime("%H:%M")
        assert sorted(list(row) for row in console.screen.table[1]) == sorted(
            [p.pickup_code, f"ZTO {p.waybill}", "manager-1", when] for p in (a, b)
        )
        await clerk.key("n")
        assert statuses(station) == {a.waybill: "picked_up", b.waybill: "picked_up"}
        await clerk.key("ctrl+z")
        await clerk.key("y")
        assert statuses(station) == {a.waybill: "on_shelf", b.waybill: "on_shelf"}
        assert "Back on the shelf" in clerk.text("#pk-message")


@pytest.mark.first_mode("pickup")
async def test_an_undone_pickup_says_the_cash_to_give_back_as_chinese_writes_sentences(
    station: Station, console: StationApp
) -> None:
    """Chinese sentences follow each other with no space after their full stop."""
    set_language("zh")
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    sign_in(station, Role.MANAGER)
    a = receive(station, 1, ANN)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.serve(a)
        await clerk.key("f10")
        await until(pilot, lambda: isinstance(console.screen, FeeDialog))
        await press(pilot, "1")
        await until(pilot, lambda: statuses(station)[a.waybill] == "picked_up")
        await clerk.key("ctrl+z")
        assert isinstance(console.screen, ConfirmDialog)
        await clerk.key("y")
        assert statuses(station) == {a.waybill: "on_shelf"}
        assert clerk.text("#pk-message") == "已放回货架 1 件。请从钱箱退还现金 1.50 元。"


@pytest.mark.first_mode("pickup")
async def test_the_shifts_pickups_read_in_the_clerks_language(station: Station, console: StationApp) -> None:
    set_language("zh")
    async with one_parcel_served(station, console) as (clerk, screen, a):
        await clerk.key("f10")
        table = screen.query_one("#pk-recent", DataTable)
        row = table.get_row(f"r{statuses_ids(station)[a.waybill]}")
        assert [str(c) for c in row[3:]] == [
            "ZTO",
            "凭取件码",
        ]  # the short name, as every counter list says it


@pytest.mark.first_mode("pickup")
async def test_a_change_at_another_counter_is_said_below_a_wrong_parcel_refusal_not_over_it(
    station: Station, console: StationApp
) -> None:
    """A wrong parcel scanned, then another counter changes one of the customer's: its note wiped the
    refusal (where the wrong parcel belongs) before the clerk had read it. Both are said, the refusal
    first; the clerk's next scan says its own answer."""
    from station_console.services.pickup.handover import confirm_pickup
    from station_console.tui.live_bridge import LiveBridge

    sign_in(station, Role.CLERK)
    ann = [receive(station, n, ANN) for n in (1, 2, 3)]
    stranger = receive(station, 5, OTHER)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(ann[0].pickup_code)
        await clerk.scan(stranger.waybill)
        refusal = clerk.text("#pk-message")
        assert stranger.location in refusal and screen.has_class("-wrong")
        confirm_pickup(station, [ann[2].parcel_id], method="code", scanned=[ann[2].waybill])
        screen.post_message(
            LiveBridge.Changed(frozenset({"parcel"}), frozenset({"counter-2"}), frozenset({ann[2].parcel_id}))
        )
        await clerk.settle()
        assert [r.waybill for r in screen.active_rows()] == [ann[0].waybill, ann[1].waybill]  # read again
        said = clerk.text("#pk-message")
        assert said.startswith(refusal) and "Another counter just changed" in said
        assert screen.query_one("#pk-message").has_class("-error") and screen.has_class("-wrong")
        await clerk.scan(ann[0].waybill)
        assert "Another counter" not in clerk.text("#pk-message") and "OK" in clerk.text("#pk-message")


@pytest.mark.first_mode("pickup")
async def test_the_second_check_offers_enter_only_when_enter_hands_over(
    station: Station, console: StationApp
) -> None:
    """After a phone-tail lookup Enter on the empty box hands a complete set over, so the check's line
    says so; with only some scanned, Enter does not, and the line offers F10 alone."""
    sign_in(station, Role.CLERK)
    solo = receive(station, 4, SOLO)
    ann = [receive(station, n, ANN) for n in (1, 2)]
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type("4321")
        await clerk.scan(solo.waybill)
        await clerk.key("enter")
        said = clerk.text("#pk-message")
        assert "Checked? Press Enter or F10 again." in said and statuses(station)[solo.waybill] == "on_shelf"
        await clerk.key("enter")  # what the line said works
        assert statuses(station)[solo.waybill] == "picked_up"
        await clerk.type("5678")
        await clerk.scan(ann[0].waybill)
        await clerk.key("f10")
        said = clerk.text("#pk-message")
        assert "Checked? Press F10 again." in said and "Enter" not in said
        await clerk.key("enter")  # not a complete set: Enter does not hand over
        assert statuses(station)[ann[0].waybill] == "on_shelf"


@pytest.mark.first_mode("pickup")
async def test_a_proxy_pickup_shows_in_the_shifts_list_as_a_proxy_masked(
    station: Station, console: StationApp
) -> None:
    set_language("zh")
    async with one_parcel_served(station, console) as (clerk, screen, a):
        await clerk.key("f9", *"王小明", "tab", *"2222", "ctrl+s")
        assert screen.proxy is not None
        await clerk.key("f10")
        table = screen.query_one("#pk-recent", DataTable)
        row = table.get_row(f"r{statuses_ids(station)[a.waybill]}")
        assert str(row[4]) == "代取：王** ****2222"  # not 凭取件码, and no whole name on the counter's list


@pytest.mark.first_mode("pickup")
async def test_a_phone_tail_pickup_reads_in_chinese_punctuation_and_words(
    station: Station, console: StationApp
) -> None:
    """The check's line takes a full-width colon, and the shift's list names the way as 凭手机号, not
    电话 (a recipient's consent given on a call)."""
    set_language("zh")
    sign_in(station, Role.CLERK)
    solo = receive(station, 4, SOLO)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type("4321")
        assert clerk.text("#pk-check") == "请核对顾客姓名或手机号：139****4321"
        await clerk.scan(solo.waybill)
        await clerk.key("enter")
        await clerk.key("enter")
        assert statuses(station)[solo.waybill] == "picked_up"
        row = screen.query_one("#pk-recent", DataTable).get_row(f"r{statuses_ids(station)[solo.waybill]}")
        assert str(row[4]) == "凭手机号"


@pytest.mark.first_mode("pickup")
async def test_a_flagged_parcel_is_said_on_lookup_and_marked_in_the_list(
    station: Station, console: StationApp
) -> None:
    """A parcel flagged refused (or wrong address, or found after it left) was listed as any other, and
    handed over with no word of its flag."""
    from station_console.services.exceptions import problems

    sign_in(station, Role.CLERK)
    ann = [receive(station, n, ANN) for n in (1, 2)]
    problems.mark(station, ann[1].waybill, "refused", "[b]customer said no[/b]")
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(ann[0].pickup_code)
        said = clerk.text("#pk-message")
        assert f"{ann[1].waybill} is flagged refused: check it with the customer" in said
        assert ann[0].waybill not in said
        table = screen.query_one("#pk-table", DataTable)
        cells = {str(table.get_row(str(row.parcel_id))[5]) for row in screen.active_rows()}
        assert cells == {ann[0].waybill, f"{ann[1].waybill}!"}  # the kind is the warning line's
    assert statuses(station)[ann[1].waybill] == "on_shelf"


@pytest.mark.first_mode("pickup")
async def test_a_flagged_parcels_list_and_the_next_customers_fit_80_columns(
    station: Station, console: StationApp
) -> None:
    """The flag's words beside a waybill ("! 已出库却在架上") widened its column past 80 columns on its
    own customer's list, and the list kept that width for every later customer: their check-in time
    and days on the shelf went off the screen."""
    from station_console.services.exceptions import problems
    from station_console.services.shelves.search import find_parcel

    set_language("zh")
    sign_in(station, Role.CLERK)
    flagged = receive(station, 1, SOLO)
    ann = receive(station, 2, ANN)
    # Found after it left: only a stocktake's put-back flags it, in its own transaction.
    station.run(
        lambda s: problems.mark_in_session(
            s, station, find_parcel(s, flagged.waybill), "put_back", "left 11-20, found at the stocktake"
        )
    )
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        table = screen.query_one("#pk-table", DataTable)
        await clerk.type(ann.pickup_code)
        fits = table.virtual_size.width
        await clerk.key("escape")
        await clerk.type(flagged.pickup_code)
        assert "已标记为已出库却在架上" in clerk.text("#pk-message")  # the warning line names the kind
        assert str(table.get_row(str(screen.active_rows()[0].parcel_id))[5]) == f"{flagged.waybill}!"
        assert table.virtual_size.width <= table.scrollable_content_region.width, fits
        await clerk.key("escape")
        await clerk.type(ann.pickup_code)
        assert [str(c) for c in table.get_row(str(screen.active_rows()[0].parcel_id))][5] == ann.waybill
        assert table.virtual_size.width == fits
        assert fits <= table.scrollable_content_region.width  # every column on the screen
