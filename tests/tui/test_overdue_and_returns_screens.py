"""Shelves mode's overdue list, problems and return batches: the bands and ages, a batch put together,
signed for and closed, and what each key says before a batch is shown."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.tui.app import StationApp
from tui import quiet
from tui.shelf_data import place, wb
from tui.shelves_driver import open_shelves, settle


@pytest.mark.first_mode("shelves")
async def test_overdue_problems_and_returns_screens(app: StationApp, station: Station, clock) -> None:
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))  # a return candidate
    place(station, wb(2), "1-2", at=clock.now - timedelta(hours=50))  # amber
    place(station, wb(3), "1-3")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        table = app.screen.query_one("#od-table", DataTable)
        assert table.row_count == 2
        await quiet.press(pilot, "f8", "f9")  # select return candidates, put them in a batch
        await settle(pilot)
        assert app.screen.query_one("#ret-items", DataTable).row_count == 1
        await quiet.press(pilot, "f7")  # print the manifest: this counter has no printer that could
        await settle(pilot)
        assert "No printer is configured" in str(app.screen.query_one("#ret-status").render())
        app.screen.query_one("#ret-signer", Input).value = "Wang"
        await quiet.yes_to(pilot, "f8")
        await settle(pilot)
        assert "closed" in str(app.screen.query_one("#ret-status").render())
        await quiet.press(pilot, "escape", "f11")
        await settle(pilot)
        app.screen.query_one("#pr-parcel", Input).value = wb(3)
        app.screen.query_one("#pr-kind", Select).value = "damaged"
        app.screen.query_one("#pr-note", Input).value = "crushed corner"
        await quiet.press(pilot, "f7")
        await settle(pilot)
        assert app.screen.query_one("#pr-table", DataTable).row_count == 1
    from tui.shelf_data import location_of

    assert location_of(station, wb(1)) is None  # returned
    assert problems.list_problems(station)[0].waybill == wb(3)


@pytest.mark.first_mode("shelves")
async def test_f9_on_a_parcel_not_yet_a_return_candidate_asks_before_it_goes_in_a_batch(
    app: StationApp, station: Station, clock
) -> None:
    from sqlmodel import select

    from db.models import ReturnBatch
    from station_console.tui.screens.confirm_dialog import ConfirmDialog

    place(station, wb(1), "1-1", at=clock.now - timedelta(hours=80))  # red, not a return candidate

    def batches() -> int:
        with station.read() as session:
            return len(session.exec(select(ReturnBatch)).all())

    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        await quiet.press(pilot, "f9")  # nothing chosen: the highlighted parcel
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        said = f"{app.screen.question}\n{app.screen.body}"
        assert f"{wb(1)}: on the shelf 3 d 8 h, not yet a return candidate" in said
        await quiet.press(pilot, "n")
        await settle(pilot)
        assert app.screen.query_one("#od-table", DataTable).row_count == 1  # still the overdue list
        assert batches() == 0
        await quiet.press(pilot, "f9", "y")
        await settle(pilot)
        assert app.screen.query_one("#ret-items", DataTable).row_count == 1
        assert batches() == 1
        # The Yes is the clerk's word that it was recalled: its reason, on the manifest.
        assert [(r.waybill, r.problem_kind) for r in problems.list_problems(station)] == [(wb(1), "recalled")]


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize(
    ("lang", "keys", "not_started"),
    [
        ("en", "Y: yes · N, Esc or Enter: no", "Not started: no return batch."),
        ("zh", "Y：是 · N、Esc 或回车：否", "未开始：没有建立退回批次。"),
    ],
)
async def test_a_hurried_enter_on_the_early_return_question_says_no_batch_was_started(
    app: StationApp, station: Station, clock, lang: str, keys: str, not_started: str
) -> None:
    """The question shows its keys; Enter (No has the focus) answers no, and the overdue list says
    that no batch was started instead of changing nothing unseen."""
    from sqlmodel import select

    from db.models import ReturnBatch
    from station_console.tui.screens.confirm_dialog import ConfirmDialog

    set_language(lang)
    place(station, wb(1), "1-1", at=clock.now - timedelta(hours=80))  # red, not a return candidate
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        await quiet.press(pilot, "f9")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        shown = [str(w.render()) for w in app.screen.query(".form-keys")]
        assert shown == [keys]
        await quiet.press(pilot, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert app.screen.query_one("#od-table", DataTable).row_count == 1
        assert [str(n.message) for n in app._notifications] == [not_started]
    with station.read() as session:
        assert session.exec(select(ReturnBatch)).all() == []


@pytest.mark.first_mode("shelves")
async def test_returns_say_how_to_start_and_the_batch_state_in_chinese(
    app: StationApp, station: Station
) -> None:
    set_language("zh")
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9")
        await settle(pilot)
        status = app.screen.query_one("#ret-status")
        for key in ("f8", "f7", "tab", "enter"):  # keys before any batch: each says what to do
            app.screen.query_one("#ret-status").update("")  # type: ignore[attr-defined]
            await quiet.press(pilot, key)
            await settle(pilot)
            if key != "tab":
                assert "请先打开批次" in str(status.render()), key
        assert app.screen.query_one("#ret-carrier", Input).has_focus
        await quiet.press(pilot, *"JT", "enter")
        await settle(pilot)
        shown = str(status.render())
        assert "进行中" in shown and "open" not in shown


@pytest.mark.first_mode("shelves")
async def test_returns_empty_list_takes_no_focus_and_the_courier_fields_enter_names_the_carrier(
    app: StationApp, station: Station
) -> None:
    """Shift+Tab from the carrier went to the empty list, where Enter and letters did nothing; Enter in
    the courier's name, the carrier typed and not sent, asked the clerk to type the carrier."""
    place(station, wb(1), "1-1", problem_kind="refused")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9")
        await settle(pilot)
        carrier = app.screen.query_one("#ret-carrier", Input)
        assert carrier.has_focus
        await quiet.press(pilot, "shift+tab")
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#ret-signer", Input)
        await quiet.press(pilot, "shift+tab", *"jt", "tab", "enter")
        await settle(pilot)
        said = str(app.screen.query_one("#ret-status").render())
        assert said == "Open the batch first: Enter in Carrier opens the JT batch." and carrier.has_focus
        await quiet.press(pilot, "enter", *wb(1), "enter")  # the batch, and a parcel in its list
        await settle(pilot)
        table = app.screen.query_one("#ret-items", DataTable)
        assert table.row_count == 1 and table.can_focus


@pytest.mark.first_mode("shelves")
async def test_a_carrier_of_marks_alone_is_said_as_such_not_as_empty(
    app: StationApp, station: Station
) -> None:
    """`[/]` typed as the carrier said "Carrier is empty." though the clerk typed something: it says
    the carrier has no letters or digits and what to type, and opens no batch."""
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f9")
        await settle(pilot)
        carrier = app.screen.query_one("#ret-carrier", Input)
        carrier.value = "[/]"
        await quiet.press(pilot, "enter")
        await settle(pilot)
        said = str(app.screen.query_one("#ret-status").render())
        assert said == "Carrier has no letters or digits: type a carrier's code, e.g. SF."
        assert app.screen.query_one("#ret-scan", Input).disabled


@pytest.mark.parametrize(
    ("lang", "hours", "band", "age"),
    [
        ("en", 24 * 8, "return", "8 d 0 h"),
        ("zh", 24 * 8, "待退回", "8 天 0 小时"),
        # Whole hours reached, as the band counts: 71.6 h is not yet the 72 h red band (it read "3.0 d").
        ("en", 71.6, "amber", "2 d 23 h"),
        ("zh", 71.6, "黄色预警", "2 天 23 小时"),
    ],
)
@pytest.mark.first_mode("shelves")
async def test_the_overdue_list_says_the_band_and_age_in_the_console_language(
    app: StationApp, station: Station, clock, lang: str, hours: float, band: str, age: str
) -> None:
    place(station, wb(1), "1-1", at=clock.now - timedelta(hours=hours))
    set_language(lang)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        row = app.screen.query_one("#od-table", DataTable).get_row_at(0)
    assert (str(row[1]), str(row[2])) == (band, age)


@pytest.mark.first_mode("shelves")
async def test_a_key_on_returns_while_its_batch_loads_says_it_is_loading(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F7 and F8 while the batch put together on Overdue is still being read: it is on its way, so
    "Open a batch first: type the carrier" was wrong. The loading line goes once the batch shows."""
    from station_console.services.exceptions import returns

    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))  # a return candidate
    asked, release = threading.Event(), threading.Event()
    real = returns.get

    def held(*args: Any, **kwargs: Any) -> Any:
        asked.set()
        assert release.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)

    monkeypatch.setattr(returns, "get", held)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10", "f8")
        quiet.send_key(app, "f9")  # the batch is made, and Returns opens to read it
        await quiet.until(pilot, asked.is_set, what="the batch asked for")
        status = app.screen.query_one("#ret-status")
        for key in ("f7", "f8"):  # the manifest, the courier's signature: no batch shown yet
            await quiet.press(pilot, key, leave_running=("run",))
            assert "the batch is still loading" in str(status.render()), key
            assert "Open a batch first" not in str(status.render()) and not status.has_class("-error")
        release.set()
        await settle(pilot)
        assert app.screen.query_one("#ret-items", DataTable).row_count == 1  # the batch was read
        assert str(status.render()).startswith("Return batch ")  # its line, over the loading one


@pytest.mark.first_mode("shelves")
async def test_returns_from_overdue_wait_on_the_scan_field_and_a_closed_batch_asks_for_no_scan(
    app: StationApp, station: Station, clock: Any
) -> None:
    """A batch put together on Overdue opens with the focus on the scan field (the next parcel going
    back), not on the carrier; once the courier signed, the disabled field no longer asks for scans."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))  # a return candidate
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10", "f8", "f9")
        await settle(pilot)
        scan = app.screen.query_one("#ret-scan", Input)
        assert app.screen.query_one("#ret-items", DataTable).row_count == 1
        assert scan.has_focus and scan.placeholder.startswith("scan each ")
        app.screen.query_one("#ret-signer", Input).value = "Wang"
        await quiet.yes_to(pilot, "f8")
        await settle(pilot)
        assert scan.disabled and "scan each" not in scan.placeholder
        assert scan.placeholder == "batch closed: Enter in Carrier opens the next batch"


@pytest.mark.first_mode("shelves")
async def test_a_return_batch_refused_for_a_parcel_gone_meanwhile_leaves_no_empty_batch(
    app: StationApp, station: Station, clock
) -> None:
    """F9 on return candidates, one of which another counter handed over since the list was read: the
    batch is refused whole, and no empty batch (nor its 'opened' event) is left open behind the refusal."""
    from sqlalchemy import update
    from sqlmodel import col, select

    from db.models import EventKind, Parcel, ParcelEvent, ReturnBatch

    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))
    place(station, wb(2), "1-2", at=clock.now - timedelta(days=8))
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        assert app.screen.query_one("#od-table", DataTable).row_count == 2
        await quiet.press(pilot, "f8")  # both return candidates chosen
        await settle(pilot)
        with station.write() as session:  # picked up at another counter meanwhile
            session.execute(update(Parcel).where(col(Parcel.waybill) == wb(2)).values(status="picked_up"))
        await quiet.press(pilot, "f9")
        await settle(pilot)
        assert app.screen.query("#od-table")  # still the overdue list: nothing was started
    with station.read() as session:
        assert session.exec(select(ReturnBatch)).all() == []
        opened = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.RETURN_BATCH_OPENED))
        assert opened.all() == []


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize(("lang", "signed"), [("en", "signed by"), ("zh", "签收人")])
async def test_a_closed_batch_says_who_signed_for_it_as_typed(
    app: StationApp, station: Station, clock: Any, lang: str, signed: str
) -> None:
    """The courier who signed is on the batch's line once it is closed (and when it is opened again from
    Overdue): the screen said only 'closed', and who took the parcels was in no word of the console.
    The name is the courier's typing, shown as typed (brackets are not markup)."""
    set_language(lang)
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))  # a return candidate
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10", "f8", "f9")
        await settle(pilot)
        app.screen.query_one("#ret-signer", Input).value = "Li [/] [b]Q"
        await quiet.yes_to(pilot, "f8")
        await settle(pilot)
        shown = str(app.screen.query_one("#ret-status").render())
        assert f"{signed} Li [/] [b]Q" in shown, shown


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_why_each_parcel_goes_back_is_on_an_80_column_screen(
    app: StationApp, station: Station, clock: Any, lang: str
) -> None:
    """A return batch at 80 columns in Chinese showed the waybill, carrier, code, location, size and
    phone: the problem it goes back for, and how long it waited, were off to the right."""
    set_language(lang)
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=8))  # a return candidate
    problems.mark(station, wb(1), "refused", "not mine")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        await quiet.press(pilot, "f8", "f9")  # the return candidates, in a batch
        await settle(pilot)
        table = app.screen.query_one("#ret-items", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the batch listed")
        keys = [str(column.key.value) for column in table.ordered_columns]
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        shown = table.scrollable_content_region.width
        for whole in ("Waybill", "Problem", "Checked in"):
            assert sum(widths[: keys.index(whole) + 1]) <= shown, whole


@pytest.mark.first_mode("shelves")
async def test_the_one_carrier_refusal_goes_once_returns_opens_on_the_batch_put_right(
    app: StationApp, station: Station, clock
) -> None:
    """Two carriers' candidates selected, F9 refused "select one carrier's" as an error toast; the clerk
    unselected one and F9 opened Returns on the batch, the refusal still standing over it as if that
    batch were refused."""
    place(station, wb(1), "1-1", carrier="JT", at=clock.now - timedelta(days=8))
    place(station, wb(2), "1-2", carrier="ZTO", at=clock.now - timedelta(days=8))
    refusal = "A return batch takes one carrier's parcels; select one carrier's."
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        await quiet.press(pilot, "space", "down", "space", "f9")  # each selected by hand (F8 takes one's)
        await settle(pilot)
        assert [n.message for n in app._notifications] == [refusal]
        await quiet.press(pilot, "space", "f9")  # the highlighted one unselected: one carrier's left
        await settle(pilot)
        assert app.screen.query_one("#ret-items", DataTable).row_count == 1
        assert refusal not in [n.message for n in app._notifications]


@pytest.mark.first_mode("shelves")
async def test_f8_with_several_carriers_due_selects_the_highlighted_carriers_for_f9(
    app: StationApp, station: Station, clock
) -> None:
    """F8 selected every carrier's return candidates, then F9 refused them (a return batch takes one
    carrier's): the clerk unticked the others one by one. With several carriers due, F8 selects the
    highlighted parcel's carrier's, says so, and F9 puts them in that carrier's batch."""
    from sqlmodel import select

    from db.models import ReturnBatch

    sf = "SF1234567890123"
    place(station, wb(1), "1-1", at=clock.now - timedelta(days=9))
    place(station, sf, "1-2", carrier="SF", at=clock.now - timedelta(days=8))
    place(station, wb(2), "1-3", at=clock.now - timedelta(days=8))
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        table = app.screen.query_one("#od-table", DataTable)
        assert table.row_count == 3
        table.move_cursor(row=table.get_row_index(sf))
        await quiet.press(pilot, "f8")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any(
            m.startswith("1 return candidate of SF selected: a return batch takes one") for m in said
        ), said
        await quiet.press(pilot, "f9")
        await settle(pilot)
        assert app.screen.query_one("#ret-items", DataTable).row_count == 1
    with station.read() as session:
        (batch,) = session.exec(select(ReturnBatch)).all()
    from station_console.services.exceptions import returns

    assert returns.get(station, batch.id or 0).carrier == "SF"


@pytest.mark.parametrize(
    ("lang", "none_due", "empty"),
    [
        ("en", "No parcel is past its return deadline", "No parcel is overdue"),
        ("zh", "没有超过退回期限的包裹", "没有超期的包裹"),
    ],
)
@pytest.mark.first_mode("shelves")
async def test_f8_with_no_return_candidate_says_so_and_what_to_do(
    app: StationApp, station: Station, clock, lang: str, none_due: str, empty: str
) -> None:
    """F8 on an empty list (no row highlighted), or on one with no parcel past its deadline, selected
    nothing and said nothing: the clerk is told why, and how to send a parcel back early."""
    set_language(lang)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f10")
        await settle(pilot)
        assert app.screen.query_one("#od-table", DataTable).row_count == 0
        await quiet.press(pilot, "f8")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any(empty in m for m in said), said
        app.clear_notifications()
        place(station, wb(2), "1-2", at=clock.now - timedelta(hours=50))  # amber, not yet due
        await quiet.press(pilot, "escape", "f10")
        await settle(pilot)
        assert app.screen.query_one("#od-table", DataTable).row_count == 1
        await quiet.press(pilot, "f8")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any(none_due in m and "F9" in m for m in said), said
        assert app.screen.chosen == set()  # type: ignore[attr-defined]
