"""A stocktake's put-back: a parcel recorded as gone, found on the shelf, goes back on as the same
customer's parcel (their phone, their directory entry), with no message to them."""

from __future__ import annotations

import pytest
from saves_at_once import WAITING_ON_A_LOCK, other_save_before
from sqlmodel import Session, select
from station_helpers import act_as_new_clerk, configure

from db.models import Layer, Notification, Parcel, ParcelStatus, Role
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.lookup import lookup
from station_console.services.recipients import directory
from station_console.services.shelves import slots

WAYBILL = "SF1400000000005"


def picked_up(station: Station, **check_in_with: object) -> int:
    """`WAYBILL` checked in (as given) and picked up with its code; the row's id."""
    done = check_in(station, WAYBILL, **check_in_with)  # type: ignore[arg-type]
    confirm_pickup(station, [done.parcel_id], method="code", scanned=[WAYBILL])
    return done.parcel_id


def as_manager(station: Station) -> int:
    """The manager Boss, signed in now; their id."""
    return act_as_new_clerk(station, "Boss", Role.MANAGER)


def put_back_on(station: Station, location: str, manager: int | None = None) -> dict[str, object]:
    """A manager's stocktake of `location` finds `WAYBILL` there and closes, putting it back."""
    if manager is None:
        as_manager(station)
    else:
        station.clerk_id, station.clerk_role = manager, Role.MANAGER
    take = stocktake.start(station, location)
    assert stocktake.scan(station, take.id, WAYBILL).classification == "extra"
    closed = stocktake_close.close(station, take.id, put_back=[WAYBILL])
    assert closed.result["fixes"]["failed"] == []
    (put,) = closed.result["fixes"]["put_back"]
    return put


def on_shelf(station: Station) -> Parcel:
    with station.read() as s:
        return s.exec(
            select(Parcel).where(Parcel.waybill == WAYBILL, Parcel.status == ParcelStatus.ON_SHELF)
        ).one()


def test_a_put_back_keeps_its_customers_phone_and_recipient_and_tells_nobody(station: Station) -> None:
    """The put-back's row had no phone and no recipient: the customer who came asking was not found by
    their phone's tail, only by the waybill."""
    manager = as_manager(station)
    wang = directory.add(station, {"name": "王芳", "phones": "13800005555"}).id
    act_as_new_clerk(station, "demo-clerk", Role.CLERK)
    picked_up(station, phone="13800005555", size="L")
    with station.read() as s:
        told = len(s.exec(select(Notification)).all())  # the first check-in's arrival message
    put = put_back_on(station, "4-5", manager)
    back = on_shelf(station)
    assert (back.phone_full, back.masked_phone, back.phone_tail) == ("13800005555", "138****5555", "5555")
    assert (back.recipient_id, back.recipient_name, back.size) == (wang, "王芳", "L")
    assert back.pickup_code == put["pickup_code"]
    (row,) = lookup(station, "5555").rows  # the customer asking by their phone's tail finds it
    assert row.waybill == WAYBILL and row.pickup_code == put["pickup_code"]
    with station.read() as s:
        assert len(s.exec(select(Notification)).all()) == told  # still no message for a put-back


def test_a_put_back_keeps_what_a_purge_left_of_the_phone(station: Station) -> None:
    """The full number purged after the pickup: the masked form and tail still find the customer."""
    parcel_id = picked_up(station, phone="13800005555")

    def purge(session: Session) -> None:  # as the privacy purge leaves the row
        row = session.get(Parcel, parcel_id)
        assert row is not None
        row.phone_full = None
        session.add(row)

    station.run(purge)
    put_back_on(station, "4-5")
    back = on_shelf(station)
    assert (back.phone_full, back.masked_phone, back.phone_tail) == (None, "138****5555", "5555")
    (row,) = lookup(station, "5555").rows
    assert row.waybill == WAYBILL


def test_a_put_back_leaves_out_a_directory_entry_deactivated_since(station: Station) -> None:
    """An entry deactivated after the pickup is not linked again (check-in refuses one), and the
    put-back still goes through with the phone and name the parcel had."""
    manager = as_manager(station)
    wang = directory.add(station, {"name": "王芳", "phones": "13800005555"}).id
    act_as_new_clerk(station, "demo-clerk", Role.CLERK)
    picked_up(station, phone="13800005555")
    station.clerk_id, station.clerk_role = manager, Role.MANAGER
    directory.set_active(station, wang, False)
    put_back_on(station, "4-5", manager)
    back = on_shelf(station)
    assert (back.recipient_id, back.recipient_name, back.phone_full) == (None, "王芳", "13800005555")


def test_a_put_back_stays_on_the_layer_the_stocktake_found_it_on(station: Station) -> None:
    """Found on 4-5 (a shelf stocktake, the clerk on layer 5), it was given a code on another layer by
    the assignment policy, and the clerk had to move it."""
    picked_up(station, phone="13800005555")
    as_manager(station)
    take = stocktake.start(station, "4")
    stocktake.scan(station, take.id, WAYBILL, layer="5")
    closed = stocktake_close.close(station, take.id, put_back=[WAYBILL])
    (put,) = closed.result["fixes"]["put_back"]
    assert (put["location"], put["stays"]) == ("4-5", True)
    assert str(put["pickup_code"]).startswith("4-5-") and on_shelf(station).pickup_code == put["pickup_code"]
    assert closed.result["counts"]["missing"] == 0  # found, not missing, though it is a new row there


def test_a_put_back_found_on_a_full_layer_goes_where_the_policy_says(station: Station) -> None:
    picked_up(station, phone="13800005555")

    def fill(session: Session) -> int:  # 4-5 full
        (slot,) = [s for s in slots.slots(session) if (s.shelf_label, s.layer_label) == ("4", "5")]
        layer = session.get(Layer, slot.layer_id)
        assert layer is not None
        layer.used_units = layer.capacity_units
        session.add(layer)
        return slot.layer_id

    full = station.run(fill)
    put = put_back_on(station, "4-5")
    assert put["location"] != "4-5" and put["stays"] is False
    assert on_shelf(station).layer_id != full


@pytest.mark.postgres_only
def test_a_put_back_found_on_a_layer_out_of_codes_leaves_that_layer_free_for_other_counters(
    station: Station,
) -> None:
    """PostgreSQL: 4-5 had room but each of its codes held back. The put-back claimed it before looking
    for a code and gave it back, its row still locked to the close's commit: a counter checking a parcel
    in or out of 4-5 meanwhile waited for the whole close. It is looked at first now, and never claimed."""
    configure(station, code_seq_min=1001, code_seq_max=1002)
    picked_up(station, phone="13800005555")
    now = station.now()

    def hold_its_codes(session: Session) -> tuple[slots.Slot, int]:
        for seq in (1001, 1002):
            slots.hold_code(session, f"4-5-{seq}", station.settings(), now)
        (slot,) = [s for s in slots.slots(session) if (s.shelf_label, s.layer_label) == ("4", "5")]
        layer = session.get(Layer, slot.layer_id)
        assert layer is not None
        return slot, layer.used_units

    four_five, used = station.run(hold_its_codes)
    waited: list[bool] = []

    def lock_waits() -> bool:
        with station.engine.connect() as conn:
            waited.append(bool(conn.execute(WAITING_ON_A_LOCK).scalar()))
        return waited[-1]

    def theirs() -> bool:  # another counter takes a unit of 4-5 and commits
        return station.run(lambda session: slots.claim(session, four_five, 1))

    # The put-back's parcel row is written after its layer and code were chosen.
    with other_save_before(station, "INSERT INTO parcel (", theirs, lock_waits) as outcome:
        put = put_back_on(station, "4-5")
    assert not any(waited), "the other counter waited for the close's lock on 4-5"
    assert outcome == [True]
    assert put["location"] != "4-5" and put["stays"] is False
    with station.read() as s:
        layer = s.get(Layer, four_five.layer_id)
        assert layer is not None and layer.used_units == used + 1  # theirs only


def test_a_parcel_marked_then_put_back_is_one_parcel_marked_on_the_day_report(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marked damaged, written off, then found at a stocktake and put back (a second row, flagged
    'put back'): one parcel with a problem, listed once with its latest kind; it counted two. A day
    closed when each row counted still matches its hash."""
    from station_console.services.day import figures
    from station_console.services.day.close import close_day
    from station_console.services.day.report import build_report
    from station_console.services.exceptions import problems

    manager = as_manager(station)
    check_in(station, WAYBILL)
    problems.mark(station, WAYBILL, "damaged", "crushed")
    problems.write_off(station, WAYBILL, "crushed")
    put_back_on(station, "6-5", manager)
    day = station.business_day(station.now())
    marked = build_report(station, day)["problems"]
    assert marked["marked"] == 1
    assert [(p["waybill"], p["kind"]) for p in marked["parcels"]] == [(WAYBILL, "put_back")]
    counted_now = figures.problems
    with monkeypatch.context() as old:  # the earlier version: each row counted
        old.setattr(figures, "problems", lambda session, d, **how: counted_now(session, d, by_row=True))
        close_day(station, day, early=True, allow_unbalanced=True)
        assert build_report(station, day)["problems"]["marked"] == 2
    after = build_report(station, day)
    assert after["problems"]["marked"] == 1 and after["closed"]["matches"] is True
