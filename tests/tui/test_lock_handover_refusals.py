"""A refusal on a message line, handed over by a lock: the same clerk signing back in finds it; the
next clerk finds the line's last read or its first words in its place, on Settings' screens and in
each mode."""

from __future__ import annotations

from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.app import StationApp
from station_console.tui.screens.carrier_events import CarrierEventsScreen
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.clerk_admin import ClerkAdminScreen
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.delivery import DeliveryScreen
from station_console.tui.screens.pickup import PickupScreen
from station_console.tui.screens.printers import PrintersScreen
from station_console.tui.screens.problems import ProblemsScreen
from station_console.tui.screens.scan_test import ScanTestScreen
from station_console.tui.screens.sendout_handover import HandoverScreen
from station_console.tui.screens.shelves import ShelvesScreen
from station_console.tui.screens.stocktake import StocktakeScreen
from station_console.tui.widgets.status_line import StatusLine
from tui import quiet
from tui.carrier_events_data import one_dead_letter
from tui.lock_driver import (
    T,
    console,
    idle_lock,
    open_from_settings,
    sign_in,
    wang_and_li,
)
from tui.shelf_data import wb


@pytest.fixture
def station(new_station: Station) -> Station:
    return wang_and_li(new_station)


async def refused_on(pilot, app: StationApp, settings_key: str, kind: type[T], key: str) -> T:  # type: ignore[no-untyped-def]
    """Li, signed in after Wang, opens a Settings screen and presses a manager's key there."""
    await idle_lock(pilot, app)
    await sign_in(pilot, "Li", "1357")
    await quiet.until(pilot, lambda: app.clerk_name == "Li")
    screen = await open_from_settings(pilot, app, settings_key, kind)
    await quiet.press(pilot, key)
    await quiet.settle(pilot)
    return screen


def line(screen: Screen[None], selector: str) -> tuple[str, bool]:
    """What a message line says, and whether as a refusal."""
    widget = screen.query_one(selector, Static)
    return str(widget.render()), widget.has_class("error") or widget.has_class("-error")


async def test_a_refusal_on_a_screens_own_line_goes_with_the_clerk_it_was_said_to(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await refused_on(pilot, app, "f10", ClerkAdminScreen, "f7")
        said, refused = line(screen, "#clerk-status")
        assert "Only a manager can manage clerks" in said and refused
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Li", "1357")  # the same clerk finds it as left
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        assert line(screen, "#clerk-status") == (said, True)
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Wang", "9071")
        await quiet.until(pilot, lambda: app.clerk_name == "Wang" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, "#clerk-status") == ("", False)


async def test_a_refusal_on_a_status_line_gives_way_to_the_last_read_for_the_next_clerk(
    station: Station,
) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await refused_on(pilot, app, "f8", PrintersScreen, "f8")
        printer_line = screen.query_one("#printer-status", StatusLine)
        said = str(printer_line.render())
        assert "Only a manager" in said and printer_line.has_class("-error")
        printer_line.show_read("2 printers")  # a read that landed under the refusal
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Wang", "9071")
        await quiet.until(pilot, lambda: app.clerk_name == "Wang" and app.screen is screen)
        await quiet.settle(pilot)
        assert str(printer_line.render()) == "2 printers" and not printer_line.has_class("-error")


async def refused_in(pilot, app: StationApp, mode_key: str, keys: tuple[str, ...]) -> Screen[Any]:  # type: ignore[no-untyped-def]
    """Wang, the manager, opens a mode under `mode_key` and is refused there by `keys`."""
    await quiet.settle(pilot)
    await quiet.press(pilot, mode_key)
    await quiet.settle(pilot)
    await quiet.press(pilot, *keys)
    await quiet.settle(pilot)
    return app.screen


@pytest.mark.parametrize(
    ("mode_key", "keys", "selector", "refusal", "next_clerk_reads"),
    [
        ("f3", ("f10",), "#so-message", "Choose the carrier.", "Ready: ask for the sender's phone."),
        (  # a sender looked up, then the form cleared (Esc, discard): that lookup's line went with it
            "f3",
            (*"13812345678", "enter", "escape", "ctrl+d", "f10"),
            "#so-message",
            "Choose the carrier.",
            "Ready: ask for the sender's phone.",
        ),
        (
            "ctrl+s",
            ("down", "enter", "tab", "ctrl+u", *"many", "ctrl+s"),
            "#settings-status",
            "Invalid value for First SEQ number",
            "Only a manager",
        ),
    ],
    ids=["send-out", "send-out after a sender", "settings"],
)
async def test_a_refusal_on_a_modes_status_line_goes_with_its_clerk(
    station: Station,
    mode_key: str,
    keys: tuple[str, ...],
    selector: str,
    refusal: str,
    next_clerk_reads: str,
) -> None:
    """Send-out's message and Settings' status line: the same clerk signing back in finds the refusal,
    another finds the line's first words (Settings: why a clerk's form is read-only) in its place."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await refused_in(pilot, app, mode_key, keys)
        said, refused = line(screen, selector)
        assert said.startswith(refusal) and refused, said
        await idle_lock(pilot, app)  # no key of theirs let go of the refusal
        await sign_in(pilot, "Wang", "9071")
        await quiet.until(pilot, lambda: app.clerk_name == "Wang" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, selector) == (said, True)
        await idle_lock(pilot, app)  # no key of theirs let go of the refusal
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        await quiet.settle(pilot)
        said, refused = line(screen, selector)
        assert said.startswith(next_clerk_reads) and not refused, said


@pytest.mark.parametrize(
    ("make", "selector"),
    [(ProblemsScreen, "#pr-status"), (ScanTestScreen, "#st-status"), (HandoverScreen, "#ho-message")],
    ids=["problems", "scan test", "send-out handover"],
)
async def test_a_refusal_on_a_screen_opened_over_a_mode_goes_with_its_clerk(
    station: Station, make: type[Screen[None]], selector: str
) -> None:
    """Problems, Scan test and the courier handover say a refusal on their status line: another clerk
    signing in finds it gone (and the handover's red screen with it); the same clerk finds it."""
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li")
        await quiet.settle(pilot)
        screen = make()
        await app.push_screen(screen)
        await quiet.settle(pilot)
        screen.failed("scan", "Not this carrier's: SF1234567890123")  # type: ignore[attr-defined]
        await quiet.settle(pilot)
        assert line(screen, selector) == ("Not this carrier's: SF1234567890123", True)
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        assert line(screen, selector)[1]
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Wang", "9071")
        await quiet.until(pilot, lambda: app.clerk_name == "Wang" and app.screen is screen)
        await quiet.settle(pilot)
        assert not line(screen, selector)[1]
        assert "SF1234567890123" not in line(screen, selector)[0]
        assert not screen.has_class("-wrong")


async def test_a_stocktakes_refusal_goes_with_the_clerk_it_was_said_to(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
        await quiet.press(pilot, "f8")
        await quiet.until(pilot, lambda: isinstance(app.screen, StocktakeScreen))
        screen = app.screen
        assert isinstance(screen, StocktakeScreen)
        screen.query_one("#st-scope", Input).value = ""
        await quiet.burst(pilot, *wb(1), "enter")  # a scan before the stocktake started
        said, refused = line(screen, "#st-last")
        assert "Start the stocktake first" in said and refused
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, "#st-last") == ("", False)


async def test_a_door_delivery_refusal_goes_with_the_clerk_it_was_said_to(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")
        await quiet.until(pilot, lambda: isinstance(app.screen, ShelvesScreen))
        await quiet.press(pilot, "ctrl+d")
        await quiet.until(pilot, lambda: isinstance(app.screen, DeliveryScreen))
        screen = app.screen
        assert isinstance(screen, DeliveryScreen)
        await quiet.press(pilot, "f8")  # the run sheet, with no run
        said, refused = line(screen, "#dl-status")
        assert "Plan a run first" in said and refused
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Wang", "9071")  # the same clerk finds it as left
        await quiet.until(pilot, lambda: app.clerk_name == "Wang" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, "#dl-status") == (said, True)
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, "#dl-status") == ("", False)


async def test_a_refusal_on_pickup_gives_way_to_its_ready_line_for_the_next_clerk(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f2")
        await quiet.until(pilot, lambda: isinstance(app.screen, PickupScreen))
        screen = app.screen
        query = screen.query_one("#pk-query", Input)
        query.value = "[/]"
        query.focus()
        await quiet.press(pilot, "enter")
        await quiet.settle(pilot)
        message = screen.query_one("#pk-message", StatusLine)
        assert "Not a pickup code" in str(message.render()) and message.has_class("-error")
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        await quiet.settle(pilot)
        assert str(message.render()) == "Ready: ask for the pickup code." and not message.has_class("-error")


async def test_the_check_in_message_box_grown_for_a_refusal_shrinks_back_as_the_next_clerk_drops_it(
    station: Station,
) -> None:
    app = console(station)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        box = screen.query_one("#ci-last")
        usual = box.outer_size.height
        screen._refuse_text("That waybill cannot be checked in here: " + "a long reason, " * 12 + "end.")
        await quiet.settle(pilot)
        assert box.outer_size.height > usual  # grown to read whole
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, "#ci-message") == ("Ready: scan a parcel.", False)
        assert box.outer_size.height == usual


async def test_a_check_in_refusal_with_an_answer_below_it_leaves_ready_for_the_next_clerk(
    station: Station,
) -> None:
    """The answer below the refusal was about the last clerk's parcel, as the big code they lose."""
    app = console(station)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        box = screen.query_one("#ci-last")
        usual = box.outer_size.height
        screen._refuse_text("Not a parcel barcode (123): too short.\nScan the parcel again · Ctrl+X dismiss")
        screen._answer("J&T JT0000000000001 checked in. " + "A long note, " * 8 + "end.")
        await quiet.settle(pilot)
        assert box.outer_size.height > usual and line(screen, "#ci-message")[1]
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, "#ci-message") == ("Ready: scan a parcel.", False)
        assert box.outer_size.height == usual


async def test_what_the_last_clerks_action_did_goes_with_them_too(station: Station) -> None:
    """A success line is the last clerk's as a refusal is: Li, signed in after Wang deactivated a
    clerk, does not read "Zhou can no longer sign in." as if Li had done it; Wang, back, still does."""
    clerks.add_clerk(station, "Zhou", "2468")
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_from_settings(pilot, app, "f10", ClerkAdminScreen)
        table = screen.query_one("#clerk-list", DataTable)
        table.move_cursor(row=table.get_row_index("Zhou"))
        await quiet.press(pilot, "f7")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="asked first")
        await quiet.press(pilot, "y")
        await quiet.until(pilot, lambda: "Zhou" in line(screen, "#clerk-status")[0])
        said = line(screen, "#clerk-status")
        assert said == ("Zhou can no longer sign in.", False)
        await idle_lock(pilot, app)
        await sign_in(pilot, "Wang", "9071")  # the same clerk finds it as left
        await quiet.until(pilot, lambda: app.clerk_name == "Wang" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, "#clerk-status") == said
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, "#clerk-status") == ("", False)


async def test_a_carrier_event_the_last_clerk_retried_is_not_said_to_the_next(
    station: Station, tmp_path: Any
) -> None:
    """The outbox lists say what the clerk's action did before what the list holds ("Event 1 queued
    again.  ·  0 dead letters ..."), read again after every round: Li, signed in after Wang retried an event,
    read it as Li's own, on every read until Li acted; Wang, back, still finds it."""
    event_id = one_dead_letter(station, tmp_path)
    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_from_settings(pilot, app, "ctrl+o", CarrierEventsScreen)
        await quiet.press(pilot, "r")
        said = f"Event {event_id} queued again."
        await quiet.until(pilot, lambda: line(screen, "#ev-status")[0].startswith(said))
        await idle_lock(pilot, app)
        await sign_in(pilot, "Wang", "9071")  # the same clerk finds it as left
        await quiet.until(pilot, lambda: app.clerk_name == "Wang" and app.screen is screen)
        await quiet.settle(pilot)
        assert line(screen, "#ev-status")[0].startswith(said)
        await idle_lock(pilot, app)
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen)
        await quiet.settle(pilot)
        shown = line(screen, "#ev-status")[0]
        assert "queued again" not in shown and "0 dead letters" in shown  # the list's own read stays
        await quiet.press(pilot, "ctrl+r")  # nor on the next read
        await quiet.settle(pilot)
        assert "queued again" not in line(screen, "#ev-status")[0]


async def test_a_carrier_saved_is_not_said_to_the_next_clerk(station: Station) -> None:
    """Settings' Carriers said "Carrier SF saved." on a line of its own, which no hand-over cleared:
    the next clerk read the last one's save as if said to them."""
    from station_console.services.scan.carriers import list_carriers
    from station_console.tui.screens.carrier_editor import CarrierEditorScreen

    app = console(station)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_from_settings(pilot, app, "f7", CarrierEditorScreen)
        await quiet.settle(pilot)
        sf = next(row for row in list_carriers(station) if row.code == "SF")
        screen._saved(sf)  # the carrier form's answer, saved
        await quiet.settle(pilot)
        assert line(screen, "#carrier-status")[0] == "Carrier SF saved."
        await quiet.press(pilot, "ctrl+l")
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li")
        await quiet.settle(pilot)
        assert line(screen, "#carrier-status") == ("", False)
