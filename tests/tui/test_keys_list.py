"""Ins lists every key of the screen and the console's own, in the clerk's language: at 80 columns the
footer leaves out the modes' keys, Ctrl+L and Ctrl+Q, and nothing on screen named them. Ins is the
footer's first key on every screen, the list scrolls at 80x24, and closing it leaves a field's typing
where it was."""

from __future__ import annotations

import time

import pytest
from station_helpers import act_as_new_clerk
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from db.models import Role
from station_console.i18n import _, set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.keys_list import KeysList
from station_console.tui.widgets.plain import Static
from tui import quiet
from tui.conftest import console_on, sign_in_manager
from tui.test_footer_fits import SECOND_ESCAPE, SUB_SCREENS

MODE_KEYS = {
    "F1": "Check-in",
    "F2": "Pickup",
    "F3": "Send-out",
    "F4": "Shelves",
    "F5": "Parcels",
    "F6": "Reports",
    "Ctrl+S": "Settings",
    "Ctrl+L": "Lock",
    "Ctrl+Q": "Quit",
}


def listed(keys: KeysList) -> dict[str, str]:
    """Each key on the list and what it says it does (its first words)."""
    names = [str(s.render()) for s in keys.query(".key-name")]
    words = [str(s.render()) for s in keys.query(".key-words")]
    return dict(zip(names, words, strict=True))


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_list_names_the_mode_keys_the_footer_leaves_out_at_80x24(
    request: pytest.FixtureRequest, station: Station, lang: str
) -> None:
    set_language(lang)
    sign_in_manager(station)
    app = console_on(request, station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        checkin = app.screen
        shown = {key.key for key in checkin.query(FooterKey) if key.display}
        assert [key for key in MODE_KEYS if key.lower() not in shown]  # why the list is needed
        await quiet.press(pilot, "insert")
        keys = app.screen
        assert isinstance(keys, KeysList)
        said = listed(keys)
        for key, words in MODE_KEYS.items():
            assert said[key].startswith(_(words)), key
        assert said["F7"]  # the screen's own keys too
        scroll = keys.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 0 and app.focused is scroll  # more than 24 lines: it scrolls
        await quiet.press(pilot, "end")
        await quiet.settle(pilot)
        last = list(keys.query(".key-name"))[-1]
        assert scroll.scroll_y == scroll.max_scroll_y and last.region.bottom <= scroll.region.bottom
        await quiet.press(pilot, "insert")  # the same key closes it
        await quiet.until(pilot, lambda: app.screen is checkin)
        await quiet.press(pilot, "insert")
        await quiet.until(pilot, lambda: isinstance(app.screen, KeysList))
        await quiet.press(pilot, "escape")  # and Esc
        await quiet.until(pilot, lambda: app.screen is checkin)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_consoles_keys_are_listed_modes_first_and_quit_last(
    request: pytest.FixtureRequest, station: Station, lang: str
) -> None:
    """Textual's own Ctrl+Q took the first place among the console's keys. A manager's keys are dimmed
    for a clerk (Reports' close and reopen of the day)."""
    set_language(lang)
    act_as_new_clerk(station, "Li", Role.CLERK, "1357")
    request.node.add_marker(pytest.mark.first_mode("reports"))
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "insert")
        keys = app.screen
        assert isinstance(keys, KeysList)
        console = [key for key in keys.keys if key.console_wide]
        order = ["F1", "F2", "F3", "F4", "F5", "F6", "Ctrl+S", "Ctrl+L", "Ctrl+T", "Ctrl+P", "Ins", "Ctrl+Q"]
        assert [key.key for key in console] == order
        dimmed = {str(row.query_one(".key-name").render()) for row in keys.query("Horizontal.-unusable")}
        assert dimmed == {key.key for key in keys.keys if not key.usable} == {"F12", "Ctrl+O"}


@pytest.mark.parametrize(("lang", "words"), [("en", "Copy selected text"), ("zh", "复制选中的文字")])
async def test_copying_is_listed_in_the_clerks_language_as_ctrl_c_on_one_line(
    request: pytest.FixtureRequest, station: Station, lang: str, words: str
) -> None:
    """Textual's own copy key read 'Ctrl+C/SUPER+C Copy selected text' in English in zh too, its keys
    wrapped in the key column; Super+C is a Mac's Cmd key, not on a counter's keyboard."""
    set_language(lang)
    sign_in_manager(station)
    request.node.add_marker(pytest.mark.first_mode("reports"))  # no field focused: the screen's copy key
    app = console_on(request, station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "insert")
        keys = app.screen
        assert isinstance(keys, KeysList)
        first = keys.query(".key-name").first(Static)
        assert (str(first.render()), listed(keys)["Ctrl+C"]) == ("Ctrl+C", words)
        assert first.region.height == 1 and not any("SUPER" in key.key.upper() for key in keys.keys)


@pytest.mark.parametrize("mode", list(SUB_SCREENS))
async def test_every_footer_shows_ins_first_at_80x24(
    request: pytest.FixtureRequest, station: Station, mode: str
) -> None:
    sign_in_manager(station)
    request.node.add_marker(pytest.mark.first_mode(mode))
    app = console_on(request, station)
    firsts: dict[str, str] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        for sub in ["", *SUB_SCREENS[mode]]:
            if sub:
                await quiet.press(pilot, sub)
            if app.screen.query(Footer):
                shown = [k for k in app.screen.query(FooterKey) if k.display and k.region.width]
                firsts[f"{mode} {sub}"] = f"{shown[0].key} {shown[0].description}" if shown else ""
            for _n in range(bool(sub) + ((mode, sub) in SECOND_ESCAPE)):
                await quiet.press(pilot, "escape")
    assert firsts and set(firsts.values()) == {"insert Keys"}, firsts


async def test_what_was_typed_in_a_field_stays_and_a_scan_is_refused(app: StationApp) -> None:
    """Typed, the list opened and closed, typed on: the field holds both, and has the focus. A key or a
    scan while the list is open is said there (with the bell) and goes into no field."""
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        checkin = app.screen
        field = app.focused
        assert isinstance(field, Input)
        rung: list[int] = []
        app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
        for char in "13800":
            await quiet.press(pilot, char)
        assert field.value == "13800"
        await quiet.press(pilot, "insert")
        keys = app.screen
        assert isinstance(keys, KeysList) and keys.router is not None
        await quiet.press(pilot, "x")
        assert "does nothing in this list" in str(keys.query_one("#keys-said").render()) and rung == [1]
        start = time.monotonic() + 10  # a whole wedge scan, well after the last key
        clock = iter(start + 0.001 * n for n in range(100))
        keys.router.clock = lambda _event: next(clock)
        await quiet.burst(pilot, *"SF1234567890124", "enter")
        assert keys.router.scans == 1 and app.screen is keys and len(rung) == 2
        assert "it was not taken" in str(keys.query_one("#keys-said").render())
        keys.post_message(ScannerBridge.Scanned("SF1234567890125", "hid"))
        await quiet.settle(pilot)
        assert app.screen is keys and len(rung) == 3
        await quiet.press(pilot, "escape")
        await quiet.until(pilot, lambda: app.screen is checkin)
        assert app.focused is field
        await quiet.press(pilot, "1")
        assert field.value == "138001"
