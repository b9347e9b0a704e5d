"""Scan-to-confirm, handing over, cooldown, races between counters, undo, the shift's list."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from conftest import FakeClock
from pickup_helpers import as_clerk, events, layer_of, parcel, receive, zto
from sqlmodel import select

from db.models import CodeHold, EventKind, ParcelStatus, Role
from station_console.errors import NotFound, PermissionDenied, Refused, StationError
from station_console.services.core.station import Station
from station_console.services.pickup import handover as pickup
from station_console.services.pickup import undo

ANN = "13812345678"


def test_a_scan_in_the_list_gives_its_row(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    found = pickup.lookup(station, a.pickup_code)
    assert pickup.check_scan(found, f"]C1{a.waybill}\r\n", station).parcel_id == a.parcel_id


def test_a_wrong_parcel_is_refused_naming_where_it_belongs(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    other = receive(station, 2, phone="13700001111")
    found = pickup.lookup(station, a.pickup_code)
    with pytest.raises(Refused) as info:
        pickup.check_scan(found, other.waybill, station)
    assert info.value.code == "wrong_parcel"
    message = info.value.message()
    assert other.location in message and other.pickup_code in message


def test_a_scan_of_a_parcel_that_left_or_never_came_says_so(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    gone = receive(station, 2, phone="13700001111")
    pickup.confirm_pickup(station, [gone.parcel_id], method="code", scanned=[gone.waybill])
    found = pickup.lookup(station, a.pickup_code)
    with pytest.raises(Refused, match="picked up"):
        pickup.check_scan(found, gone.waybill, station)
    with pytest.raises(Refused, match="not a parcel of this station"):
        pickup.check_scan(found, zto(999), station)


def test_confirm_hands_over_with_time_clerk_counter_method(station: Station, clock: FakeClock) -> None:
    clerk = as_clerk(station, "li", counter="counter-2")
    parcels = [receive(station, n, phone=ANN) for n in (1, 2, 3)]
    layer_before = layer_of(station, parcels[0].parcel_id)
    found = pickup.lookup(clerk, parcels[0].pickup_code)
    scanned = [r.waybill for r in found.rows]
    done = pickup.confirm_pickup(
        clerk, [r.parcel_id for r in found.rows], method=found.method, scanned=scanned
    )
    assert sorted(done) == sorted(p.parcel_id for p in parcels)
    for p in parcels:
        row = parcel(station, p.parcel_id)
        assert row.status == ParcelStatus.PICKED_UP and row.picked_up_at == clock.now
        assert (row.picked_up_by, row.picked_up_counter, row.pickup_method) == (
            clerk.clerk_id,
            "counter-2",
            "code",
        )
        assert row.version == 2
    # The parcels leave the shelf counts at once.
    layer_after = layer_of(station, parcels[0].parcel_id)
    assert layer_after.parcel_count == layer_before.parcel_count - 3
    assert layer_after.used_units == layer_before.used_units - 6
    picked = events(station, EventKind.PICKED_UP)
    assert sorted(e.parcel_id or 0 for e in picked) == sorted(p.parcel_id for p in parcels)
    assert all(e.counter == "counter-2" and e.details["scanned"] for e in picked)


def test_a_partial_pickup_leaves_the_rest_on_the_shelf(station: Station) -> None:
    a, b, c = (receive(station, n, phone=ANN) for n in (1, 2, 3))
    pickup.confirm_pickup(station, [a.parcel_id, c.parcel_id], method="code", scanned=[a.waybill, c.waybill])
    assert [parcel(station, p.parcel_id).status for p in (a, b, c)] == ["picked_up", "on_shelf", "picked_up"]
    assert [r.waybill for r in pickup.lookup(station, b.pickup_code).rows] == [b.waybill]


def test_an_unscanned_parcel_is_refused_and_nothing_is_written(station: Station) -> None:
    a, b = (receive(station, n, phone=ANN) for n in (1, 2))
    with pytest.raises(Refused) as info:
        pickup.confirm_pickup(station, [a.parcel_id, b.parcel_id], method="code", scanned=[a.waybill])
    assert info.value.code == "not_scanned" and b.waybill in info.value.message()
    assert parcel(station, a.parcel_id).status == parcel(station, b.parcel_id).status == "on_shelf"
    assert events(station, EventKind.PICKED_UP) == []


def test_override_needs_a_manager_and_a_reason(station: Station) -> None:
    a, b = (receive(station, n, phone=ANN) for n in (1, 2))
    clerk = as_clerk(station, "li")
    with pytest.raises(PermissionDenied):
        pickup.confirm_pickup(
            clerk,
            [a.parcel_id, b.parcel_id],
            method="code",
            scanned=[a.waybill],
            override_reason="label torn",
        )
    assert parcel(station, b.parcel_id).status == "on_shelf"
    boss = as_clerk(station, "wang", role=Role.MANAGER)
    with pytest.raises(Refused):  # a manager still has to say why
        pickup.confirm_pickup(boss, [b.parcel_id], method="code", override_reason="  ")
    pickup.confirm_pickup(
        boss, [a.parcel_id, b.parcel_id], method="code", scanned=[a.waybill], override_reason="label torn"
    )
    assert parcel(station, a.parcel_id).pickup_method == "code"
    assert parcel(station, b.parcel_id).pickup_method == "override"
    details = {e.parcel_id: e.details for e in events(station, EventKind.PICKED_UP)}
    assert details[b.parcel_id]["override_reason"] == "label torn" and not details[b.parcel_id]["scanned"]
    assert "override_reason" not in details[a.parcel_id]


@pytest.mark.parametrize("method", ["override", "door"])
def test_a_handover_is_asked_by_how_the_customer_was_found(station: Station, method: str) -> None:
    """A scanned handover at the counter is by code, phone or waybill: recorded as a manager's override
    (or a runner's door delivery) it would tell the trail and the day report what nobody did."""
    a = receive(station, 1, phone=ANN)
    clerk = as_clerk(station, "li")
    with pytest.raises(Refused) as info:
        pickup.confirm_pickup(clerk, [a.parcel_id], method=method, scanned=[a.waybill])
    assert info.value.code == "bad_method"
    assert parcel(station, a.parcel_id).status == "on_shelf"
    assert events(station, EventKind.PICKED_UP) == []


def test_a_picked_up_code_cools_down(station: Station, clock: FakeClock) -> None:
    a = receive(station, 1, phone=ANN)
    pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    with station.read() as session:
        hold = session.get(CodeHold, a.pickup_code)
    assert hold is not None and hold.until == clock.now + timedelta(days=7)
    with pytest.raises(NotFound):  # the old text message frees nothing
        pickup.lookup(station, a.pickup_code)
    # New parcels on the same layer get other codes for the cooldown.
    later = [receive(station, n, phone=ANN) for n in range(2, 6)]
    assert a.pickup_code not in {r.pickup_code for r in later}


def test_confirming_a_parcel_twice_is_refused(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    with pytest.raises(Refused) as info:
        pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    assert info.value.code == "not_on_shelf"
    assert len(events(station, EventKind.PICKED_UP)) == 1


def test_two_counters_confirming_one_parcel_exactly_one_wins(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    b = receive(station, 2, phone=ANN)
    counters = [as_clerk(station, f"c{n}", counter=f"counter-{n}") for n in (1, 2)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def serve(st: Station) -> None:
        barrier.wait()
        try:
            outcomes.append(
                pickup.confirm_pickup(
                    st, [a.parcel_id, b.parcel_id], method="code", scanned=[a.waybill, b.waybill]
                )
            )
        except StationError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=serve, args=(st,)) for st in counters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [o for o in outcomes if isinstance(o, list)]
    assert len(wins) == 1 and len(outcomes) == 2
    assert outcomes.count("not_on_shelf") + outcomes.count("version_conflict") == 1
    assert len(events(station, EventKind.PICKED_UP)) == 2
    assert layer_of(station, a.parcel_id).parcel_count == 0


def test_a_stale_version_is_refused(station: Station) -> None:
    """The update lands only on the version it read: a change in between refuses the whole pickup."""
    from sqlalchemy import event

    a = receive(station, 1, phone=ANN)
    bumped: list[bool] = []

    def interfere(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("UPDATE parcel SET status"):
            bumped.append(True)
            # Another counter's change lands between our read and our update, at every attempt.
            conn.exec_driver_sql(f"UPDATE parcel SET version = version + 1 WHERE id = {a.parcel_id}")

    event.listen(station.engine, "before_cursor_execute", interfere)
    try:
        with pytest.raises(Refused) as info:
            pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    finally:
        event.remove(station.engine, "before_cursor_execute", interfere)
    assert info.value.code == "version_conflict" and bumped
    row = parcel(station, a.parcel_id)
    assert (row.status, row.version) == ("on_shelf", 1)  # rolled back, the interference too
    assert events(station, EventKind.PICKED_UP) == []


def test_undo_puts_the_parcel_back_under_its_code(station: Station, clock: FakeClock) -> None:
    a, b = (receive(station, n, phone=ANN) for n in (1, 2))
    before = layer_of(station, a.parcel_id)
    pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    with pytest.raises(PermissionDenied):
        undo.undo_pickup(as_clerk(station, "li"), a.parcel_id)
    boss = as_clerk(station, "wang", role=Role.MANAGER)
    clock.advance(minutes=4)
    undo.undo_pickup(boss, a.parcel_id)
    row = parcel(station, a.parcel_id)
    assert row.status == "on_shelf" and row.picked_up_at is None and row.pickup_code == a.pickup_code
    after = layer_of(station, a.parcel_id)
    assert (after.parcel_count, after.used_units) == (before.parcel_count, before.used_units)
    with station.read() as session:
        assert session.exec(select(CodeHold).where(CodeHold.code == a.pickup_code)).first() is None
    assert {r.waybill for r in pickup.lookup(station, b.pickup_code).rows} == {a.waybill, b.waybill}
    assert len(events(station, EventKind.PICKUP_UNDONE)) == 1


def test_undo_is_refused_after_the_window(station: Station, clock: FakeClock) -> None:
    a = receive(station, 1, phone=ANN)
    pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    clock.advance(minutes=6)
    with pytest.raises(Refused) as info:
        undo.undo_pickup(as_clerk(station, "wang", role=Role.MANAGER), a.parcel_id)
    assert info.value.code == "undo_too_late"
    assert parcel(station, a.parcel_id).status == "picked_up"


def test_the_undo_question_is_not_asked_after_the_window(station: Station, clock: FakeClock) -> None:
    """The preview the question is built from refuses as the undo would: a manager was asked "Undo the
    last pickup?" about one handed over ten minutes before, and told only after the Yes that it was late."""
    a = receive(station, 1, phone=ANN)
    pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    boss = as_clerk(station, "wang", role=Role.MANAGER)
    clock.advance(minutes=4)
    assert [item.waybill for item in undo.undo_preview(boss).items] == [a.waybill]
    clock.advance(minutes=2)
    with pytest.raises(Refused) as info:
        undo.undo_preview(boss)
    assert (info.value.code, str(info.value)) == (
        "undo_too_late",
        "A pickup can only be undone within 5 minutes.",
    )


def test_recent_pickups_are_this_counters_shift(station: Station, clock: FakeClock) -> None:
    a, b, c = (receive(station, n, phone=ANN) for n in (1, 2, 3))
    other = as_clerk(station, "li", counter="counter-9")
    pickup.confirm_pickup(station, [a.parcel_id], method="code", scanned=[a.waybill])
    clock.advance(minutes=10)
    pickup.confirm_pickup(station, [b.parcel_id], method="phone", scanned=[b.waybill])
    pickup.confirm_pickup(other, [c.parcel_id], method="code", scanned=[c.waybill])
    recent = pickup.recent_pickups(station)
    assert [(r.waybill, r.method, r.can_undo) for r in recent] == [
        (b.waybill, "phone", True),
        (a.waybill, "code", False),
    ]
    assert [r.waybill for r in pickup.recent_pickups(other)] == [c.waybill]
    assert undo.picked_up_parcel(as_clerk(station, "wang", role=Role.MANAGER), a.waybill) == a.parcel_id


def test_the_shifts_list_names_a_proxy_masked_and_only_for_the_pickup_they_made(
    station: Station, clock: FakeClock
) -> None:
    from station_console.services.pickup.proxy import Proxy

    a, b = (receive(station, n, phone=ANN) for n in (1, 2))
    pickup.confirm_pickup(
        station,
        [a.parcel_id],
        method="code",
        scanned=[a.waybill],
        proxy=Proxy("王小明", "2222"),
        codes=[a.pickup_code],
    )
    pickup.confirm_pickup(
        station,
        [b.parcel_id],
        method="code",
        scanned=[b.waybill],
        proxy=Proxy("老王", "3333"),
        codes=[b.pickup_code],
    )
    undo.undo_pickup(as_clerk(station, "wang", role=Role.MANAGER), b.parcel_id)
    clock.advance(minutes=1)
    pickup.confirm_pickup(
        station, [b.parcel_id], method="code", scanned=[b.waybill]
    )  # the recipient, this time
    assert {r.waybill: (r.method, r.proxy) for r in pickup.recent_pickups(station)} == {
        a.waybill: ("code", "王** ****2222"),
        b.waybill: ("code", None),
    }


def test_a_proxy_named_with_brackets_is_masked_from_their_first_letter(station: Station) -> None:
    """A name that starts with a bracket or a mark keeps its first letter, never the bracket (`[***`)."""
    from station_console.services.pickup.proxy import Proxy

    a, b = (receive(station, n, phone=ANN) for n in (1, 2))
    for found, name, tail in ((a, "[Tom] Jones", "2222"), (b, "【老王】", "3333")):
        pickup.confirm_pickup(
            station,
            [found.parcel_id],
            method="code",
            scanned=[found.waybill],
            proxy=Proxy(name, tail),
            codes=[found.pickup_code],
        )
    assert {r.waybill: r.proxy for r in pickup.recent_pickups(station)} == {
        a.waybill: "T*** ****2222",
        b.waybill: "老* ****3333",
    }


def test_pickups_refusals_end_in_a_full_stop_in_english_and_chinese(station: Station) -> None:
    """Said on Pickup's status line among its own sentences, each of which ends in its full stop."""
    a, b = (receive(station, n, phone=ANN) for n in (1, 2))
    other = receive(station, 3, phone="13700001111")
    gone = receive(station, 4, phone="13700002222")
    pickup.confirm_pickup(station, [gone.parcel_id], method="code", scanned=[gone.waybill])
    found = pickup.lookup(station, a.pickup_code)
    refusals: list[StationError] = []
    for scanned in (other.waybill, gone.waybill, zto(999)):  # on a shelf, left, never came
        with pytest.raises(Refused) as info:
            pickup.check_scan(found, scanned, station)
        refusals.append(info.value)
    with pytest.raises(Refused) as info:
        pickup.confirm_pickup(station, [a.parcel_id, b.parcel_id], method="code", scanned=[a.waybill])
    refusals.append(info.value)
    with pytest.raises(Refused) as info:
        pickup.confirm_pickup(station, [gone.parcel_id], method="code", scanned=[gone.waybill])
    refusals.append(info.value)
    assert [r.code for r in refusals] == ["wrong_parcel"] * 3 + ["not_scanned", "not_on_shelf"]
    for refusal in refusals:
        assert refusal.message("en").endswith("."), refusal.message("en")
        assert refusal.message("zh").endswith("。"), refusal.message("zh")
