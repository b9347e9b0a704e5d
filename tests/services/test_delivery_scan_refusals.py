"""Door delivery's refusals: a scan out or back that does not belong to the run (not on it, not out,
out already, another run's, neither a waybill nor a code) is refused in the clerk's words and changes
nothing."""

from __future__ import annotations

import pytest
from door_campus import Campus, campus_of, checked_in
from sqlmodel import col, select
from station_helpers import events, parcel, wb

from db.models import DeliveryItem, EventKind, Parcel
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs, scan_back


@pytest.fixture
def campus(station: Station) -> Campus:
    """Five people in two buildings; 王 has chosen door delivery for good."""
    return campus_of(station)


def test_scans_that_do_not_belong_are_refused(campus: Campus) -> None:
    st = campus.station
    mine = checked_in(campus, 1, "王五")
    checked_in(campus, 2, "李四")  # not requested
    run = runs.plan(st, "小刘")
    with pytest.raises(Refused) as stranger:
        runs.scan_out(st, run.id, wb(2))
    assert stranger.value.code == "not_on_run"
    with pytest.raises(Refused) as early:
        scan_back.deliver(st, run.id, wb(1), received_by="x")
    assert early.value.code == "not_out"
    runs.scan_out(st, run.id, wb(1))
    with pytest.raises(Refused) as twice:
        runs.scan_out(st, run.id, wb(1))
    assert twice.value.code == "already_out"
    for bad in ("", "   ", "\x1b\x07", "x" * 65):
        with pytest.raises(Refused):
            scan_back.deliver(st, run.id, wb(1), received_by=bad)
    with pytest.raises(Refused) as reason:
        scan_back.fail(st, run.id, wb(1), reason="aliens")
    assert reason.value.code == "bad_reason"
    with pytest.raises(Refused) as still_out:
        runs.close(st, run.id)
    assert still_out.value.code == "still_out"
    assert still_out.value.message("en") == (
        f"1 parcel of run {run.number} is still out: scan it back as delivered or failed."
    )
    assert f"批次 {run.number} 还有 1 件在外" in still_out.value.message("zh")
    assert parcel(st, mine).delivery_run_id == run.id  # every refusal above changed nothing


def _door_state(st: Station) -> list[tuple[object, ...]]:
    """Every delivery item, every parcel's status and run, and the door's events: what a refusal leaves."""
    with st.read() as session:
        items = session.exec(select(DeliveryItem).order_by(col(DeliveryItem.id))).all()
        parcels = session.exec(select(Parcel).order_by(col(Parcel.id))).all()
        return [
            *((i.run_id, i.parcel_id, i.status, i.received_by, i.fail_reason) for i in items),
            *((p.id, p.status, p.delivery_run_id) for p in parcels),
            tuple(len(events(st, kind)) for kind in (EventKind.PICKED_UP, EventKind.DELIVERY_FAILED)),
        ]


def test_an_outcome_sent_with_another_run_is_refused_and_changes_nothing(campus: Campus) -> None:
    """F9 or F10 for a parcel out on one run, sent with another run on screen (the outcome written on
    the wrong run, or on a run where the parcel came back before): refused, nothing written."""
    st = campus.station
    checked_in(campus, 1, "王五")  # 王五 has chosen the door: on the first run
    first = runs.plan(st, "小刘")
    runs.scan_out(st, first.id, wb(1))
    checked_in(campus, 2, "李四")
    requests.request(st, wb(2))
    second = runs.plan(st, "小王")
    before = _door_state(st)
    with pytest.raises(Refused) as delivered:
        scan_back.deliver(st, second.id, wb(1), received_by="门卫")
    assert delivered.value.code == "not_on_run"
    with pytest.raises(Refused) as failed:
        scan_back.fail(st, second.id, wb(1), reason="not_home")
    assert failed.value.code == "not_on_run"
    assert _door_state(st) == before
    # Back on the first run, then out again on a third: the first run no longer settles it.
    scan_back.fail(st, first.id, wb(1), reason="not_home")
    requests.request(st, wb(1))
    third = runs.plan(st, "小张")
    runs.scan_out(st, third.id, wb(1))
    before = _door_state(st)
    with pytest.raises(Refused) as stale:
        scan_back.deliver(st, first.id, wb(1), received_by="门卫")
    assert stale.value.code == "not_out"
    assert _door_state(st) == before


def test_a_scan_refused_for_its_stop_names_the_stop_as_the_sheet_does_in_either_language(
    campus: Campus,
) -> None:
    """A parcel scanned out again after it came back, or scanned back before it went out: the refusal
    said the stored code ("is failed on this run", "(planned)"), in English on a Chinese console too; and
    it names the run by its sheet's number ("this run" was ambiguous with another run on screen)."""
    st = campus.station
    checked_in(campus, 1, "王五")
    run = runs.plan(st, "小刘")
    with pytest.raises(Refused) as early:
        scan_back.deliver(st, run.id, wb(1), received_by="x")
    assert early.value.message("en") == f"{wb(1)} was not scanned out on run {run.number} (on the sheet)."
    assert early.value.message("zh") == f"{wb(1)} 未在派送批次 {run.number} 扫描出库（已排单）。"
    runs.scan_out(st, run.id, wb(1))
    scan_back.fail(st, run.id, wb(1), reason="not_home")
    with pytest.raises(Refused) as again:
        runs.scan_out(st, run.id, wb(1))
    assert again.value.code == "not_planned"
    assert again.value.message("en") == f"{wb(1)} is not delivered on run {run.number}."
    assert again.value.message("zh") == f"{wb(1)} 在派送批次 {run.number} 中的状态是未送达。"


def test_a_run_takes_the_pickup_code_off_the_label_as_the_request_does(campus: Campus) -> None:
    st = campus.station
    mine = checked_in(campus, 1, "王五")
    other = checked_in(campus, 2, "李四")
    code, other_code = parcel(st, mine).pickup_code, parcel(st, other).pickup_code
    assert code is not None and other_code is not None
    typed = "\uff0d".join(code.split("-"))  # as an input method types it: full-width dashes
    requests.request(st, other_code)  # the request dialog has always taken codes
    run = runs.plan(st, "小刘")
    assert runs.scan_out(st, run.id, typed).parcel_id == mine
    with pytest.raises(Refused) as twice:
        runs.scan_out(st, run.id, code)
    assert (twice.value.code, twice.value.params["waybill"]) == ("already_out", wb(1))
    assert scan_back.deliver(st, run.id, code, received_by="王五").parcel_id == mine
    runs.scan_out(st, run.id, other_code)
    assert scan_back.fail(st, run.id, other_code, reason="not_home").parcel_id == other
    with pytest.raises(Refused) as gone:  # delivered: its code no longer names a parcel on the shelf
        runs.scan_out(st, run.id, code)
    assert gone.value.code == "not_on_run"


@pytest.mark.parametrize("garbage", ["hello world!", "运单", "3--2", "<b>x</b>"])
def test_a_scan_that_is_neither_a_waybill_nor_a_code_says_what_the_field_takes(
    campus: Campus, garbage: str
) -> None:
    st = campus.station
    checked_in(campus, 1, "王五")
    run = runs.plan(st, "小刘")
    for refuse in (lambda: runs.scan_out(st, run.id, garbage), lambda: requests.request(st, garbage)):
        with pytest.raises(Refused) as bad:
            refuse()
        assert bad.value.code == "not_a_parcel_ref"
        assert "neither a waybill nor a pickup code" in bad.value.message("en")
        assert "既不是运单号也不是取件码" in bad.value.message("zh")
