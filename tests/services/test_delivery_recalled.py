"""A recalled parcel (its carrier or sender asked for it back) goes back, not to a door: a request is
refused, a plan leaves it out, a scan-out after a later recall keeps it off the trolley (the sheet and the
screen mark it), and one recalled while out is brought back, its delivery refused."""

from __future__ import annotations

import pytest
from conftest import FakeClock
from recipient_helpers import act_as
from sqlmodel import col, select
from station_helpers import events, parcel, recall, wb

from db.models import DeliveryItem, DeliveryRun, EventKind, Notification, ParcelStatus, Role
from station_console.commands.delivery import stop_lines
from station_console.errors import PermissionDenied, Refused
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import recalled, requests, runs, scan_back, sheet
from station_console.services.exceptions import problems
from station_console.services.printing.render import run_sheet_document
from station_console.tui.screens.delivery_stops import cells

PEOPLE = (("张三", "B10", "1203", "13800000001"), ("王五", "B2", "201", "13800000003"))


@pytest.fixture
def st(station: Station) -> Station:
    """Two people with an address; 王五 has chosen door delivery for good."""
    from station_console.services.recipients import consent, directory
    from station_console.services.recipients.consent import Choice

    act_as(station, Role.MANAGER, "boss")
    ids = {}
    for name, building, room, phone in PEOPLE:
        ids[name] = directory.add(
            station, {"name": name, "phones": phone, "building": building, "room": room}
        ).id
    consent.record(station, ids["王五"], Choice(delivery_preference="door"), channel="phone")
    check_in(station, wb(1), recipient_id=ids["张三"])
    check_in(station, wb(2), recipient_id=ids["王五"])
    return station


def items(st: Station) -> list[tuple[str, int | None]]:
    with st.read() as session:
        rows = session.exec(select(DeliveryItem).order_by(col(DeliveryItem.id))).all()
        return [(i.status, i.run_id) for i in rows]


def date_of(st: Station, clock: FakeClock) -> str:
    return clock.now.astimezone(st.zone()).strftime("%Y-%m-%d")


def test_a_recalled_parcel_is_not_requested_for_the_door(st: Station, clock: FakeClock) -> None:
    recall(st, wb(1))
    with pytest.raises(Refused) as info:
        requests.request(st, wb(1))
    assert info.value.code == "recalled"
    assert info.value.reason() == (
        f"{wb(1)} was recalled by its carrier or sender on {date_of(st, clock)}: it goes back, not to a "
        "door. No delivery was requested."
    )
    assert "resolve it on the Problems screen" in info.value.message()
    assert info.value.reason("zh").startswith(
        f"{wb(1)} 已于 {date_of(st, clock)} 被快递公司或寄件人拦截召回："
    )
    assert items(st) == [] and events(st, EventKind.DOOR_REQUESTED) == []
    problems.resolve(st, wb(1), "sender called it off")
    assert requests.request(st, wb(1)).status == "requested"


def test_a_plan_leaves_a_recalled_parcel_waiting_marked(st: Station) -> None:
    requests.request(st, wb(1))
    recall(st, wb(1), wb(2))  # 张三's request, and 王五's standing choice
    waiting = requests.waiting(st)
    assert sorted((s.waybill, s.recalled) for s in waiting) == [(wb(1), True), (wb(2), True)]
    with pytest.raises(Refused) as info:
        runs.plan(st, "小刘")
    assert info.value.code == "recalled"
    assert info.value.reason().startswith("2 parcels waiting for a door delivery were recalled")
    assert info.value.reason("zh").startswith("等待送货上门的 2 件包裹已被快递公司或寄件人拦截召回：")
    with st.read() as session:
        assert session.exec(select(DeliveryRun)).all() == []
    problems.resolve(st, wb(2), "sender called it off")
    run = runs.plan(st, "小刘")
    assert [s.waybill for s in run.stops] == [wb(2)]
    assert [(s.waybill, s.status) for s in requests.waiting(st)] == [(wb(1), "requested")]


def test_a_recall_after_the_plan_keeps_it_off_the_trolley_and_the_sheet_says_so(st: Station) -> None:
    run = runs.plan(st, "小刘")
    recall(st, wb(2))
    with pytest.raises(Refused) as info:
        runs.scan_out(st, run.id, wb(2))
    assert info.value.code == "recalled"
    assert "Keep it off the trolley: it stays on run DR" in info.value.reason()
    assert "请勿装车" in info.value.reason("zh")
    assert parcel(st, parcel_id_of(st, wb(2))).delivery_run_id is None
    assert items(st) == [("planned", run.id)] and events(st, EventKind.OUT_FOR_DELIVERY) == []
    (stop,) = runs.view(st, run.id).stops
    assert stop.recalled and str(cells(stop, narrow=False)["status"]) == "on the sheet, recalled"
    (line,) = sheet.payload(runs.view(st, run.id))["stops"]
    assert line["recalled"] is True
    data = {**sheet.payload(runs.view(st, run.id)), "at": st.now().isoformat()}
    printed = [row[1] for row in run_sheet_document(st, data, "zh").rows]
    assert "已拦截：要退回，请勿派送。" in printed
    closed = runs.close(st, run.id)
    assert [s.status for s in closed.stops] == ["cancelled"]


def test_a_parcel_recalled_while_out_is_brought_back_not_delivered(st: Station) -> None:
    run = runs.plan(st, "小刘")
    runs.scan_out(st, run.id, wb(2))
    recall(st, wb(2))
    with pytest.raises(Refused) as info:
        scan_back.deliver(st, run.id, wb(2), received_by="self")
    assert info.value.code == "recalled"
    assert info.value.reason().endswith(
        "while out with the runner: it goes back, not to the customer. It was not marked delivered."
    )
    assert "scan it back as not delivered" in info.value.message()
    assert "未标记为已送达" in info.value.reason("zh")
    pid = parcel_id_of(st, wb(2))
    assert parcel(st, pid).status == ParcelStatus.ON_SHELF and events(st, EventKind.PICKED_UP) == []
    (stop,) = runs.view(st, run.id).stops
    assert str(cells(stop, narrow=True)["status"]) == "out, recalled"
    told = notifications(st)
    stop = scan_back.fail(st, run.id, wb(2), reason="other", note="recalled")
    assert stop.status == "failed" and parcel(st, pid).delivery_run_id is None
    assert notifications(st) == told  # not sent to the counter for a parcel that goes back
    (failed,) = events(st, EventKind.DELIVERY_FAILED)
    assert failed.details["recalled"] is True


def parcel_id_of(st: Station, waybill: str) -> int:
    from db.models import Parcel

    with st.read() as session:
        found = session.exec(select(Parcel).where(Parcel.waybill == waybill)).one()
        return found.id or 0


def notifications(st: Station) -> list[str]:
    with st.read() as session:
        return [n.kind for n in session.exec(select(Notification)).all()]


def test_a_manager_records_a_recalled_parcel_the_runner_had_handed_over(st: Station) -> None:
    """The runner handed it over before hearing of the recall: it is gone, so a manager records it
    delivered with a reason its pickup event keeps; a clerk is refused, and so is a manager with none."""
    run = runs.plan(st, "小刘")
    runs.scan_out(st, run.id, wb(2))
    recall(st, wb(2))
    pid = parcel_id_of(st, wb(2))
    assert recalled.recalled_out(st, run.id, wb(2)) is True
    with pytest.raises(Refused) as info:
        scan_back.deliver(st, run.id, wb(2), received_by="self", recall_reason="[/]")  # marks say nothing
    assert info.value.code == "recalled" and "only a manager may record it delivered" in info.value.message()
    act_as(st, Role.CLERK, "clerk")
    with pytest.raises(PermissionDenied):
        scan_back.deliver(st, run.id, wb(2), received_by="self", recall_reason="handed over at 10:05")
    assert parcel(st, pid).status == ParcelStatus.ON_SHELF and events(st, EventKind.PICKED_UP) == []
    act_as(st, Role.MANAGER, "boss2")
    stop = scan_back.deliver(st, run.id, wb(2), received_by="self", recall_reason="handed over at 10:05")
    assert stop.status == "delivered" and parcel(st, pid).status == ParcelStatus.PICKED_UP
    (picked,) = events(st, EventKind.PICKED_UP)
    assert (picked.details["method"], picked.details["recall_overridden"]) == ("door", "handed over at 10:05")
    assert picked.clerk_id == st.clerk_id
    # Gone from the station, it keeps no open recall: closed as pickup's override closes it.
    assert (parcel(st, pid).problem_kind, parcel(st, pid).problem_note) == (None, None)
    (closed,) = events(st, EventKind.PROBLEM_RESOLVED)
    assert (closed.details["kind"], closed.details["recall_overridden"]) == (
        "recalled",
        "handed over at 10:05",
    )
    # Its run says how it was delivered, as the parcel's history does.
    (stop,) = runs.view(st, run.id).stops
    assert stop.recall_overridden and not stop.recalled
    assert str(cells(stop, narrow=False)["status"]) == "delivered · recalled, manager's override"
    assert stop_lines([stop])[0].endswith("delivered · recalled, manager's override")
    set_language("zh")
    assert str(cells(stop, narrow=True)["status"]) == "已送达 · 已拦截，店长放行"


def test_a_door_delivery_on_an_override_undone_puts_the_recall_back(st: Station) -> None:
    """Recorded delivered on a manager's override, the parcel's recall was closed with it; undone at the
    counter, the parcel is on the shelf again and still goes back: the recall returns as it was, and no
    door request or plan takes it again."""
    from station_console.services.pickup.undo import undo_pickup

    run = runs.plan(st, "小刘")
    runs.scan_out(st, run.id, wb(2))
    recall(st, wb(2))
    pid = parcel_id_of(st, wb(2))
    before = parcel(st, pid)
    scan_back.deliver(st, run.id, wb(2), received_by="self", recall_reason="handed over at 10:05")
    assert parcel(st, pid).problem_kind is None
    undo_pickup(st, pid)
    back = parcel(st, pid)
    assert back.status == ParcelStatus.ON_SHELF and back.pickup_method is None
    assert (back.problem_kind, back.problem_note, back.problem_at) == (
        "recalled",
        before.problem_note,
        before.problem_at,
    )
    first, again = events(st, EventKind.PROBLEM_MARKED)  # the recall, and its return at the undo
    assert first.details["kind"] == again.details["kind"] == "recalled"
    (stop,) = runs.view(st, run.id).stops
    assert stop.status == "undone"
    with pytest.raises(Refused) as info:
        requests.request(st, wb(2))
    assert info.value.code == "recalled"


def test_an_override_for_a_parcel_not_recalled_is_refused(st: Station) -> None:
    """Delivered as usual, its reason was thrown away while the manager believed it kept: refused, and
    nothing changes; the check read before the manager is asked why says the same."""
    run = runs.plan(st, "小刘")
    runs.scan_out(st, run.id, wb(2))
    pid = parcel_id_of(st, wb(2))
    for reason in ("no need", "[/]"):
        with pytest.raises(Refused) as info:
            scan_back.deliver(st, run.id, wb(2), received_by="self", recall_reason=reason)
        assert info.value.code == "not_recalled" and "is not recalled" in info.value.message()
    assert recalled.recalled_out(st, run.id, wb(2)) is False
    assert parcel(st, pid).status == ParcelStatus.ON_SHELF and events(st, EventKind.PICKED_UP) == []
    scan_back.deliver(st, run.id, wb(2), received_by="self")
    (picked,) = events(st, EventKind.PICKED_UP)
    assert "recall_overridden" not in picked.details
    (stop,) = runs.view(st, run.id).stops
    assert not stop.recall_overridden and str(cells(stop, narrow=False)["status"]) == "delivered"
