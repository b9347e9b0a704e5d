"""Proxy pickup (代取): with the code anyone may collect; without it only when the recipient allows."""

from __future__ import annotations

import pytest
from recipient_helpers import act_as, count
from sqlmodel import select
from station_helpers import configure, events, parcel, snapshot, wb

from db.models import EventKind, ParcelStatus, ProxyPickup, Role
from station_console.errors import PermissionDenied, Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup.handover import check_scan, confirm_pickup
from station_console.services.pickup.lookup import lookup
from station_console.services.pickup.proxy import Allowed, Proxy, check_for, checked
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import Choice
from station_console.services.shelves.search import timeline

NEIGHBOUR = Proxy(name="邻居老王", phone_tail="13911112222")


@pytest.fixture
def clerk(station: Station) -> Station:
    act_as(station, Role.MANAGER, "boss")
    return station


def hand_over_by_tail(station: Station, waybill: str, tail: str, proxy: Proxy | None) -> list[int]:
    found = lookup(station, tail)
    row = found.row_for_waybill(waybill)
    assert row is not None
    return confirm_pickup(station, [row.parcel_id], method=found.method, scanned=[waybill], proxy=proxy)


def test_with_the_code_anyone_may_collect_and_the_timeline_names_them(clerk: Station) -> None:
    result = check_in(clerk, wb(1), phone="13812345678")
    found = lookup(clerk, result.pickup_code)
    confirm_pickup(
        clerk, [result.parcel_id], method=found.method, scanned=[wb(1)], proxy=NEIGHBOUR, codes=found.codes
    )
    assert parcel(clerk, result.parcel_id).status == ParcelStatus.PICKED_UP
    event = events(clerk, EventKind.PICKED_UP)[-1]
    assert event.details["proxy_by_code"] is True and "老王" not in str(event.details)
    picked = timeline(clerk, wb(1)).events[-1]
    assert (picked.details["proxy_name"], picked.details["proxy_phone"]) == ("邻居老王", "****2222")


def test_without_the_code_the_recipient_must_allow_proxies(clerk: Station) -> None:
    zhang = directory.add(clerk, {"name": "张三", "phones": "13812345678"}).id
    check_in(clerk, wb(1), recipient_id=zhang)
    with pytest.raises(Refused) as refused:
        hand_over_by_tail(clerk, wb(1), "5678", NEIGHBOUR)
    assert refused.value.code == "proxy_not_allowed" and count(clerk, ProxyPickup) == 0
    consent.record(clerk, zhang, Choice(proxy_allowed=True), channel="counter")
    hand_over_by_tail(clerk, wb(1), "5678", NEIGHBOUR)
    assert count(clerk, ProxyPickup) == 1


def test_one_code_releases_its_own_parcel_to_a_proxy_not_the_recipients_others(clerk: Station) -> None:
    """The code is the secret the recipient passed on for that parcel: a proxy who gives it collects
    that parcel. The person's other parcels, listed beside it, need their own codes, or the person's
    leave for proxies; refused, nothing is handed over or recorded."""
    zhang = directory.add(clerk, {"name": "张三", "phones": "13812345678"}).id
    given = check_in(clerk, wb(1), recipient_id=zhang)
    other = check_in(clerk, wb(2), recipient_id=zhang)
    found = lookup(clerk, given.pickup_code)
    assert {r.waybill for r in found.rows} == {wb(1), wb(2)} and found.codes == (given.pickup_code,)
    both = [given.parcel_id, other.parcel_id]
    assert check_for(clerk, NEIGHBOUR, [both], codes=found.codes).parcel_ids == (given.parcel_id,)
    before = snapshot(clerk)
    with pytest.raises(Refused) as refused:
        confirm_pickup(
            clerk, both, method=found.method, scanned=[wb(1), wb(2)], proxy=NEIGHBOUR, codes=found.codes
        )
    assert refused.value.code == "proxy_not_allowed" and refused.value.params["waybills"] == wb(2)
    assert snapshot(clerk) == before and count(clerk, ProxyPickup) == 0
    # The recipient themself, with one code, still takes all of theirs: unchanged.
    assert confirm_pickup(clerk, both, method=found.method, scanned=[wb(1), wb(2)], codes=found.codes) == both


def test_a_proxy_collects_the_recipients_other_parcels_when_the_recipient_allows_it(clerk: Station) -> None:
    zhang = directory.add(clerk, {"name": "张三", "phones": "13812345678"}).id
    consent.record(clerk, zhang, Choice(proxy_allowed=True), channel="counter")
    given = check_in(clerk, wb(1), recipient_id=zhang)
    other = check_in(clerk, wb(2), recipient_id=zhang)
    found = lookup(clerk, given.pickup_code)
    both = [given.parcel_id, other.parcel_id]
    assert check_for(clerk, NEIGHBOUR, [both], codes=found.codes).parcel_ids == tuple(both)
    confirm_pickup(
        clerk, both, method=found.method, scanned=[wb(1), wb(2)], proxy=NEIGHBOUR, codes=found.codes
    )
    with clerk.read() as session:
        records = {r.parcel_id: r.by_code for r in session.exec(select(ProxyPickup)).all()}
    assert records == {given.parcel_id: True, other.parcel_id: False}
    # Released on the recipient's leave, not by its code: recorded so, on the parcel and in its event.
    methods = {p: parcel(clerk, p).pickup_method for p in both}
    assert methods == {given.parcel_id: "code", other.parcel_id: "proxy"}
    assert [e.details["method"] for e in events(clerk, EventKind.PICKED_UP)] == ["code", "proxy"]


def test_the_proxys_form_is_refused_as_the_handover_would_be_before_anything_is_scanned(
    clerk: Station,
) -> None:
    """Checked while the proxy is at the counter: refused when none of the customers listed allows
    proxies; one who does is enough (the answer names the parcels they may collect, and the handover
    checks those); with the code anyone may collect its parcel."""
    zhang = directory.add(clerk, {"name": "张三", "phones": "13812345678"}).id
    li = directory.add(clerk, {"name": "李四", "phones": "13987655678"}).id
    zhangs = check_in(clerk, wb(1), recipient_id=zhang).parcel_id
    lis = check_in(clerk, wb(2), recipient_id=li).parcel_id
    before = snapshot(clerk)
    with pytest.raises(Refused) as refused:
        check_for(clerk, NEIGHBOUR, [[zhangs], [lis]], codes=())
    assert (
        refused.value.code == "proxy_not_allowed" and refused.value.params["waybills"] == f"{wb(1)}, {wb(2)}"
    )
    assert snapshot(clerk) == before
    zhangs_code = parcel(clerk, zhangs).pickup_code or ""
    assert check_for(clerk, NEIGHBOUR, [[zhangs]], codes=[zhangs_code]) == Allowed(
        Proxy("邻居老王", "2222"), (zhangs,)
    )
    consent.record(clerk, li, Choice(proxy_allowed=True), channel="counter")
    assert check_for(clerk, NEIGHBOUR, [[zhangs], [lis]], codes=()) == Allowed(
        Proxy("邻居老王", "2222"), (lis,)
    )
    with pytest.raises(Refused):
        check_for(clerk, NEIGHBOUR, [[zhangs]], codes=())
    with pytest.raises(Refused) as no_tail:
        check_for(clerk, Proxy("老王", " "), [[lis]], codes=())
    assert no_tail.value.code == "proxy_tail_required"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("2222", "2222"),
        (" 2222 ", "2222"),
        ("２２２２", "2222"),  # a full-width tail, as a Chinese input method types it
        ("13911112222", "2222"),
        ("139 1111 2222", "2222"),
        ("+86 139-1111-2222", "2222"),
        ("+49 151 23456789", "6789"),
        ("139****2222", "2222"),
        ("17012345678-8462", "8462"),  # a virtual number: its extension is the tail, as Pickup reads it
        ("17012345678转8462", "8462"),
        ("１７０１２３４５６７８－８４６２", "8462"),
    ],
)
def test_a_proxys_phone_is_its_tail_or_their_whole_number(clerk: Station, typed: str, kept: str) -> None:
    assert checked(Proxy("老王", typed), clerk.settings()).phone_tail == kept


@pytest.mark.parametrize(
    "typed",
    [
        *("12345", "123", "13911112", "010-12345678", "call 13911112222", "2222a"),
        *("17012345678-846", "１７０１２３４５６７８－８４６", "17012345678-12345"),
    ],
)
def test_a_proxys_phone_that_is_no_tail_or_phone_is_refused_not_cut(clerk: Station, typed: str) -> None:
    """`12345` was kept as `2345`: any text with 4 digits or more gave its last 4, a tail of no phone.
    A virtual number's extension of 3 digits was kept padded (`0846`), one of 5 cut: no tail typed."""
    with pytest.raises(Refused) as refused:
        checked(Proxy("老王", typed), clerk.settings())
    assert refused.value.code == "proxy_phone_invalid"
    assert "last 4 digits, or their whole mobile number" in str(refused.value)


def test_a_recipient_who_chose_a_proxy_allows_one(clerk: Station) -> None:
    li = directory.add(clerk, {"name": "李四", "phones": "13987654321"}).id
    consent.record(clerk, li, Choice(delivery_preference="proxy"), channel="app")
    check_in(clerk, wb(1), recipient_id=li)
    hand_over_by_tail(clerk, wb(1), "4321", NEIGHBOUR)
    with clerk.read() as session:
        record = session.exec(select(ProxyPickup)).one()
    assert (record.name, record.phone_tail, record.by_code) == ("邻居老王", "2222", False)


def test_parcels_outside_the_directory_need_the_code_for_a_proxy(clerk: Station) -> None:
    check_in(clerk, wb(1), phone="13812345678")
    with pytest.raises(Refused) as refused:
        hand_over_by_tail(clerk, wb(1), "5678", NEIGHBOUR)
    assert refused.value.code == "proxy_not_allowed"
    assert hand_over_by_tail(clerk, wb(1), "5678", None)  # the recipient themself: as before


def test_the_station_may_ask_for_the_last_4_of_the_proxys_id(clerk: Station) -> None:
    configure(clerk, proxy_id_check="always")
    result = check_in(clerk, wb(1), phone="13812345678")
    with pytest.raises(Refused) as no_id:
        confirm_pickup(
            clerk,
            [result.parcel_id],
            method="code",
            scanned=[wb(1)],
            proxy=NEIGHBOUR,
            codes=[result.pickup_code],
        )
    assert no_id.value.code == "proxy_id_required"
    with pytest.raises(Refused):
        confirm_pickup(
            clerk,
            [result.parcel_id],
            method="code",
            scanned=[wb(1)],
            proxy=Proxy("老王", "2222", id_last4="12AB"),
            codes=[result.pickup_code],
        )
    confirm_pickup(
        clerk,
        [result.parcel_id],
        method="code",
        scanned=[wb(1)],
        proxy=Proxy("老王", "2222", id_last4="123x"),
        codes=[result.pickup_code],
    )
    assert timeline(clerk, wb(1)).events[-1].details["proxy_id_last4"] == "123X"


def test_a_proxy_name_pasted_in_colour_is_recorded_without_its_colour_codes(clerk: Station) -> None:
    result = check_in(clerk, wb(1), phone="13812345678")
    proxy = Proxy("\x1b[1;31m老王\x1b[0m", "2222")
    confirm_pickup(
        clerk, [result.parcel_id], method="code", scanned=[wb(1)], proxy=proxy, codes=[result.pickup_code]
    )
    assert timeline(clerk, wb(1)).events[-1].details["proxy_name"] == "老王"


@pytest.mark.parametrize(
    "proxy",
    [
        Proxy("", "2222"),
        Proxy("   ", "2222"),
        Proxy("老王", ""),
        Proxy("老王", "12"),
        Proxy("x" * 65, "2222"),
        Proxy("[/]", "2222"),  # marks, no name: the list would mask it as `[**`
        Proxy("\u3010\u3011", "2222"),
    ],
)
def test_a_proxy_without_name_or_tail_is_refused_and_nothing_changes(clerk: Station, proxy: Proxy) -> None:
    result = check_in(clerk, wb(1), phone="13812345678")
    with pytest.raises(Refused):
        confirm_pickup(
            clerk, [result.parcel_id], method="code", scanned=[wb(1)], proxy=proxy, codes=[result.pickup_code]
        )
    assert parcel(clerk, result.parcel_id).status == ParcelStatus.ON_SHELF


def test_a_proxy_pickup_needs_a_clerk_signed_in(clerk: Station) -> None:
    result = check_in(clerk, wb(1), phone="13812345678")
    clerk.clerk_id = clerk.clerk_role = None
    with pytest.raises(PermissionDenied):
        confirm_pickup(
            clerk,
            [result.parcel_id],
            method="code",
            scanned=[wb(1)],
            proxy=NEIGHBOUR,
            codes=[result.pickup_code],
        )


def test_the_recipients_parcel_a_proxy_may_not_collect_is_said_so_when_scanned_without_its_code(
    clerk: Station,
) -> None:
    """The proxy's list holds the parcel whose code they gave; the recipient's other parcel, scanned, is
    not "not this customer's" (it is), but one a proxy needs its own code for, and its code and place
    are not said to the proxy."""
    zhang = directory.add(clerk, {"name": "张三", "phones": "13812345678"}).id
    given = check_in(clerk, wb(1), recipient_id=zhang)
    other = check_in(clerk, wb(2), recipient_id=zhang)
    stranger = check_in(clerk, wb(3), phone="13900001111")
    found = lookup(clerk, given.pickup_code)
    allowed = check_for(clerk, NEIGHBOUR, [[r.parcel_id for r in found.rows]], codes=found.codes)
    narrowed = found.for_proxy(allowed.parcel_ids)
    assert [r.waybill for r in narrowed.rows] == [wb(1)]
    with pytest.raises(Refused) as refused:
        check_scan(narrowed, wb(2), clerk)
    said = refused.value.message()
    assert refused.value.code == "proxy_needs_code" and wb(2) in said
    assert other.pickup_code not in said and other.pickup_code not in str(refused.value.params)
    # A stranger's parcel is still a wrong parcel, said with its place as before.
    with pytest.raises(Refused) as wrong:
        check_scan(narrowed, wb(3), clerk)
    assert wrong.value.code == "wrong_parcel" and stranger.pickup_code in wrong.value.message()
