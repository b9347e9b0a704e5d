"""A stocktake's scans and its close: each finding said in the clerk's words (who found it, a repeat),
counts and who scanned, the close's fixes (relocate, mark missing, check in again, a put-back, dimmed for a
clerk), and a stocktake closed at another counter while this one scans."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import Checkbox, DataTable, Input

from db.models import Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, stocktake
from station_console.tui import error_toasts
from station_console.tui.app import StationApp
from tui import quiet
from tui.shelf_data import place, place_picked_up, wb
from tui.shelves_driver import open_shelves, settle


async def _start_a_stocktake(app: StationApp, pilot: Any) -> Input:
    """Shelves, F8 and Enter: a stocktake of the layer the map offers; its scan field."""
    await open_shelves(app, pilot)
    await quiet.press(pilot, "f8", "enter")
    await settle(pilot)
    return app.screen.query_one("#st-scan", Input)


async def _scan(pilot: Any, scan: Input, waybill: str, *then: str) -> None:
    """A waybill scanned into the stocktake (Enter), then `then` pressed with it, the console quiet again."""
    scan.value = waybill
    await quiet.press(pilot, "enter", *then)
    await settle(pilot)


def test_each_stocktake_finding_is_said_in_the_clerks_words() -> None:
    """The line under the counts read a bare 'extra  SF...' (or 'wrong layer  JT... (on record at 1-2)'):
    what the finding means and what to do, per class, and for an extra whether it is unknown here or
    recorded as having left."""
    from station_console.services.exceptions.stocktake_view import Item
    from station_console.tui.screens.stocktake_words import finding_words, gone_line

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
        # The close dialog's put-back line: the Chinese colon and a full stop, not 'JT1: 记录显示…找到'.
        assert gone_line(item("extra", None, **{**gone, "status": "picked_up"})) == (
            "JT1：记录显示已于 2026-05-01 14:06 由 王芳 交给取件人，却在货架上找到。"
        )
    finally:
        set_language("en")


def test_who_found_a_parcel_is_said_in_the_close_and_on_a_repeat_scan() -> None:
    """Two counters on one stocktake: the close's line for a parcel recorded as having left names who
    found it and where (the clerk closing may not be the one), and a repeat names the first scan's."""
    from station_console.services.exceptions.stocktake_view import Item
    from station_console.tui.screens.stocktake_words import finding_words, gone_line

    gone = Item(
        waybill="JT1",
        classification="extra",
        recorded=None,
        found="1-1",
        status="picked_up",
        left_at="2026-05-01 14:06",
        left_by="王芳",
        scanned_by="Wu",
        scanned_counter="counter-2",
    )
    assert gone_line(gone) == (
        "JT1: recorded as picked up on 2026-05-01 14:06 by 王芳; found on the shelf by Wu at counter-2."
    )
    repeat = Item(
        waybill="JT2",
        classification="match",
        recorded="1-1",
        found="1-1",
        status="on_shelf",
        duplicate=True,
        scanned_by="Wu",
        scanned_counter="counter-2",
    )
    assert (
        finding_words(repeat) == "JT2: on record here, where it belongs. (scanned before by Wu at counter-2)"
    )
    set_language("zh")
    try:
        assert (
            gone_line(gone)
            == "JT1：记录显示已于 2026-05-01 14:06 由 王芳 交给取件人，却由 Wu（counter-2）在货架上找到。"
        )
        assert finding_words(repeat) == "JT2：与记录相符，位置正确。（Wu 已在 counter-2 扫描过）"
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
            await _scan(pilot, scan, waybill)
        counts = str(app.screen.query_one("#st-counts").render())
        assert counts.startswith("Stocktake 1 of layer 1-1: ")  # it read "Stocktake 1 1-1:"
        assert "match 1" in counts and "missing 1" in counts and "wrong shelf 1" in counts
        items = app.screen.query_one("#st-items", DataTable)
        assert items.row_count == 3
        # Who scanned each parcel, at which counter; a parcel not scanned names no one.
        by = [str(items.get_row_at(row)[-1]) for row in range(3)]
        assert by == [f"Manager at {station.counter}", "-", f"Manager at {station.counter}"]
        await quiet.press(pilot, "f8")
        await settle(pilot)
        offered = [str(box.label) for box in app.screen.query(Checkbox)]
        # No extra parcel: "Check in 0 parcels not on record here" is not offered.
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
async def test_a_stocktake_closed_at_another_counter_shows_closed_at_its_first_refused_scan(
    app: StationApp, station: Station
) -> None:
    """Wu closed the stocktake at another counter while this one scanned: the refusal came, the screen
    went on showing it open, and each later scan was refused the same. Now the refusal stands, and
    the screen shows the close's result, its scan field closed, a scan and F8 refused here."""
    from dataclasses import replace

    from station_helpers import act_as_new_clerk

    from station_console.services.exceptions import stocktake_close

    place(station, wb(1), "1-1")
    place(station, wb(2), "1-1")
    bells: list[None] = []
    async with app.run_test(size=(160, 45)) as pilot:
        scan = await _start_a_stocktake(app, pilot)
        await _scan(pilot, scan, wb(1))
        wu = replace(station, _cached=None)
        act_as_new_clerk(wu, "Wu", Role.MANAGER)
        stocktake_close.close(wu, 1, mark_missing=[wb(2)])
        await _scan(pilot, scan, wb(2))
        said = str(app.screen.query_one("#st-last").render())
        assert said.startswith("Stocktake 1 was closed by Wu at ") and said.endswith(" was not counted.")
        counts = str(app.screen.query_one("#st-counts").render()).splitlines()
        assert counts[0].startswith("Stocktake 1 of layer 1-1: ") and "missing 1" in counts[0]
        assert counts[1] == "Stocktake 1 closed: 0 relocated, 1 marked missing, 0 checked in, 0 put back"
        assert scan.placeholder == "Stocktake 1 is closed: Esc goes back to the shelves" and scan.has_focus
        app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
        await _scan(pilot, scan, wb(2))  # typed or scanned again: refused aloud here, not sent to the service
        assert bells
        said = str(app.screen.query_one("#st-last").render())
        assert said == "Stocktake 1 is closed: this scan was not counted."
        await quiet.press(pilot, "f8")
        await settle(pilot)
        assert str(app.screen.query_one("#st-last").render()) == "Stocktake 1 is already closed."
        assert not app.screen.query(Checkbox) and "CloseDialog" not in type(app.screen).__name__
        await quiet.press(pilot, "escape")
        await settle(pilot)
        assert app.screen.query_one("#sh-map", DataTable)
    with station.read() as s:
        from db.models import StocktakeScan

        assert [r.waybill for r in s.exec(select(StocktakeScan))] == [wb(1)]


@pytest.mark.first_mode("shelves")
async def test_a_stocktake_paused_at_another_counter_is_resumed_here_at_the_first_refused_scan(
    app: StationApp, station: Station
) -> None:
    """Two counters counted one shelf; the other one's Esc (or its CLI run's end) paused the stocktake,
    and each scan here was then refused "paused. Resume it to scan.", with no resume key on this screen.
    The first refusal resumes it here and asks for that parcel again, so the next scan counts."""
    from dataclasses import replace

    from station_helpers import act_as_new_clerk

    place(station, wb(1), "1-1")
    place(station, wb(2), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        scan = await _start_a_stocktake(app, pilot)
        wu = replace(station, _cached=None)
        act_as_new_clerk(wu, "Wu", Role.CLERK)
        stocktake.pause(wu, 1)
        await _scan(pilot, scan, wb(1))
        assert str(app.screen.query_one("#st-last").render()) == (
            "Stocktake 1 was paused at another counter and is resumed here: scan that parcel again."
        )
        assert stocktake.view(station, 1).status == "open"
        await _scan(pilot, scan, wb(1))
        await _scan(pilot, scan, wb(2))
    assert stocktake.view(station, 1).counts["match"] == 2


@pytest.mark.first_mode("shelves")
async def test_a_parcel_checked_in_again_at_a_stocktake_stays_where_it_was_found(
    app: StationApp, station: Station
) -> None:
    """Found on 1-1, the layer counted, it was given a code on another layer ("put it on ..."): it stays
    on 1-1 now, as a put-back does, and the clerk is told to leave it there."""
    async with app.run_test(size=(160, 45)) as pilot:
        scan = await _start_a_stocktake(app, pilot)
        await _scan(pilot, scan, "SF1234567890123", "f8")  # found here, not on record
        app.screen.query_one("#fix-recheck", Checkbox).value = True
        await quiet.press(pilot, "enter")
        await settle(pilot)
        parcel = stocktake.view(station, 1).result["fixes"]["rechecked"][0]
        said = [n.message for n in app._notifications]
        assert parcel["location"] == "1-1" and parcel["stays"] is True
        expected = (
            f"SF1234567890123 checked in as {parcel['pickup_code']}: leave it on 1-1, where it was found"
        )
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
        scan = await _start_a_stocktake(app, pilot)
        await _scan(pilot, scan, "SF1400000000011")
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
    at = place_picked_up(station)
    async with app.run_test(size=(160, 45)) as pilot:
        scan = await _start_a_stocktake(app, pilot)
        await _scan(pilot, scan, "SF1400000000011")
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
        gone = str(app.screen.query_one("#st-gone").render())
        assert gone.startswith("SF1400000000011: recorded as picked up on " + at)
        # A sentence, as the line under the counts says it, naming who found it where.
        assert gone.endswith(f"; found on the shelf by Manager at {station.counter}.")
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
    """The close said '0 checked in' beside a put-back, and the parcel went back unflagged. Found on
    1-1 and put back there, the clerk is told to leave it where it is, not to move it."""

    place_picked_up(station)
    async with app.run_test(size=(160, 45)) as pilot:
        scan = await _start_a_stocktake(app, pilot)
        await _scan(pilot, scan, "SF1400000000011", "f8")
        app.screen.query_one("#fix-put-back", Checkbox).focus()
        await quiet.press(pilot, "space", "enter")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
    assert "Stocktake 1 closed: 0 relocated, 0 marked missing, 0 checked in, 1 put back" in said
    (put,) = stocktake.view(station, 1).result["fixes"]["put_back"]
    assert (
        f"SF1400000000011 put back as {put['pickup_code']}, no message sent: leave it on 1-1, where it was found"
        in said[-1]
    ) and put["location"] == "1-1"
    assert [(r.waybill, r.problem_kind) for r in problems.list_problems(station)] == [
        ("SF1400000000011", "put_back")
    ]


@pytest.mark.first_mode("shelves")
async def test_a_clerks_close_tells_the_clerk_the_parcel_found_after_it_left_is_flagged(
    app: StationApp, station: Station
) -> None:
    """A clerk closed without the put-back (a manager's) and nothing but the stored result kept the
    parcel a wrong customer may have been handed. The close's question says what happens to one not
    put back, the close says it is flagged for a manager, and Problems lists it."""
    from station_helpers import act_as_new_clerk

    place_picked_up(station)
    act_as_new_clerk(station, "Li", Role.CLERK)
    async with app.run_test(size=(160, 45)) as pilot:
        scan = await _start_a_stocktake(app, pilot)
        await _scan(pilot, scan, "SF1400000000011", "f8")
        assert str(app.screen.query_one("#st-gone-flagged").render()) == (
            "Any not put back is flagged 'found after it left' for a manager on Problems."
        )
        await quiet.press(pilot, "enter")
        await settle(pilot)
        said = {str(n.message): (n.severity, n.timeout) for n in app._notifications}
    # Not put back: said in a toast up until read, the stocktake's screen gone (not 5 s and gone).
    assert said[
        "SF1400000000011 not put back: flagged 'found after it left' for a manager on Problems. "
        "Set it aside until a manager sees it."
    ] == ("warning", error_toasts.UNTIL_READ), said
    assert [(r.waybill, r.status, r.problem_kind) for r in problems.list_problems(station)] == [
        ("SF1400000000011", "picked_up", "put_back")
    ]


@pytest.mark.first_mode("shelves")
async def test_a_phone_scanned_into_a_stocktake_is_refused_masked_and_not_listed(
    app: StationApp, station: Station
) -> None:
    """A recipient's phone barcode scanned at a stocktake was listed as an extra parcel with the whole
    number as its waybill, and offered to be checked in again at the close."""
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        scan = await _start_a_stocktake(app, pilot)
        await _scan(pilot, scan, "13812345678")
        said = str(app.screen.query_one("#st-last").render())
        assert "138****5678 looks like a mobile number" in said and "13812345678" not in said
        assert app.screen.query_one("#st-last").has_class("-error")
        items = app.screen.query_one("#st-items", DataTable)
        rows = [" ".join(str(cell) for cell in items.get_row_at(row)) for row in range(items.row_count)]
        assert not any("5678" in row for row in rows), rows
    assert stocktake.view(station, 1).counts["extra"] == 0


@pytest.mark.parametrize(
    ("lang", "offer"),
    [
        ("en", "Check in 1 parcel not on record here"),
        ("zh", "把 1 件本站没有记录的包裹入库"),
    ],
)
@pytest.mark.first_mode("shelves")
async def test_an_extra_the_station_has_no_record_of_is_not_checked_in_again(
    app: StationApp, station: Station, lang: str, offer: str
) -> None:
    """A parcel scanned that the station never checked in was offered 'Check in 1 extra parcel again'
    (重新入库): it is offered by what it is, a parcel not on record here."""
    set_language(lang)
    place(station, wb(1), "1-1")
    async with app.run_test(size=(160, 45)) as pilot:
        scan = await _start_a_stocktake(app, pilot)
        for waybill in (wb(1), wb(9)):  # wb(9): never seen here
            await _scan(pilot, scan, waybill)
        await quiet.press(pilot, "f8")
        await settle(pilot)
        offered = [str(box.label) for box in app.screen.query(Checkbox)]
        assert offer in offered, offered
