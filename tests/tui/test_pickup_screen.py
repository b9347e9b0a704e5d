"""The Pickup screen, driven like a clerk: look up, fetch, scan each parcel, hand over on one key.

Key timing goes through the router's clock seam (`KeyRouter.clock`): a scanner's keys arrive 4 ms apart,
a person's 250 ms apart.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlmodel import Session, select
from textual.widgets import DataTable, Digits, Input, Static

from db.models import Clerk, Parcel, ParcelEvent, ProxyPickup, Role
from station_console.i18n import set_language
from station_console.services.checkin.transaction import CheckinResult, check_in
from station_console.services.core.station import Station
from station_console.services.pickup import handover
from station_console.services.pickup.proxy import Proxy
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.form_dialog import ConfirmDialog, FormDialog
from station_console.tui.screens.pickup import PickupScreen
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput
from tui.conftest import first_mode
from tui.quiet import TIMEOUT, burst, press, settle, until

ANN, SOLO, OTHER = "13812345678", "13900004321", "13700001111"


class KeyClock:
    def __init__(self) -> None:
        self.t, self.step, self.idle = 100.0, 0.004, 0.0

    def __call__(self, event: Any) -> float:
        if event is None:
            return self.t + self.idle
        self.t += self.step
        return self.t


def sign_in(station: Station, role: str) -> None:
    def work(session: Session) -> int:
        row = Clerk(name=f"{role}-1", role=role, created_at=station.now())
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id

    station.clerk_id, station.clerk_role = station.run(work), role


def receive(station: Station, n: int, phone: str) -> CheckinResult:
    return check_in(station, f"73{n:012d}", phone=phone)


def statuses(station: Station) -> dict[str, str]:
    with station.read() as s:
        return {p.waybill: p.status for p in s.exec(select(Parcel)).all()}


@asynccontextmanager
async def one_parcel_served(
    station: Station, console: StationApp
) -> AsyncIterator[tuple[Clerk_, PickupScreen, CheckinResult]]:
    """A clerk at Pickup, one parcel on the shelves, its code typed and the parcel scanned."""
    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, ANN)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.serve(parcel)
        yield clerk, screen, parcel


class Clerk_:
    """Drives the screen: a person types, a scanner scans."""

    def __init__(self, app: StationApp, pilot: Any) -> None:
        self.app, self.pilot, self.clock = app, pilot, KeyClock()
        self.bells = 0
        app.bell = self._bell  # type: ignore[method-assign]

    def _bell(self) -> None:
        self.bells += 1

    @property
    def screen(self) -> PickupScreen:
        assert isinstance(self.app.screen, PickupScreen)
        return self.app.screen

    async def open(self) -> PickupScreen:
        await press(self.pilot, "f2")
        assert self.screen.router is not None
        self.screen.router.clock = self.clock
        return self.screen

    async def type(self, text: str) -> None:
        self.clock.step, self.clock.idle = 0.25, 1.0
        await press(self.pilot, *list(text), "enter")

    async def scan(self, code: str) -> None:
        self.clock.t += 0.5
        self.clock.step, self.clock.idle = 0.004, 0.0
        await burst(self.pilot, *list(code), "enter")

    async def serve(self, parcel: Any) -> None:
        """The customer's code typed, then the parcel's waybill scanned."""
        await self.type(parcel.pickup_code)
        await self.scan(parcel.waybill)

    async def key(self, *keys: str) -> None:
        self.clock.t += 1.0
        self.clock.step, self.clock.idle = 0.25, 1.0
        await press(self.pilot, *keys)

    async def settle(self) -> None:
        await settle(self.pilot)

    def text(self, selector: str) -> str:
        return str(self.screen.query_one(selector, Static).render())

    def progress(self) -> tuple[str, str]:
        done, total = (self.screen.query_one(s, Digits).value for s in ("#pk-done", "#pk-total"))
        return done, total

    def ticks(self) -> list[str]:
        table = self.screen.query_one("#pk-table", DataTable)
        return [str(table.get_cell(key, "tick")) for key in table.rows]


@pytest.fixture
def console(request: pytest.FixtureRequest, station: Station) -> StationApp:
    return StationApp(
        station,
        CounterSettings(counter="test-counter"),
        database_label="SQLite test",
        first_mode=first_mode(request),
    )


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
async def test_enter_twice_on_the_reason_overrides_once(station: Station, console: StationApp) -> None:
    """Both Enters reached the reason's field before the dialog closed: the second answer closed the
    screen on top by then, Pickup (its mode's only screen), and the console stopped (ScreenStackError)."""
    sign_in(station, Role.MANAGER)
    a, b = (receive(station, n, ANN) for n in (1, 2))
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.serve(a)
        await clerk.key("ctrl+o")
        assert isinstance(console.screen, ReasonDialog)
        await press(pilot, *"label torn")
        await burst(pilot, "enter", "enter")
        assert console.is_running and console.screen is screen and len(console.screen_stack) == 1
        assert statuses(station) == {a.waybill: "picked_up", b.waybill: "picked_up"}


@pytest.mark.first_mode("pickup")
async def test_a_clerk_asking_to_undo_a_pickup_is_refused_before_the_question(
    station: Station, console: StationApp
) -> None:
    async with one_parcel_served(station, console) as (clerk, screen, a):
        await clerk.key("f10")
        assert statuses(station) == {a.waybill: "picked_up"}
        await clerk.key("ctrl+z")  # the question came first, and "Only a manager" after the yes
        assert console.screen is screen
        assert "Only a manager can undo a pickup" in clerk.text("#pk-message")
    assert statuses(station) == {a.waybill: "picked_up"}


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
async def test_a_proxys_short_phone_tail_is_refused_in_the_form_which_keeps_what_was_typed(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(a.pickup_code)
        await clerk.key("f9")
        await clerk.key(*" Li ", "tab", *"567", "tab", *"123x", "enter")
        form = console.screen
        assert isinstance(form, FormDialog), clerk.text("#pk-message")
        assert clerk.bells == 1
        refused = str(form.query_one("#form-refused", Static).render())
        assert refused == "Type the last 4 digits of the proxy's phone"
        typed = {key: form.query_one(f"#form-{key}", Input).value for key in ("name", "phone", "id_last4")}
        assert typed == {"name": " Li ", "phone": "567", "id_last4": "123x"}
        assert console.focused is form.query_one("#form-phone", Input)  # where the fault is
        assert screen.proxy is None
        await clerk.key("home", "1", "enter")  # only the missing digit, in the field the cursor is in
        assert console.screen is screen
        assert screen.proxy == Proxy("Li", "1567", "123X")
        assert "Li ****1567" in clerk.text("#pk-message")
        await clerk.scan(a.waybill)
        await clerk.key("f10")
    assert statuses(station)[a.waybill] == "picked_up"
    with station.read() as session:
        recorded = session.exec(select(ProxyPickup)).all()
    assert [(p.name, p.phone_tail, p.id_last4) for p in recorded] == [("Li", "1567", "123X")]


@pytest.mark.first_mode("pickup")
async def test_a_bounced_f10_hands_over_once_and_keeps_the_acknowledgment(
    station: Station, console: StationApp
) -> None:
    async with one_parcel_served(station, console) as (clerk, screen, a):
        await clerk.key("f10", "f10")  # a hurried clerk presses twice; the first is served by then
        assert "Handed over: 1 parcel" in clerk.text("#pk-message")
        assert not screen.query_one("#pk-message", Static).has_class("-error") and clerk.bells == 0
    with station.read() as s:
        kinds = [e.kind for e in s.exec(select(ParcelEvent).where(ParcelEvent.parcel_id == a.parcel_id))]
    assert kinds.count("picked_up") == 1


@pytest.mark.first_mode("pickup")
async def test_f10_while_the_handover_is_written_asks_for_nothing_more(
    station: Station, console: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(station, Role.CLERK)
    a = receive(station, 1, ANN)
    release, calls = threading.Event(), []
    real = handover.confirm_pickup

    def slow(*args: Any, **kwargs: Any) -> list[int]:
        calls.append(args)
        assert release.wait(TIMEOUT)  # a busy database: the write is still running
        return real(*args, **kwargs)

    monkeypatch.setattr(handover, "confirm_pickup", slow)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.serve(a)
        await pilot.press("f10")
        await until(pilot, lambda: len(calls) == 1)
        await pilot.press("f10")  # pressed again while the first is written
        release.set()
        await clerk.settle()
        assert len(calls) == 1 and clerk.bells == 0
        assert "Handed over: 1 parcel" in clerk.text("#pk-message")


@pytest.mark.first_mode("pickup")
async def test_esc_for_the_next_customer_empties_a_half_typed_query(
    station: Station, console: StationApp
) -> None:
    sign_in(station, Role.CLERK)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.key("5", "5", "escape")
        assert screen.query_one("#pk-query", WedgeInput).value == ""


def statuses_ids(station: Station) -> dict[str, int]:
    with station.read() as s:
        return {p.waybill: p.id for p in s.exec(select(Parcel)).all() if p.id is not None}
