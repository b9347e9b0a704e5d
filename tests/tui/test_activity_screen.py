"""The Activity screen (the audit trail) as the clerks who signed in left it: details in Chinese, a long
value whole, carriers by their short names, the clerk and a parcel's timeline."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from db.models import EventKind
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.tui.widgets.header import StationHeader
from tui import quiet
from tui.signin_helpers import console, type_into


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests sign in the clerks they make, from the first manager on."""
    return new_station


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


async def test_a_long_value_under_the_table_is_read_to_its_end_by_keys_at_80x24(station: Station) -> None:
    """At 80x24 the pane under the table has room for half a long note: the rest went on below the box,
    with no scroll bar and no key that reached it. Tab brings the cursor to the pane (from the table),
    whose keys scroll it to the note's last word."""
    from station_console.services.core import audit

    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    note = "label torn " + " ".join(f"word{n}" for n in range(120))  # some thirteen lines at this width
    station.run(
        lambda session: audit.record(session, station, EventKind.PROBLEM_MARKED, details={"note": note})
    )
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+t")
        await quiet.settle(pilot)

        def drawn() -> str:
            return "\n".join(strip.text for strip in app.screen._compositor.render_strips())

        assert "word0 " in drawn() and "word119" not in drawn()  # the newest event highlighted, cut
        await quiet.press(pilot, "tab", "tab")  # from the Waybill field, past the table
        await quiet.press(pilot, "end")
        await quiet.settle(pilot)
        assert "word119" in drawn()
        await quiet.press(pilot, "home")
        await quiet.settle(pilot)
        assert "word0 " in drawn() and "word119" not in drawn()


async def test_a_long_value_leaves_the_events_table_several_rows_at_80x24(station: Station) -> None:
    """At 80x24 a long note filled half the box and the events table shrank to its header and one
    row: the clerk read one event at a time. The pane under it is capped lower (it scrolls), so the
    table keeps several events in view, with the note's start still read under them."""
    from station_console.services.core import audit

    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")

    def mark_with(note: str) -> None:
        station.run(
            lambda session: audit.record(session, station, EventKind.PROBLEM_MARKED, details={"note": note})
        )

    for n in range(6):
        mark_with(f"mark{n} " + " ".join(f"word{k}" for k in range(120)))
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+t")
        await quiet.settle(pilot)
        table = app.screen.query_one("#activity-table", DataTable)
        assert table.row_count >= 6
        pane = app.screen.query_one("#activity-detail-pane")
        assert pane.scrollable_content_region.height >= 3, pane.scrollable_content_region
        assert table.scrollable_content_region.height >= 5, (
            table.scrollable_content_region,
            pane.scrollable_content_region,
        )
        drawn = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "mark5 word0" in drawn


async def test_the_next_events_long_value_is_read_from_its_start_after_the_last_was_read_to_its_end(
    station: Station,
) -> None:
    """A long note read to its end (Tab to the pane, End), then the cursor back on the table and down to
    the next event with a long note: the pane kept its scroll, so that event showed from its middle, its
    kind and first words above the box, as if it were the whole of it."""
    from station_console.services.core import audit

    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")

    def mark_with(note: str) -> None:
        station.run(
            lambda session: audit.record(session, station, EventKind.PROBLEM_MARKED, details={"note": note})
        )

    for mark in ("older", "newer"):
        mark_with(f"{mark}-start " + " ".join(f"{mark}{n}" for n in range(120)))
    app = console(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+t")
        await quiet.settle(pilot)

        def drawn() -> str:
            return "\n".join(strip.text for strip in app.screen._compositor.render_strips())

        assert "newer-start" in drawn() and "newer119" not in drawn()  # the newest event highlighted
        await quiet.press(pilot, "tab", "tab", "end")  # past the table to the pane, to the note's end
        await quiet.settle(pilot)
        assert "newer119" in drawn() and "newer-start" not in drawn()
        await quiet.press(pilot, "shift+tab", "down")  # back on the table, the next (older) event
        await quiet.settle(pilot)
        assert "older-start" in drawn() and "older119" not in drawn(), drawn()


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
