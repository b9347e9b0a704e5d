"""Parcels mode: search by waybill, code or phone tail, the timeline, times in the station's zone."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input

from db.models import EventKind, Parcel
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.tui.app import StationApp
from tui import quiet
from tui.shelf_data import place, wb


@pytest.mark.first_mode("parcels")
async def test_parcels_mode_searches_and_shows_a_timeline(app: StationApp, station: Station) -> None:
    for n in range(1, 4):
        place(station, wb(n), "2-2")
    problems.mark(station, wb(2), "refused", "customer refused")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        await quiet.settle(pilot)
        table = app.screen.query_one("#pa-table", DataTable)
        assert table.row_count == 3
        await quiet.press(pilot, *wb(2)[-5:], "enter")
        await quiet.settle(pilot)
        assert table.row_count == 1
        events = str(app.screen.query_one("#pa-events").render())
        assert "problem marked" in events and "problem: refused" in events and "problem_marked" not in events


@pytest.mark.parametrize(
    ("lang", "flagged"), [("en", "flagged {at} by {clerk}"), ("zh", "{clerk} 于 {at} 标记")]
)
@pytest.mark.first_mode("parcels")
async def test_the_details_say_the_problem_once_with_when_and_by_whom(
    app: StationApp, station: Station, lang: str, flagged: str
) -> None:
    """The problem line repeated the note of the event that flagged it: said once, at the top, with
    when and by whom; an earlier flag's note stays in its event (the trail)."""
    from station_console.services.shelves.search import timeline

    set_language(lang)
    place(station, wb(1), "2-2")
    problems.mark(station, wb(1), "damaged", "box crushed")
    problems.mark(station, wb(1), "refused", "customer refused")
    marking = timeline(station, wb(1)).events[-1]
    when = f"{marking.at.astimezone(station.zone()):%Y-%m-%d %H:%M}"
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        await quiet.settle(pilot)
        events = str(app.screen.query_one("#pa-events").render())
        header = events.split("\n\n")[0]
        assert "customer refused" in header and flagged.format(at=when, clerk=marking.clerk) in header
        # Its note once; the one flagged before it, and replaced, is still in the trail.
        assert events.count("customer refused") == 1 and "box crushed" in events.split("\n\n")[1], events


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "A search is at most 100 characters."), ("zh", "搜索内容最多 100 个字符。")]
)
@pytest.mark.first_mode("parcels")
async def test_a_search_too_long_is_refused_with_the_services_sentence_and_no_stale_answer(
    app: StationApp, station: Station, lang: str, said: str
) -> None:
    set_language(lang)
    place(station, wb(1), "2-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        table = app.screen.query_one("#pa-table", DataTable)
        assert table.row_count == 1
        app.screen.query_one("#pa-text", Input).value = "7" * 5000
        await quiet.press(pilot, "enter")
        assert str(app.screen.query_one("#pa-status").render()) == said
        assert table.row_count == 0
        assert str(app.screen.query_one("#pa-events").render()) == ""


@pytest.mark.first_mode("parcels")
async def test_parcels_timeline_reads_in_the_clerks_words_in_chinese(
    app: StationApp, station: Station
) -> None:
    """The event kinds and detail keys are labels in Chinese; a check-in's shelf and layer read as its
    location; hostile stored text (markup, escapes, 5,000 characters) shows cut and as typed."""
    from station_console.services.checkin.transaction import check_in
    from station_console.services.core import audit

    set_language("zh")
    done = check_in(station, "JT0000000000001", phone="13812344719")
    hostile = "[/] [bold]x[/bold] \x1b[2J\x1b[31m\u202e" + "y" * 5000
    station.run(
        lambda session: audit.record(
            session, station, EventKind.PROBLEM_MARKED, parcel_id=done.parcel_id, details={"note": hostile}
        )
    )

    def noted(session: Any) -> None:  # the parcel's own note, shown under its facts
        parcel = session.get(Parcel, done.parcel_id)
        parcel.problem_kind, parcel.problem_note = "damaged", hostile
        session.add(parcel)

    station.run(noted)
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        await quiet.settle(pilot)
        for width, height in ((160, 45), (120, 36)):
            await quiet.resize(pilot, width, height)
            pane = app.screen.query_one("#pa-events")
            events = str(pane.render())
            assert "已入库" in events and f"取件码：{done.pickup_code}" in events
            assert f"位置：{done.shelf}-{done.layer}" in events and "手机号：138****4719" in events
            for raw in ("checked_in", "code=", "shelf=", "layer=", "masked_phone", "raw="):
                assert raw not in events
            assert "标记问题件" in events and "备注：[/] [bold]x[/bold] \\x1b[2J" in events
            assert "\x1b" not in events and "y" * 100 not in events and "…" in events
            # Each detail whole on a line of its own width, the lines indented under their event.
            details = [line for line in events.splitlines() if "尺寸：" in line or "快递公司：" in line]
            assert details and all(line.startswith("  ") for line in details)
            assert all(cell_len(line) <= pane.size.width for line in details)


@pytest.mark.parametrize(("lang", "heading"), [("en", "Checked in"), ("zh", "入库时间")])
@pytest.mark.first_mode("parcels")
async def test_parcels_mode_shows_check_in_times_in_the_station_time_zone(
    app: StationApp, station: Station, clock, lang: str, heading: str
) -> None:
    """The station is in Asia/Shanghai (UTC+8): a check-in at 18:30 UTC shows as 02:30 the next day,
    in the list and in the parcel's timeline. The column holds a time, and its heading says so (入库日期,
    the check-in date, headed it in Chinese)."""
    from station_console.services.checkin.transaction import check_in

    set_language(lang)
    assert station.settings().timezone == "Asia/Shanghai"
    clock.now = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
    check_in(station, "JT0000000000001", phone="13812345678")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        await quiet.settle(pilot)
        table = app.screen.query_one("#pa-table", DataTable)
        checked_in = [str(column.label) for column in table.ordered_columns].index(heading)
        assert str(table.get_row_at(0)[checked_in]) == "11-25 02:30"
        events = str(app.screen.query_one("#pa-events").render())
        assert "2026-11-25 02:30" in events and "18:30" not in events


# English at a small console and a large one (one console, resized), Chinese at the small one.
@pytest.mark.parametrize(("lang", "sizes"), [("en", ((120, 36), (160, 45))), ("zh", ((120, 36),))])
@pytest.mark.first_mode("parcels")
async def test_parcels_mode_shows_every_column_and_placeholder_whole(
    app: StationApp, station: Station, lang: str, sizes: tuple[tuple[int, int], ...]
) -> None:
    """No column past the table's right edge (checked in, status, problem are what a clerk reads) and
    no search field's placeholder cut, at a small console and a large one."""
    set_language(lang)
    for n in range(1, 4):
        place(station, wb(n), "2-2")
    problems.mark(station, wb(2), "wrong_address", "building C")
    async with app.run_test(size=sizes[0]) as pilot:
        await quiet.press(pilot, "f5")
        await quiet.settle(pilot)
        for width, height in sizes:
            await quiet.resize(pilot, width, height)
            at = f"at {width}x{height}"
            assert (app.size.width, app.size.height) == (width, height)
            table = app.screen.query_one("#pa-table", DataTable)
            assert table.row_count == 3
            needed = sum(column.get_render_width(table) for column in table.ordered_columns)
            assert needed <= table.scrollable_content_region.width, (
                at,
                needed,
                table.scrollable_content_region,
            )
            for field in app.screen.query(".form-row Input").results(Input):
                assert cell_len(field.placeholder) <= field.content_region.width, (at, field.placeholder)
            events = app.screen.query_one("#pa-events")
            assert events.content_region.width >= 40, at  # the timeline is still readable beside or below


@pytest.mark.first_mode("parcels")
async def test_a_bad_date_refused_while_a_search_is_on_its_way_is_not_answered_by_that_search(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A valid search still running, then a date refused at once: the old search's answer replaced the
    refusal and filled the table, which then showed rows for input the clerk had been told was wrong."""
    from station_console.tui.screens import parcels

    place(station, wb(1), "2-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        screen = app.screen
        table = screen.query_one("#pa-table", DataTable)
        assert table.row_count == 1
        asked, release = threading.Event(), threading.Event()
        real = parcels.search

        def held(*args: Any, **kwargs: Any) -> Any:
            asked.set()
            assert release.wait(quiet.TIMEOUT)
            return real(*args, **kwargs)

        monkeypatch.setattr(parcels, "search", held)
        screen.query_one("#pa-text", Input).value = wb(1)[-5:]
        quiet.send_key(app, "enter")
        await quiet.until(pilot, asked.is_set, what="the search asked")
        screen.query_one("#pa-since", Input).focus()
        screen.query_one("#pa-since", Input).value = "2026-13-01"
        await quiet.press(pilot, "enter", leave_running=("run",))  # refused at once
        refusal = "Dates look like 2026-11-25."
        assert str(screen.query_one("#pa-status").render()) == refusal
        release.set()
        await quiet.settle(pilot)
        assert str(screen.query_one("#pa-status").render()) == refusal
        assert table.row_count == 0


@pytest.mark.parametrize(
    ("lang", "refusal"),
    [("en", "This field takes digits and hyphens only."), ("zh", "此栏只能输入数字和连字符（-）。")],
)
@pytest.mark.first_mode("parcels")
async def test_a_key_the_date_filters_do_not_take_is_refused_with_a_word(
    app: StationApp, lang: str, refusal: str
) -> None:
    """A letter or `[/]` went into a date filter and was refused only at Enter, as a date not understood:
    both take a day's digits and hyphens, say so at the key (once for a burst), as the Reports day does,
    and read an input method's full-width digits as the day they mean."""
    set_language(lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "f5")
        await quiet.settle(pilot)
        for name in ("#pa-since", "#pa-until"):
            field = app.screen.query_one(name, Input)
            field.focus()
            app.clear_notifications()
            await quiet.press(pilot, "a", "left_square_bracket", "slash", "right_square_bracket")
            await quiet.settle(pilot)
            assert field.value == "", name
            assert [n.message for n in app._notifications] == [refusal], name
            field.insert_text_at_cursor(
                "２０２６－１１－２５"
            )  # as an input method in full-width mode types it
            assert field.value == "2026-11-25", name


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("parcels")
async def test_the_filter_fields_have_the_house_padding_and_show_their_placeholders_whole(
    app: StationApp, station: Station, lang: str
) -> None:
    """The filter fields had one cell of padding where every other screen's fields have Input's two. On
    two rows (80 columns) they have the house's two; on one row (120 columns) one, as the search box's
    placeholder is cut with two; each placeholder is shown whole either way."""
    from textual.geometry import Spacing

    set_language(lang)
    house = Spacing(0, 2, 0, 2)  # Input's own padding: the check-in, pickup and send-out fields'
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "f5")
        await quiet.settle(pilot)
        for width, height, padding in ((80, 24, house), (120, 40, Spacing(0, 1, 0, 1))):
            await quiet.resize(pilot, width, height, routers=False)
            await quiet.settle(pilot)
            for name in ("#pa-text", "#pa-carrier", "#pa-since", "#pa-until"):
                field = app.screen.query_one(name, Input)
                assert field.styles.padding == padding, (width, name)
                assert field.content_region.width >= cell_len(field.placeholder), (width, name)
                assert field.region.right <= width, (width, name)


@pytest.mark.first_mode("parcels")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_status_and_problem_are_on_an_80_column_screen(
    app: StationApp, station: Station, lang: str
) -> None:
    """At 80 columns in Chinese the list showed the waybill, carrier, code, location, size and phone:
    the status and the problem, what a search is for, were off to the right with nothing saying so."""
    set_language(lang)
    place(station, wb(1), "2-2")
    problems.mark(station, wb(1), "wrong_address", "building C")
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f5")
        await quiet.settle(pilot)
        table = app.screen.query_one("#pa-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the parcel listed")
        keys = [str(column.key.value) for column in table.ordered_columns]
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        shown = table.scrollable_content_region.width
        for whole in ("Waybill", "Status", "Problem"):
            assert sum(widths[: keys.index(whole) + 1]) <= shown, whole
        assert str(table.get_row_at(0)[keys.index("Problem")]).endswith(
            "wrong address" if lang == "en" else "地址错误"
        )


@pytest.mark.parametrize(
    ("lang", "some", "none"),
    [
        (
            "en",
            "Page 1: 1 parcel (on the shelves or recent; F8: older ones)",
            "Nothing on the shelves or among recent parcels matches 99999. F8 searches older ones.",
        ),
        (
            "zh",
            "第 1 页：1 件（仅货架上和近期的；F8：更早的）",
            "货架上和近期包裹中没有与 99999 匹配的。按 F8 查找更早的包裹。",
        ),
    ],
)
@pytest.mark.first_mode("parcels")
async def test_a_first_page_of_recent_parcels_says_so_with_some_found_or_none(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, lang: str, some: str, none: str
) -> None:
    """A first page that read only the shelves and recent parcels and found one read "Page 1: 1 parcel
    (F8: older)", as a full page does: older matches went unsaid. Found or not, it says what it read;
    none found, it names what was searched for."""
    from station_console.services.shelves import text_match

    set_language(lang)
    monkeypatch.setattr(text_match, "RECENT_IDS", 1)
    for n in range(1, 4):
        place(station, wb(n), "2-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        screen = app.screen
        table = screen.query_one("#pa-table", DataTable)
        field = screen.query_one("#pa-text", Input)
        for typed, said, rows in ((wb(3)[-5:], some, 1), ("99999", none, 0)):
            field.value = typed
            await quiet.press(pilot, "enter")
            assert str(screen.query_one("#pa-status").render()) == said
            assert table.row_count == rows


@pytest.mark.first_mode("parcels")
async def test_a_scan_into_the_search_box_replaces_its_text_and_searches(
    app: StationApp, station: Station
) -> None:
    """`0001` typed, Enter, Enter, then a scan: the scan went on the end (`0001JT…`) and found nothing.
    A scan replaces the box's text and searches for it; one too short to be a barcode is refused on the
    status line and changes nothing; typing by hand still edits the text."""
    for n in range(1, 4):
        place(station, wb(n), "2-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        screen = app.screen
        table = screen.query_one("#pa-table", DataTable)
        field = screen.query_one("#pa-text", Input)
        await quiet.press(pilot, "0", "0", "0", "1", "enter", "enter")
        assert field.value == "0001" and table.row_count == 0  # no phone tail 0001
        await quiet.burst(pilot, *wb(2), "enter")
        assert field.value == wb(2)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [wb(2)]
        await quiet.burst(pilot, *"2623", "enter")
        assert field.value == wb(2) and table.row_count == 1
        assert "too short" in str(screen.query_one("#pa-status").render())
        await quiet.press(pilot, "backspace", "3", "enter")
        assert field.value == wb(3) and [str(table.get_row_at(0)[0])] == [wb(3)]


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "Nothing matches [b]JT99[/b]."), ("zh", "没有与 [b]JT99[/b] 匹配的包裹。")],
)
@pytest.mark.first_mode("parcels")
async def test_a_search_that_finds_nothing_names_the_text_searched_for_as_typed(
    app: StationApp, station: Station, lang: str, said: str
) -> None:
    """A search with no match read "Page 1: 0 parcels": it names what was searched for, as the clerk
    typed it (data, shown as text, never markup)."""
    set_language(lang)
    place(station, wb(1), "2-2")
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "f5")
        screen = app.screen
        table = screen.query_one("#pa-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the parcel listed")
        screen.query_one("#pa-text", Input).value = "[b]JT99[/b]"
        await quiet.press(pilot, "enter")
        await quiet.until(pilot, lambda: table.row_count == 0, what="the search answered")
        assert str(screen.query_one("#pa-status").render()) == said


@pytest.mark.parametrize("recent_only", [False, True])
@pytest.mark.first_mode("parcels")
async def test_a_search_that_finds_nothing_says_so_once_on_the_status_line(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, recent_only: bool
) -> None:
    """The details pane repeated the status line's sentence ("No parcels match." under "Nothing matches
    99999."; "None on the shelves or among recent parcels. F8 searches older ones." under the same
    with the text): the status line says it, naming the text, and the pane under the empty list is
    empty, the last list's parcel gone with it."""
    from station_console.services.shelves import text_match

    if recent_only:
        monkeypatch.setattr(text_match, "RECENT_IDS", 1)
    for n in range(1, 4):
        place(station, wb(n), "2-2")
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "f5")
        screen = app.screen
        table = screen.query_one("#pa-table", DataTable)
        events = screen.query_one("#pa-events")
        await quiet.until(pilot, lambda: wb(3) in str(events.render()), what="the newest parcel's timeline")
        screen.query_one("#pa-text", Input).value = "99999"
        await quiet.press(pilot, "enter")
        await quiet.until(pilot, lambda: table.row_count == 0, what="the search answered")
        await quiet.settle(pilot)
        status = str(screen.query_one("#pa-status").render())
        assert "99999" in status and ("F8" in status) == recent_only
        assert str(events.render()) == ""
