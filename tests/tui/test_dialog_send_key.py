"""Every dialog that takes typed input sends on Ctrl+S from any of its fields, as its Enter does, and
says its keys in a line under its fields, at 120x40 and 80x24, in English and Chinese."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.fees.ledger import WAIVE, Settlement
from station_console.tui.app import StationApp
from station_console.tui.screens.base import Dialog
from station_console.tui.screens.checkin_batch import CourierDialog
from station_console.tui.screens.checkin_dialogs import MissingPhones
from station_console.tui.screens.day_close_dialogs import ReopenDay
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.screens.shelf_dialogs import MoveDialog
from tui import quiet
from tui.shelf_data import location_of, place, wb

from .test_form_send_key import drawn

Typed = Callable[[StationApp, Any, Any], Awaitable[None]]


@dataclass
class Case:
    """A dialog made on `station`, the input a clerk types into it (the cursor left in the field
    `typed` ends in, not always the last), what it sends, and its key line in English and Chinese."""

    make: Callable[[Station], Dialog[Any]]
    typed: Typed
    sent: Callable[[Station], object]
    keys: tuple[str, str]


def fill(**values: str) -> Callable[[Any], None]:
    def put(dialog: Any) -> None:
        for widget_id, value in values.items():
            dialog.query_one(f"#{widget_id}", Input).value = value

    return put


def typed_in(first: str, **values: str) -> Typed:
    """Each field's value set, then the cursor in `first` (a field before the last)."""

    async def typed(app: StationApp, pilot: Any, dialog: Any) -> None:
        fill(**values)(dialog)
        dialog.query_one(f"#{first}").focus()
        await quiet.settle(pilot)

    return typed


async def courier_named(app: StationApp, pilot: Any, dialog: Any) -> None:
    await quiet.press(pilot, "down", "enter")  # the second carrier chosen: the name has the focus
    await quiet.press(pilot, *"Li")
    dialog.query_one(OptionList).focus()  # back on the list: Ctrl+S still sends


async def phone_typed(app: StationApp, pilot: Any, dialog: Any) -> None:
    await quiet.until(pilot, lambda: dialog.query_one(DataTable).row_count == 1, what="the parcel listed")
    await quiet.press(pilot, *"13812345678")


async def waiver_typed(app: StationApp, pilot: Any, dialog: Any) -> None:
    await quiet.press(pilot, "w", *"regular")


def moved(station: Station) -> object:
    return location_of(station, wb(1))


def phones(station: Station) -> object:
    from station_console.services.shelves.lists import missing_phone

    return len(missing_phone(station))


NEXT = ("Enter: next field · Ctrl+S: save · Esc: cancel", "回车：下一项 · Ctrl+S：保存 · Esc：取消")
ONE = ("Enter or Ctrl+S: save · Esc: cancel", "回车或 Ctrl+S：保存 · Esc：取消")

CASES = {
    "move": Case(
        lambda station: MoveDialog(parcel=wb(1), source="1-1"),
        typed_in("move-parcel", **{"move-target": "2-3"}),
        moved,
        ("Enter: next field · Ctrl+S: move · Esc: cancel", "回车：下一项 · Ctrl+S：移库 · Esc：取消"),
    ),
    "reason": Case(
        lambda station: ReasonDialog("Why?"),
        typed_in("pk-reason", **{"pk-reason": "customer asked"}),
        lambda station: None,
        ONE,
    ),
    "courier": Case(
        lambda station: CourierDialog([("JT", "J&T"), ("SF", "SF Express")], None),
        courier_named,
        lambda station: None,
        NEXT,
    ),
    "reopen": Case(
        lambda station: ReopenDay("2026-11-25"),
        typed_in("reopen-reason", **{"reopen-reason": "a pickup was missed"}),
        lambda station: None,
        ONE,
    ),
    "phones": Case(
        lambda station: MissingPhones(station),
        phone_typed,
        phones,
        (
            "↑ ↓: pick the parcel · Enter or Ctrl+S: save · Esc: close",
            "↑ ↓：选包裹 · 回车或 Ctrl+S：保存 · Esc：关闭",
        ),
    ),
    "waiver": Case(
        lambda station: FeeDialog(300, date(2026, 11, 20), station.settings()),
        waiver_typed,
        lambda station: None,
        ("Enter or Ctrl+S: waive · Esc: cancel", "回车或 Ctrl+S：免除 · Esc：取消"),
    ),
}

# What each dialog answers when sent (the phones' dialog stays open for the next parcel: it answers
# how many it saved when closed), and what the station holds after.
ANSWERS: dict[str, object] = {
    "move": "Moved 1 parcel to 2-3. New code 2-3-1001; label queued.",
    "reason": "customer asked",
    "courier": ("SF", "Li"),
    "reopen": "a pickup was missed",
    "phones": 1,
    "waiver": Settlement(WAIVE, reason="regular", expected_cents=300),
}
AFTER: dict[str, object] = {"move": "2-3", "phones": 0}
SIZES = ((120, 40), (80, 24))


def stocked(station: Station) -> None:
    place(station, wb(1), "1-1")
    check_in(station, "JT0000000000099", batch="JT")  # no phone: the phones' dialog lists it


async def sent_by_ctrl_s(app: StationApp, pilot: Any, station: Station, name: str) -> None:
    """The dialog `name` opened, typed into, sent by Ctrl+S: it closed with its Enter's answer."""
    case = CASES[name]
    answers: list[object] = []
    dialog = case.make(station)
    app.push_screen(dialog, answers.append)
    await quiet.settle(pilot)
    await case.typed(app, pilot, dialog)
    await quiet.press(pilot, "ctrl+s")
    if name == "phones":  # saved, the dialog waits for the next parcel's phone
        await quiet.until(pilot, lambda: "saved" in str(dialog.query_one("#missing-message").render()))
        await quiet.press(pilot, "escape")
    await quiet.until(pilot, lambda: app.screen is not dialog, what="the dialog stayed open")
    assert app.current_mode != "settings"  # the dialog's Ctrl+S, not the app's
    assert answers == [ANSWERS[name]]
    assert case.sent(station) == AFTER.get(name)


async def test_ctrl_s_sends_the_dialog_as_its_enter_does(
    app: StationApp, station: Station, subtests: Any
) -> None:
    """One console sends each dialog in turn (each leaves the others' parcels alone); each dialog is a
    subtest of its own, and the next opens on the bare console whatever the one before left."""
    stocked(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        mode, under = app.current_mode, app.screen
        for name in CASES:
            with subtests.test(msg=name):
                await sent_by_ctrl_s(app, pilot, station, name)
            if app.current_mode != mode:
                await app.switch_mode(mode)
            while app.screen is not under:
                app.pop_screen()
            await quiet.settle(pilot)


async def test_ctrl_s_in_the_fee_dialog_pays_nothing(app: StationApp, station: Station) -> None:
    """Before W asks for a waiver there is nothing typed to send: a payment has a key of its own."""
    answers: list[object] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        dialog = FeeDialog(300, date(2026, 11, 20), station.settings())
        app.push_screen(dialog, answers.append)
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is dialog and answers == []
        await quiet.press(pilot, "w", "ctrl+s")  # an empty reason is refused, in the dialog
        assert app.screen is dialog and answers == []
        assert str(dialog.query_one("#fee-reason-refused", Static).render()).strip()


async def says_its_keys(app: StationApp, pilot: Any, station: Station, name: str, lang: str) -> None:
    """The dialog `name` opened: its key line inside its box, drawn, in the pop-up form's muted colour."""
    case = CASES[name]
    dialog = case.make(station)
    app.push_screen(dialog)
    await quiet.settle(pilot)
    if name == "waiver":
        await quiet.press(pilot, "w")  # the reason's field, and its keys, come with W
    line = dialog.query_one(".form-keys", Static)
    (box,) = dialog.children
    assert box.region.contains_region(line.region), "the key line is cut off by the dialog"
    words = case.keys[lang == "zh"]
    assert re.sub(r"\s", "", words) in drawn(app)
    form = FormDialog[Any]("", [FormField("x", "x")])  # the pop-up form's key line: the style to match
    await app.push_screen(form)
    await quiet.settle(pilot)
    muted = form.query_one(".form-keys", Static).styles.color
    assert line.styles.color == muted != form.query_one(".dialog-title", Static).styles.color


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_each_dialog_says_its_keys(app: StationApp, station: Station, lang: str, subtests: Any) -> None:
    """One console a language opens each dialog in turn at 120x40, then at 80x24 (a console's start
    cost more than the dialog it was started for); each dialog at each size is a subtest of its own,
    named by both, and the next starts from the bare console whatever the one before left open."""
    stocked(station)
    set_language(lang)
    async with app.run_test(size=SIZES[0]) as pilot:
        await quiet.settle(pilot)
        under = app.screen
        for width, height in SIZES:
            await quiet.resize(pilot, width, height)
            for name in CASES:
                with subtests.test(msg=f"{name} at {width}x{height}"):
                    await says_its_keys(app, pilot, station, name, lang)
                while app.screen is not under:
                    app.pop_screen()
                await quiet.settle(pilot)
