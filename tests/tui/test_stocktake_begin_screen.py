"""Stocktake begun from the shelf map, paused and resumed: what it says it counts, a paused stocktake of
another layer of the shelf resumed only when the clerk says so, Esc pausing and F8 resuming, and a mode key pressed before
the pause is written."""

from __future__ import annotations

import time
from typing import Any

import pytest
from textual.widgets import Input, Static

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake
from station_console.services.exceptions.stocktake_begun_words import resumed_line
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.stocktake import StocktakeScreen, counts_head
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import begin_stocktake_typed, open_shelves, settle
from tui.test_type_ahead import send_paste


def test_a_stocktake_says_which_shelf_or_layer_it_counts(station: Station) -> None:
    place(station, wb(1), "3-2")
    place(station, wb(2), "1-1")
    whole, layer = stocktake.start(station, "3"), stocktake.start(station, "1-1")
    assert counts_head(whole) == "Stocktake 1 of shelf 3: "  # it read "Stocktake 1 3:"
    assert resumed_line(layer) == "Resumed stocktake 2 of layer 1-1"
    set_language("zh")
    try:
        assert (counts_head(whole), counts_head(layer)) == ("盘库 1（3号货架）：", "盘库 2（1-1 层）：")
        assert resumed_line(whole) == "已继续3号货架的盘库 1"
    finally:
        set_language("en")


@pytest.mark.first_mode("shelves")
async def test_another_layer_typed_asks_before_the_shelfs_unfinished_stocktake_is_resumed(
    app: StationApp, station: Station
) -> None:
    """1-1's stocktake was paused; the clerk typed 1-2. The screen resumed 1-1's and said so on its line,
    which the first scan's finding overwrote: a hurried clerk counted 1-2's parcels as 'wrong layer,
    found on 1-1'. Now nothing is resumed until asked: a hurried Enter (or Esc) goes back, resuming
    nothing; Y resumes 1-1's, whose scope the scan field and the counts then name."""
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-2")
    paused = stocktake.start(station, "1-1")
    stocktake.pause(station, paused.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await begin_stocktake_typed(app, pilot, "1-2")
        assert isinstance(app.screen, ConfirmDialog)
        asked = app.screen.query_one(".dialog-title").render()
        assert str(asked) == "Stocktake 1 of layer 1-1 is not finished. Count layer 1-1 now, not layer 1-2?"
        await quiet.press(pilot, "enter")  # hurried: No has the focus
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StocktakeScreen) and screen.take is None
        assert screen.query_one("#st-scan", Input).disabled
        assert str(screen.query_one("#st-last").render()) == (
            "Stocktake 1 of layer 1-1 was not resumed, and nothing is counted. Type 1-1 to go on with it, "
            "or close it first to count layer 1-2."
        )
        assert stocktake.view(station, paused.id).status == "paused"
        screen.query_one("#st-scope", Input).focus()
        await quiet.press(pilot, "enter", "y")
        await settle(pilot)
        assert app.screen is screen and screen.take is not None and screen.take.id == paused.id
        assert str(screen.query_one("#st-last").render()) == "Resumed stocktake 1 of layer 1-1"
        assert "1-1" in screen.query_one("#st-scan", Input).placeholder
        assert screen.query_one("#st-scope", Input).value == "1-1"  # it kept 1-2, dimmed, over 1-1's count
        screen.query_one("#st-scan", Input).value = wb(1)
        await quiet.press(pilot, "enter")
        await settle(pilot)
    taken = stocktake.view(station, paused.id)
    assert taken.status == "open" and [i.waybill for i in taken.items["match"]] == [wb(1)]
    assert [t.id for t in stocktake.unfinished(station)] == [paused.id]


@pytest.mark.first_mode("shelves")
async def test_a_layer_typed_on_a_shelf_counted_whole_is_counted_in_it_as_the_layer_scanned_now(
    app: StationApp, station: Station
) -> None:
    """Shelf 1's whole stocktake was paused; the clerk typed 1-2. Resumed with a toast and an empty
    'Layer scanned now', 1-2's parcels were counted as found on shelf 1 on no layer. The line says
    1-2 is counted in shelf 1's stocktake, and the layer is filled in, so its parcels match."""
    place(station, wb(1), "1-2")
    paused = stocktake.start(station, "1")
    stocktake.pause(station, paused.id)
    async with app.run_test(size=(160, 45)) as pilot:
        await begin_stocktake_typed(app, pilot, "1-2")
        assert str(app.screen.query_one("#st-last").render()) == (
            "Stocktake 1 of shelf 1 is not finished, so layer 1-2 is counted in it, not in a new stocktake: "
            "two stocktakes of one shelf would count the same parcels. The layer scanned now is set to 1-2."
        )
        assert app.screen.query_one("#st-layer", Input).value == "1-2"
        assert app.screen.query_one("#st-scope", Input).value == "1"  # the stocktake's; 1-2 the layer's
        app.screen.query_one("#st-scan", Input).value = wb(1)
        await quiet.press(pilot, "enter")
        await settle(pilot)
    (found,) = stocktake.view(station, paused.id).items["match"]
    assert (found.waybill, found.found) == (wb(1), "1-2")
    set_language("zh")
    try:
        from station_console.services.exceptions.stocktake_begun_words import resumed_other_line

        begun = stocktake.begin(station, "1-3")
        assert resumed_other_line(begun) == (
            "1号货架的盘库 1 尚未结束，因此 1-3 层在该盘库中清点，不新开盘库：同一货架同时进行两次盘库会重复清点同一批包裹。"
            "当前扫描的层已设为 1-3。"
        )
    finally:
        set_language("en")


@pytest.mark.first_mode("shelves")
async def test_escape_pauses_and_the_same_shelf_resumes(app: StationApp, station: Station) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        await quiet.press(pilot, "escape")
        await settle(pilot)
        assert stocktake.view(station, 1).status == "paused"
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        assert stocktake.view(station, 1).status == "open"
        assert not app.screen.query_one("#st-scan", Input).disabled
        assert str(app.screen.query_one("#st-last").render()) == "Resumed stocktake 1 of layer 1-1"


@pytest.mark.first_mode("shelves")
async def test_a_mode_key_before_the_pause_is_written_leaves_the_console_running(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc pauses the stocktake in a worker, and its answer closed the top screen: after F2 that was
    Pickup's only one, and the console stopped with ScreenStackError. A second Esc paused twice."""
    import threading

    from station_console.tui.screens import stocktake as stocktake_screen

    place(station, wb(1), "1-1")
    written = threading.Event()
    pauses: list[int] = []
    pause = stocktake.pause

    def slow_pause(station: Station, stocktake_id: int) -> Any:
        pauses.append(stocktake_id)
        written.wait(quiet.TIMEOUT)  # set by the test once F2 is handled
        return pause(station, stocktake_id)

    monkeypatch.setattr(stocktake_screen.stocktake, "pause", slow_pause)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        taking = app.screen
        quiet.send_key(app, "escape")
        quiet.send_key(app, "escape")
        await quiet.until(pilot, lambda: pauses)
        quiet.send_key(app, "f2")
        await quiet.until(pilot, lambda: app.current_mode == "pickup")
        written.set()
        await settle(pilot)
        assert app.is_running and app.current_mode == "pickup" and len(app.screen_stack) == 1
        assert pauses == [1] and stocktake.view(station, 1).status == "paused"
        await quiet.press(pilot, "f4")  # the stocktake is where the clerk left it; Esc closes it
        assert app.screen is taking
        await quiet.press(pilot, "escape")
        assert app.current_mode == "shelves" and app.screen is not taking and pauses == [1]


@pytest.mark.first_mode("shelves")
async def test_a_layer_typed_before_a_layer_stocktake_began_is_cleared_not_held_in_a_dimmed_field(
    app: StationApp, station: Station
) -> None:
    """'Layer scanned now' takes a layer before the stocktake begins; 2 typed there, then 1-1 begun:
    the field was dimmed still showing 2, and every scan was sent as found on layer 2, a layer this
    stocktake does not count, with no way left to clear it. It is emptied, so the scans count on 1-1."""
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8")
        await settle(pilot)
        app.screen.query_one("#st-layer", Input).value = "2"
        app.screen.query_one("#st-scope", Input).value = "1-1"
        app.screen.query_one("#st-scope", Input).focus()
        await quiet.press(pilot, "enter")
        await settle(pilot)
        field = app.screen.query_one("#st-layer", Input)
        assert field.disabled and field.value == ""
        app.screen.query_one("#st-scan", Input).value = wb(1)
        await quiet.press(pilot, "enter")
        await settle(pilot)
    (found,) = stocktake.view(station, 1).items["match"]
    assert (found.waybill, found.found) == (wb(1), "1-1")


@pytest.mark.first_mode("shelves")
async def test_escape_while_the_close_is_on_its_way_pauses_nothing(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc pressed behind the close's Enter sent a pause while the close was written: the trail read
    'paused' just before 'closed', and a pause written first left the screen before the close's answer
    (where to put a put-back parcel) came. The close on its way is said, and nothing is paused."""
    import threading

    from station_helpers import events

    from station_console.services.exceptions import stocktake_close
    from station_console.tui.screens import stocktake as stocktake_screen

    place(station, wb(1), "1-1")
    written = threading.Event()
    close = stocktake_close.close

    def slow_close(*args: Any, **kwargs: Any) -> Any:
        written.wait(quiet.TIMEOUT)  # set by the test once Esc is handled
        return close(*args, **kwargs)

    monkeypatch.setattr(stocktake_screen.stocktake_close, "close", slow_close)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        taking = app.screen
        await quiet.press(pilot, "f8")
        quiet.send_key(app, "enter")
        await quiet.until(pilot, lambda: app.screen is taking)
        quiet.send_key(app, "escape")
        said = taking.query_one("#st-last")
        await quiet.until(pilot, lambda: "still on its way" in str(said.render()))
        assert app.screen is taking
        written.set()
        await settle(pilot)
        assert app.screen is not taking
    assert stocktake.view(station, 1).status == "closed"
    assert events(station, "stocktake_paused") == []


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_findings_fit_an_80_column_screen_whole(
    app: StationApp, station: Station, lang: str
) -> None:
    """At 80x24 the last column, who scanned each parcel at which counter, was cut ("demo-manager（co").
    Every column fits now: a scan at this counter names its clerk alone; one from another counter,
    too long for the room left, is cut with an ellipsis that shows it is."""
    from dataclasses import replace

    from textual.widgets import DataTable

    from station_console.i18n import _
    from station_console.tui.screens.stocktake_table import COLUMNS

    place(station, wb(1), "1-1")
    place(station, wb(2), "1-2")
    take = stocktake.start(station, "1")
    stocktake.scan(station, take.id, wb(1), layer="1")
    stocktake.scan(
        replace(station, counter="the-counter-by-the-back-door", _cached=None), take.id, wb(2), layer="2"
    )
    stocktake.pause(station, take.id)
    set_language(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await begin_stocktake_typed(app, pilot, "1")
        table = app.screen.query_one("#st-items", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 2, what="the findings listed")
        await settle(pilot)
        assert [str(column.label) for column in table.columns.values()] == [_(name) for name in COLUMNS]
        drawn = sum(column.get_render_width(table) for column in table.columns.values())
        assert drawn <= table.size.width - 2  # the scrollbar's room kept
        by = {str(table.get_row_at(row)[1]): str(table.get_row_at(row)[-1]) for row in range(2)}
        clerk = by[wb(1)]
        assert clerk and " " not in clerk and "（" not in clerk  # the clerk alone, whole
        assert by[wb(2)].startswith(clerk) and by[wb(2)].endswith("…")


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize(
    ("typed", "asked", "later", "kept"),
    [
        ("1-2", "而不是 1-2 层？", "因此 1-2 层要等", "如需盘点 1-2 层，"),
        ("1", "而不是1号货架？", "因此1号货架要等", "如需盘点1号货架，"),
    ],
)
async def test_the_chinese_resume_question_spaces_a_layer_and_a_shelf_as_the_catalogue_does(
    app: StationApp, station: Station, typed: str, asked: str, later: str, kept: str
) -> None:
    """Chinese writes "盘点 1-1 层" with a space before the layer and "3号货架" with none: the question
    read "而不是1-2 层" beside "盘点 1-1 层" in the same sentence. Each reads as the catalogue writes it."""
    place(station, wb(1), "1-1")
    stocktake.pause(station, stocktake.start(station, "1-1").id)
    set_language("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await begin_stocktake_typed(app, pilot, typed)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        said = " ".join(str(part.render()) for part in dialog.query(Static))
        assert "现在盘点 1-1 层，" + asked in said and later in said
        await quiet.press(pilot, "enter")  # No
        await settle(pilot)
        assert kept in str(app.screen.query_one("#st-last").render())


@pytest.mark.first_mode("shelves")
async def test_a_waybill_pasted_right_behind_the_scopes_enter_goes_to_the_scan_field(
    app: StationApp, station: Station
) -> None:
    """The first parcel's waybill pasted at once behind the shelf's Enter went into the shelf field, all
    of it selected, and the stocktake begun wrote its scope over it: the paste was lost unsaid. It goes to
    the scan field that Enter leads to, for the clerk's Enter to count."""
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8")
        await settle(pilot)
        app.screen.query_one("#st-scope", Input).value = "1"
        at = time.monotonic()
        quiet.send_key(app, "enter", at=at)
        send_paste(app, wb(1), at=at)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StocktakeScreen) and screen.take is not None
        scan = screen.query_one("#st-scan", Input)
        assert app.focused is scan and scan.value == wb(1)
        assert screen.query_one("#st-scope", Input).value == "1"
        await quiet.press(pilot, "enter")
        await settle(pilot)
    assert [i.waybill for i in stocktake.view(station, screen.take.id).items["match"]] == [wb(1)]


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize("typed", [False, True], ids=["pasted", "typed"])
async def test_a_waybill_behind_the_scopes_enter_that_starts_with_the_scope_goes_whole_to_the_scan_field(
    app: StationApp, station: Station, typed: bool
) -> None:
    """Shelf 1, Enter, and a UPS number pasted (or typed) at once: it starts with the shelf's own `1`.
    What came in behind the Enter was told by taking the shelf off the front of the shelf field, so the
    scan field got `Z999AA10123456784`. It waits behind the clerk's Enter for the stocktake to begin."""
    ups = "1Z999AA10123456784"
    place(station, ups, "1-1", carrier="UPS")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8")
        await settle(pilot)
        app.screen.query_one("#st-scope", Input).value = "1"
        at = time.monotonic()
        quiet.send_key(app, "enter", at=at)
        if typed:  # at a person's pace, the first key deciding the Enter as the clerk's
            for i, char in enumerate(ups, start=1):
                quiet.send_key(app, char, at=at + 0.15 * i)
        else:
            send_paste(app, ups, at=at)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StocktakeScreen) and screen.take is not None
        scan = screen.query_one("#st-scan", Input)
        assert app.focused is scan and scan.value == ups
        assert screen.query_one("#st-scope", Input).value == "1"
        await quiet.press(pilot, "enter")
        await settle(pilot)
    assert [i.waybill for i in stocktake.view(station, screen.take.id).items["match"]] == [ups]


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_parcel_not_on_record_leaves_every_heading_and_the_clerks_name_whole_at_80_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    """A parcel not on record (its status said "not on record") widened the table at 80x24 in English until
    the Scanned by column was cut with an ellipsis: every column fits whole now, the clerk named whole."""
    from textual.widgets import DataTable

    from station_console.i18n import _
    from station_console.tui.screens.stocktake_table import COLUMNS

    place(station, wb(1), "1-1")
    take = stocktake.start(station, "1")
    stocktake.scan(station, take.id, wb(1), layer="1")
    stocktake.scan(station, take.id, wb(7), layer="1")  # never checked in here
    clerk = stocktake.view(station, take.id).items["match"][0].scanned_by
    assert stocktake.view(station, take.id).items["extra"][0].status is None  # not on record
    stocktake.pause(station, take.id)
    set_language(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await begin_stocktake_typed(app, pilot, "1")
        table = app.screen.query_one("#st-items", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 2, what="the findings listed")
        await settle(pilot)
        assert [str(column.label) for column in table.columns.values()] == [_(name) for name in COLUMNS]
        assert all(column.content_width >= column.label.cell_len for column in table.columns.values())
        drawn = sum(column.get_render_width(table) for column in table.columns.values())
        assert drawn <= table.size.width - 2  # the scrollbar's room kept
        rows = [[str(cell) for cell in table.get_row_at(row)] for row in range(2)]
        assert clerk and {row[-1] for row in rows} == {clerk}, rows  # whole, no ellipsis
        assert not any(cell.endswith("…") for row in rows for cell in row), rows


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_an_outgoing_send_found_leaves_every_heading_and_the_clerks_name_whole_at_80_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    """An outgoing send found on the shelf said "outgoing send, waiting for its courier" (38 characters),
    which pushed the Scanned by column out of the table at 80x24: its status is short now, and says it."""
    from sendout_helpers import send, sf
    from textual.widgets import DataTable

    from station_console.i18n import _
    from station_console.tui.screens.stocktake_table import COLUMNS

    place(station, wb(1), "1-1")
    send(station, sf(1))
    take = stocktake.start(station, "1")
    stocktake.scan(station, take.id, wb(1), layer="1")
    stocktake.scan(station, take.id, sf(1), layer="1")
    clerk = stocktake.view(station, take.id).items["match"][0].scanned_by
    assert [i.outgoing_send for i in stocktake.view(station, take.id).items["extra"]] == [True]
    stocktake.pause(station, take.id)
    set_language(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await begin_stocktake_typed(app, pilot, "1")
        table = app.screen.query_one("#st-items", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 2, what="the findings listed")
        await settle(pilot)
        assert [str(column.label) for column in table.columns.values()] == [_(name) for name in COLUMNS]
        drawn = sum(column.get_render_width(table) for column in table.columns.values())
        assert drawn <= table.size.width - 2  # the scrollbar's room kept
        rows = {str(table.get_row_at(row)[1]): [str(c) for c in table.get_row_at(row)] for row in range(2)}
        assert rows[sf(1)][4] == {"en": "for courier", "zh": "寄件待揽收"}[lang]
        assert clerk and {row[-1] for row in rows.values()} == {clerk}, rows  # whole, no ellipsis
        assert not any(cell.endswith("…") for row in rows.values() for cell in row), rows
