"""The Pickup screen's lookups and scans, driven like a clerk: a code, a phone tail or a waybill looked
up, what nothing found or an old code says, a scanner's burst too short or timed by the saved wedge
setting, and keys that arrive while a lookup is still on its way. Handing over is `test_pickup_screen.py`.

Key timing goes through the router's clock seam (`KeyRouter.clock`): a scanner's keys arrive 4 ms apart,
a person's 250 ms apart (`tui/pickup_driver.py`).
"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlmodel import select
from textual.widgets import DataTable

from db.models import Role
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens import pickup
from station_console.tui.screens.pickup_handover_checks import customer_text
from station_console.tui.widgets.wedge import KeyRouter
from tui.pickup_driver import ANN, OTHER, Clerk_, receive, sign_in, statuses
from tui.quiet import TIMEOUT, press, send_key, until


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


def add_zhang_san(station: Station) -> tuple[str, str]:
    """张三 in the directory with a home and a work phone (a manager adds him), a clerk signed in after:
    (home, work)."""
    home, work = "13812341111", "13998762222"
    sign_in(station, Role.MANAGER)
    directory.add(station, {"name": "张三", "phones": f"{home} / {work}"})
    sign_in(station, Role.CLERK)
    return home, work


@pytest.mark.first_mode("pickup")
async def test_the_tail_of_a_directory_persons_other_phone_lists_their_parcels_as_one_customer(
    station: Station, console: StationApp
) -> None:
    home, work = add_zhang_san(station)
    by_home = receive(station, 1, home)  # linked to the person by its phone
    by_work = receive(station, 2, work)
    stranger = receive(station, 3, "13700002222")  # someone else whose phone ends the same
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type("2222")
        assert screen.lookup is not None and len(screen.lookup.groups) == 2
        assert "2 customers share this number" in clerk.text("#pk-message")
        # Each customer's masked phones on the check line; never a whole number anywhere on the list.
        assert "138****1111 / 139****2222 · 张三" in clerk.text("#pk-check")
        table = screen.query_one("#pk-table", DataTable)
        cells = " ".join(str(c) for key in table.rows for c in table.get_row(key))
        assert "138****1111" in cells and home not in cells and work not in cells
        for parcel in (by_home, by_work):
            await clerk.scan(parcel.waybill)
        assert clerk.progress() == ("2", "2")  # the person's parcels, not the stranger's
        await clerk.key("f10")
        await clerk.key("f10")
    assert statuses(station) == {
        by_home.waybill: "picked_up",
        by_work.waybill: "picked_up",
        stranger.waybill: "on_shelf",
    }


@pytest.mark.first_mode("pickup")
async def test_a_directory_persons_other_full_phone_or_a_code_lists_all_their_parcels(
    station: Station, console: StationApp
) -> None:
    home, work = add_zhang_san(station)
    by_home = receive(station, 1, home)  # linked to the person by its phone
    by_work = receive(station, 2, work)
    stranger = receive(station, 3, "13700002222")  # someone else whose phone ends the same
    both = sorted([by_home.waybill, by_work.waybill])
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(work)  # the number the home phone's parcel did not come with
        assert sorted(r.waybill for r in screen.active_rows()) == both
        assert screen.lookup is not None and len(screen.lookup.groups) == 1
        assert "138****1111 / 139****2222 · 张三" in clerk.text("#pk-check")
        table = screen.query_one("#pk-table", DataTable)
        cells = " ".join(str(c) for key in table.rows for c in table.get_row(key))
        assert "138****1111" in cells and "139****2222" in cells and home not in cells and work not in cells
        await clerk.type(by_home.pickup_code)  # a code brings the parcel of their other phone too
        assert sorted(r.waybill for r in screen.active_rows()) == both
        assert screen.lookup is not None and len(screen.lookup.groups) == 1
        await clerk.scan(stranger.waybill)
        assert screen.has_class("-wrong")  # a shared tail is no link: not this customer's
        for parcel in (by_home, by_work):
            await clerk.scan(parcel.waybill)
        assert clerk.progress() == ("2", "2")
        await clerk.key("f10")
        await clerk.key("f10")
    assert statuses(station) == {
        by_home.waybill: "picked_up",
        by_work.waybill: "picked_up",
        stranger.waybill: "on_shelf",
    }


@pytest.mark.first_mode("pickup")
async def test_a_directory_person_is_named_once_when_checked_and_customers_apart_in_chinese(
    station: Station, console: StationApp
) -> None:
    """The question before the handover named 张三 once per phone their parcels came with, and both it and
    the check line put customers apart with an ASCII '; ' in Chinese text."""
    home, work = add_zhang_san(station)
    parcels = [receive(station, 1, home), receive(station, 2, work)]
    receive(station, 3, "13700002222")  # a stranger sharing the tail
    set_language("zh")
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type("2222")
        check = clerk.text("#pk-check")
        assert "138****1111 / 139****2222 · 张三；B 137****2222" in check, check
        assert "; " not in check
        for parcel in parcels:
            await clerk.scan(parcel.waybill)
        await clerk.key("f10")
        asked = clerk.text("#pk-message")
        assert "（138****1111 / 139****2222 · 张三）" in asked, asked
        assert home not in asked and work not in asked


@pytest.mark.first_mode("pickup")
async def test_a_phone_shared_by_three_people_names_each_of_them_on_the_check_line(
    station: Station, console: StationApp
) -> None:
    """Three people of the directory share one phone, a parcel linked to each: the check line named only
    the first name found, so the clerk checked whoever stood there against someone else's name."""
    shared = "13612345678"
    sign_in(station, Role.MANAGER)
    people = [directory.add(station, {"name": name, "phones": shared}) for name in ("李四", "王五", "赵六")]
    sign_in(station, Role.CLERK)
    for n, person in enumerate(people, start=1):
        check_in(station, f"73{n:012d}", phone=shared, recipient_id=person.id)
    set_language("zh")
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(shared)
        assert screen.lookup is not None and len(screen.lookup.groups) == 1
        # Each sharer's parcel carries their own name: the line has each to name.
        assert {r.recipient_name for r in screen.lookup.rows} == {"李四", "王五", "赵六"}
        check = clerk.text("#pk-check")
        phone, _, names = check.partition(" · ")
        assert phone.endswith("136****5678") and shared not in check, check
        # In walking order, listed as Chinese lists them.
        assert sorted(names.strip().split("、")) == sorted(["李四", "王五", "赵六"]), check
        # Past a few, the rest are counted: the line stays short at 80x24.
        row = screen.lookup.rows[0]
        more = [replace(row, recipient_name=n) for n in ("李四", "王五", "赵六", "孙七", "周八")]
        assert customer_text(more) == "136****5678 · 李四、王五、赵六，另有 2 个"


@pytest.mark.first_mode("pickup")
async def test_codes_not_found_are_listed_as_chinese_lists_them(
    station: Station, console: StationApp
) -> None:
    """A pasted message with codes that found nothing said them joined with ', ' in Chinese text."""
    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, ANN)
    stem = parcel.pickup_code.rsplit("-", 1)[0]
    gone = [f"{stem}-9998", f"{stem}-9999"]
    set_language("zh")
    async with console.run_test(size=(80, 24)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(" ".join([parcel.pickup_code, *gone]))
        assert screen.lookup is not None and screen.lookup.missing == tuple(gone)
        said = clerk.text("#pk-message")
        assert f"未找到：{gone[0]}、{gone[1]}" in said, said
