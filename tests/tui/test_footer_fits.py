"""Every key the footer shows reads whole, on every screen, at 80x24 and 120x40, in both languages: the
keys that do not fit are left out from the first that would be cut ("^f Send-o" said nothing)."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from station_console.i18n import _, set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.settings import SUBSCREENS, SettingsScreen
from station_console.tui.widgets.footer import StationFooter
from tui import quiet
from tui.conftest import console_on, sign_in_manager

# Each mode, and the sub-screens and dialogs its own keys open (the stocktake asks for a shelf first).
SUB_SCREENS = {
    "checkin": ["ctrl+n", "ctrl+w", "f10"],
    "pickup": [],
    "sendout": ["f12"],
    "shelves": ["f8", "f9", "f10", "f11", "f12", "ctrl+d"],
    "parcels": [],
    "reports": [],
    "settings": ["f7", "f8", "f9", "f10", "f11", "f12", "ctrl+o", "ctrl+f", "ctrl+g"],
}
SECOND_ESCAPE = {("shelves", "f8")}


def cut_or_shown(app: StationApp) -> tuple[list[str], list[str]]:
    """The footer's keys cut at the screen's edge, and the keys it shows (as they read)."""
    cut: list[str] = []
    shown: list[str] = []
    for key in app.screen.query(FooterKey):
        if not key.display or not key.region.width:
            continue
        said = f"{key.key} {key.description}"
        (cut if key.region.right > app.size.width else shown).append(said)
    return cut, shown


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("mode", list(SUB_SCREENS))
async def test_no_footer_key_is_cut(
    request: pytest.FixtureRequest, station: Station, lang: str, size: tuple[int, int], mode: str
) -> None:
    set_language(lang)
    sign_in_manager(station)
    request.node.add_marker(pytest.mark.first_mode(mode))
    app = console_on(request, station)
    cut: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        await quiet.settle(pilot)
        cut[mode], shown = cut_or_shown(app)
        assert shown, "the footer shows no key"
        for sub in SUB_SCREENS[mode]:
            await quiet.press(pilot, sub)
            cut[f"{mode} {sub}"], shown = cut_or_shown(app)
            has_footer = bool(app.screen.query(Footer))  # a dialog may have none
            assert shown or not has_footer, f"{mode} {sub}: the footer shows no key"
            for _n in range(1 + ((mode, sub) in SECOND_ESCAPE)):
                await quiet.press(pilot, "escape")
    assert {screen: keys for screen, keys in cut.items() if keys} == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_settings_shows_all_its_own_keys_at_120_columns(
    request: pytest.FixtureRequest, station: Station, lang: str
) -> None:
    """After Ins (the key list, never left out, first): Ctrl+F Rules was left out at 120 columns."""
    set_language(lang)
    sign_in_manager(station)
    request.node.add_marker(pytest.mark.first_mode("settings"))
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        _cut, shown = cut_or_shown(app)
    own = [
        "insert Keys",
        "ctrl+s Save",
        "f7 Carriers",
        "f8 Printers",
        "f9 Scan test",
        "f10 Clerks",
        "f11 Outbox",
    ]
    own += ["f12 Recipients", "ctrl+o Events", "ctrl+f Rules"]
    assert [f"{key} {_(words)}" for key, words in (each.split(" ", 1) for each in own)] == shown[:10]


async def test_a_wider_terminal_shows_the_keys_left_out_again(
    request: pytest.FixtureRequest, station: Station
) -> None:
    """Parcels' own keys fit one row at 80 columns: only the app's are left out there."""
    sign_in_manager(station)
    request.node.add_marker(pytest.mark.first_mode("parcels"))
    app = console_on(request, station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        narrow = cut_or_shown(app)[1]
        await pilot.resize_terminal(200, 24)
        await quiet.settle(pilot)
        await pilot.pause()
        wide = cut_or_shown(app)[1]
    assert len(wide) > len(narrow) and wide[: len(narrow)] == narrow


async def test_the_footer_takes_more_rows_only_while_the_screens_own_keys_need_them(app: StationApp) -> None:
    """Check-in's own keys take two rows at 80 columns, drawn compact; at 200 they fit one, drawn as
    Textual draws them (the app's keys after them as they fit), and at 80 again two rows."""
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        for size in [(80, 24), (200, 24), (80, 24)]:
            await pilot.resize_terminal(*size)
            await quiet.settle(pilot)
            await pilot.pause()
            footer = app.screen.query_one(StationFooter)
            assert not own_keys_left_out(app), size
            assert not cut_or_shown(app)[0], size
            seen.append((footer.region.height, footer.compact, cut_or_shown(app)[1]))
    (narrow, narrow_compact, keys), (wide, wide_compact, wide_keys), again = seen
    assert (narrow, narrow_compact, wide, wide_compact) == (2, True, 1, False)
    assert again == seen[0]
    assert set(keys) < set(wide_keys)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_recipients_shows_all_its_own_keys_at_80_columns(
    request: pytest.FixtureRequest, station: Station, lang: str
) -> None:
    """Settings > Recipients at 80x24 in Chinese: the footer left out F12 (停用 / 启用), the last of the
    screen's own keys, so a manager never saw how to deactivate someone who left. (In English, as on
    other screens, the last keys were left out at 80 columns: F11 and F12 too.)"""
    set_language(lang)
    sign_in_manager(station)
    request.node.add_marker(pytest.mark.first_mode("settings"))
    app = console_on(request, station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f12")
        await quiet.until(pilot, lambda: type(app.screen).__name__ == "RecipientsScreen")
        await quiet.settle(pilot)
        _cut, shown = cut_or_shown(app)
    keys = [said.split(" ", 1)[0] for said in shown]
    for key in ("escape", "f7", "f8", "f9", "f10", "f11", "f12"):
        assert key in keys, f"{key} not in {shown}"


def own_keys_left_out(app: StationApp) -> list[str]:
    """The keys of the screen on top (its own bindings the footer would show, not the modes' nor the
    clerk's) that the footer leaves out or cuts."""
    screen = app.screen
    own = {
        (binding.key, binding.action): binding
        for node, binding, _enabled, _tooltip in screen.active_bindings.values()
        if binding.show and node is screen
    }
    shown = {
        (key.key, key.action)
        for key in screen.query(FooterKey)
        if key.display and key.region.width and key.region.right <= app.size.width
    }
    return [
        f"{key} {_(binding.description)}"
        for (key, action), binding in own.items()
        if (key, action) not in shown
    ]


def registered_screens() -> list[tuple[str, str | None]]:
    """Every mode of the app's registry (`StationApp.MODES`), and every sub-screen of Settings' registry
    (`SUBSCREENS`), each with the key of Settings' that opens it."""
    opens = {
        binding.action: binding.key
        for binding in SettingsScreen.BINDINGS
        if isinstance(binding, Binding) and binding.action.startswith("open(")
    }
    screens: list[tuple[str, str | None]] = [(mode, None) for mode in StationApp.MODES]
    for name in SUBSCREENS:
        screens.append(("settings", opens[f"open('{name}')"]))  # a sub-screen no key opens: a KeyError
    return screens


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("mode", "key"), registered_screens())
async def test_every_screen_shows_all_its_own_keys_at_80_columns(
    request: pytest.FixtureRequest, station: Station, lang: str, mode: str, key: str | None
) -> None:
    """A screen's own keys come first in the footer; at 80x24 it left some out (in English Settings'
    F11 and F12, a manager never saw how to reach Outbox or Recipients), found only in the key list."""
    set_language(lang)
    sign_in_manager(station)
    request.node.add_marker(pytest.mark.first_mode(mode))
    app = console_on(request, station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        if key is not None:
            await quiet.press(pilot, key)
            await quiet.until(pilot, lambda: app.screen is not screen, what=f"{key} opened nothing")
            await quiet.settle(pilot)
        left_out = own_keys_left_out(app)
        assert not left_out, f"{type(app.screen).__name__} leaves out {left_out}"
