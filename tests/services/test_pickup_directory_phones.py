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
