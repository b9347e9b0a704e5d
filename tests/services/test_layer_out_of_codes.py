"""A layer with room but no pickup code free gives way to the next layer the policy gives, in the same
check-in; "no pickup code free" only when no layer of the size has both room and a code."""

from __future__ import annotations

import pytest
from checkin_helpers import configure, counts, keep_layers, layer_used, wb
from sqlmodel import col, select

from db.models import Layer, Shelf
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station


def cursors(station: Station) -> dict[str, int]:
    """Each active layer's code cursor, by "SHELF-LAYER"."""
    with station.read() as session:
        rows = session.exec(
            select(Shelf.label, Layer.label, Layer.code_cursor)
            .join(Shelf, col(Shelf.id) == Layer.shelf_id)
            .where(col(Layer.retired_at).is_(None))
        ).all()
    return {f"{shelf}-{layer}": cursor for shelf, layer, cursor in rows}


def test_a_layer_out_of_codes_gives_way_to_the_next_layer_with_its_code(station: Station) -> None:
    keep_layers(station, {"1-1": 40, "1-2": 40})
    configure(station, shelf_policy="fill_in_order", code_seq_min=1001, code_seq_max=1002)
    assert [check_in(station, wb(n)).pickup_code for n in (1, 2)] == ["1-1-1001", "1-1-1002"]
    full_cursor = cursors(station)["1-1"]
    third = check_in(station, wb(3))  # 1-1 has room (4 of 40 units) but both its codes are on parcels
    assert (third.location, third.pickup_code) == ("1-2", "1-2-1001")
    # 1-1 given back as it was: its two parcels' units, its cursor where it stood.
    assert layer_used(station, "1-1") == (4, 2) and layer_used(station, "1-2") == (2, 1)
    assert cursors(station)["1-1"] == full_cursor
    assert check_in(station, wb(4)).pickup_code == "1-2-1002"


def test_the_recipients_layer_out_of_codes_gives_way_to_the_policys_next(station: Station) -> None:
    keep_layers(station, {"1-1": 40, "1-2": 40, "2-1": 40})
    configure(station, code_seq_min=1001, code_seq_max=1002)
    ann, ben = "13812345678", "13900001111"
    assert check_in(station, wb(1), phone=ann).pickup_code == "1-1-1001"
    assert check_in(station, wb(2), phone=ben).location == "1-2"
    assert check_in(station, wb(3), phone=ann).pickup_code == "1-1-1002"  # with her parcel
    # Her layer has room but no code: the least filled of the others, as for anyone.
    fourth = check_in(station, wb(4), phone=ann)
    assert (fourth.location, fourth.pickup_code) == ("2-1", "2-1-1001")


def test_a_main_layer_out_of_codes_with_the_others_full_spills_into_overflow(station: Station) -> None:
    keep_layers(station, {"1-1": 40, "1-2": 2, "OV-1": 10})
    configure(station, code_seq_min=1001, code_seq_max=1002)
    check_in(station, wb(1))  # 1-1
    check_in(station, wb(2))  # 1-2, full now
    assert check_in(station, wb(3)).pickup_code == "1-1-1002"
    spill = check_in(station, wb(4))
    assert spill.overflow and spill.pickup_code == "OV-1-1001"


def test_every_layer_with_room_out_of_codes_is_refused_naming_them_and_writes_nothing(
    station: Station,
) -> None:
    keep_layers(station, {"1-1": 40, "1-2": 40, "2-1": 2})
    configure(station, shelf_policy="fill_in_order", code_seq_min=1001, code_seq_max=1002)
    codes = [check_in(station, wb(n)).pickup_code for n in range(1, 6)]
    assert codes == ["1-1-1001", "1-1-1002", "1-2-1001", "1-2-1002", "2-1-1001"]  # 2-1 full now
    before = (counts(station), cursors(station), [layer_used(station, x) for x in ("1-1", "1-2", "2-1")])
    with pytest.raises(Refused) as exc:
        check_in(station, wb(6))
    # Its own refusal (not "no room": the full 2-1 is not named, freeing it would not be enough).
    assert exc.value.code == "no_code"
    text = exc.value.message("en")
    assert text.startswith("No pickup code is free on layers 1-1, 1-2, the ones with room"), text
    assert "raises the Last SEQ number in Settings (Ctrl+S), Pickup codes" in text
    assert exc.value.message("zh").startswith("有空位的货架层都没有空闲的取件码：1-1、1-2。每个码")
    assert (
        counts(station),
        cursors(station),
        [layer_used(station, x) for x in ("1-1", "1-2", "2-1")],
    ) == before


def test_a_refusal_names_the_first_four_layers_and_counts_the_rest(station: Station) -> None:
    layers = {f"{shelf}-{layer}": 40 for shelf in (1, 2, 3) for layer in (1, 2)}
    keep_layers(station, layers)
    configure(station, code_seq_min=1001, code_seq_max=1002)
    for n in range(2 * len(layers)):
        check_in(station, wb(n))
    with pytest.raises(Refused) as exc:
        check_in(station, wb(99))
    assert exc.value.message("en").startswith(
        "No pickup code is free on layers 1-1, 1-2, 2-1, 2-2 and 2 more, the ones with room"
    )
    assert "1-1、1-2、2-1、2-2，另有 2 个。" in exc.value.message("zh")


def test_one_layer_out_of_codes_alone_keeps_its_refusal(station: Station) -> None:
    keep_layers(station, {"1-1": 40, "OV-1": 4})
    configure(station, code_seq_min=1001, code_seq_max=1002)
    codes = [check_in(station, wb(n)).pickup_code for n in range(1, 5)]
    assert codes == ["1-1-1001", "1-1-1002", "OV-1-1001", "OV-1-1002"]  # the overflow full now
    with pytest.raises(Refused) as exc:
        check_in(station, wb(5))
    assert exc.value.code == "no_code"
    assert exc.value.message("en").startswith("No pickup code is free on layer 1-1. Each code is on a parcel")
