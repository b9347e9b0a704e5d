"""An Esc pressed right before a scan (inside the terminal's escape delay) is an Esc, then the scan.

Textual reads ESC and a digit as a Mac's Option key (ESC 7 as `¶`): the Esc was lost, and the digits of a
ZTO waybill behind it, taken for an input method's word, were typed into the storage fee question the Esc
meant to close: its 1 recorded a cash payment nobody took. Fed the bytes a terminal sends, through the
parser the console reads its terminal with."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from station_helpers import configure
from textual import events

from db.models import FeeEntry, Role
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.screens.pickup_fees import FeeDialog
from station_console.tui.whole_pastes import WholePasteParser
from tui import quiet
from tui.pickup_driver import Clerk_, fee_asked, fee_due, receive, sign_in
from tui.test_whole_pastes import from_terminal


def keys_read(*reads: str) -> list[tuple[str, str | None]]:
    parser = WholePasteParser()
    messages = [m for data in (*reads, "") for m in parser.feed(data)]
    assert all(isinstance(m, events.Key) for m in messages)
    return [(m.key, m.character) for m in messages if isinstance(m, events.Key)]


def test_an_escape_then_a_digit_is_the_esc_key_then_the_digit() -> None:
    assert keys_read("\x1b7") == [("escape", "\x1b"), ("7", "7")]
    assert keys_read("\x1b", "74") == [("escape", "\x1b"), ("7", "7"), ("4", "4")]  # in two reads
    assert keys_read("\x1b-1") == [("escape", "\x1b"), ("minus", "-"), ("1", "1")]
    # What is no Option symbol is read as before: an arrow, Esc twice, Esc alone.
    assert keys_read("\x1b[A") == [("up", None)]
    assert keys_read("\x1b\x1b") == [("escape", "\x1b")] * 2
    assert keys_read("\x1b") == [("escape", "\x1b")]


@pytest.mark.first_mode("pickup")
async def test_esc_on_the_fee_question_right_before_a_scan_pays_nothing(
    station: Station, clock: Any, console: StationApp
) -> None:
    parcel = fee_due(station, clock)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        dialog = await fee_asked(clerk, parcel)
        answers: list[Any] = []
        dismiss = dialog.dismiss

        def answered(result: Any = None) -> Any:
            answers.append(result)
            return dismiss(result)

        dialog.dismiss = answered  # type: ignore[method-assign]
        clerk.clock.t += 0.5
        clerk.clock.step, clerk.clock.idle = 0.004, 0.0
        await from_terminal(pilot, WholePasteParser(), "\x1b" + "74891115961622\r")
        await quiet.settle(pilot)
        assert answers == [None]  # the Esc cancelled it
        assert not isinstance(console.screen, FeeDialog)
        with station.read() as session:
            assert [e.kind for e in session.exec(select(FeeEntry)).all()] == []


def test_an_escape_then_a_letter_is_the_esc_key_then_the_letter() -> None:
    """Textual read ESC S as Alt+Shift+S: the Esc and the S of an `SF...` scan were lost."""
    assert keys_read("\x1bSF1\r") == [("escape", "\x1b"), ("S", "S"), ("F", "F"), ("1", "1"), ("enter", "\r")]
    assert keys_read("\x1b", "YT") == [("escape", "\x1b"), ("Y", "Y"), ("T", "T")]  # in two reads
    assert keys_read("\x1bj") == [("escape", "\x1b"), ("j", "j")]
    # F1 (ESC O P) is read as before.
    assert keys_read("\x1bOP") == [("f1", None)]


def test_an_escape_then_o_b_or_f_is_the_esc_key_then_the_letter() -> None:
    """Textual waited on ESC O for a key like F1's (ESC O P), then read ESC O as `alt+shift+o`; it read ESC b
    and ESC f as word moves (`ctrl+left`, `ctrl+right`): the Esc was lost, and the letter of a scan too."""
    o, b, f = ("O", "O"), ("b", "b"), ("f", "f")
    assert keys_read("\x1bOK1\r") == [("escape", "\x1b"), o, ("K", "K"), ("1", "1"), ("enter", "\r")]
    assert keys_read("\x1bO", "7") == [("escape", "\x1b"), o, ("7", "7")]  # in two reads
    assert keys_read("\x1b", "O") == [("escape", "\x1b"), o]  # nothing behind the O yet
    assert keys_read("\x1bb12") == [("escape", "\x1b"), b, ("1", "1"), ("2", "2")]
    assert keys_read("\x1bf") == [("escape", "\x1b"), f]
    # A terminal's own keys that start ESC O, and Ctrl+Left and Ctrl+Right, are read as before.
    for letter, key in zip("PQRS", ("f1", "f2", "f3", "f4"), strict=True):
        assert keys_read("\x1bO" + letter) == [(key, None)]
        assert keys_read("\x1bO", letter) == [(key, None)]
    assert keys_read("\x1bOA") == [("up", None)]
    assert keys_read("\x1b[1;5D", "\x1b[1;5C") == [("ctrl+left", None), ("ctrl+right", None)]


@pytest.mark.parametrize("first", ["O", "b", "f"])
@pytest.mark.first_mode("pickup")
async def test_esc_on_the_fee_question_right_before_a_scan_starting_o_b_or_f_pays_nothing(
    station: Station, clock: Any, console: StationApp, first: str
) -> None:
    """ESC O, ESC b and ESC f were no Esc: the fee question stayed, and the scan's digits behind it
    answered it (its 1 paid the fee in cash)."""
    parcel = fee_due(station, clock)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        dialog = await fee_asked(clerk, parcel)
        answers: list[Any] = []
        dismiss = dialog.dismiss

        def answered(result: Any = None) -> Any:
            answers.append(result)
            return dismiss(result)

        dialog.dismiss = answered  # type: ignore[method-assign]
        clerk.clock.t += 0.5
        clerk.clock.step, clerk.clock.idle = 0.004, 0.0
        await from_terminal(pilot, WholePasteParser(), "\x1b" + first + "74891115961622\r")
        await quiet.settle(pilot)
        assert answers == [None]  # the Esc cancelled it
        assert not isinstance(console.screen, FeeDialog)
        with station.read() as session:
            assert [e.kind for e in session.exec(select(FeeEntry)).all()] == []


@pytest.mark.first_mode("pickup")
async def test_esc_on_the_fee_question_right_before_an_sf_scan_takes_the_whole_scan(
    station: Station, clock: Any, console: StationApp
) -> None:
    """The Esc closes the fee question, and the scan behind it, `SF...` whole, reaches the Pickup screen:
    another customer's parcel, refused by its waybill (Textual's `alt+shift+s` had eaten the Esc and the S)."""
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=1, per_day_cents=150)])
    sign_in(station, Role.CLERK)
    first = receive(station, 1, "13812345678")
    second = check_in(station, "SF1234567890123", phone="13700001111")
    clock.advance(days=2)
    async with console.run_test(size=(160, 45)) as pilot:
        clerk = Clerk_(console, pilot)
        await clerk.open()
        await clerk.type(first.pickup_code)
        await clerk.scan(first.waybill)
        await clerk.key("f10")
        assert isinstance(console.screen, FeeDialog)
        clerk.clock.t += 0.5
        clerk.clock.step, clerk.clock.idle = 0.004, 0.0
        await from_terminal(pilot, WholePasteParser(), "\x1b" + second.waybill + "\r")
        await quiet.settle(pilot)
        assert not isinstance(console.screen, FeeDialog)
        said = str(console.screen.query_one("#pk-message").render())
        assert f"Wrong parcel: {second.waybill} is not this customer's" in said  # the scan whole, S and all
        with station.read() as session:
            assert [e.kind for e in session.exec(select(FeeEntry)).all()] == []
