"""The counter's lists name a carrier by its short name (the one its labels print), never by its code
nor its long name: check-in, pickup and the shelves' lists read the same word for one carrier."""

from __future__ import annotations

from station_helpers import short_names

from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup import handover, lookup
from station_console.services.shelves import lists


def test_every_counter_list_names_the_carrier_by_its_short_name(station: Station) -> None:
    short_names(station)
    set_language("zh")
    done = check_in(station, "73000000000001", phone="13812345678")
    check_in(station, "73000000000002")
    name = f"短{done.carrier}"
    assert done.carrier_name == name
    assert {r.carrier_name for r in lists.list_parcels(station)} == {name}
    assert [r.carrier_name for r in lists.missing_phone(station)] == [name]
    found = lookup.lookup(station, done.pickup_code)
    assert [r.carrier_name for r in found.rows] == [name]
    handover.confirm_pickup(station, [done.parcel_id], method="code", scanned=[done.waybill])
    assert [r.carrier_name for r in handover.recent_pickups(station)] == [name]
