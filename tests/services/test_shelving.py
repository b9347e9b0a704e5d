"""Shelf assignment policy and pickup codes, through the real check-in service."""

from __future__ import annotations

import pytest
from checkin_helpers import configure, counts, keep_layers, layer_used, pick_up, set_walk, wb
from sqlmodel import Session, select

from db.models import Carrier
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in, undo_last
from station_console.services.core.station import Station
from station_console.services.scan.carriers import forget_detector
from station_console.services.shelves import edits, layout


def test_layer_takes_parcels_until_exactly_full_then_overflow(station: Station) -> None:
    keep_layers(station, {"1-1": 4, "OV-1": 10})
    first = check_in(station, wb(1), size="M")
    second = check_in(station, wb(2), size="M")
    assert (first.location, second.location) == ("1-1", "1-1")
    assert layer_used(station, "1-1") == (4, 2)  # exactly full
    third = check_in(station, wb(3), size="S")
    assert third.location == "OV-1" and third.overflow
    assert layer_used(station, "1-1") == (4, 2)  # never over capacity


def test_one_unit_over_does_not_fit(station: Station) -> None:
    keep_layers(station, {"1-1": 5, "OV-1": 10})
    check_in(station, wb(1), size="L")  # 4 of 5 units
    over = check_in(station, wb(2), size="M")  # 2 units: one too many
    assert over.location == "OV-1"
    exact = check_in(station, wb(3), size="S")  # the last unit
    assert exact.location == "1-1" and not exact.overflow
    assert layer_used(station, "1-1") == (5, 2)


def test_overflow_zone_then_refusal_when_it_is_full(station: Station) -> None:
    keep_layers(station, {"1-1": 2, "OV-1": 2})
    assert check_in(station, wb(1)).location == "1-1"
    spill = check_in(station, wb(2))
    assert spill.overflow and spill.location == "OV-1"
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, wb(3))
    assert exc.value.code == "no_room"
    assert "overflow" in exc.value.message()
    assert counts(station) == before
    assert layer_used(station, "1-1") == (2, 1) and layer_used(station, "OV-1") == (2, 1)


def test_a_station_with_no_layer_for_the_size_says_to_add_one_not_that_it_is_full(station: Station) -> None:
    keep_layers(station, {})  # a new station's shelves all taken away: nothing to free
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, wb(1))
    assert (
        exc.value.code == "no_layer"
    )  # not "no_room": nothing to free; Ctrl+Y tries again once one is added
    assert "No shelf layer takes a size M parcel" in exc.value.message()
    assert "Shelves (F4, then F12)" in exc.value.message()
    assert counts(station) == before


def test_a_station_with_every_carrier_deactivated_says_to_turn_one_on(station: Station) -> None:
    def all_off(session: Session) -> None:  # as Settings > Carriers leaves them, every one off
        for carrier in session.exec(select(Carrier)).all():
            carrier.active = False
            session.add(carrier)

    station.run(all_off)
    forget_detector(station)
    before = counts(station)
    for typed, carrier in (("SF1234567890123", None), ("XX99", None), ("SF1234567890123", "SF")):
        with pytest.raises(Refused) as exc:
            check_in(station, typed, carrier=carrier)
        # It read "too long for a waybill (15 characters, at most 0)", or "Unknown carrier SF."
        assert exc.value.code == "no_carriers"
        assert "No carrier is active" in exc.value.message()
        assert "Settings (Ctrl+S, then F7)" in exc.value.message()
    assert counts(station) == before


def test_only_layers_too_small_or_outside_its_zone_count_as_no_layer_for_it(station: Station) -> None:
    keep_layers(station, {"1-1": 1, "1-2": 40})  # 1-1: one unit, an M takes two; no floor for an XL
    with pytest.raises(Refused) as exc:
        check_in(station, wb(3), size="XL")  # 8 units, and only the floor or overflow zone takes one
    assert "No shelf layer takes a size XL parcel" in exc.value.message()
    keep_layers(station, {"1-1": 1, "OV-1": 1})
    with pytest.raises(Refused) as exc:
        check_in(station, wb(4), size="M")
    assert "No shelf layer takes a size M parcel" in exc.value.message()
    assert check_in(station, wb(5), size="S").location == "1-1"


def test_xl_goes_to_the_floor_zone_never_a_shelf(station: Station) -> None:
    result = check_in(station, wb(1), size="XL")
    assert result.shelf == "F"
    assert layer_used(station, result.location)[0] == 8  # XL = 8 units by default
    keep_layers(station, {"1-1": 100, "F-1": 8, "OV-1": 60})
    # F-1 already holds that parcel (8 of 8): the next XL skips the big main layer, takes overflow.
    assert check_in(station, wb(2), size="XL").location == "OV-1"
    assert check_in(station, wb(3), size="M").location == "1-1"


def test_same_recipient_gets_the_same_layer_while_it_has_room(station: Station) -> None:
    keep_layers(station, {"1-1": 6, "1-2": 40, "1-3": 40})
    first = check_in(station, wb(1), phone="13812345678")
    other = check_in(station, wb(2), phone="13900001111")
    assert first.location == "1-1" and other.location == "1-2"
    # Least filled would be 1-3 (empty); the recipient already has a parcel on 1-1.
    assert check_in(station, wb(3), phone="138 1234 5678").location == "1-1"
    assert check_in(station, wb(4), phone="13812345678").location == "1-1"  # 6 of 6 units now
    # Full: grouping gives way to the policy, never over capacity.
    assert check_in(station, wb(5), phone="13812345678").location == "1-3"
    # A masked form groups with the same masked form.
    masked = check_in(station, wb(6), phone="139****2222")
    assert check_in(station, wb(7), phone="139****2222").location == masked.location


def test_grouping_can_be_switched_off(station: Station) -> None:
    keep_layers(station, {"1-1": 40, "1-2": 40})
    configure(station, group_recipient=False)
    a = check_in(station, wb(1), phone="13812345678")
    b = check_in(station, wb(2), phone="13812345678")
    assert a.location != b.location


def test_least_filled_spreads_with_walking_order_ties(station: Station) -> None:
    keep_layers(station, {"1-1": 40, "1-2": 40, "2-1": 40})
    locations = [check_in(station, wb(n)).location for n in range(4)]
    assert locations == ["1-1", "1-2", "2-1", "1-1"]  # equal fill: walking order decides
    set_walk(station, "2", -1)  # shelf 2 is now walked first
    assert check_in(station, wb(10)).location == "2-1"  # all at 2 units (1-1 has 4): 2-1 ties first


def test_a_shelf_edited_or_added_is_picked_by_its_new_zone_and_walk(station: Station) -> None:
    """The pick reads each layer's copy of its shelf's zone and walking order: the shelf services
    keep the copies in step, so an edit or a new shelf counts from the next check-in."""
    keep_layers(station, {"1-1": 40, "2-1": 40, "OV-1": 40})
    station.clerk_role = "manager"
    assert [check_in(station, wb(n)).location for n in (1, 2)] == ["1-1", "2-1"]
    edits.edit(station, "2", walk_order=-5)
    assert check_in(station, wb(3)).location == "2-1"  # equal fill: shelf 2 is walked first now
    edits.edit(station, "1", zone="overflow")
    edits.edit(station, "2", zone="overflow")
    # Every layer is in the overflow zone now, where the least filled comes first (an empty OV-1).
    assert check_in(station, wb(4)).location == "OV-1"
    layout.add_shelf(station, "9", layers=1, capacity_units=40)
    assert check_in(station, wb(5)).location == "9-1"  # the one layer outside the overflow zone


def test_least_filled_uses_fill_ratio_not_free_units(station: Station) -> None:
    keep_layers(station, {"1-1": 10, "1-2": 100})
    assert check_in(station, wb(1)).location == "1-1"  # both empty: walking order
    assert check_in(station, wb(2)).location == "1-2"  # 1-1 is 20% full, 1-2 empty


def test_fill_in_order_fills_the_first_layer_first(station: Station) -> None:
    keep_layers(station, {"1-1": 4, "1-2": 40, "2-1": 40})
    configure(station, shelf_policy="fill_in_order")
    locations = [check_in(station, wb(n)).location for n in range(4)]
    assert locations == ["1-1", "1-1", "1-2", "1-2"]


def test_codes_are_next_fit_from_the_cursor_and_wrap(station: Station) -> None:
    keep_layers(station, {"1-1": 40})
    configure(station, code_seq_min=1001, code_seq_max=1004, code_cooldown_days=0)
    first = [check_in(station, wb(n)) for n in range(3)]
    assert [r.pickup_code for r in first] == ["1-1-1001", "1-1-1002", "1-1-1003"]
    pick_up(station, first[0].parcel_id)  # 1001 is free (no cooldown) but the cursor is at 1004
    assert check_in(station, wb(10)).pickup_code == "1-1-1004"
    assert check_in(station, wb(11)).pickup_code == "1-1-1001"  # wrapped
    with pytest.raises(Refused) as exc:
        check_in(station, wb(12))  # every code of the layer is on the shelf
    assert exc.value.code == "no_code"


def test_freed_code_is_held_for_the_cooldown(station: Station, clock) -> None:  # type: ignore[no-untyped-def]
    keep_layers(station, {"1-1": 40})
    configure(station, code_seq_min=1001, code_seq_max=1002)  # cooldown: the default 7 days
    a = check_in(station, wb(1))
    assert a.pickup_code == "1-1-1001"
    pick_up(station, a.parcel_id)
    assert check_in(station, wb(2)).pickup_code == "1-1-1002"
    clock.advance(days=6, hours=23)
    with pytest.raises(Refused) as exc:
        check_in(station, wb(3))  # 1001 cooling down, 1002 on the shelf
    assert exc.value.code == "no_code"
    clock.advance(hours=1, seconds=1)
    assert check_in(station, wb(3)).pickup_code == "1-1-1001"


def test_undone_code_is_not_reissued_within_the_cooldown(station: Station, clock) -> None:  # type: ignore[no-untyped-def]
    keep_layers(station, {"1-1": 40})
    configure(station, code_seq_min=1001, code_seq_max=1003)
    check_in(station, wb(1))
    undone = check_in(station, wb(2))
    undo_last(station)
    codes = [check_in(station, wb(n)).pickup_code for n in (3,)]
    assert undone.pickup_code == "1-1-1002" and codes == ["1-1-1003"]
    with pytest.raises(Refused):
        check_in(station, wb(4))  # wraps: 1001 and 1003 on the shelf, 1002 cooling down
    clock.advance(days=7, seconds=1)
    assert check_in(station, wb(4)).pickup_code == "1-1-1002"


def test_code_template_is_a_setting(station: Station) -> None:
    keep_layers(station, {"3-2": 40})
    configure(station, code_template="{shelf}{layer}-{seq}", code_seq_min=1, code_seq_max=99)
    assert check_in(station, wb(1)).pickup_code == "32-1"
