"""Stocktake: every class live, pause/resume, close with the accepted fixes, result stored."""

from __future__ import annotations

from typing import Any

import pytest
from shelf_helpers import events, layer_figures, parcel, place, wb
from sqlmodel import select
from station_helpers import act_as_new_clerk

from db.models import EventKind, ParcelStatus, Role, Stocktake, StocktakeScan
from station_console.errors import Refused
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.day.report import build_report
from station_console.services.day.summary import summary_lines
from station_console.services.exceptions import stocktake, stocktake_close, stocktake_view
from station_console.stored_messages import stored_text


def waybills(view: stocktake_view.View, cls: str) -> list[str]:
    return [i.waybill for i in view.items[cls]]


def test_a_layer_stocktake_classifies_each_scan_live(station: Station) -> None:
    place(station, wb(1), "6-5")  # scanned: match
    place(station, wb(2), "6-5")  # not scanned: missing
    place(station, wb(3), "6-2")  # found on 6-5: wrong layer
    place(station, wb(4), "3-1")  # found on 6-5: wrong shelf
    place(station, wb(5), "1-1", status=ParcelStatus.PICKED_UP)  # picked up, yet here: extra
    take = stocktake.start(station, "6-5")
    assert waybills(take, "missing") == [wb(1), wb(2)]  # nothing scanned yet
    got = {
        n: stocktake.scan(station, take.id, raw).classification
        for n, raw in [(1, wb(1)), (3, wb(3)), (4, f" {wb(4)}\r\n"), (5, wb(5)), (6, wb(6))]
    }
    assert got == {1: "match", 3: "wrong_layer", 4: "wrong_shelf", 5: "extra", 6: "extra"}
    view = stocktake.view(station, take.id)
    assert view.counts == {"match": 1, "missing": 1, "wrong_layer": 1, "wrong_shelf": 1, "extra": 2}
    assert waybills(view, "missing") == [wb(2)]
    wrong = view.items["wrong_shelf"][0]
    assert (wrong.recorded, wrong.found) == ("3-1", "6-5")
    assert view.items["extra"][0].status == "picked_up" and view.items["extra"][1].status is None


def test_a_repeated_scan_is_counted_once(station: Station) -> None:
    place(station, wb(1), "6-5")
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))
    again = stocktake.scan(station, take.id, wb(1))
    assert again.duplicate and again.classification == "match"
    assert stocktake.view(station, take.id).counts["match"] == 1


def test_a_code_read_off_a_label_counts_as_its_parcels_scan(station: Station) -> None:
    on_layer, elsewhere = place(station, wb(1), "6-5"), place(station, wb(2), "3-1")
    take = stocktake.start(station, "6-5")
    code = parcel(station, on_layer).pickup_code or ""
    assert stocktake.scan(station, take.id, code).classification == "match"
    assert stocktake.scan(station, take.id, wb(1)).duplicate  # the same parcel, by either
    wrong = stocktake.scan(station, take.id, parcel(station, elsewhere).pickup_code or "")
    assert (wrong.classification, wrong.waybill) == ("wrong_shelf", wb(2))
    for bad, why in (("9-9-9999", "unknown_code"), ("hello world!", "not_a_parcel_ref")):
        with pytest.raises(Refused) as refused:
            stocktake.scan(station, take.id, bad)
        assert refused.value.code == why
    assert stocktake.view(station, take.id).counts["extra"] == 0  # a refusal recorded nothing


def test_a_shelf_stocktake_uses_the_layer_the_clerk_is_on(station: Station) -> None:
    place(station, wb(1), "6-1")
    place(station, wb(2), "6-2")
    take = stocktake.start(station, "6")
    assert stocktake.scan(station, take.id, wb(1), layer="1").classification == "match"
    assert stocktake.scan(station, take.id, wb(2), layer="6-3").classification == "wrong_layer"
    with pytest.raises(Refused):
        stocktake.scan(station, take.id, wb(9), layer="5-1")  # another shelf


def test_a_layer_stocktake_refuses_a_scan_said_to_be_on_another_layer(station: Station) -> None:
    # The CLI's `@3` on a stocktake of 6-5: the parcel is on 6-3, so counting it as found on 6-5 would
    # have the close relocate it to where it is not.
    place(station, wb(1), "6-5")
    place(station, wb(2), "6-3")
    take = stocktake.start(station, "6-5")
    for elsewhere in ("3", "6-3", "5-5"):
        with pytest.raises(Refused) as refused:
            stocktake.scan(station, take.id, wb(2), layer=elsewhere)
        assert refused.value.code == "layer_out_of_scope"
    assert stocktake.scan(station, take.id, wb(1), layer="5").classification == "match"  # its own layer
    assert stocktake.scan(station, take.id, wb(2), layer="6-5").classification == "wrong_layer"
    view = stocktake.view(station, take.id)
    assert view.counts["wrong_layer"] == 1 and view.items["wrong_layer"][0].found == "6-5"


def test_pause_resume_and_one_unfinished_stocktake_per_shelf(station: Station) -> None:
    place(station, wb(1), "6-5")
    take = stocktake.start(station, "6-5")
    with pytest.raises(Refused) as exc:
        stocktake.start(station, "6")
    assert exc.value.code == "stocktake_open"
    assert stocktake.pause(station, take.id).status == "paused"
    with pytest.raises(Refused) as exc:
        stocktake.scan(station, take.id, wb(1))
    assert exc.value.code == "stocktake_paused"
    assert [v.id for v in stocktake.unfinished(station)] == [take.id]
    resumed = stocktake.begin(station, "6-5")
    assert (resumed.view.id, resumed.resumed, resumed.view.status) == (take.id, True, "open")
    assert stocktake.scan(station, take.id, wb(1)).classification == "match"


def test_close_applies_the_accepted_fixes_and_stores_the_result(station: Station) -> None:
    place(station, wb(1), "6-5")
    missing = place(station, wb(2), "6-5")
    ignored = place(station, wb(7), "6-5")  # missing too, but the clerk does not accept the fix
    wrong = place(station, wb(3), "6-2")
    place(station, wb(5), "1-1", status=ParcelStatus.PICKED_UP)
    take = stocktake.start(station, "6-5")
    for raw in (wb(1), wb(3), wb(5), "SF1234567890123"):
        stocktake.scan(station, take.id, raw)
    fixes = stocktake_close.all_fixes(stocktake.view(station, take.id))
    assert fixes["relocate"] == [wb(3)] and set(fixes["mark_missing"]) == {wb(2), wb(7)}
    act_as_new_clerk(station, "Boss", Role.MANAGER)  # a put-back is a manager's
    closed = stocktake_close.close(
        station,
        take.id,
        relocate=fixes["relocate"],
        mark_missing=[wb(2)],
        recheck_in=["SF1234567890123"],
        put_back=[wb(5)],  # picked up: put back, not checked in as new
    )
    assert closed.status == "closed"
    assert str(parcel(station, wrong).pickup_code).startswith("6-5-")  # relocated to where it was found
    assert parcel(station, missing).problem_kind == "missing"
    assert parcel(station, missing).problem_note == f"Not found at stocktake {take.id}"  # not "stocktake 1"
    assert parcel(station, ignored).problem_kind is None
    result = closed.result
    assert result["counts"] == {"match": 1, "missing": 2, "wrong_layer": 1, "wrong_shelf": 0, "extra": 2}
    assert [r["waybill"] for r in result["fixes"]["rechecked"]] == ["SF1234567890123"]
    assert [r["waybill"] for r in result["fixes"]["put_back"]] == [wb(5)]
    assert [r["waybill"] for r in result["fixes"]["relocated"]] == [wb(3)]
    assert result["fixes"]["marked_missing"] == [wb(2)] and result["fixes"]["failed"] == []
    with station.read() as s:
        row = s.exec(select(Stocktake).where(Stocktake.id == take.id)).one()
    assert row.closed_at is not None and row.result["scope"] == "6-5"
    (event,) = events(station, EventKind.STOCKTAKE_CLOSED)
    assert event.details["counts"]["wrong_layer"] == 1 and event.details["fixes"]["rechecked"] == 1
    assert len(events(station, EventKind.CHECKED_IN)) == 2
    with pytest.raises(Refused):
        stocktake.scan(station, take.id, wb(1))


def test_a_parcel_marked_missing_and_found_again_is_cleared(station: Station) -> None:
    pid = place(station, wb(1), "6-5")
    first = stocktake.start(station, "6-5")
    stocktake_close.close(station, first.id, mark_missing=[wb(1)])
    assert parcel(station, pid).problem_kind == "missing"
    second = stocktake.start(station, "6-5")
    stocktake.scan(station, second.id, wb(1))
    closed = stocktake_close.close(station, second.id)
    assert parcel(station, pid).problem_kind is None
    assert closed.result["fixes"]["found_again"] == [wb(1)]


def test_a_relocation_without_room_is_reported_not_applied(station: Station) -> None:
    from checkin_helpers import keep_layers

    keep_layers(station, {"6-5": 2, "6-2": 40})
    place(station, wb(1), "6-5")
    pid = place(station, wb(2), "6-2")
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))
    stocktake.scan(station, take.id, wb(2))
    closed = stocktake_close.close(station, take.id, relocate=[wb(2)])
    assert closed.status == "closed"
    assert closed.result["fixes"]["failed"][0]["waybill"] == wb(2)
    assert str(parcel(station, pid).pickup_code).startswith("6-2-")
    assert layer_figures(station, "6-5") == (2, 1) and layer_figures(station, "6-2") == (2, 1)


def test_a_parcel_moved_after_its_scan_is_not_moved_back_by_the_close(station: Station, clock: Any) -> None:
    """Found on 6-5 (on record 6-2), then moved to 3-1 at another counter before the close: the close
    moved it back to 6-5 on the strength of a scan made before that move, its new code and label lost
    again, the record naming a layer it no longer stands on. Now that relocation is not applied, and
    the result says why."""
    from station_console.services.shelves.moves import move_parcel

    place(station, wb(1), "6-5")
    pid = place(station, wb(3), "6-2")
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))
    stocktake.scan(station, take.id, wb(3))
    clock.advance(minutes=1)
    moved = move_parcel(station, wb(3), "3-1")
    clock.advance(minutes=1)
    closed = stocktake_close.close(station, take.id, relocate=[wb(3)])
    assert parcel(station, pid).pickup_code == moved.pickup_code and str(moved.pickup_code).startswith("3-1-")
    assert closed.result["fixes"]["relocated"] == []
    (failed,) = closed.result["fixes"]["failed"]
    assert failed["waybill"] == wb(3) and failed["fix"] == "relocate"
    assert failed["reason"] == "Moved to 3-1 at 10:01, after it was scanned here: not moved back."
    assert [e.details["to"] for e in events(station, EventKind.MOVED)] == ["3-1"]


def test_a_fix_that_fails_says_why_in_the_readers_language(station: Station) -> None:
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, "SF1234567890123")  # extra: not on record
    check_in(station, "SF1234567890123", phone="13812345678")  # meanwhile, checked in at another counter
    closed = stocktake_close.close(station, take.id, recheck_in=["SF1234567890123"])
    (failure,) = closed.result["fixes"]["failed"]
    assert failure["fix"] == "recheck_in" and failure["reason"]  # the English, for JSON readers
    zh = stored_text(failure["message"], "zh")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert stored_text(failure["message"], "en") == failure["reason"]


def test_a_scope_typed_with_spaces_is_named_as_typed_with_what_to_type(station: Station) -> None:
    """`[bold red]x[/]` was named by what came before its space: "There is no shelf [BOLD.", and not
    what to type instead. Named whole (as data: the screen and the CLI print it as text), cut when
    long; nothing is started."""
    from station_console.errors import NotFound

    with pytest.raises(NotFound) as exc:
        stocktake.start(station, "[bold red]x[/]")
    assert exc.value.message("en").startswith("There is no shelf or layer [bold red]x[/] here. Type one of")
    assert "such as 1-1" in exc.value.message("en")
    with pytest.raises(NotFound) as exc:
        stocktake.start(station, "shelf " * 10)
    assert "shelf shelf shelf s… here" in exc.value.message("en")
    assert station.run(lambda session: session.exec(select(Stocktake)).all()) == []


def test_a_stocktake_without_a_shelf_says_so_and_names_no_blank_shelf(station: Station) -> None:
    from sqlmodel import delete

    from db.models import Layer, Shelf
    from station_console.errors import NotFound

    refusals = []
    for scope in ("", " ", "－"):
        with pytest.raises(NotFound) as exc:
            stocktake.start(station, scope)
        refusals.append(exc.value)
    assert {e.code for e in refusals} == {"no_location"}
    assert refusals[0].message("en") == "Name a shelf (6) or a layer (6-5)."
    assert refusals[0].message("zh") == "请写明货架（如 6）或货位（如 6-5）。"
    with pytest.raises(NotFound) as exc:
        stocktake.start(station, "Q")
    assert (exc.value.message("en"), exc.value.message("zh")) == (
        "There is no shelf or layer Q here. Type one of the shelves (1, 2, 3, 4, 5, 6, 7, 8, F, OV) or a layer, "
        "such as 1-1.",
        "本站没有货架或货位 Q。请输入本站的货架（1、2、3、4、5、6、7、8、F、OV）或货位，如 1-1。",
    )

    def no_shelves(session) -> None:  # type: ignore[no-untyped-def]
        session.exec(delete(Layer))
        session.exec(delete(Shelf))

    station.run(no_shelves)
    with pytest.raises(NotFound) as exc:
        stocktake.start(station, "")
    assert exc.value.code == "no_shelves" and exc.value.message("zh") == "还没有货架：请先添加。"


def test_a_parcel_marked_missing_reads_in_the_closing_clerks_language(station: Station) -> None:
    from station_console.i18n import set_language

    missing = place(station, wb(1), "6-5")
    take = stocktake.start(station, "6-5")
    set_language("zh")
    try:
        stocktake_close.close(station, take.id, mark_missing=[wb(1)])
    finally:
        set_language("en")
    assert parcel(station, missing).problem_note == f"盘库 {take.id} 时未找到"


def test_the_day_report_reads_a_closed_stocktake_as_sentences(station: Station) -> None:
    place(station, wb(1), "6-5")
    place(station, wb(2), "6-5")
    place(station, wb(3), "6-2")
    take = stocktake.start(station, "6-5")
    for raw in (wb(1), wb(3), "SF1234567890123"):
        stocktake.scan(station, take.id, raw)
    stocktake_close.close(station, take.id, relocate=[wb(3)], mark_missing=[wb(2)])
    report = build_report(station, station.business_day(station.now()))
    expected = (
        f"Stocktake {take.id} of 6-5: match 1, missing 1, wrong layer 1, wrong shelf 0, extra 1; "
        "fixes: relocated 1, marked missing 1, checked in (not on record here) 0, put back 0, not applied 0"
    )
    assert expected in summary_lines(report)  # not the stored result as JSON
    set_language("zh")
    assert (
        f"盘库 {take.id}（6-5）：相符 1、缺失 1、层错误 1、货架错误 0、多出 1；处理：移位 1、标记缺失 1、"
        "入库（本站无记录）0、放回 0、未完成 0" in "\n".join(summary_lines(report))
    )


def test_a_stray_checked_in_at_the_close_onto_the_layer_counted_is_not_counted_missing(
    station: Station,
) -> None:
    """Checked in again onto the very layer being counted (the policy's first, all layers empty), it was
    on record there and not scanned by its new row's id: the close's result and the closed stocktake's
    view counted the parcel the clerk had just scanned as missing."""
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, "SF1234567890123")
    closed = stocktake_close.close(station, take.id, recheck_in=["SF1234567890123"])
    (done,) = closed.result["fixes"]["rechecked"]
    assert done["location"] == "1-1"  # where the count was: the case itself
    assert closed.result["counts"]["missing"] == 0 and closed.counts["missing"] == 0
    assert closed.result["missing"] == []


def test_a_scan_into_a_stocktake_closed_on_an_earlier_day_says_that_day(station: Station, clock) -> None:
    """The refusal said only the time ('closed by Tester at 10:00'), read as today's."""
    take = stocktake.start(station, "1-1")
    stocktake_close.close(station, take.id)  # 2026-11-25 10:00 station time
    with pytest.raises(Refused) as same_day:
        stocktake.scan(station, take.id, wb(1))
    assert f"Stocktake {take.id} was closed by Tester at 10:00:" in str(same_day.value)
    clock.advance(days=1)
    with pytest.raises(Refused) as next_day:
        stocktake.scan(station, take.id, wb(1))
    assert f"Stocktake {take.id} was closed by Tester at 11-25 10:00:" in str(next_day.value)


def test_a_parcel_marked_missing_at_two_stocktakes_is_one_parcel_marked(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not found at two stocktakes in a day: one parcel with a problem, not two, as the report's line
    says it ('parcels marked with a problem', 登记为问题件 N 件); a day closed when each marking counted
    still matches its hash."""
    from station_console.services.day import figures
    from station_console.services.day.close import close_day

    place(station, wb(1), "6-5")
    place(station, wb(2), "6-5")
    for missing in ([wb(1)], [wb(1), wb(2)]):
        take = stocktake.start(station, "6-5")
        stocktake_close.close(station, take.id, mark_missing=missing)
    day = station.business_day(station.now())
    report = build_report(station, day)
    assert report["problems"]["marked"] == 2
    assert [p["waybill"] for p in report["problems"]["parcels"]] == [wb(1), wb(2)]
    assert "Re-deliveries: 0; parcels marked with a problem: 2" in summary_lines(report)
    set_language("zh")
    assert "再次投递：0 件；登记为问题件：2 件" in summary_lines(report)
    set_language("en")
    act_as_new_clerk(station, "Mei", Role.MANAGER)
    counted_now = figures.problems
    with monkeypatch.context() as old:  # the earlier version: each marking counted
        old.setattr(figures, "problems", lambda session, d, **how: counted_now(session, d, by_marking=True))
        close_day(station, day, early=True, allow_unbalanced=True)  # place() leaves no check-in event
        assert build_report(station, day)["problems"]["marked"] == 3
    after = build_report(station, day)
    assert after["problems"]["marked"] == 2 and after["closed"]["matches"] is True


def test_a_number_too_short_for_any_waybill_is_refused_not_counted_extra(station: Station) -> None:
    """A layer's number typed into the scan field ("3") was recorded as a stray parcel, offered to be
    checked in again at the close."""
    place(station, wb(1), "6-5")
    take = stocktake.start(station, "6-5")
    for typed in ("3", "SF12"):
        with pytest.raises(Refused) as refused:
            stocktake.scan(station, take.id, typed)
        assert refused.value.code == "too_short"
        assert refused.value.message("en").startswith(f"{typed} is too short for a waybill")
    assert stocktake.scan(station, take.id, wb(7)).classification == "extra"  # a stray's waybill still counts
    view = stocktake.view(station, take.id)
    assert waybills(view, "extra") == [wb(7)]


@pytest.mark.parametrize(
    "scanned",
    [
        "13812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        "]C113812345678",
        "１３８１２３４５６７８",
        "138XXXX5678",
    ],
)
def test_a_phone_scanned_is_refused_as_at_check_in_and_stored_nowhere(station: Station, scanned: str) -> None:
    """A recipient's phone barcode scanned (or a phone typed) was counted an extra parcel with the whole
    number as its waybill: kept in the findings, shown, and offered to be checked in again."""
    place(station, wb(1), "6-5")
    take = stocktake.start(station, "6-5")
    with pytest.raises(Refused) as refused:
        stocktake.scan(station, take.id, scanned)
    assert refused.value.code == "phone_not_waybill"
    assert refused.value.message("en") == (
        "138****5678 looks like a mobile number, not a waybill. Scan the waybill's barcode, not the phone's."
    )
    view = stocktake.view(station, take.id)
    assert view.counts["extra"] == 0 and view.counts["missing"] == 1
    with station.read() as session:
        assert session.exec(select(StocktakeScan.waybill)).all() == []
