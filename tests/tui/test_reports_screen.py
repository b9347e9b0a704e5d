"""The Reports mode shows the same figures as the report service, exports, and walks the days; closing a
day is test_reports_day_close.py."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import DataTable, Input, Static

from station_console.i18n import catalog, set_language
from station_console.services.core.station import Station
from station_console.services.day import summary
from station_console.services.day.report import build_report
from station_console.services.recipients import directory
from station_console.services.scan.carriers import update_carrier
from station_console.text_columns import display_width
from station_console.tui.app import StationApp
from station_console.tui.screens.day_close_dialogs import ConfirmClose
from station_console.tui.screens.reports import ReportsScreen
from tui import quiet
from tui.reports_helpers import open_reports, said, seed, settle


@pytest.mark.first_mode("reports")
async def test_reports_mode_shows_the_service_figures(app: StationApp, station: Station) -> None:
    seed(station)
    expected = build_report(station)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_reports(app, pilot)
        table = screen.query_one("#rp-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][:3] == ["SF", "0", "1"] and rows[1][:3] == ["ZTO", "0", "2"]
        assert rows[-1][0] == "Total" and rows[-1][2] == str(expected["totals"]["checked_in"]) == "3"
        assert rows[-1][-1] == "1.30"  # 50 + 2 x 40 cents
        status = str(screen.query_one("#rp-status", Static).render())
        assert "Balanced" in status and "Not closed" in status


@pytest.mark.first_mode("reports")
async def test_the_days_hint_is_said_through_the_catalogue(
    app: StationApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chinese keeps the format as written, as Parcels' 起 YYYY-MM-DD does; the hint is the catalogue's,
    so a translator who words it otherwise is read."""
    assert catalog("zh")["YYYY-MM-DD"] == "YYYY-MM-DD"
    monkeypatch.setitem(catalog("zh"), "YYYY-MM-DD", "年-月-日")
    set_language("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        assert screen.query_one("#rp-day", Input).placeholder == "年-月-日"


LONG = "[/]极长名字快递[b]国际物流"  # a Label name at its limit: brackets and CJK, data never markup


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("reports")
async def test_a_summary_lines_figures_stay_with_their_words_at_120_and_80_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    """'... not in the directory 3; 0' then 'held without consent' on the next line read as nothing."""
    seed(station)
    directory.add(station, {"name": "张三", "building": "A3", "room": "502", "phones": "13812345678"})
    set_language(lang)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        widget = screen.query_one("#rp-summary", Static)
        await quiet.until(pilot, lambda: screen.report is not None and "\n" in str(widget.render()))
        assert screen.report is not None
        line = next(
            t for t in summary.summary_lines(screen.report) if "without consent" in t or "未经同意" in t
        )
        clauses = [c for c in re.split(r", |; |: |，|；|：", line) if display_width(c) <= 30]
        assert len(clauses) >= 7
        for width, height in ((120, 40), (80, 24)):
            await quiet.resize(pilot, width, height, routers=False)
            wrapped = widget.render().wrap(widget.content_region.width)  # type: ignore[union-attr]
            shown = [row.plain.replace("\u00a0", " ") for row in wrapped]
            parted = [c for c in clauses if not any(c in row for row in shown)]
            assert parted == [], (width, shown)


@pytest.mark.parametrize(("lang", "total"), [("en", "Total"), ("zh", "合计")])
@pytest.mark.parametrize("size", [(160, 45), (100, 30)])
@pytest.mark.first_mode("reports")
async def test_reports_mode_names_each_carrier_as_the_lists_do(
    app: StationApp, station: Station, lang: str, total: str, size: tuple[int, int]
) -> None:
    seed(station)
    update_carrier(station, "SF", {"short_name": "顺丰"})
    update_carrier(station, "ZTO", {"short_name": LONG})
    set_language(lang)
    async with app.run_test(size=size) as pilot:
        screen = await open_reports(app, pilot)
        table = screen.query_one("#rp-table", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["顺丰", LONG, total]
        assert table.columns[table.ordered_columns[0].key].get_render_width(table) >= display_width(LONG)
        chart = Console(width=size[0], record=True)
        chart.print(screen.query_one("#rp-chart", Static).content)
        names = [line.split()[0] for line in chart.export_text().splitlines() if line.strip()]
        assert names == [LONG, "顺丰"]  # the week's bars too, busiest first


@pytest.mark.first_mode("reports")
async def test_export_keys_write_the_files_into_the_stations_data_folder(
    app: StationApp, station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not into the folder the console was started in; the folder is made, the files named by the day and
    the counter (test-counter: every counter of this PC shares the folder), and the toast names it whole."""
    seed(station)
    started_in = tmp_path / "started-here"
    started_in.mkdir()
    monkeypatch.chdir(started_in)
    folder = Path(os.environ["XDG_DATA_HOME"]) / "station-console" / "reports"
    assert not folder.exists()
    async with app.run_test(size=(140, 45)) as pilot:
        await open_reports(app, pilot)
        for key in ("f9", "f10", "f11"):
            await quiet.press(pilot, key)
        await quiet.settle(pilot)
        said = [str(n.message) for n in app._notifications]
    named = f"report-{station.business_day().isoformat()}-test-counter"
    assert (folder / f"{named}.pdf").read_bytes().startswith(b"%PDF")
    assert "ZTO" in (folder / f"{named}.csv").read_text()
    assert '"balanced": true' in (folder / f"{named}.json").read_text()
    assert list(started_in.iterdir()) == []
    assert f"Wrote {folder / f'{named}.pdf'}" in said


def test_week_chart_bars_scale_with_volume() -> None:
    from datetime import date

    from rich.console import Console

    from station_console.tui.screens.reports import volume_chart

    console = Console(width=80, record=True)
    console.print(
        volume_chart(
            {date(2026, 11, 24): {"ZTO": 30, "SF": 5}, date(2026, 11, 25): {"ZTO": 10}},
            {"carrier_names": {"ZTO": "中通"}},
            width=40,
        )
    )
    lines = {line.split()[0]: line for line in console.export_text().splitlines() if line.strip()}
    assert lines["中通"].count("█") == 40 and lines["中通"].rstrip().endswith("40")  # named as on the lists
    assert lines["SF"].count("█") == 5 and list(lines)[0] == "中通"  # busiest first; no name: its code


@pytest.mark.first_mode("reports")
async def test_refresh_reads_the_report_once_the_database_is_back(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports opened while the server was gone knew no day: Ctrl+R asks which day it is again."""
    from station_console.errors import DatabaseUnavailable
    from tui.quiet import until

    seed(station)
    gone = [True]
    business_day = station.business_day

    def flaky(*args: object, **kwargs: object) -> object:
        if gone[0]:
            raise DatabaseUnavailable("The database server cannot be reached.")
        return business_day(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(station, "business_day", flaky)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_reports(app, pilot)
        status = screen.query_one("#rp-status", Static)
        await until(pilot, lambda: "cannot be reached" in said(status), what="the fault shown")
        assert screen.day is None and screen.query_one("#rp-table", DataTable).row_count == 0
        gone[0] = False
        await quiet.press(pilot, "ctrl+r")
        await until(pilot, lambda: "Balanced" in said(status), what="the report read again")
        assert screen.day is not None
        assert screen.query_one("#rp-table", DataTable).row_count > 0


@pytest.mark.first_mode("checkin")
async def test_keys_that_need_the_figures_pressed_while_they_load_say_so(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F6 and at once F12 (or an export key): the day's figures are still being read; the key says so
    and opens nothing, and once they show F12 asks about them."""
    from station_console.tui.screens import reports_calls
    from tui.test_saving_screens import held_back

    seed(station)
    station.clerk_role = "manager"
    release, calls = held_back(monkeypatch, reports_calls, "read_report")
    async with app.run_test(size=(140, 45)) as pilot:
        try:
            await quiet.press(pilot, "f6", "f12", "f9", leave_running=["run"])
            await quiet.until(pilot, lambda: calls, what="the report's read sent")
            said = [str(n.message) for n in app._notifications]
            still = "One moment: the day's figures are still being read. Press the key again once they show."
            assert said == [still, still]
            assert isinstance(app.screen, ReportsScreen)  # no question over figures not shown
        finally:
            release.set()
        await settle(app, pilot)
        await quiet.press(pilot, "f12")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmClose)


@pytest.mark.first_mode("reports")
async def test_the_days_keys_stop_at_today_and_at_the_stations_first_day(
    app: StationApp, station: Station
) -> None:
    """F8 past today and F7 before the first day showed "Balanced · Not closed" for days nothing could
    happen on (and F9 wrote their PDF): a day not begun has no report, and before the first day there
    is nothing to show."""
    seed(station)  # the station's first day is today, 2026-11-25
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        await settle(app, pilot)
        status = screen.query_one("#rp-status", Static)
        field = screen.query_one("#rp-day", Input)
        await quiet.press(pilot, "f8")
        await settle(app, pilot)
        assert "No later day: 2026-11-25 is today" in said(status)
        assert screen.day is not None and screen.day.isoformat() == field.value == "2026-11-25"
        await quiet.press(pilot, "f7")
        await settle(app, pilot)
        assert "No earlier day: the station's first day is 2026-11-25." in said(status)
        assert screen.day.isoformat() == field.value == "2026-11-25"
        field.focus()
        field.value = ""
        await quiet.press(pilot, *"2026-11-30", "enter")
        await settle(app, pilot)
        assert "2026-11-30 has not begun: today is 2026-11-25." in said(status)
        assert screen.report is not None and screen.report["date"] == "2026-11-25"
        field.value = ""  # typed, a day before the first reads as what it is
        await quiet.press(pilot, *"2026-11-20", "enter")
        await settle(app, pilot)
        shown = said(status)
        assert "No activity: the station's first day is 2026-11-25." in shown and "Balanced" not in shown
        summary = str(screen.query_one("#rp-summary", Static).render()).replace(
            "\xa0", " "
        )  # clauses kept whole
        assert "No activity: the station's first day is 2026-11-25." in summary and "Balanced" not in summary


@pytest.mark.first_mode("reports")
async def test_f7_on_a_station_with_nothing_recorded_stops_at_today(app: StationApp) -> None:
    """With nothing recorded there is no first day, and F7 walked back for ever through days nothing
    could happen on: today is then the first day a report can show, said as at the first day."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        await settle(app, pilot)
        status = screen.query_one("#rp-status", Static)
        field = screen.query_one("#rp-day", Input)
        await quiet.press(pilot, "f7")
        await settle(app, pilot)
        assert "No earlier day: the station's first day is 2026-11-25." in said(status)
        assert screen.day is not None and screen.day.isoformat() == field.value == "2026-11-25"
        assert screen.report is not None and screen.report["date"] == "2026-11-25"


@pytest.mark.first_mode("reports")
async def test_a_day_on_a_station_with_nothing_recorded_says_no_activity_not_balanced(
    app: StationApp,
) -> None:
    """Its zeros read "Balanced" on the status line and in the summary, as a day checked and found right."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        await settle(app, pilot)
        status = str(screen.query_one("#rp-status", Static).render())
        summary = str(screen.query_one("#rp-summary", Static).render()).replace(
            "\xa0", " "
        )  # clauses kept whole
        assert "No activity: nothing is recorded on this station yet." in status and "Balanced" not in status
        assert "No activity: nothing is recorded on this station yet." in summary
        assert "Balanced" not in summary


@pytest.mark.first_mode("reports")
async def test_f8_reaches_the_day_begun_at_midnight_while_the_screen_was_open(
    app: StationApp, station: Station, clock: Any
) -> None:
    """The bound F8 stops at is today as the last read found it: past the station's midnight, with
    nothing heard since, F8 said 'No later day: 2026-11-25 is today' on the 26th, and the typed 26th
    was refused as not begun."""
    seed(station)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        await settle(app, pilot)
        assert screen.days is not None and screen.days.today.isoformat() == "2026-11-25"
        clock.advance(hours=22)  # 10:00 station time (UTC+8) on the 25th: 08:00 on the 26th
        await quiet.press(pilot, "f8")
        await settle(app, pilot)
        assert screen.report is not None and screen.report["date"] == "2026-11-26"
        assert screen.query_one("#rp-day", Input).value == "2026-11-26"


@pytest.mark.parametrize(
    ("lang", "refusal"),
    [("en", "This field takes digits and hyphens only."), ("zh", "此栏只能输入数字和连字符（-）。")],
)
@pytest.mark.first_mode("reports")
async def test_a_key_the_day_field_does_not_take_is_refused_with_a_word(
    app: StationApp, lang: str, refusal: str
) -> None:
    """A letter or `[/]` went into the day and was refused only at Enter, as a date not understood: the
    field takes a day's digits and hyphens, says so at the key as the other restricted fields do (once
    for a burst), and reads an input method's full-width digits as the day they mean."""
    set_language(lang)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        await settle(app, pilot)
        field = screen.query_one("#rp-day", Input)
        field.focus()
        field.value = ""
        await quiet.press(pilot, "a", "left_square_bracket", "slash", "right_square_bracket")
        await settle(app, pilot)
        assert field.value == ""
        assert [n.message for n in app._notifications] == [refusal]
        field.insert_text_at_cursor("２０２６－１１－２５")  # as an input method in full-width mode types it
        assert field.value == "2026-11-25"


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("reports")
async def test_the_figures_line_up_on_the_right_as_on_the_paper(
    app: StationApp, station: Station, lang: str, size: tuple[int, int]
) -> None:
    """Counts and fees end where their heading ends, as the PDF and the text export put them: left-aligned,
    1 stood over the 2 of 25 and 0.50 over the 1 of 10.00, the points of the fees apart. At 80 columns
    the English headings take two lines, so the fees are drawn whole, not past the edge."""
    from station_console.services.checkin.transaction import check_in
    from tui.drawn_text import drawn_rows

    check_in(station, "SF1000000000001", batch="SF", phone="13812345678")
    for n in range(25):  # 25 x 40 cents: ten yuan, a fee two cells wider than the SF row's
        check_in(station, f"731000000000{n:02d}", batch="ZTO", phone="5678")
    set_language(lang)
    async with app.run_test(size=size) as pilot:
        screen = await open_reports(app, pilot)
        table = screen.query_one("#rp-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 3, what="the report's rows")
        await settle(app, pilot)
        rows = [line.rstrip() for line in drawn_rows(app, table) if line.strip()]
    first = next(n for n, row in enumerate(rows) if row.split()[0] == "SF")
    headings, (sf, zto, total) = rows[:first], rows[first : first + 3]
    assert zto.split()[0] == "ZTO" and total.split()[0] in ("Total", "合计")
    assert len(headings) == (2 if (lang, size) == ("en", (80, 24)) else 1), rows
    ends = {
        row: [display_width(row[: m.end()]) for m in re.finditer(r"\S+", row)] for row in (sf, zto, total)
    }
    assert [row.split()[1:] for row in (sf, zto, total)] == [
        ["0", "1", "0", "0", "0", "1", "0.50"],
        ["0", "25", "0", "0", "0", "25", "10.00"],
        ["0", "26", "0", "0", "0", "26", "10.50"],
    ], rows
    assert ends[sf][1:] == ends[zto][1:] == ends[total][1:], rows
    # Each heading over its figures ends where they end (its words may start further left), whole.
    assert all(display_width(line) == display_width(sf) for line in headings), rows
    said = " ".join(" ".join(line.split()) for line in headings)
    assert ("Delivery" in said and "fees" in said) if lang == "en" else "派费" in said, rows


@pytest.mark.first_mode("reports")
async def test_a_resize_that_breaks_the_headings_keeps_the_managers_row(
    app: StationApp, station: Station
) -> None:
    """Across 80 columns the table is built again (its headings on one line or two): the cursor stays on
    the carrier the manager was reading, not the top row."""
    seed(station)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_reports(app, pilot)
        table = screen.query_one("#rp-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 3)
        table.move_cursor(row=1)
        for width, height, header in ((80, 24, 2), (160, 45, 1)):
            await quiet.resize(pilot, width, height, routers=False)
            assert table.header_height == header  # built again
            assert str(table.get_row_at(table.cursor_row)[0]) == "ZTO", (width, table.cursor_row)
