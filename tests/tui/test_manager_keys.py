"""A manager's key, pressed by a clerk (or with nobody signed in), is refused at once with the role
table's own sentence, and nothing opens: no form to fill in only to be refused on save. A manager's
press opens what it opens. The footer shows such a key dimmed to a clerk; Settings is read-only to one.

Every manager key of the table is pressed here, reached the way a clerk reaches it (inner keys, those
of a form a manager opened, after a clerk took over the counter); test_p2_key_roles checks that each is
marked, so a new one cannot be missed.
"""

from __future__ import annotations

from typing import Any

import pytest
from station_helpers import act_as_new_clerk
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from db.models import Role
from station_console.i18n import _, set_language
from station_console.services.core.roles import ACTIONS
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.widgets.plain import Static
from tui import quiet

# key id -> (mode, keys that reach its screen, the key itself, what opens for a manager or None when
# it opens nothing there without a row to act on)
KEYS: dict[str, tuple[str, tuple[str, ...], str, str | None]] = {
    "shelves.edit": ("shelves", (), "f12", "ShelfEditScreen"),
    "problems.write_off": ("shelves", ("f11",), "f9", None),
    "reports.close": ("reports", (), "f12", "ConfirmClose"),
    "reports.reopen": ("reports", (), "ctrl+o", None),
    "pickup.override": ("pickup", (), "ctrl+o", None),
    "pickup.undo": ("pickup", (), "ctrl+z", None),
    "delivery.override_recall": ("shelves", ("f4", "ctrl+d"), "ctrl+o", None),
    "sendout.refund": ("sendout", (), "f7", None),
    "settings.save": ("settings", (), "ctrl+s", None),
    "carriers.add": ("settings", ("f7",), "a", "CarrierForm"),
    "carriers.edit": ("settings", ("f7",), "e", "CarrierForm"),
    "printers.save": ("settings", ("f8",), "ctrl+s", None),
    "printers.default": ("settings", ("f8",), "f8", None),
    "printers.delete": ("settings", ("f8",), "f9", None),
    "scan_test.save": ("settings", ("f9",), "ctrl+s", None),
    "clerks.toggle": ("settings", ("f10",), "f7", None),
    "clerks.unlock": ("settings", ("f10",), "f9", None),
    "clerks.pin": ("settings", ("f10",), "f10", "FormDialog"),
    "clerks.role": ("settings", ("f10",), "f11", "FormDialog"),
    "recipients.edit": ("settings", ("f12",), "f8", None),
    "recipients.add": ("settings", ("f12",), "f9", "FormDialog"),
    "recipients.import": ("settings", ("f12",), "f10", None),
    "recipients.toggle": ("settings", ("f12",), "f12", None),
    "events.drop": ("settings", ("ctrl+o",), "d", None),
    "rules.import_tariff": ("settings", ("ctrl+f",), "f10", "FormDialog"),
    "rules.import_checklist": ("settings", ("ctrl+f",), "f11", "FormDialog"),
    "rules.import_stock": ("settings", ("ctrl+f",), "f12", "FormDialog"),
}
# Keys of a screen or dialog only a manager's key opens: pressed after a clerk took over from the
# manager who opened it (the screen's own keys still there under the sign-in).
INNER = {
    "edit.save": ("shelves", ("f12",), "f7"),
    "edit.add_shelf": ("shelves", ("f12",), "f8"),
    "edit.add_layer": ("shelves", ("f12",), "f9"),
    "edit.retire": ("shelves", ("f12",), "f10"),
    "edit.restore": ("shelves", ("f12",), "f11"),
    "edit.import": ("shelves", ("f12",), "f12"),
    "carrier_form.save": ("settings", ("f7", "a"), "ctrl+s"),
    "close.yes": ("reports", ("f12",), "ctrl+y"),
}
# Pressed in its dialog by test_pickup_fees_and_names (a fee due is needed to open it).
ELSEWHERE = {"pickup.fee.waive"}


def refusal(key: str) -> str:
    action = next(spec for spec in ACTIONS.values() if key in spec.keys)
    return _("Only a manager can {action}. Ask a manager to sign in.", action=_(action.label))


def said(app: StationApp) -> str:
    """Everything the console says now: its notifications and the text on the screen on top."""
    notes = [str(n.message) for n in app._notifications]
    return "\n".join([*notes, *(str(w.render()) for w in app.screen.query(Static))])


async def reach(app: StationApp, pilot: Any, mode: str, path: tuple[str, ...]) -> None:
    """The screen `path` leads to from `mode` (the console opens in it: `first_mode`)."""
    if app.current_mode != mode:
        await app.switch_mode(mode)
    await quiet.settle(pilot)
    assert app.current_mode == mode
    for key in path:
        await quiet.press(pilot, key)


def test_every_managers_key_is_pressed_here() -> None:
    managers = {k for spec in ACTIONS.values() if spec.need.name == "MANAGER" for k in spec.keys}
    assert managers == set(KEYS) | set(INNER) | ELSEWHERE


def by_screen(keys: dict[str, tuple[Any, ...]]) -> dict[tuple[str, tuple[str, ...]], list[str]]:
    """The keys grouped by the screen they are pressed on (mode and keys that reach it): a refused key
    opens nothing, so the next one is pressed on the same screen, one console a screen."""
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for key, (mode, path, *_rest) in sorted(keys.items()):
        groups.setdefault((mode, path), []).append(key)
    return groups


async def press_refused(app: StationApp, pilot: Any, keys: list[str], press_of: dict[str, str]) -> None:
    """Each key in turn: the stack stays as it was and the console says the key's own refusal."""
    stack = list(app.screen_stack)
    for key in keys:
        # Each key must say its sentence itself: the one the key before left (keys of one action share
        # it) is taken off the screen first.
        app.clear_notifications()
        for line in app.screen.query(Static):
            if refusal(key) in str(line.render()):
                line.update("")
        assert refusal(key) not in said(app)
        await quiet.press(pilot, press_of[key])
        assert list(app.screen_stack) == stack, f"{key} opened {app.screen!r} for a clerk"
        assert refusal(key) in said(app), key


async def first_screen(app: StationApp, pilot: Any) -> None:
    """Back on the mode's own screen, whatever the walk before left open over it."""
    while len(app.screen_stack) > 1:
        app.pop_screen()
    await quiet.settle(pilot)


def named(mode: str, path: tuple[str, ...]) -> str:
    return "+".join((mode, *path))


# Each test below walks every screen in one console (a console's start cost more than most screens'
# keys), each screen a subtest of its own, named by its mode and the keys to it, reached afresh from
# its mode's own screen. The console starts in Settings, where most of them are (no check-in screen
# built for nothing).


@pytest.mark.first_mode("settings")
async def test_a_clerk_is_refused_at_once_and_nothing_opens(
    console: StationApp, station: Station, subtests: Any
) -> None:
    act_as_new_clerk(station, "Li", Role.CLERK)
    async with console.run_test(size=(160, 50)) as pilot:
        for (mode, path), keys in sorted(by_screen(KEYS).items()):
            with subtests.test(msg=named(mode, path)):
                await reach(console, pilot, mode, path)
                await press_refused(console, pilot, keys, {key: KEYS[key][2] for key in keys})
            await first_screen(console, pilot)


@pytest.mark.first_mode("settings")
async def test_a_manager_is_not_stopped(app: StationApp, subtests: Any) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        for key, (mode, path, press, opens) in sorted(KEYS.items()):
            if opens is None:
                continue
            with subtests.test(msg=key):
                await reach(app, pilot, mode, path)
                await quiet.press(pilot, press)
                assert type(app.screen).__name__ == opens
                assert refusal(key) not in said(app)
            await first_screen(app, pilot)


@pytest.mark.first_mode("settings")
async def test_a_clerk_taking_over_a_managers_form_is_refused_at_once(
    app: StationApp, station: Station, subtests: Any
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        for (mode, path), keys in sorted(by_screen(INNER).items()):
            station.clerk_role = Role.MANAGER  # the manager opens the form...
            with subtests.test(msg=named(mode, path)):
                await reach(app, pilot, mode, path)
                station.clerk_role = Role.CLERK  # ...and leaves; a clerk signed in at this counter
                await press_refused(app, pilot, keys, {key: INNER[key][2] for key in keys})
            await first_screen(app, pilot)


async def test_nobody_signed_in_is_refused_the_same_way(console: StationApp) -> None:
    """No clerk (a console started without a sign-in): the manager's key says the same sentence."""
    async with console.run_test(size=(160, 50)) as pilot:
        await reach(console, pilot, "shelves", ())
        screen = console.screen
        await quiet.press(pilot, "f12")
        assert console.screen is screen
        assert refusal("shelves.edit") in said(console)


async def test_locked_the_screens_keys_are_out_of_reach(app: StationApp, station: Station) -> None:
    """Ctrl+L: the sign-in dialog is on top and nobody is signed in; a manager's key of the screen
    under it does nothing there (the dialog takes the keys)."""
    async with app.run_test(size=(160, 50)) as pilot:
        await reach(app, pilot, "shelves", ())
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: type(app.screen).__name__ == "SignInScreen", what="the lock")
        stack = list(app.screen_stack)
        await quiet.press(pilot, "f12")
        assert list(app.screen_stack) == stack and station.clerk_id is None


def dimmed(app: StationApp) -> dict[str, bool]:
    return {k.key: k.has_class("-disabled") for k in app.screen.query(FooterKey)}


async def test_the_footer_dims_a_managers_key_for_a_clerk_only(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await reach(app, pilot, "shelves", ())
        assert dimmed(app)["f12"] is False and dimmed(app)["f9"] is False  # edit, move: a manager's
        await quiet.press(pilot, "ctrl+l")
        await quiet.until(pilot, lambda: type(app.screen).__name__ == "SignInScreen", what="the lock")
        act_as_new_clerk(station, "Li", Role.CLERK)  # a clerk signs in (the dialog: test_signin)
        app.screen.dismiss(None)
        await quiet.settle(pilot)
        assert type(app.screen).__name__ == "ShelvesScreen"
        assert dimmed(app)["f12"] is True and dimmed(app)["f9"] is False  # the move is anyone's


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.first_mode("settings")
async def test_settings_are_read_only_to_a_clerk(app: StationApp, station: Station, language: str) -> None:
    set_language(language)
    station.clerk_role = Role.CLERK
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        status = str(screen.query_one("#settings-status", Static).render())
        assert status == refusal("settings.save")
        assert not screen.query_one("#save").display
        name = screen.query_one("#st-station_name", Input)
        assert name.disabled
        name.focus()
        await quiet.press(pilot, *"Hijacked")
        assert name.value == "Parcel Station"
        assert dimmed(app)["ctrl+s"] is True
