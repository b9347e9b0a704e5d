"""Pickup by phone tail finds a directory person's parcels by any of their phones."""

from __future__ import annotations

import pytest
from pickup_helpers import receive
from recipient_helpers import act_as

from db.models import Role
from station_console.errors import NotFound
from station_console.services.core.station import Station
from station_console.services.pickup import handover as pickup
from station_console.services.recipients import directory

HOME, WORK = "13812341111", "13998762222"  # one person's two phones
STRANGER = "13700002222"  # someone else whose phone shares the work phone's tail


def person(station: Station, *phones: str) -> int:
    return directory.add(station, {"name": "张三", "phones": " / ".join(phones)}).id


@pytest.fixture
def manager(station: Station) -> Station:
    act_as(station, Role.MANAGER)  # adds directory entries, checks in and hands out
    return station


def test_the_tail_of_a_persons_other_phone_finds_their_parcel(manager: Station) -> None:
    zhang = person(manager, HOME, WORK)
    parcel = receive(manager, 1, phone=HOME)  # arrived with the home phone: linked to the person
    found = pickup.lookup(manager, "2222")
    assert found.shape == "tail" and found.method == "phone"
    assert [r.waybill for r in found.rows] == [parcel.waybill]
    row = found.rows[0]
    assert row.recipient_id == zhang
    assert row.masked_phone == "138****1111"  # the parcel's own phone, masked, as every row shows
    assert HOME not in str(row.to_json()) and WORK not in str(row.to_json())


def test_a_parcel_found_both_ways_is_listed_once_and_the_person_is_one_customer(manager: Station) -> None:
    person(manager, HOME, WORK)
    by_home = receive(manager, 1, phone=HOME)
    by_work = receive(manager, 2, phone=WORK)  # its own tail and its person's phone both match
    stranger = receive(manager, 3, phone=STRANGER)
    found = pickup.lookup(manager, "2222")
    assert sorted(r.waybill for r in found.rows) == sorted(
        [by_home.waybill, by_work.waybill, stranger.waybill]
    )
    groups = sorted(sorted(r.waybill for r in g) for g in found.groups)
    assert groups == sorted([sorted([by_home.waybill, by_work.waybill]), [stranger.waybill]])


def test_only_parcels_linked_to_an_active_person_are_found_by_their_other_phone(manager: Station) -> None:
    zhang = person(manager, HOME, WORK)
    linked = receive(manager, 1, phone=HOME)
    directory.set_active(manager, zhang, False)
    with pytest.raises(NotFound) as info:
        pickup.lookup(manager, "2222")  # deactivated: their other phone no longer speaks for them
    assert info.value.code == "not_found"
    directory.set_active(manager, zhang, True)
    assert [r.waybill for r in pickup.lookup(manager, "2222").rows] == [linked.waybill]


def test_a_parcel_found_by_the_other_phone_is_handed_over_on_its_scan(manager: Station) -> None:
    person(manager, HOME, WORK)
    parcel = receive(manager, 1, phone=HOME)
    found = pickup.lookup(manager, "2222")
    row = pickup.check_scan(found, parcel.waybill, manager)
    done = pickup.confirm_pickup(manager, [row.parcel_id], method=found.method, scanned=[parcel.waybill])
    assert list(done) == [parcel.parcel_id]
    with pytest.raises(NotFound):
        pickup.lookup(manager, "2222")


def test_a_persons_other_full_phone_finds_their_parcels_once_as_one_customer(manager: Station) -> None:
    person(manager, HOME, WORK)
    by_home = receive(manager, 1, phone=HOME)  # came with the home phone, the customer gives the work one
    by_work = receive(manager, 2, phone=WORK)  # its own number and its person's both match
    receive(manager, 3, phone=STRANGER)  # shares the work phone's tail, not the number
    found = pickup.lookup(manager, "139 9876 2222")
    assert found.shape == "phone" and found.method == "phone"
    assert sorted(r.waybill for r in found.rows) == sorted([by_home.waybill, by_work.waybill])
    assert [sorted(r.waybill for r in g) for g in found.groups] == [
        sorted([by_home.waybill, by_work.waybill])
    ]
    # Each row shows its own phone, masked; no whole number in what the list gives out.
    assert {r.waybill: r.masked_phone for r in found.rows} == {
        by_home.waybill: "138****1111",
        by_work.waybill: "139****2222",
    }
    assert not any(p in str(r.to_json()) for r in found.rows for p in (HOME, WORK))


def test_only_an_active_persons_other_full_phone_finds_their_parcel(manager: Station) -> None:
    zhang = person(manager, HOME, WORK)
    linked = receive(manager, 1, phone=HOME)
    directory.set_active(manager, zhang, False)
    with pytest.raises(NotFound) as info:
        pickup.lookup(manager, WORK)  # deactivated: their other phone no longer speaks for them
    assert info.value.code == "not_found"
    directory.set_active(manager, zhang, True)
    assert [r.waybill for r in pickup.lookup(manager, WORK).rows] == [linked.waybill]


@pytest.mark.parametrize("given", ["code", "waybill"])
def test_a_code_or_waybill_brings_the_persons_parcels_that_came_with_their_other_phone(
    manager: Station, given: str
) -> None:
    zhang = person(manager, HOME, WORK)
    by_home = receive(manager, 1, phone=HOME)
    by_work = receive(manager, 2, phone=WORK)
    stranger = receive(manager, 3, phone=STRANGER)
    query = by_home.pickup_code if given == "code" else by_home.waybill
    directory.set_active(manager, zhang, False)
    # Deactivated: the parcel's own phone still brings its own, the person no longer does.
    assert [r.waybill for r in pickup.lookup(manager, query).rows] == [by_home.waybill]
    directory.set_active(manager, zhang, True)
    found = pickup.lookup(manager, query)
    assert sorted(r.waybill for r in found.rows) == sorted([by_home.waybill, by_work.waybill])
    assert len(found.groups) == 1  # one customer, whichever phone each parcel came with
    assert found.row_for_waybill(by_work.waybill) is not None
    assert found.row_for_waybill(stranger.waybill) is None  # a shared tail is no link
    row = pickup.check_scan(found, by_work.waybill, manager)
    done = pickup.confirm_pickup(manager, [row.parcel_id], method=found.method, scanned=[by_work.waybill])
    assert list(done) == [by_work.parcel_id]
