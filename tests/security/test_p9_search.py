"""Point 9: what a clerk types into a search is data, and a virtual number is found where it was put.

The attacks: `%` and `_` in a search (SQL LIKE wildcards: `%` listed every parcel); and a parcel
checked in with a platform's virtual number (`17012345678-8462`) that pickup could not find again.
"""

from __future__ import annotations

import pytest

from station_console.errors import StationError
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup.lookup import lookup
from station_console.services.shelves.search import Query, search


def waybills(station: Station, text: str) -> list[str]:
    return [row.waybill for row in search(station, Query(text=text)).rows]


def test_like_wildcards_are_characters_not_patterns(station: Station) -> None:
    for n in range(3):
        check_in(station, f"SF12345678901{n:02d}", phone="13812345678")
    assert waybills(station, "%") == []
    assert waybills(station, "%%%%") == []
    assert waybills(station, "SF%") == []
    assert waybills(station, "____") == []
    assert waybills(station, "SF1234567890_00") == []
    assert waybills(station, "890100") == ["SF1234567890100"]  # an ordinary tail still finds its parcel


@pytest.mark.parametrize(
    "typed", ["17012345678-8462", "17012345678转8462", "17012345678 #8462", "1701234567８-8462"]
)
def test_a_virtual_number_is_found_at_pickup(station: Station, typed: str) -> None:
    stored = check_in(station, "SF1234567890123", phone="17012345678-8462")
    other = check_in(station, "JT1234567890123", phone="13912348462")  # the same 4-digit tail
    found = lookup(station, typed)
    assert [r.waybill for r in found.rows] == [stored.waybill]
    assert found.shape == "phone"
    assert waybills(station, "17012345678-8462") == [stored.waybill]
    assert other.waybill not in waybills(station, "17012345678-8462")


def test_a_different_extension_is_not_the_same_customer(station: Station) -> None:
    check_in(station, "SF1234567890123", phone="17012345678-8462")
    with pytest.raises(StationError) as missed:
        lookup(station, "17012345678-1111")
    assert missed.value.code == "not_found"
