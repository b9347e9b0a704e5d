"""The problems screen under a hurried clerk: a bounced key writes once, and only for the parcel chosen."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from sqlmodel import col, select
from textual import events
from textual.widgets import DataTable, Input, Select, Static
from textual.widgets._select import SelectOverlay
from textual.widgets.data_table import RowKey

from db.models import EventKind, ParcelEvent
from station_console.i18n import N_, _, set_language
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.tui.app import StationApp
from station_console.tui.screens.calls import STILL_WRITING
from station_console.tui.screens.problems import COLUMNS, ProblemsScreen
from tui import quiet
from tui.shelf_data import place, wb
from tui.terminal_fit import columns_in_view


def resolved(station: Station) -> list[str]:
    with station.read() as session:
        events = session.exec(
            select(ParcelEvent)
            .where(ParcelEvent.kind == EventKind.PROBLEM_RESOLVED)
            .order_by(col(ParcelEvent.id))
        ).all()
        return [e.details["waybill"] for e in events]


def status(app: StationApp) -> str:
    return str(app.screen.query_one("#pr-status", Static).render())


@pytest.mark.first_mode("shelves")
async def test_a_bounced_resolve_leaves_the_other_flagged_parcels_alone(
    app: StationApp, station: Station
) -> None:
    for n in (1, 2):
        place(station, wb(n), "1-1")
        problems.mark(station, wb(n), "damaged", "wet")
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        app.screen.query_one("#pr-parcel", Input).value = wb(2)
        await quiet.burst(pilot, "f8", "f8")  # the second while the first is written
        await quiet.press(pilot, "f8")  # and once more after it was acknowledged
        assert resolved(station) == [wb(2)]
        assert status(app) == f"{wb(2)} resolved."  # the acknowledgment stays
        assert [p.waybill for p in problems.list_problems(station)] == [wb(1)]
        await quiet.press(pilot, *"x")  # something typed since: an empty field is said again
        app.screen.query_one("#pr-parcel", Input).value = ""
        await quiet.press(pilot, "f8")
        assert status(app) == "Scan the parcel, or choose it in the list."
        table = app.screen.query_one("#pr-table", DataTable)
        table.focus()  # a row chosen in the list is the parcel
        await quiet.press(pilot, "f8")
        assert resolved(station) == [wb(2), wb(1)]


@pytest.mark.first_mode("shelves")
async def test_another_key_after_an_acknowledgment_says_what_it_needs(
    app: StationApp, station: Station
) -> None:
    """Flagged, then F8 with the field emptied by the flag: not a bounce of F7, so the clerk is told
    to scan or choose the parcel, and nothing is resolved."""
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#pr-parcel", Input).value = wb(1)
        screen.query_one("#pr-kind", Select).value = "damaged"
        screen.query_one("#pr-note", Input).value = "wet"
        await quiet.press(pilot, "f7")
        assert status(app) == f"{wb(1)} flagged."
        await quiet.press(pilot, "f7")  # the same key again: the acknowledgment stays
        assert status(app) == f"{wb(1)} flagged."
        await quiet.press(pilot, "f8")
        assert status(app) == "Scan the parcel, or choose it in the list."
        assert resolved(station) == []
        assert [p.waybill for p in problems.list_problems(station)] == [wb(1)]


@pytest.mark.first_mode("shelves")
async def test_a_key_pressed_again_while_the_write_is_on_its_way_says_to_wait(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F8, then F8 again before the first was written (a busy database): the second is not sent, and
    the status line says to wait rather than nothing; the first's answer then takes its place."""
    place(station, wb(1), "1-1")
    problems.mark(station, wb(1), "damaged", "wet")
    release, calls = threading.Event(), []
    resolve = problems.resolve

    def held(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        assert release.wait(quiet.TIMEOUT)
        return resolve(*args, **kwargs)

    monkeypatch.setattr(problems, "resolve", held)
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        app.screen.query_one("#pr-parcel", Input).value = wb(1)
        await pilot.press("f8")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the first resolve sent")
        await pilot.press("f8")
        assert status(app) == STILL_WRITING
        release.set()
        await quiet.until(pilot, lambda: status(app) == f"{wb(1)} resolved.", what="the resolve said")
        await quiet.settle(pilot)
        assert len(calls) == 1 and resolved(station) == [wb(1)]


@pytest.mark.first_mode("shelves")
async def test_a_page_key_typed_with_the_enter_that_opens_the_kind_list_leaves_it_open(
    app: StationApp, subtests: Any
) -> None:
    """The wedge router gives held keys back to back: the page key reaches the list before it is laid
    out (Textual's list then failed looking up a line, and the console stopped with an error)."""
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f11")
        kind = app.screen.query_one("#pr-kind", Select)
        for key in ("pageup", "pagedown"):
            with subtests.test(msg=key):
                kind.focus()
                await quiet.settle(pilot)
                for typed in ("enter", "5", key):  # as a hurried clerk's keys reach the router
                    quiet.send_key(app, typed)
                    await asyncio.sleep(0)
                await quiet.settle(pilot)
                assert app.is_running and kind.expanded
                assert app.focused is kind.query_one(SelectOverlay)
                await quiet.press(pilot, "escape")
                assert not kind.expanded


@pytest.mark.first_mode("shelves")
async def test_a_long_note_leaves_the_parcels_columns_on_a_120_column_screen(
    app: StationApp, station: Station
) -> None:
    """A note of 500 characters (the most a note holds) is cut in the list: the waybill and the problem
    flag beside it stay in view, not pushed off the screen to the right by the note."""
    place(station, wb(1), "1-1")
    problems.mark(station, wb(1), "damaged", "Wet box, " * 55)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        table = app.screen.query_one("#pr-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the flagged parcel listed")
        await quiet.settle(pilot)
        columns = table.ordered_columns
        keys = [str(column.key.value) for column in columns]
        widths = [column.get_render_width(table) for column in columns]
        assert sum(widths[: keys.index("Problem") + 1]) <= table.scrollable_content_region.width
        note = table.get_row_at(0)[keys.index("Note")]
        assert str(note).startswith("Wet box, Wet box,") and str(note).endswith("…")


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_kind_and_where_the_parcel_is_are_on_an_80_column_screen(
    app: StationApp, station: Station, lang: str
) -> None:
    """At 80 columns the list showed the waybill, carrier, code, location, size and phone: the kind and
    the note, what the screen is for, were off to the right."""
    set_language(lang)
    place(station, wb(1), "1-1")
    problems.mark(station, wb(1), "wrong_address", "Wet box, " * 55)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        table = app.screen.query_one("#pr-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the flagged parcel listed")
        await quiet.settle(pilot)
        keys = [str(column.key.value) for column in table.ordered_columns]
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        shown = table.scrollable_content_region.width
        for whole in ("Waybill", "Problem", "Code", "Location"):
            assert sum(widths[: keys.index(whole) + 1]) <= shown, whole
        assert sum(widths[: keys.index("Note")]) < shown  # the note begins on the screen
        kind = table.get_row_at(0)[keys.index("Problem")]
        assert str(kind) == ("! wrong address" if lang == "en" else "! 地址错误")


@pytest.mark.first_mode("shelves")
async def test_the_kinds_a_clerk_picks_leave_out_the_stocktakes_put_back(app: StationApp) -> None:
    """'Found after it left' is flagged only by a stocktake's put-back (its note names the stocktake);
    offered here, a clerk's flag of it was a stocktake's claim no stocktake made."""
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f11")
        offered = app.screen.query_one("#pr-kind", Select).query_one(SelectOverlay)
        prompts = [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)]
        assert prompts[1:] == [
            "damaged",
            "refused",
            "wrong address",
            "label unreadable",
            "missing",
            "recalled",
        ]


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_parcel_found_after_it_left_shows_its_status_not_its_old_code(
    app: StationApp, station: Station, lang: str
) -> None:
    """Its old pickup code beside an empty location sent a clerk to look for it by that code; the
    row says it left instead."""
    set_language(lang)
    place(station, wb(1), "1-1")
    problems.mark(station, wb(1), "damaged", "wet")
    place(
        station,
        wb(2),
        "1-1",
        status="picked_up",
        pickup_code="1-1-0042",
        problem_kind="put_back",
        problem_note="found at stocktake 1",
        problem_at=station.now(),
    )
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        table = app.screen.query_one("#pr-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 2, what="both flagged parcels listed")
        keys = [str(column.key.value) for column in table.ordered_columns]
        cells = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(2)}
        left = cells[wb(2)]
        assert str(left[keys.index("Code")]) == ("picked up" if lang == "en" else "已取件")
        assert str(left[keys.index("Location")]) == "-"
        assert "1-1-0042" not in [str(cell) for cell in left]
        on_shelf = cells[wb(1)]
        (code,) = [r.pickup_code for r in problems.list_problems(station) if r.waybill == wb(1)]
        assert code and str(on_shelf[keys.index("Code")]) == code
        assert str(on_shelf[keys.index("Location")]) == "1-1"


@pytest.mark.first_mode("shelves")
async def test_a_note_pasted_past_its_limit_is_refused_at_the_paste_not_at_f7(
    app: StationApp, station: Station
) -> None:
    """A 5,000-character paste went into the note whole, and only F7 said "Note is longer than 500
    characters": the note stops at its limit as every note does, the paste refused whole and said on the
    screen's line; a note of 500 characters goes in."""
    place(station, wb(1), "1-1")
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ProblemsScreen())
        await quiet.settle(pilot)
        note = app.screen.query_one("#pr-note", Input)
        note.focus()
        note.post_message(events.Paste("A" * 5000))
        await quiet.settle(pilot)
        assert note.value == ""
        assert "Note takes at most 500 characters: the paste (5000 characters) was not put in" in status(app)
        note.post_message(events.Paste("B" * 500))
        await quiet.settle(pilot)
        assert note.value == "B" * 500
    assert problems.list_problems(station) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("shelves")
async def test_the_problem_list_shows_its_columns_whole_at_80_and_160_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    """At 80 columns the columns after the note ran off the edge, the carrier cut: each column is now as
    wide as what it holds, the least useful left out where they would not fit whole (the status first:
    a parcel not on the shelf says so where its code would be), and a long note wraps."""
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-2")
    problems.mark(station, wb(1), "unreadable", "Label torn off on the left side, the code half gone")
    problems.mark(station, wb(2), "damaged", "wet")
    set_language(lang)
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f4", "f11")
        table = app.screen.query_one("#pr-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 2, what="the problems listed")
        for width, height in ((80, 24), (160, 45), (80, 24)):
            await quiet.resize(pilot, width, height)
            every = [column.label.plain for column in table.ordered_columns]
            assert columns_in_view(table) == every, (width, every)  # none cut at the edge
            wanted = [_(N_(name)) for name in ("Waybill", "Problem", "Code", "Location", "Note")]
            assert every[:5] == wanted, width
            note = table.get_row(wb(1))[4]
            assert str(note).startswith("Label torn off")
            lines = note.wrap(app.console, table.ordered_columns[4].width)
            assert table.rows[RowKey(wb(1))].height == len(lines), width
            assert width == 80 or len(every) == len(COLUMNS)  # at 160 every column


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("shelves")
async def test_a_long_note_leaves_the_phone_whole_at_80_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    """Long notes wrapped at 80 columns in Chinese make the rows scroll: the scrollbar's room is kept,
    so the phone, the last column shown, stays whole rather than cut at the right edge."""
    waybills = [f"94378342954{n:02d}" for n in range(1, 6)]
    for n, waybill in enumerate(waybills):
        place(station, waybill, f"1-{1 + n % 4}")
        problems.mark(station, waybill, "refused", "客户拒收：外包装破损严重，要求退回寄件人并联系客服处理")
    set_language(lang)
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f4", "f11")
        table = app.screen.query_one("#pr-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == len(waybills), what="the problems listed")
        for width, height in ((80, 24), (160, 45), (80, 24)):
            await quiet.resize(pilot, width, height)
            every = [column.label.plain for column in table.ordered_columns]
            assert columns_in_view(table) == every, (width, every)
