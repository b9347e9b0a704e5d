"""Shelves mode: the shelf map, a layer's parcels, a move, a stocktake from start to close."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select
from textual.coordinate import Coordinate
from textual.dom import DOMNode
from textual.widgets import Checkbox, DataTable, Input, Select
from textual.widgets.data_table import ColumnKey

from db.models import Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, stocktake
from station_console.tui.app import StationApp
from station_console.tui.screens import shelves
from station_console.tui.screens.stocktake import counts_head, resumed_line
from tui import quiet
from tui.shelf_data import place, wb


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """The keys' effects, and the reads they started in thread workers, have landed."""
    await quiet.settle(pilot)


async def open_shelves(app: StationApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await quiet.press(pilot, "f4")
    await settle(pilot)
    assert app.current_mode == "shelves"


@pytest.mark.first_mode("shelves")
async def test_the_map_shows_each_layer_with_its_counts(app: StationApp, station: Station, clock) -> None:
    place(station, wb(1), "1-1", at=clock.now - timedelta(hours=60))
    place(station, wb(2), "1-1")
    problems.mark(station, wb(2), "damaged", "wet")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        table = app.screen.query_one("#sh-map", DataTable)
        assert table.row_count == 10  # shelves 1-8, F, OV
        first = str(table.get_cell_at(table.cursor_coordinate))
        assert "1-1 4/40" in first and "⚠1" in first and "!1" in first
        layer = app.screen.query_one("#sh-layer", DataTable)
        assert layer.row_count == 2
        flagged = [str(c) for c in layer.get_row(wb(2))]
        assert any("damaged" in c for c in flagged)
        await quiet.press(pilot, "right")  # layer 1-2: empty
        await settle(pilot)
        assert layer.row_count == 0
        await quiet.press(pilot, "left", "enter")  # open 1-1's parcels
        await settle(pilot)
        assert layer.has_focus


@pytest.mark.first_mode("shelves")
async def test_the_layers_carrier_column_holds_the_widest_short_name(
    app: StationApp, station: Station
) -> None:
    from station_helpers import act_as_new_clerk

    from station_console.services.scan.carriers import update_carrier

    act_as_new_clerk(station, "Boss", Role.MANAGER, "9071")
    update_carrier(station, "JT", {"short_name": "极兔速递快运"})  # 12 cells, wider than the heading
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        layer = app.screen.query_one("#sh-layer", DataTable)
        await quiet.until(pilot, lambda: layer.row_count == 1, what="the layer's parcels")
        carrier = layer.columns[ColumnKey("Carrier")]
        assert carrier.width == 12 and str(layer.get_row(wb(1))[1]) == "极兔速递快运"
        assert not carrier.auto_width  # fixed: a reload never reflows it


@pytest.mark.first_mode("shelves")
async def test_the_maps_zones_read_in_chinese(app: StationApp, station: Station) -> None:
    set_language("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        table = app.screen.query_one("#sh-map", DataTable)
        shelves = [str(table.get_cell(key, "shelf")) for key in ("1", "F", "OV")]
        assert shelves == ["1 主区", "F 地堆", "OV 溢出区"]


@pytest.mark.first_mode("shelves")
async def test_move_from_the_map(app: StationApp, station: Station) -> None:
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "enter")  # focus the layer's parcels, first row selected
        await settle(pilot)
        await quiet.press(pilot, "f7")
        await settle(pilot)
        assert app.screen.query_one("#move-parcel", Input).value == wb(1)
        await quiet.press(pilot, *"2-3", "enter")
        await settle(pilot)
        assert app.screen.query_one("#sh-map", DataTable)  # back on the map
        cell = str(
            app.screen.query_one("#sh-map", DataTable).get_cell_at(
                app.screen.query_one("#sh-map", DataTable).cursor_coordinate
            )
        )
        assert "1-1 0/40" in cell
    from tui.shelf_data import location_of

    assert location_of(station, wb(1)) == "2-3"


@pytest.mark.first_mode("shelves")
async def test_the_map_is_read_once_each_time_the_screen_comes_back(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back from a move (which changed the map), or from a screen that changed nothing, or from another
    mode: one read of the map each time, none while the screen is away."""
    place(station, wb(1), "1-1")
    asked: Counter[str] = Counter()
    run_worker = DOMNode.run_worker

    def counted(node: DOMNode, *args: Any, **kwargs: Any) -> Any:
        asked[str(kwargs.get("group"))] += 1
        return run_worker(node, *args, **kwargs)

    monkeypatch.setattr(DOMNode, "run_worker", counted)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        assert asked["call-map"] == 1 and asked["call-layer"] == 1
        await quiet.press(pilot, "enter", "f7")  # move 1-1's parcel
        await quiet.press(pilot, *"2-3", "enter")
        await settle(pilot)
        assert asked["call-map"] == 2
        assert "1-1 0/40" in str(app.screen.query_one("#sh-map", DataTable).get_cell_at(Coordinate(0, 1)))
        await quiet.press(pilot, "f9", "escape")  # returns, nothing returned
        await settle(pilot)
        assert asked["call-map"] == 3
        await quiet.press(pilot, "f1")
        await settle(pilot)
        assert asked["call-map"] == 3
        await quiet.press(pilot, "f4")
        await settle(pilot)
        assert asked["call-map"] == 4


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


def test_each_stocktake_finding_is_said_in_the_clerks_words() -> None:
    """The line under the counts read a bare 'extra  SF...' (or 'wrong layer  JT... (on record at 1-2)'):
    what the finding means and what to do, per class, and for an extra whether it is unknown here or
    recorded as having left."""
    from station_console.services.exceptions.stocktake_view import Item
    from station_console.tui.screens.stocktake_words import finding_words

    def item(cls: str, recorded: str | None = "1-2", **fields: Any) -> Item:
        return Item(
            **{
                "waybill": "JT1",
                "classification": cls,
                "recorded": recorded,
                "found": "1-1",
                "status": "on_shelf",
                **fields,
            }
        )

    gone = {"status": "returned", "left_at": "2026-05-01 14:06", "left_by": "王芳"}
    said = [
        finding_words(i)
        for i in (
            item("match", "1-1"),
            item("missing"),
            item("wrong_layer"),
            item("wrong_shelf", "3-2"),
            item("extra", None, status=None, duplicate=True),
            item("extra", None, **gone),
        )
    ]
    assert said == [
        "JT1: on record here, where it belongs.",
        "JT1: on record at 1-2, not scanned yet.",
        "JT1: on record on layer 1-2 of this shelf: put it there, or relocate it at the close.",
        "JT1: on record on another shelf, at 3-2: put it there, or relocate it at the close.",
        "JT1: not on record at this station. Set it aside; it can be checked in at the close. (scanned before)",
        "JT1: recorded as returned to the courier on 2026-05-01 14:06 by 王芳; found on the shelf."
        " Set it aside for the manager.",
    ]
    set_language("zh")
    try:
        assert finding_words(item("extra", None, **{**gone, "status": "picked_up"})) == (
            "JT1：记录显示已于 2026-05-01 14:06 由 王芳 交给取件人，却在货架上找到。请放在一边，交给店长处理。"
        )
        assert finding_words(item("extra", None, **gone), may_put_back=True).endswith(
            "却在货架上找到。结束盘库时请勾选放回货架。"
        )
        assert (
            finding_words(item("wrong_layer"))
            == "JT1：记录在本货架的 1-2 层。请放回该层，或在结束盘库时移位。"
        )
    finally:
        set_language("en")


@pytest.mark.first_mode("shelves")
async def test_a_stocktake_scanned_and_closed(app: StationApp, station: Station) -> None:
    place(station, wb(1), "1-1")
    place(station, wb(2), "1-1")
    place(station, wb(3), "3-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8")
        await settle(pilot)
        assert app.screen.query_one("#st-scope", Input).value == "1-1"
        await quiet.press(pilot, "enter")
        await settle(pilot)
        scan = app.screen.query_one("#st-scan", Input)
        assert scan.has_focus
        for waybill in (wb(1), wb(3)):
            scan.value = waybill
            await quiet.press(pilot, "enter")
            await settle(pilot)
        counts = str(app.screen.query_one("#st-counts").render())
        assert counts.startswith("Stocktake 1 of layer 1-1: ")  # it read "Stocktake 1 1-1:"
        assert "match 1" in counts and "missing 1" in counts and "wrong shelf 1" in counts
        items = app.screen.query_one("#st-items", DataTable)
        assert items.row_count == 3
        await quiet.press(pilot, "f8")
        await settle(pilot)
        offered = [str(box.label) for box in app.screen.query(Checkbox)]
        # No extra parcel: "Check in 0 extra parcels again" is not offered.
        assert offered == ["Relocate 1 parcel to where it was found", "Mark 1 unscanned parcel missing"]
        await quiet.press(pilot, "enter")  # relocate + mark missing ticked by default
        await settle(pilot)
        assert app.screen.query_one("#sh-map", DataTable)
    (closed,) = [v for v in [stocktake.view(station, 1)]]
    assert closed.status == "closed"
    assert closed.result["fixes"]["marked_missing"] == [wb(2)]
    from tui.shelf_data import location_of

    assert location_of(station, wb(3)) == "1-1"


@pytest.mark.first_mode("shelves")
async def test_a_parcel_checked_in_again_at_a_stocktake_is_sent_to_its_new_place(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        app.screen.query_one("#st-scan", Input).value = "SF1234567890123"  # found here, not on record
        await quiet.press(pilot, "enter", "f8")
        await settle(pilot)
        app.screen.query_one("#fix-recheck", Checkbox).value = True
        await quiet.press(pilot, "enter")
        await settle(pilot)
        parcel = stocktake.view(station, 1).result["fixes"]["rechecked"][0]
        said = [n.message for n in app._notifications]
        expected = f"SF1234567890123 checked in as {parcel['pickup_code']}: put it on {parcel['location']}"
        assert expected in said


@pytest.mark.first_mode("shelves")
async def test_a_clerk_sees_the_put_back_dimmed_and_why(app: StationApp, station: Station) -> None:
    """A put-back undoes a pickup's record: a manager's fix. A clerk's close offers it dimmed, with the
    house's sentence under it, so Space cannot tick it and Enter closes with the rest, nothing put back."""
    from station_helpers import act_as_new_clerk

    from db.models import ParcelStatus

    place(station, wb(1), "1-1")  # not scanned: missing
    place(station, "SF1400000000011", "1-1", carrier="SF", status=ParcelStatus.PICKED_UP)
    act_as_new_clerk(station, "Li", Role.CLERK)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        app.screen.query_one("#st-scan", Input).value = "SF1400000000011"
        await quiet.press(pilot, "enter")
        await settle(pilot)
        # A clerk hands it on; a manager is told to put it back (the next test).
        assert str(app.screen.query_one("#st-last").render()).endswith(" Set it aside for the manager.")
        await quiet.press(pilot, "f8")
        await settle(pilot)
        put_back = app.screen.query_one("#fix-put-back", Checkbox)
        assert put_back.disabled and str(app.screen.query_one("#st-put-back-refused").render()) == (
            "Only a manager can put back a parcel recorded as having left. Ask a manager to sign in."
        )
        await quiet.press(pilot, "tab", "space", "enter")  # Tab finds no other box: the first unticked
        await settle(pilot)
    closed = stocktake.view(station, 1)
    assert closed.status == "closed" and closed.result["fixes"]["put_back"] == []
    assert closed.result["fixes"]["marked_missing"] == []


@pytest.mark.first_mode("shelves")
async def test_a_parcel_recorded_as_picked_up_is_said_so_and_not_checked_in_again_unticked(
    app: StationApp, station: Station
) -> None:
    """A tester scanned a parcel picked up earlier: the line said a bare 'extra  SF...', the close offered
    it for a check-in whose unticked box read ▐X▌ like a ticked one, and Tab, Tab, Space (back on the
    first box) left it looking the same. Now the line says what it is, the offer is a put-back, and an
    unticked box is empty."""
    from db.models import Notification, Parcel, ParcelStatus

    place(station, wb(1), "1-1")  # not scanned: missing
    picked = station.now().replace(hour=9, minute=30, second=0, microsecond=0)
    place(
        station,
        "SF1400000000011",
        "1-1",
        carrier="SF",
        status=ParcelStatus.PICKED_UP,
        picked_up_at=picked,
        picked_up_by=station.clerk_id,
    )
    at = picked.astimezone(station.zone()).strftime("%Y-%m-%d %H:%M")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        app.screen.query_one("#st-scan", Input).value = "SF1400000000011"
        await quiet.press(pilot, "enter")
        await settle(pilot)
        said = str(app.screen.query_one("#st-last").render())
        assert said.startswith("extra  SF1400000000011: recorded as picked up on " + at + " by ")
        assert said.endswith("; found on the shelf. Put it back at the close.")  # said to a manager
        await quiet.press(pilot, "f8")
        await settle(pilot)
        boxes = {str(box.label): box for box in app.screen.query(Checkbox)}
        assert list(boxes) == [
            "Mark 1 unscanned parcel missing",
            "Put back 1 parcel below: new code, no message sent",
        ]
        first, put_back = boxes.values()
        assert "recorded as picked up on " + at in str(app.screen.query_one("#st-gone").render())
        assert not put_back.disabled and not app.screen.query("#st-put-back-refused")  # a manager's fix
        assert (first.render().plain[:3], put_back.render().plain[:3]) == ("▐✓▌", "▐ ▌")  # it read ▐X▌
        await quiet.press(pilot, "tab", "tab", "space")  # the tester's keys: Tab wraps to the first box
        await settle(pilot)
        assert (first.render().plain[:3], put_back.render().plain[:3]) == ("▐ ▌", "▐ ▌")
        await quiet.press(pilot, "enter")
        await settle(pilot)
    closed = stocktake.view(station, 1)
    assert closed.status == "closed" and closed.result["fixes"]["put_back"] == []
    with station.read() as s:
        assert [p.status for p in s.exec(select(Parcel).where(Parcel.waybill == "SF1400000000011"))] == [
            ParcelStatus.PICKED_UP
        ]
        assert s.exec(select(Notification)).all() == []


@pytest.mark.first_mode("shelves")
async def test_a_put_back_is_counted_in_the_close_notice_and_flagged_for_the_manager(
    app: StationApp, station: Station
) -> None:
    """The close said '0 checked in' beside a put-back, and the parcel went back unflagged."""
    from db.models import ParcelStatus

    picked = station.now().replace(hour=9, minute=30, second=0, microsecond=0)
    place(station, "SF1400000000011", "1-1", carrier="SF", status=ParcelStatus.PICKED_UP, picked_up_at=picked)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_shelves(app, pilot)
        await quiet.press(pilot, "f8", "enter")
        await settle(pilot)
        app.screen.query_one("#st-scan", Input).value = "SF1400000000011"
        await quiet.press(pilot, "enter", "f8")
        await settle(pilot)
        app.screen.query_one("#fix-put-back", Checkbox).focus()
        await quiet.press(pilot, "space", "enter")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
    assert "Stocktake 1 closed: 0 relocated, 0 marked missing, 0 checked in, 1 put back" in said
    (put,) = stocktake.view(station, 1).result["fixes"]["put_back"]
    assert (
        f"SF1400000000011 put back as {put['pickup_code']}, no message sent: put it on {put['location']}"
        in said[-1]
    )
    assert [(r.waybill, r.problem_kind) for r in problems.list_problems(station)] == [
        ("SF1400000000011", "put_back")
    ]


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
        await quiet.press(pilot, "f8")
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
    from station_console.tui.screens.form_dialog import ConfirmDialog

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
    place(station, wb(1), "1-1")
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
        written.wait(5)
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
async def test_the_carriers_answering_after_the_layer_read_it_no_second_time(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layer table's Carrier column is sized once the carriers are read; when that answer comes
    after the map's and the layer's, the layer's rows are laid out again, not read again."""
    place(station, wb(1), "1-1")
    release = threading.Event()
    real = shelves.list_carriers

    def late(*args: Any) -> Any:
        assert release.wait(quiet.TIMEOUT)
        return real(*args)

    monkeypatch.setattr(shelves, "list_carriers", late)
    started = quiet.workers_started(monkeypatch, of=DOMNode)
    async with app.run_test(size=(160, 45)) as pilot:
        layer = app.screen.query_one("#sh-layer", DataTable)
        await quiet.until(pilot, lambda: layer.row_count == 1, what="the layer's parcel")
        release.set()
        await settle(pilot)
        assert started["call-layer"] == 1, dict(started)
        assert layer.row_count == 1 and str(layer.get_row_at(0)[0])  # the row, under the new widths


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
        await quiet.until(pilot, asked.is_set, what="the batch asked for", timeout=5)
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
        await quiet.press(pilot, "f8")
        await settle(pilot)
        assert scan.disabled and "scan each" not in scan.placeholder
        assert scan.placeholder == "batch closed: type a carrier above for a new one"
