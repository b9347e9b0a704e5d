"""Pickup lookups: every shape finds the customer's parcels on the shelves, in walking order."""

from __future__ import annotations

import pytest
from conftest import FakeClock
from pickup_helpers import configure, receive, set_layer_walk, set_walk, zto
from sqlmodel import col, update

from db.models import Parcel
from station_console.errors import NotFound, Refused
from station_console.services.checkin.late_phone import set_phone
from station_console.services.core.station import Station
from station_console.services.pickup import handover as pickup
from station_console.services.pickup import left_shelves
from station_console.services.pickup import lookup as pickup_lookup

ANN, BEN = "13812345678", "13998765678"  # two customers sharing the tail 5678


def test_a_code_brings_every_parcel_of_that_recipient_in_walking_order(station: Station) -> None:
    configure(station, group_recipient=False)  # spread one customer's parcels over several shelves
    mine = [receive(station, n, phone=ANN) for n in range(1, 4)]
    other = receive(station, 9, phone="13700001111")
    locations = [r.location for r in mine]
    assert len(set(locations)) == 3
    # Walk the layers in the reverse of check-in order: the list must follow the walk, not the ids.
    for order, location in enumerate(reversed(locations)):
        set_layer_walk(station, location, order)
    set_walk(station, "1", 0)
    found = pickup.lookup(station, mine[1].pickup_code)
    assert found.shape == "code" and found.method == "code" and not found.needs_second_check
    assert {r.waybill for r in found.rows} == {r.waybill for r in mine}
    assert other.waybill not in {r.waybill for r in found.rows}
    assert [r.location for r in found.rows] == list(reversed(locations))
    assert len(found.groups) == 1
    row = found.rows[0]
    assert row.masked_phone == "138****5678" and row.carrier == "ZTO" and row.days_on_shelf == 1


def test_a_code_with_only_a_masked_phone_matches_the_same_masked_phone(station: Station) -> None:
    a = receive(station, 1, phone="138****5678")
    b = receive(station, 2, phone="138****5678")
    full = receive(station, 3, phone=ANN)  # has a full number: not the same recipient by the rule
    found = pickup.lookup(station, a.pickup_code)
    assert {r.waybill for r in found.rows} == {a.waybill, b.waybill}
    assert full.waybill not in {r.waybill for r in found.rows}


def test_a_parcel_without_phone_comes_alone(station: Station) -> None:
    a = receive(station, 1)
    receive(station, 2)
    assert [r.waybill for r in pickup.lookup(station, a.pickup_code).rows] == [a.waybill]


def test_full_width_and_padded_codes_find_the_parcel(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    wide = a.pickup_code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789-"})
    shelf, layer, seq = a.pickup_code.split("-")
    for text in (wide, f" 0{shelf} — 0{layer} – 00{seq} "):
        assert [r.waybill for r in pickup.lookup(station, text).rows] == [a.waybill]


def test_several_codes_pasted_from_messages(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    b = receive(station, 2, phone="13700001111")  # a neighbour's parcel, collected by the same person
    message = f"【驿站】包裹已到，取件码{a.pickup_code}；另一条：取件码 {b.pickup_code}，请凭码取件"
    found = pickup.lookup(station, message)
    assert found.shape == "codes" and found.method == "code"
    assert {r.waybill for r in found.rows} == {a.waybill, b.waybill}
    assert len(found.groups) == 2 and found.missing == ()


def test_a_pasted_code_that_finds_nothing_is_named(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    found = pickup.lookup(station, f"{a.pickup_code}, 8-5-9999")
    assert [r.waybill for r in found.rows] == [a.waybill]
    assert found.missing == ("8-5-9999",)


def test_two_customers_with_one_tail_are_shown_apart(station: Station) -> None:
    ann = [receive(station, n, phone=ANN) for n in (1, 2)]
    ben = receive(station, 3, phone=BEN)
    tail_only = receive(station, 4, phone="5678")
    receive(station, 5, phone="13800001234")
    found = pickup.lookup(station, "5678")
    assert found.shape == "tail" and found.method == "phone"
    assert found.needs_second_check and found.second_check == "name_or_phone"
    groups = sorted(sorted(r.waybill for r in g) for g in found.groups)
    assert groups == sorted([sorted(r.waybill for r in ann), [ben.waybill], [tail_only.waybill]])
    masked = {g[0].masked_phone for g in found.groups}
    assert masked == {"138****5678", "139****8765"[:3] + "****5678", "****5678"}


def test_a_full_phone_finds_only_that_customer(station: Station) -> None:
    ann = receive(station, 1, phone=ANN)
    receive(station, 2, phone=BEN)
    privacy = receive(station, 3, phone="138****5678")  # a privacy waybill of the same number
    found = pickup.lookup(station, "138 1234 5678")
    assert found.shape == "phone"
    assert {r.waybill for r in found.rows} == {ann.waybill, privacy.waybill}


def test_a_waybill_finds_its_recipient(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    b = receive(station, 2, phone=ANN)
    found = pickup.lookup(station, a.waybill)
    assert found.shape == "waybill" and found.method == "waybill" and found.needs_second_check
    assert {r.waybill for r in found.rows} == {a.waybill, b.waybill}


def test_a_phone_added_later_joins_the_recipient(station: Station) -> None:
    a = receive(station, 1, phone=ANN)
    b = receive(station, 2)
    set_phone(station, b.parcel_id, ANN)
    assert {r.waybill for r in pickup.lookup(station, a.pickup_code).rows} == {a.waybill, b.waybill}


def test_nothing_found_is_refused(station: Station) -> None:
    receive(station, 1, phone=ANN)
    for query in ("1-1-9999", "0000", "13800000000", zto(77)):
        with pytest.raises(NotFound) as info:
            pickup.lookup(station, query)
        assert info.value.code == "not_found"


def test_bands_follow_the_carrier_policy(station: Station, clock: FakeClock) -> None:
    a = receive(station, 1, phone=ANN)
    # Checked in Wednesday 10:00 station time, the day the fee counts as day 1.
    expected = {0: ("ok", 1), 50: ("amber", 3), 80: ("red", 4), 24 * 8: ("return", 9)}
    start = clock.now
    for hours, (band, days) in expected.items():
        clock.now = start
        clock.advance(hours=hours)
        row = pickup.lookup(station, a.pickup_code).rows[0]
        assert (row.band, row.days_on_shelf) == (band, days)


@pytest.mark.parametrize(
    ("policy", "shape_query", "check"),
    [
        ("code", "code", None),
        ("code", "waybill", "masked_phone"),
        ("code_and_tail", "code", "tail"),
        ("tail_and_name", "tail", "name"),
        ("tail_and_name", "code", "name"),
        ("code_or_tail_checked", "code", None),
        ("code_or_tail_checked", "tail", "name_or_phone"),
    ],
)
def test_verification_policy_sets_the_second_check(
    station: Station, policy: str, shape_query: str, check: str | None
) -> None:
    configure(station, verification_policy=policy)
    a = receive(station, 1, phone=ANN)
    query = {"code": a.pickup_code, "waybill": a.waybill, "tail": "5678"}[shape_query]
    found = pickup.lookup(station, query)
    assert found.second_check == check and found.needs_second_check == (check is not None)


@pytest.mark.parametrize("policy", ["code", "code_and_tail"])
def test_a_code_only_policy_refuses_phone_lookups(station: Station, policy: str) -> None:
    configure(station, verification_policy=policy)
    receive(station, 1, phone=ANN)
    for query in ("5678", ANN):
        with pytest.raises(Refused) as info:
            pickup.lookup(station, query)
        assert info.value.code == "policy_needs_code"
        assert (info.value.message("en"), info.value.message("zh")) == (
            "This station hands out parcels on a pickup code only.",
            "本站只凭取件码出库。",
        )


def test_lookups_use_the_indexes(station: Station, clock: FakeClock) -> None:
    """The query plan over a history of parcels: by code, tail and waybill each is one indexed search,
    and so is the last parcel that left with a code or waybill."""
    from sqlalchemy import insert, text
    from sqlmodel import col

    from db.models import Parcel

    with station.read() as session:
        carrier_id = session.execute(text("SELECT id FROM carrier WHERE code = 'ZTO'")).scalar_one()
    history = [
        {
            "waybill": zto(n),
            "carrier_id": carrier_id,
            "phone_tail": f"{n % 10000:04d}",
            "status": "on_shelf" if n % 20 == 0 else "picked_up",
            "pickup_code": f"{n % 8 + 1}-{n % 5 + 1}-{1001 + n}",
            "checked_in_at": clock.now,
            "business_day": clock.now.date(),
        }
        for n in range(4000)
    ]
    sqlite = station.engine.dialect.name == "sqlite"
    station.run(lambda session: session.execute(insert(Parcel), history))
    with station.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    statements = {
        "code": pickup_lookup._rows_select().where(col(Parcel.pickup_code) == "1-1-1001"),
        "tail": pickup_lookup._rows_select().where(col(Parcel.phone_tail) == "5678"),
        "waybill": pickup_lookup._rows_select().where(col(Parcel.waybill) == zto(1)),
        # Nothing on the shelves answered: the newest parcel that left with the code or waybill.
        "left code": left_shelves._LEFT_BY_CODE.params(value="1-1-1001"),
        "left waybill": left_shelves._LEFT_BY_WAYBILL.params(value=zto(1)),
    }
    plans = {}
    with station.read() as session:
        for name, statement in statements.items():
            sql = statement.compile(station.engine, compile_kwargs={"literal_binds": True})
            rows = session.execute(text(f"{'EXPLAIN QUERY PLAN' if sqlite else 'EXPLAIN'} {sql}")).all()
            plans[name] = " | ".join(str(r[3] if sqlite else r[0]) for r in rows)
    using = "USING INDEX " if sqlite else " using "
    assert using + "uq_parcel_code_on_shelf" in plans["code"], plans["code"]
    assert using + "ix_parcel_phone_tail_status" in plans["tail"], plans["tail"]
    assert using + "uq_parcel_waybill_on_shelf" in plans["waybill"], plans["waybill"]
    assert using + "ix_parcel_code_left" in plans["left code"], plans["left code"]
    assert using + "uq_parcel_waybill_on_shelf" in plans["left waybill"], plans["left waybill"]
    assert not any("SCAN parcel" in p or "Seq Scan on parcel" in p for p in plans.values())


def test_a_waybill_or_code_of_a_parcel_that_left_says_how_and_when(
    station: Station, clock: FakeClock
) -> None:
    from station_console.services.exceptions import problems
    from station_console.services.pickup.proxy import Proxy

    by_code, by_proxy, gone = (receive(station, n, phone=ANN) for n in (1, 2, 3))
    clock.advance(hours=2)
    local = clock.now.astimezone(station.zone()).strftime("%Y-%m-%d %H:%M")  # the station's time
    pickup.confirm_pickup(station, [by_code.parcel_id], method="code", scanned=[by_code.waybill])
    proxy = Proxy(name="邻居老王", phone_tail="2222")
    pickup.confirm_pickup(
        station,
        [by_proxy.parcel_id],
        method="code",
        scanned=[by_proxy.waybill],
        proxy=proxy,
        codes=[by_proxy.pickup_code],
    )
    station.clerk_role = "manager"
    problems.write_off(station, gone.waybill, "destroyed")
    for query, how in (
        (by_code.waybill, "picked up with its pickup code"),
        (by_code.pickup_code, "picked up with its pickup code"),
        (by_proxy.waybill, "picked up by a proxy"),
        (gone.waybill, "written off"),
    ):
        with pytest.raises(NotFound) as info:
            pickup.lookup(station, query)
        text = info.value.message("en")
        assert info.value.code == "left" and how in text and local in text, text
        assert query in text and "****" not in text  # the waybill or code as typed, not masked as a phone
        assert "老王" not in text and "2222" not in text and ANN[-4:] not in text
        assert info.value.message("zh") != text  # catalogued in Chinese
    with pytest.raises(NotFound) as phone:
        pickup.lookup(station, ANN)  # a phone keeps the plain wording, masked
    assert phone.value.code == "not_found" and ANN not in phone.value.message("en")
    assert phone.value.message("en") == f"No parcel on the shelves for 138****{ANN[-4:]}."
    assert phone.value.message("zh") == f"货架上没有 138****{ANN[-4:]} 的包裹。"


def test_a_parcel_collected_by_its_recipient_after_a_proxy_pickup_was_undone_is_not_said_a_proxys(
    station: Station, clock: FakeClock
) -> None:
    """The undone proxy pickup's record stays (the timeline keeps it), but it was not this pickup's."""
    from station_console.services.pickup import undo
    from station_console.services.pickup.proxy import Proxy

    p = receive(station, 1, phone=ANN)
    proxy = Proxy(name="邻居老王", phone_tail="2222")
    pickup.confirm_pickup(
        station, [p.parcel_id], method="code", scanned=[p.waybill], proxy=proxy, codes=[p.pickup_code]
    )
    station.clerk_role = "manager"
    clock.advance(minutes=1)
    undo.undo_pickup(station, p.parcel_id)
    clock.advance(minutes=1)
    pickup.confirm_pickup(station, [p.parcel_id], method="code", scanned=[p.waybill])
    with pytest.raises(NotFound) as info:
        pickup.lookup(station, p.waybill)
    assert "picked up with its pickup code" in info.value.message("en"), info.value.message("en")


def test_an_old_code_says_when_its_last_parcel_left_long_after_its_hold(
    station: Station, clock: FakeClock
) -> None:
    """A code's hold is rewritten by whatever freed the code last (here an undone check-in of a parcel
    that got the code again); the parcel that left with it still answers, and a later one replaces it."""
    from station_helpers import keep_layers

    from station_console.services.checkin.transaction import undo_last
    from station_console.services.exceptions import problems

    configure(station, code_seq_min=1001, code_seq_max=1002, group_recipient=False)
    keep_layers(station, {"1-1": 20})  # two codes on one layer: the old one comes round again
    first = receive(station, 1, phone=ANN)
    code = first.pickup_code
    picked_at = clock.now.astimezone(station.zone()).strftime("%Y-%m-%d %H:%M")
    pickup.confirm_pickup(station, [first.parcel_id], method="code", scanned=[first.waybill])
    clock.advance(days=station.settings().code_cooldown_days + 30)
    receive(station, 2)  # takes the other code
    again = receive(station, 3, phone=BEN)
    assert again.pickup_code == code  # past its cooldown, the code went to a new parcel
    found = pickup.lookup(station, code)  # on the shelf: the new parcel, never the old one's news
    assert [r.waybill for r in found.rows] == [again.waybill]
    undo_last(station)  # that check-in is undone: the code is free (and held) again
    with pytest.raises(NotFound) as info:
        pickup.lookup(station, code)
    text = info.value.message("en")
    assert info.value.code == "left" and "picked up with its pickup code" in text and picked_at in text, text
    assert ANN[-4:] not in text and BEN[-4:] not in text
    clock.advance(days=station.settings().code_cooldown_days + 1)
    later = receive(station, 4, phone=BEN)
    assert later.pickup_code == code
    station.clerk_role = "manager"
    problems.write_off(station, later.waybill, "destroyed")
    written_at = clock.now.astimezone(station.zone()).strftime("%Y-%m-%d %H:%M")
    with pytest.raises(NotFound) as info:
        pickup.lookup(station, code)
    text = info.value.message("en")
    assert info.value.code == "left" and "written off" in text and written_at in text, text


def test_a_code_of_a_shelf_labelled_in_chinese_before_labels_were_a_to_z_still_finds_its_parcel(
    station: Station,
) -> None:
    """Shelves labelled 冷 before today keep their labels and their parcels' codes (冷-1-1001), which
    are in the customers' messages: typed as stored, or full-width and spaced, they find the parcel."""
    with station.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE shelf SET label = '冷' WHERE label = '1'")
        conn.exec_driver_sql("UPDATE shelf SET label = '冷' || label WHERE label <> '冷'")
    a = receive(station, 1, phone=ANN)
    assert a.pickup_code.startswith("冷")
    shelf, layer, seq = a.pickup_code.split("-")
    for text in (a.pickup_code, f" {shelf} － {layer}－０{seq} "):
        found = pickup.lookup(station, text)
        assert found.shape == "code" and [r.waybill for r in found.rows] == [a.waybill], text


def test_a_code_as_stored_beyond_a_to_z_is_not_read_as_the_a_to_z_code_inside_it(station: Station) -> None:
    """冷1-1-1001 (shelf 冷1) holds 1-1-1001 (shelf 1), another customer's: the code as stored wins."""
    ann = receive(station, 1, phone=ANN)
    ben = receive(station, 2, phone=BEN)
    with station.engine.begin() as conn:
        conn.execute(
            update(Parcel)
            .where(col(Parcel.waybill) == ben.waybill)
            .values(pickup_code=f"冷{ann.pickup_code}")
        )
    found = pickup.lookup(station, f"冷{ann.pickup_code}")
    assert [r.waybill for r in found.rows] == [ben.waybill]
    assert [r.waybill for r in pickup.lookup(station, f"您的取件码{ann.pickup_code}").rows] == [ann.waybill]


def test_a_query_too_long_to_show_whole_is_named_cut_with_a_sign(station: Station) -> None:
    """A refusal quotes a long query by its start: cut, it ends in "…", or its first 40 characters read
    as all that was typed; a phone the cut falls inside stays masked."""
    spaced = " ".join("JT00000000000000000000007")  # 49 characters: a waybill typed with spaces
    with pytest.raises(NotFound) as info:
        pickup.lookup(station, spaced)
    assert info.value.message("en") == f"No parcel on the shelves for {spaced[:39]}…"
    with pytest.raises(Refused) as bad:
        pickup.lookup(station, "1-1-" + "9" * 40)
    assert bad.value.code == "bad_query"
    assert bad.value.message("en") == "Not a pickup code, phone number or waybill: 1-1-" + "9" * 25 + "…"
    with pytest.raises(NotFound) as phone:
        pickup.lookup(station, "0 " * 16 + ANN)  # the phone across the 40th character
    text = phone.value.message("en")
    assert text.endswith("138****…") and ANN[3:7] not in text and ANN[-4:] not in text


@pytest.mark.parametrize(
    ("policy", "shape_query", "check"),
    [
        ("code", "waybill", "carrier"),
        ("code_and_tail", "code", "carrier_and_tail"),
        ("tail_and_name", "code", "carrier_and_tail"),
        ("code_or_tail_checked", "waybill", "carrier"),
        ("code_or_tail_checked", "code", None),
    ],
)
def test_a_parcel_with_no_phone_and_no_name_is_checked_on_what_it_carries(
    station: Station, policy: str, shape_query: str, check: str | None
) -> None:
    # A phone tail or a name the parcel does not have cannot be asked for: the clerk checked "-".
    configure(station, verification_policy=policy)
    a = receive(station, 1)
    found = pickup.lookup(station, {"code": a.pickup_code, "waybill": a.waybill}[shape_query])
    assert found.rows[0].masked_phone is None and not found.rows[0].recipient_name
    assert found.second_check == check and found.needs_second_check == (check is not None)
