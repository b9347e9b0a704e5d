"""Clerks (F10 in Settings): a manager adds a clerk, Enter in the PIN adds or says what is missing and
leaves the form empty for the next one, the PIN field says the lengths the service takes; F7 asks for
the other state than the list shows."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import FakeClock
from rich.color import ColorSystem
from sqlmodel import select
from textual import events
from textual.widgets import Input, Select, Static

from db.models import Clerk, Role
from station_console.errors import Refused
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.people import clerks, pins
from station_console.tui.app import StationApp
from station_console.tui.widgets.status_line import StatusLine
from tui import quiet

pytestmark = pytest.mark.first_mode("settings")


async def test_a_manager_adds_a_clerk(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        screen = app.screen
        screen.query_one("#c-name", Input).value = "Wang"
        screen.query_one("#c-pin", Input).value = "4826"
        screen.add()  # type: ignore[attr-defined]
        await quiet.settle(pilot)
    with station.read() as session:
        clerk = session.exec(select(Clerk).where(Clerk.name == "Wang")).one()
    assert clerk.role == Role.CLERK and clerk.pin_hash and "4826" not in clerk.pin_hash


async def test_a_name_pasted_longer_than_a_clerk_name_is_refused_at_once(app: StationApp) -> None:
    """As the first start's dialog refuses it: the Clerks screen took it and refused it only on save."""
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        name = app.screen.query_one("#c-name", Input)
        name.focus()
        name.post_message(events.Paste("Wang" + "\x1b[31m" + "x" * 5000))
        await quiet.settle(pilot)
        assert name.value == ""  # refused whole, nothing cut off silently
        said = [str(n.message) for n in app._notifications]
        assert any("at most 64 characters" in text for text in said), said
        name.post_message(events.Paste("Wang \x1b[31mLi"))  # the correction: the escape code dropped
        await quiet.settle(pilot)
        assert name.value == "Wang Li"


async def test_enter_in_the_new_clerks_pin_adds_the_clerk_or_says_what_is_missing(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        status = app.screen.query_one("#clerk-status", Static)
        await quiet.press(pilot, *"Wang", "enter", "enter")  # Enter in the name goes on to the PIN
        assert app.screen.query_one("#c-pin", Input).has_focus
        assert "PIN" in str(status.render())  # no PIN: said, nobody added
        app.screen.query_one("#c-role", Select).value = Role.MANAGER.value
        await quiet.press(pilot, *"4826", "enter")
        assert "Clerk Wang added." in str(status.render())
        # The form is empty for the next clerk, the cursor in its name, the role back to clerk.
        screen = app.screen
        assert screen.query_one("#c-name", Input).value == "" and screen.query_one("#c-name", Input).has_focus
        assert screen.query_one("#c-role", Select).value == Role.CLERK.value
        await quiet.press(pilot, *"Zhao", "enter", *"1357", "enter")
        assert "Clerk Zhao added." in str(status.render())
    with station.read() as session:
        assert session.exec(select(Clerk).where(Clerk.name == "Wang")).one().role == Role.MANAGER
        assert session.exec(select(Clerk).where(Clerk.name == "Zhao")).one().role == Role.CLERK


async def test_the_new_clerks_pin_field_says_the_lengths_the_service_takes(app: StationApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        pin = app.screen.query_one("#c-pin", Input)
        assert pin.placeholder == f"PIN ({pins.PIN_MIN} to {pins.PIN_MAX} digits)"
        assert pin.max_length == pins.PIN_MAX


async def test_f7_on_a_clerk_deactivated_at_another_counter_meanwhile_leaves_them_deactivated(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The list shows Li active; counter-2's manager deactivates Li before F7 here, which asks to
    deactivate too. Li stays deactivated and the line says so (a flip of the state read at the write
    made Li active again, undoing both managers' deactivation)."""
    from textual.widgets import DataTable

    from station_console.tui.screens.confirm_dialog import ConfirmDialog
    from tui.test_live_bridge import another_counter

    clerks.add_clerk(station, "Li", "4826")
    async with app.run_test(size=(160, 50)) as pilot, another_counter(station, db_url) as other:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        await quiet.settle(pilot)
        table = app.screen.query_one("#clerk-list", DataTable)
        table.move_cursor(row=table.get_row_index("Li"))
        assert str(table.get_row("Li")[2]) == "✓"
        clerks.set_active(other, "Li", False)
        await quiet.press(pilot, "f7")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await quiet.press(pilot, "y")
        await quiet.until(
            pilot, lambda: "sign in" in str(app.screen.query_one("#clerk-status", Static).render())
        )
        assert str(app.screen.query_one("#clerk-status", Static).render()) == "Li can no longer sign in."
        assert str(table.get_row("Li")[2]) == "✗"  # the list read again
    assert clerks.get_clerk(station, "Li").active is False


async def test_f9_on_a_clerk_who_is_not_locked_says_there_was_nothing_to_do(
    app: StationApp, station: Station
) -> None:
    """ "Li can sign in again" would tell of a lock-out ended: Li had none, and no event is recorded."""
    from textual.widgets import DataTable

    from db.models import EventKind, ParcelEvent

    clerks.add_clerk(station, "Li", "4826")
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        await quiet.settle(pilot)
        table = app.screen.query_one("#clerk-list", DataTable)
        table.move_cursor(row=table.get_row_index("Li"))
        await quiet.press(pilot, "f9")
        await quiet.settle(pilot)
        assert (
            str(app.screen.query_one("#clerk-status", Static).render()) == "Li was not locked: nothing to do."
        )
    with station.read() as session:
        kinds = session.exec(select(ParcelEvent.kind)).all()
    assert EventKind.CLERK_UNLOCKED not in kinds


@pytest.mark.parametrize(
    ("lang", "state"), [("en", "locked until 11-26 00:00"), ("zh", "锁定至 11-26 00:00")]
)
async def test_a_lock_out_that_ends_after_midnight_says_the_day_it_ends(
    app: StationApp, station: Station, clock: FakeClock, lang: str, state: str
) -> None:
    """Locked out at 23:59:30 for a minute: a bare "00:00" read as a lock already over since midnight."""
    from textual.widgets import DataTable

    clock.now = datetime(2026, 11, 25, 15, 59, 30, tzinfo=UTC)  # 23:59:30 at the station (UTC+8)
    clerks.add_clerk(station, "Li", "4826")
    for n in range(5):  # the fifth wrong PIN in a row locks Li out for a minute
        with pytest.raises(Refused):
            clerks.authenticate(station, "Li", f"90{n}1")
    set_language(lang)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        await quiet.settle(pilot)
        assert str(app.screen.query_one("#clerk-list", DataTable).get_row("Li")[2]) == state


@pytest.mark.parametrize(("key", "line_id"), [("f10", "#clerk-status"), ("f8", "#printer-status")])
async def test_a_clerks_or_printers_refusal_is_read_in_a_256_colour_terminal(
    app: StationApp, key: str, line_id: str
) -> None:
    """Once Shelves had been opened, its stylesheet's `.error` (red text) met the line's red background:
    in tmux's 256 colours one red, the refusal unreadable. Its text takes a colour of its own, as
    Settings' refusal does."""
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f4")  # Shelves' stylesheet loaded, as on a console used a while
        await quiet.press(pilot, "ctrl+s", key)
        line = app.screen.query_one(line_id, StatusLine)
        line.say("Only a manager may do that.", error=True)
        await quiet.settle(pilot)
        box = line.content_region
        strip = app.screen._compositor.render_strips()[box.y].crop(box.x, box.right)
        pairs = {
            tuple(
                c.downgrade(ColorSystem.EIGHT_BIT) if c else c for c in (seg.style.color, seg.style.bgcolor)
            )
            for seg in strip
            if seg.text.strip() and seg.style is not None
        }
        assert pairs and all(fg != bg for fg, bg in pairs), pairs


def add_held(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """A busy database: the add is asked (first event) and written once the test sets the second."""
    asked, release = threading.Event(), threading.Event()
    real = clerks.add_clerk

    def held(*args: Any, **kwargs: Any) -> Any:
        asked.set()
        assert release.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)

    monkeypatch.setattr(clerks, "add_clerk", held)
    return asked, release


async def test_a_pin_typed_while_the_add_is_written_is_not_cleared_without_a_word(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Digits typed into the PIN while the add waits on the database join the PIN sent: the form is
    cleared for the next clerk, and the line says the PIN typed meanwhile went with it."""
    asked, release = add_held(monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        screen = app.screen
        pin = screen.query_one("#c-pin", Input)
        await quiet.press(pilot, *"Wang", "enter", *"4826")
        await pilot.press("enter")  # Textual's own press: the add is held back, never quiet
        await quiet.until(pilot, asked.is_set, what="the add asked")
        await pilot.press(*"97")
        assert pin.value == "482697"
        release.set()
        await quiet.settle(pilot)
        said = str(screen.query_one("#clerk-status", Static).render())
        assert "Clerk Wang added." in said
        assert "The PIN typed while it was being added was cleared: type it again." in said
        assert pin.value == "" and screen.query_one("#c-name", Input).has_focus


async def test_a_name_and_role_typed_while_the_add_is_written_stay_for_the_next_clerk(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next clerk's name and role, given while the add waits on the database, stay in the form
    (and count as edits not saved); the line says only what was added."""
    asked, release = add_held(monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        screen: Any = app.screen
        name = screen.query_one("#c-name", Input)
        await quiet.press(pilot, *"Wang", "enter", *"4826")
        await pilot.press("enter")  # Textual's own press: the add is held back, never quiet
        await quiet.until(pilot, asked.is_set, what="the add asked")
        await pilot.press("shift+tab", "ctrl+u", *"Zhao")
        screen.query_one("#c-role", Select).value = Role.MANAGER.value
        release.set()
        await quiet.settle(pilot)
        said = str(screen.query_one("#clerk-status", Static).render())
        assert "Clerk Wang added." in said and "cleared" not in said
        assert name.value == "Zhao" and name.has_focus
        assert screen.query_one("#c-role", Select).value == Role.MANAGER.value
        assert screen.query_one("#c-pin", Input).value == ""
        assert screen.unsaved_edits()


async def test_the_pin_fields_placeholder_fits_at_80_columns_in_chinese(app: StationApp) -> None:
    """ "PIN（4 到 12 位数字）" was cut at 80 columns: the field's hint says the PIN's length whole."""
    from station_console.text_columns import display_width

    set_language("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        field = app.screen.query_one("#c-pin", Input)
        assert str(pins.PIN_MAX) in field.placeholder
        assert display_width(field.placeholder) <= field.content_region.width


async def test_the_list_is_read_again_when_another_clerk_signs_in_over_it(
    new_station: Station, db_url: str
) -> None:
    """Counter-2's manager deactivates Zhao while this console is locked over Clerks: Li, signing in,
    found Zhao listed active (✓) until some change here read the list again; a manager signing in
    would have been shown a clerk who can no longer sign in as one who can."""
    from textual.widgets import DataTable

    from station_console.tui.screens.clerk_admin import ClerkAdminScreen
    from tui.lock_driver import console, idle_lock, open_from_settings, sign_in, wang_and_li
    from tui.other_counter import another_counter

    station = wang_and_li(new_station)
    clerks.add_clerk(station, "Zhao", "4826")
    app = console(station)
    async with app.run_test(size=(120, 40)) as pilot, another_counter(station, db_url) as other:
        screen = await open_from_settings(pilot, app, "f10", ClerkAdminScreen)
        table = screen.query_one("#clerk-list", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 3, what="the clerks listed")
        assert str(table.get_row("Zhao")[2]) == "✓"
        await idle_lock(pilot, app)
        clerks.set_active(other, "Zhao", False)
        await sign_in(pilot, "Li", "1357")
        await quiet.until(pilot, lambda: app.clerk_name == "Li" and app.screen is screen, what="Li on Clerks")
        await quiet.settle(pilot)
        assert str(table.get_row("Zhao")[2]) == "✗"


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_long_name_leaves_the_last_sign_in_in_view_at_80_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    """A name of the 64 characters a clerk's name may take made its column as wide, and at 80 columns
    the Last sign-in column went off the screen's edge; the name is cut instead, an ellipsis saying so."""
    from textual.widgets import DataTable

    from tui.terminal_fit import columns_in_view

    set_language(lang)
    long_name = "N" * 64
    clerks.add_clerk(station, long_name, "4826")
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        table = app.screen.query_one("#clerk-list", DataTable)
        await quiet.until(pilot, lambda: long_name in table.rows, what="the clerks listed")
        await quiet.settle(pilot)
        headings = [str(c.label) for c in table.ordered_columns]
        assert columns_in_view(table) == headings
        assert len(headings) == 4, headings  # name, role, active, last sign-in
        name_cell = table.get_row(long_name)[0]
        assert name_cell.plain == long_name  # kept whole, cut as drawn (with the ellipsis)


@pytest.mark.parametrize(
    ("lang", "question", "not_done", "done"),
    [
        ("en", "Deactivate clerk Li?", "Not deactivated: nothing changed.", "Li can no longer sign in."),
        ("zh", "停用店员 Li？", "未停用：没有任何更改。", "Li 已不能登录。"),
    ],
)
async def test_f7_asks_before_deactivating_the_highlighted_clerk_and_activates_at_once(
    app: StationApp, station: Station, lang: str, question: str, not_done: str, done: str
) -> None:
    """F7 is one key from Ctrl+S (add a clerk): it deactivated whoever was highlighted at once, signed
    out at their counter. It asks first, naming them; No changes nothing, Y deactivates. F7 on a
    deactivated clerk lets them sign in again without a question."""
    from textual.widgets import DataTable

    from station_console.tui.screens.confirm_dialog import ConfirmDialog

    set_language(lang)
    clerks.add_clerk(station, "Li", "4826")
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f10")  # in Settings already (`first_mode`)
        await quiet.settle(pilot)
        admin = app.screen
        table = admin.query_one("#clerk-list", DataTable)
        await quiet.until(pilot, lambda: "Li" in admin.shown, what="Li listed")  # type: ignore[attr-defined]
        table.move_cursor(row=table.get_row_index("Li"))
        status = admin.query_one("#clerk-status", Static)
        await quiet.press(pilot, "f7")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        assert app.screen.question == question  # type: ignore[attr-defined]
        await quiet.press(pilot, "n")
        await quiet.until(pilot, lambda: str(status.render()) == not_done, what="nothing changed, said")
        assert app.screen is admin and clerks.get_clerk(station, "Li").active is True
        await quiet.press(pilot, "f7")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="asked again")
        await quiet.press(pilot, "y")
        await quiet.until(pilot, lambda: str(status.render()) == done, what="Li deactivated")
        assert clerks.get_clerk(station, "Li").active is False
        await quiet.until(pilot, lambda: str(table.get_row("Li")[2]) == "✗", what="the list read again")
        await quiet.press(pilot, "f7")  # back: no question
        await quiet.until(pilot, lambda: clerks.get_clerk(station, "Li").active, what="Li active again")
        assert app.screen is admin
