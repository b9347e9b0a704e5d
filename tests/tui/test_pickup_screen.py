"""The Pickup screen, driven like a clerk: look up, fetch, scan each parcel, hand over on one key.

Key timing goes through the router's clock seam (`KeyRouter.clock`): a scanner's keys arrive 4 ms apart,
a person's 250 ms apart (`tui/pickup_driver.py`); a hurried clerk's double keys are in
`test_pickup_hurried.py`.
"""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select
from textual.widgets import DataTable

from db.models import Parcel, Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens import pickup
from station_console.tui.screens.form_dialog import ConfirmDialog
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.widgets.wedge import KeyRouter
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
from tui.quiet import TIMEOUT, press, send_key, until


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
        await clerk.key("enter")  # Enter on the empty box hands over a complete set
        assert screen.lookup is None and "3" in clerk.text("#pk-message")
        assert screen.query_one("#pk-recent", DataTable).row_count == 3
        # Next customer: only the last 4 digits of the phone, with a second check shown.
        await clerk.type("4321")
        assert [r.waybill for r in screen.active_rows()] == [solo.waybill]
        assert "139****4321" in clerk.text("#pk-check")
        await clerk.scan(solo.waybill)
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
async def test_a_typed_listed_waybill_ticks_and_another_line_is_a_new_query(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    other = receive(station, 2, OTHER)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(a.pickup_code)
        await clerk.type(a.waybill.lower())
        assert clerk.progress() == ("1", "1")
        await clerk.type(other.pickup_code)
        assert [r.waybill for r in screen.active_rows()] == [other.waybill]
        assert clerk.progress() == ("0", "1")


@pytest.mark.first_mode("pickup")
async def test_a_device_scanner_checks_parcels_too(station: Station, console: StationApp) -> None:
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    stranger = receive(station, 2, OTHER)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(a.pickup_code)
        screen.post_message(ScannerBridge.Scanned(stranger.waybill, "hid"))
        await clerk.settle()
        assert screen.has_class("-wrong")
        screen.post_message(ScannerBridge.Scanned(a.waybill, "hid"))
        await clerk.settle()
        assert clerk.progress() == ("1", "1") and not screen.has_class("-wrong")


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
        await clerk.key("n")
        assert statuses(station) == {a.waybill: "picked_up", b.waybill: "picked_up"}
        await clerk.key("ctrl+z")
        await clerk.key("y")
        assert statuses(station) == {a.waybill: "on_shelf", b.waybill: "on_shelf"}
        assert "Back on the shelf" in clerk.text("#pk-message")


@pytest.mark.first_mode("pickup")
async def test_nothing_found_is_shown_calmly(station: Station, console: StationApp) -> None:
    sign_in(station, Role.CLERK)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type("8-5-9999")
        assert "No parcel on the shelves" in clerk.text("#pk-message") and clerk.bells == 1
        assert screen.lookup is None


@pytest.mark.first_mode("pickup")
async def test_an_old_code_after_a_move_still_finds_the_parcel_and_says_where_it_went(
    station: Station, console: StationApp
) -> None:
    from db.models import LookupFailure
    from station_console.services.shelves.moves import move_parcel

    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, ANN)
    moved = move_parcel(station, parcel.waybill, "2-4")  # stocktake or a move: a new code
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(parcel.pickup_code)  # the customer's text message has the old code
        assert [r.waybill for r in screen.active_rows()] == [parcel.waybill]
        assert f"{parcel.pickup_code} moved to {moved.pickup_code}" in clerk.text("#pk-message")
        await clerk.scan(parcel.waybill)
        await clerk.key("enter")
    assert statuses(station)[parcel.waybill] == "picked_up"
    with station.read() as session:
        assert session.exec(select(LookupFailure)).all() == []  # not counted as a failed guess


@pytest.mark.first_mode("pickup")
async def test_a_short_burst_from_the_scanner_is_refused_out_loud(
    station: Station, console: StationApp
) -> None:
    """A scanner's burst too short to be a code (a box's 4-digit barcode) is said, never dropped."""
    sign_in(station, Role.CLERK)
    receive(station, 1, ANN)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.scan("5678")
        assert clerk.bells == 1 and "too short" in clerk.text("#pk-message")
        assert screen.lookup is None


@pytest.mark.first_mode("pickup")
async def test_a_wedge_setting_saved_takes_effect_from_the_next_scan(
    station: Station, console: StationApp
) -> None:
    """Settings saves a shorter shortest code (a new `counter_settings`, as its save sets): the screen
    built before reads the next scan by it, with no restart."""
    sign_in(station, Role.CLERK)
    receive(station, 1, ANN)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.scan("5678")
        assert clerk.bells == 1 and "too short" in clerk.text("#pk-message")
        console.counter_settings = console.counter_settings.model_copy(update={"wedge_min_length": 4})
        await clerk.scan("5679")
        assert "too short" not in clerk.text("#pk-message"), clerk.text("#pk-message")
        assert "5679" in clerk.text("#pk-message")


@pytest.mark.first_mode("sendout")
async def test_a_partial_scan_on_a_screen_without_its_own_panel_is_a_toast(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.key("f3")  # send-out: its router has no message of its own for a partial scan
        console.screen.post_message(KeyRouter.Refused("split", "SF12345"))
        await clerk.settle()
        assert clerk.bells == 1
        assert [n.message for n in console._notifications] == [
            "Partial scan (SF12345): it arrived in pieces."
        ]


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
@pytest.mark.parametrize("found", [True, False], ids=["listed", "nothing-found"])
async def test_a_refusal_said_while_the_lookup_runs_stays_first_over_its_answer(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch, found: bool
) -> None:
    """A partial scan refused while the customer's lookup ran: the lookup's answer (the list, or nothing
    found) replaced the refusal before it was read. The refusal stays first, the answer below it."""
    sign_in(station, Role.CLERK)
    ann = receive(station, 1, ANN)
    release, asked = threading.Event(), threading.Event()
    real = pickup.lookup

    def slow(*args: object, **kwargs: object) -> object:
        asked.set()
        assert release.wait(TIMEOUT)  # a busy database: the lookup is still running
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pickup, "lookup", slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.key(*(ann.pickup_code if found else "8-5-9999"))
        send_key(console, "enter")
        await until(pilot, asked.is_set)
        clerk.clock.t += 0.5
        clerk.clock.step, clerk.clock.idle = 0.004, 0.0
        for key in [*"5678", "enter"]:
            send_key(console, key)
        await until(pilot, lambda: "too short" in clerk.text("#pk-message"))
        refusal = clerk.text("#pk-message")
        release.set()
        await clerk.settle()
        said = clerk.text("#pk-message")
        answer = "1 parcel: fetch it" if found else "No parcel on the shelves"
        assert said.startswith(refusal) and answer in said, said
        assert screen.query_one("#pk-message").has_class("-error")
        assert (screen.lookup is not None) is found  # the list is filled all the same
        await clerk.key("escape")
        assert "too short" not in clerk.text("#pk-message")  # the clerk's next key lets it go


@pytest.mark.first_mode("pickup")
async def test_a_customer_scanned_while_the_last_lookup_runs_is_the_one_listed(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second customer's code scanned while the first one's lookup is held up: the first one's answer,
    landing last, is dropped; the list stays the second customer's."""
    sign_in(station, Role.CLERK)
    ann, other = receive(station, 1, ANN), receive(station, 2, OTHER)
    release, asked = threading.Event(), threading.Event()
    real = pickup.lookup

    def first_slow(station_: Station, query: str) -> object:
        if query == ann.pickup_code:
            asked.set()
            assert release.wait(TIMEOUT)  # a busy database: the first lookup is still running
        return real(station_, query)

    monkeypatch.setattr(pickup, "lookup", first_slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.key(*ann.pickup_code)
        send_key(console, "enter")
        await until(pilot, asked.is_set)
        clerk.clock.t += 0.5
        clerk.clock.step, clerk.clock.idle = 0.004, 0.0
        for key in [*other.pickup_code, "enter"]:
            send_key(console, key)
        await until(pilot, lambda: screen.lookup is not None)
        release.set()
        await clerk.settle()
        assert screen.lookup is not None
        assert [r.waybill for r in screen.active_rows()] == [other.waybill]
        assert "1 parcel: fetch it" in clerk.text("#pk-message")


@pytest.mark.first_mode("pickup")
async def test_esc_while_the_lookup_runs_lists_nobody_when_it_answers(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc while a customer's lookup is held up: the clerk cleared the counter, so its answer is dropped."""
    sign_in(station, Role.CLERK)
    ann = receive(station, 1, ANN)
    release, asked = threading.Event(), threading.Event()
    real = pickup.lookup

    def slow(station_: Station, query: str) -> object:
        asked.set()
        assert release.wait(TIMEOUT)
        return real(station_, query)

    monkeypatch.setattr(pickup, "lookup", slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.key(*ann.pickup_code)
        send_key(console, "enter")
        await until(pilot, asked.is_set)
        await press(pilot, "escape", leave_running=["run"])  # the lookup's worker is held
        release.set()
        await clerk.settle()
        assert screen.lookup is None and screen.active_rows() == []
        assert "Ready" in clerk.text("#pk-message")


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
