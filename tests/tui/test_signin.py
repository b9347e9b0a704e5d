"""Sign-in dialog: first run creates the manager, clerks sign in, Ctrl+L locks and switches, idle locks."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Input, Static

from db.models import EventKind, ParcelEvent
from station_console import name_limit
from station_console.errors import StationError
from station_console.i18n import N_, set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.widgets.header import StationHeader
from tui import quiet


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests sign in the clerks they make, from the first manager on."""
    return new_station


def console(station: Station) -> StationApp:
    return StationApp(
        station, CounterSettings(counter="test-counter"), database_label="SQLite test", require_sign_in=True
    )


def header_text(app: StationApp) -> str:
    return " ".join(str(w.render()) for w in app.screen.query("StationHeader Static"))


def drawn(app: StationApp) -> str:
    """The text of every cell drawn now, whichever screen it belongs to (the screenshot's text)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]*>|\s", "", svg.split("<g class=", 1)[-1]))


def kinds(station: Station) -> list[str]:
    with station.read() as session:
        return [e.kind for e in session.exec(select(ParcelEvent).order_by(col(ParcelEvent.id))).all()]


async def type_into(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Keys and Enter, then until the sign-in's worker has answered (one pause is not enough under load)."""
    await quiet.press(pilot, *text, "enter")


async def test_first_run_creates_the_manager_and_signs_in(station: Station) -> None:
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.first_run
        await quiet.press(pilot, "f2")  # mode keys do not get past the dialog
        assert isinstance(app.screen, SignInScreen)
        await type_into(pilot, "Wang")
        await type_into(pilot, "9071")
        await type_into(pilot, "9091")
        assert "differ" in str(app.screen.query_one("#signin-error", Static).render())
        assert clerks.needs_first_manager(station)
        await type_into(pilot, "9071")
        await type_into(pilot, "9071")
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)  # the station's time zone and hours come next
        zone = dialog.query_one("#signin-zone", Input)
        assert zone.value == station.settings().timezone and app.focused is zone  # the machine's, or init's
        zone.value = "Mars/Olympus"
        await type_into(pilot, "")
        await type_into(pilot, "")
        assert "Unknown time zone" in str(dialog.query_one("#signin-error", Static).render())
        assert clerks.needs_first_manager(station)  # checked before anything was created
        zone.value = "Europe/Berlin"
        await type_into(pilot, "")
        dialog.query_one("#signin-hours", Input).value = "08:00-20:00"
        await type_into(pilot, "")
        assert not isinstance(app.screen, SignInScreen)
        assert app.clerk_name == "Wang" and station.clerk_role == "manager"
        assert "Wang" in header_text(app)
    station.forget_settings()
    assert (station.settings().timezone, station.settings().opening_hours) == ("Europe/Berlin", "08:00-20:00")
    assert kinds(station) == [EventKind.CLERK_CHANGED, EventKind.SIGNED_IN, EventKind.SETTINGS_CHANGED]


async def test_a_first_manager_made_before_a_busy_database_refused_the_sign_in_signs_in_on_retry(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager was written, then the sign-in found the database busy: Enter again signs in as that
    manager (every retry was refused: "The station already has clerks"), and no second manager is made."""
    real, tries = clerks.sign_in, []

    def busy_once(*args: object) -> object:
        tries.append(args)
        if len(tries) == 1:
            raise StationError(N_("The database is busy; try again"), code="busy")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(clerks, "sign_in", busy_once)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        for text in ("Wang", "9071", "9071", "", ""):
            await type_into(pilot, text)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        assert "busy" in str(dialog.query_one("#signin-error", Static).render())
        assert not clerks.needs_first_manager(station)  # the manager was written before the refusal
        dialog.query_one("#signin-pin", Input).value = "9071"
        dialog.query_one("#signin-pin2", Input).value = "9071"
        dialog.query_one("#signin-hours", Input).focus()
        await type_into(pilot, "")
        assert not isinstance(app.screen, SignInScreen), str(
            dialog.query_one("#signin-error", Static).render()
        )
        assert app.clerk_name == "Wang" and station.clerk_role == "manager"
    assert [c.name for c in clerks.list_clerks(station)] == ["Wang"]


async def test_wrong_pin_is_refused_then_the_clerk_signs_in(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    clerks.act_as(station, None)
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen) and not app.screen.first_run
        assert "not signed in" in " ".join(
            str(w.render()) for s in app.screen_stack for w in s.query("StationHeader Static")
        )
        await type_into(pilot, "li")
        await type_into(pilot, "0000")
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        assert "Wrong name or PIN." in str(dialog.query_one("#signin-error", Static).render())
        assert dialog.query_one("#signin-pin", Input).value == ""
        assert station.clerk_id is None
        await type_into(pilot, "1357")
        assert not isinstance(app.screen, SignInScreen)
        assert (app.clerk_name, station.clerk_role) == ("Li", "clerk")
        assert "Clerk: Li" in header_text(app)


async def test_a_pin_typed_into_the_name_field_goes_once_refused_and_a_name_stays(station: Station) -> None:
    """After a lock the focus is on the name field: a PIN typed there and refused would stay in view.
    A refused name of digits only goes, and the focus goes back to the name; a name typed stays."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.act_as(station, None)
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        await type_into(pilot, "9071")  # the PIN, in the name field
        await type_into(pilot, "")
        assert "Wrong name or PIN." in str(dialog.query_one("#signin-error", Static).render())
        name = dialog.query_one("#signin-name", Input)
        assert name.value == "" and app.focused is name
        assert "9071" not in drawn(app)
        await type_into(pilot, "Wang")
        await type_into(pilot, "1111")
        assert "Wrong name or PIN." in str(dialog.query_one("#signin-error", Static).render())
        assert name.value == "Wang" and app.focused is dialog.query_one("#signin-pin", Input)
        await type_into(pilot, "9071")
        assert app.clerk_name == "Wang"


async def test_ctrl_l_locks_and_switches_clerk(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    app = console(station)  # already signed in: no dialog
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await quiet.settle(pilot)  # the name is read in a worker
        assert not isinstance(app.screen, SignInScreen) and app.clerk_name == "Wang"
        app.notify("Customer ZhangWei 138****5678")  # a toast quoting a customer, as pickups show
        await quiet.until(pilot, lambda: "ZhangWei" in drawn(app))
        assert "Check-in" in drawn(app)
        await quiet.press(pilot, "ctrl+l")
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen) and station.clerk_id is None
        # Locked: nothing of the screen behind (nor its toasts) is drawn around the dialog.
        locked = drawn(app)
        assert "ZhangWei" not in locked and "Check-in" not in locked and "Sign" in locked
        await quiet.press(pilot, "ctrl+l")  # a second lock does not stack dialogs
        assert sum(isinstance(s, SignInScreen) for s in app.screen_stack) == 1
        await type_into(pilot, "Li")
        await type_into(pilot, "1357")
        assert app.clerk_name == "Li"
        await quiet.settle(pilot)
        assert "Check-in" in drawn(app)  # the screen comes back as it was
        for header in app.screen.query(StationHeader):
            status = str(header.query_one("#hdr-status", Static).render())
            assert "Li" in status
            # A narrow terminal cuts the line's end: the devices' states come first, the database last.
            assert status.index("Printer:") < status.index("Clerk: Li") < status.index("DB:")
    assert kinds(station)[-2:] == [EventKind.SIGNED_OUT, EventKind.SIGNED_IN]


async def test_a_sign_in_answered_under_the_key_list_closes_with_it_as_the_list_closes(
    station: Station,
) -> None:
    """Ins right after the PIN's Enter: the key list goes over the dialog before the sign-in answers,
    which signs the clerk in and keeps its answer; closing the list closes the dialog too."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+l")
        await quiet.press(pilot, *"Li", "enter", *"1357")
        quiet.send_key(app, "enter")
        quiet.send_key(app, "insert")
        await quiet.settle(pilot)
        names = [type(s).__name__ for s in app.screen_stack]
        assert names[-2:] == ["SignInScreen", "KeysList"] and station.clerk_id is not None
        sign_in = app.screen_stack[-2]
        assert isinstance(sign_in, SignInScreen) and sign_in.answer_kept()
        await quiet.press(pilot, "escape")
        assert not app.signing_in and app.clerk_name == "Li"
        assert type(app.screen).__name__ == "CheckinScreen"


async def test_idle_console_locks_after_the_setting(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    app = console(station)
    now = [1000.0]
    app.idle_clock = lambda: now[0]
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        app._last_activity = now[0]
        now[0] += 9 * 60
        app.check_auto_lock()
        assert station.clerk_id is not None  # 9 of 10 minutes: still open
        await quiet.press(pilot, "a")  # a key resets the idle time
        now[0] += 9 * 60
        app.check_auto_lock()
        assert station.clerk_id is not None
        now[0] += 61
        app.check_auto_lock()
        await quiet.settle(pilot)
        assert isinstance(app.screen, SignInScreen) and station.clerk_id is None and app.clerk_name is None
    with station.read() as session:
        last = session.exec(select(ParcelEvent).order_by(ParcelEvent.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and last.kind == EventKind.SIGNED_OUT and last.details == {"reason": "idle"}


async def test_activity_screen_shows_details_in_chinese_without_repeating_its_columns(
    station: Station,
) -> None:
    """The Details column holds labels and values, not stored keys; the clerk and waybill that have
    columns of their own are not repeated; setting names read as a list, not a Python list."""
    from station_console.services.core import audit

    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    done = check_in(station, "SF1234567890123", phone="13812345678")
    station.run(
        lambda session: audit.record(
            session, station, EventKind.SETTINGS_CHANGED, details={"changed": ["timezone", "opening_hours"]}
        )
    )
    set_language("zh")
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+t")
        await quiet.settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = {
            str(table.get_row_at(i)[1]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)
        }
        assert set(rows) == {"已登录", "已入库", "设置已更改"}
        checked_in = rows["已入库"]
        assert checked_in[4] == "SF1234567890123" and checked_in[5].startswith(
            f"取件码：{done.pickup_code}  位置："
        )
        assert "SF1234567890123" not in checked_in[5] and "code=" not in checked_in[5]
        assert rows["设置已更改"][5] == "更改项：时区、营业时间"
        assert rows["已登录"][5] == ""  # the clerk is in its own column
        summary = str(app.screen.query_one("#activity-summary", Static).render())
        assert "、" in summary and ", " not in summary
        # The highlighted event's details whole under the table, where the column cut them.
        await type_into(pilot, "SF1234567890123")
        table.move_cursor(row=0)
        await quiet.settle(pilot)
        detail = str(app.screen.query_one("#activity-detail", Static).render())
        assert detail.startswith("已入库  SF1234567890123\n  取件码：") and "快递公司：SF" in detail
        assert "尺寸：" in detail and "SF1234567890123" not in detail.split("\n", 1)[1]


async def test_the_audit_trail_shows_the_highlighted_events_long_value_whole_and_as_text(
    station: Station,
) -> None:
    """The Details column cuts a long note; the pane under the table shows it whole, wrapped, its
    brackets as typed (never markup), as `station audit show` prints it."""
    from station_console.services.core import audit

    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    note = "label torn [b]not bold[/b] " + " ".join(f"word{n}" for n in range(30))  # 200-odd characters
    station.run(
        lambda session: audit.record(session, station, EventKind.PROBLEM_MARKED, details={"note": note})
    )
    app = console(station)
    async with app.run_test(size=(100, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+t")
        await quiet.settle(pilot)
        table = app.screen.query_one(DataTable)
        row = next(i for i in range(table.row_count) if "word0" in str(table.get_row_at(i)[-1]))
        table.move_cursor(row=row)
        await quiet.settle(pilot)
        pane = app.screen.query_one("#activity-detail", Static)
        detail = str(pane.render())
        assert note in detail and "…" not in detail
        assert pane.content_size.height >= 4  # the title line and the note over three lines, none cut off


async def test_the_audit_trail_and_the_parcels_timeline_name_a_carrier_by_its_short_name(
    station: Station,
) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    done = check_in(station, "308696896812488", carrier="YUNDA", phone="13812345678")
    app = console(station)
    async with app.run_test(size=(140, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+t")
        await quiet.settle(pilot)
        await type_into(pilot, done.waybill)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=0)
        await quiet.settle(pilot)
        assert "carrier: YD" in str(table.get_row_at(0)[5])
        detail = str(app.screen.query_one("#activity-detail", Static).render())
        assert "carrier: YD" in detail and "YUNDA" not in detail
        await quiet.press(pilot, "escape", "f5", *done.waybill[-6:], "enter")
        await quiet.settle(pilot)
        events = str(app.screen.query_one("#pa-events").render())
        assert "carrier: YD" in events and "YUNDA" not in events


async def test_activity_screen_shows_the_clerk_and_a_parcel_timeline(station: Station) -> None:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    check_in(station, "SF1234567890123", phone="13812345678")
    app = console(station)
    async with app.run_test(size=(140, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+t")
        await quiet.settle(pilot)
        table = app.screen.query_one(DataTable)
        summary = str(app.screen.query_one("#activity-summary", Static).render())
        assert table.row_count == 2, summary  # signed in, checked in (the first manager is created by nobody)
        summary = str(app.screen.query_one("#activity-summary", Static).render())
        assert summary.startswith("Wang today")
        await type_into(pilot, "sf1234567890123")
        assert table.row_count == 1
        assert "1 event of SF1234567890123" in str(app.screen.query_one("#activity-summary", Static).render())
        assert "138****5678" in str(table.get_row_at(0))
        await type_into(pilot, "SF0000000000000")
        assert table.row_count == 0
        await quiet.press(pilot, "escape")
        await quiet.settle(pilot)
        assert app.screen.query(StationHeader)


async def test_first_run_hours_typed_wrong_put_the_clerk_back_in_the_hours_field(station: Station) -> None:
    """Hours refused: the focus goes to the hours (the zone was right), so what is typed next corrects
    them; it went to the zone field, and the corrected hours were typed over the zone."""
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        for text in ("Wang", "9071", "9071", ""):
            await type_into(pilot, text)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        hours = dialog.query_one("#signin-hours", Input)
        hours.value = "25:00-07:30"
        await type_into(pilot, "")
        assert "09:00-21:00" in str(dialog.query_one("#signin-error", Static).render())
        assert app.focused is hours and clerks.needs_first_manager(station)
        hours.value = ""
        await type_into(pilot, "08:00-20:00")
        assert not isinstance(app.screen, SignInScreen)
    station.forget_settings()
    assert station.settings().opening_hours == "08:00-20:00"


async def test_first_run_empty_time_zone_asks_for_one(station: Station) -> None:
    """An emptied zone field reads as a zone to type, not "Unknown time zone : ...", with the field to
    type it in focused."""
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        for text in ("Wang", "9071", "9071"):
            await type_into(pilot, text)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        zone = dialog.query_one("#signin-zone", Input)
        zone.value = "  "
        await type_into(pilot, "")
        await type_into(pilot, "")
        said = str(dialog.query_one("#signin-error", Static).render())
        assert said == "Type the station's time zone, a name like Asia/Shanghai."
        assert app.focused is zone and clerks.needs_first_manager(station)


async def test_first_run_enters_typed_before_the_console_took_the_terminal_move_on(station: Station) -> None:
    """Keys typed as the console starts reach the terminal's line discipline before the console takes it
    raw: each Enter is turned into a newline (ctrl+j), which the fields ignored, so name, PIN and PIN
    again all landed in the name field. On the sign-in a newline is an Enter."""
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, *"Wang", "ctrl+j", *"9071", "ctrl+j", *"9071", "ctrl+j")
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        assert dialog.query_one("#signin-name", Input).value == "Wang"
        assert dialog.query_one("#signin-pin2", Input).value == "9071"
        assert app.focused is dialog.query_one("#signin-zone", Input)
        await quiet.press(pilot, "ctrl+j", "ctrl+j")
        assert not isinstance(app.screen, SignInScreen)
        assert app.clerk_name == "Wang" and station.clerk_role == "manager"


async def test_first_run_refusal_goes_when_the_field_it_is_about_is_typed_in(station: Station) -> None:
    """ "The two PINs differ." stayed up while the PINs were typed again (and "Unknown time zone" while the
    zone was put right): a refusal goes once a field it is about changes, not when another does, and not
    as the dialog empties the PINs itself."""
    app = console(station)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        for text in ("Wang", "9071", "9091"):
            await type_into(pilot, text)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        line = dialog.query_one("#signin-error", Static)
        assert str(line.render()) == "The two PINs differ."  # the PINs emptied by the dialog: still said
        assert app.focused is dialog.query_one("#signin-pin", Input)
        await quiet.press(pilot, "9")
        assert str(line.render()) == ""
        await quiet.press(pilot, *"071", "enter")
        await type_into(pilot, "9071")
        zone = dialog.query_one("#signin-zone", Input)
        zone.value = "Mars/Olympus"
        await type_into(pilot, "")
        await type_into(pilot, "")
        assert "Unknown time zone" in str(line.render()) and app.focused is zone
        dialog.query_one("#signin-hours", Input).value = "08:00-20:00"  # another field: the line stays
        await quiet.settle(pilot)
        assert "Unknown time zone" in str(line.render())
        zone.value = ""
        await quiet.press(pilot, *"Asia/Shanghai")
        assert str(line.render()) == ""
        for field in ("#signin-pin", "#signin-pin2"):
            dialog.query_one(field, Input).value = "1234"
        dialog.query_one("#signin-hours", Input).focus()
        await type_into(pilot, "")
        assert "too easy" in str(line.render()) and app.focused is dialog.query_one("#signin-pin", Input)
        await quiet.press(pilot, "9")
        assert str(line.render()) == ""
        assert clerks.needs_first_manager(station)  # nothing written on the way


async def test_the_locked_sign_ins_keys_line_starts_where_its_refusal_does(station: Station) -> None:
    """Once Shelves had been opened, its sheet's `.hint` padding moved the sign-in's keys line one
    column right of the refusal above it."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f4")  # Shelves' style sheet loaded
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+l")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        await type_into(pilot, "Wang")
        await type_into(pilot, "1111")
        error = dialog.query_one("#signin-error", Static)
        keys = dialog.query_one("#signin-keys", Static)
        assert "Wrong name or PIN." in str(error.render())
        assert keys.content_region.x == error.content_region.x


async def test_the_name_field_takes_the_clerk_services_limit(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name field held a limit of its own (64) beside the service's: changing one would leave the
    dialog refusing names the service takes, or taking names it refuses. Both read `name_limit`."""
    clerks.create_first_manager(station, "Wang", "9071")
    monkeypatch.setattr(name_limit, "NAME_MAX", 40)
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SignInScreen)
        assert dialog.query_one("#signin-name", Input).max_length == 40
    clerks.sign_in(station, "Wang", "9071")
    with pytest.raises(StationError) as refused:
        clerks.add_clerk(station, "x" * 41, "1357")
    assert "at most 40 characters" in refused.value.message()
