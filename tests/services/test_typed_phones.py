"""A phone number a clerk types into a reason or a note is stored masked, in the row and in the trail.

The rule itself (what is a phone and what stays as typed) is `mask_phones`, table-tested here; each
path that stores a reason or a note is then driven through its service.
"""

from __future__ import annotations

import json

import pytest
from conftest import FakeClock
from day_helpers import a_closed_day
from pickup_helpers import as_clerk, configure, dead_carrier_event, receive, zto
from recipient_helpers import act_as
from sendout_helpers import as_manager as send_manager
from sendout_helpers import parcel as send_parcel
from sendout_helpers import party, recipient, row, send, staff
from shelf_helpers import as_manager, events, parcel, place, wb
from sqlmodel import col, select

from db.models import (
    DeliveryItem,
    EventKind,
    FeeEntry,
    ParcelEvent,
    Role,
    Shelf,
)
from station_console.errors import Refused
from station_console.phone_masking import mask_phones
from station_console.services.carrier_events import dead_letters
from station_console.services.checkin.dismissals import record_dismissal
from station_console.services.checkin.transaction import check_in
from station_console.services.core.free_text import note_field
from station_console.services.core.station import Station
from station_console.services.day.close import reopen_day
from station_console.services.delivery import requests, runs, scan_back
from station_console.services.exceptions import problems
from station_console.services.fees.ledger import Settlement
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import Choice
from station_console.services.sendout import accept, payments
from station_console.settings import FeeRule

FULL = "13911112222"  # never a parcel's own phone in these tests: only typed text can bring it in
MASKED = "139****2222"
TYPED = f"customer {FULL} called, will come Friday"
STORED = f"customer {MASKED} called, will come Friday"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (TYPED, STORED),
        ("客户13911112222来电，周五来取", "客户139****2222来电，周五来取"),  # no spaces around it in Chinese
        ("call +86 139-1111-2222", "call 139****2222"),
        ("call 0086 139 1111 2222", "call 139****2222"),
        ("8613911112222 called", "139****2222 called"),
        ("１３９１１１１２２２２ called", "139****2222 called"),  # full-width digits from an input method
        ("relay 17012345678-8462", "relay 170****5678-8462"),  # the extension, as check-in shows it
        ("office 010-12345678", "office ****5678"),
        ("office (0755)1234 5678, ext 12", "office ****5678, ext 12"),
        ("office （021）12345678", "office ****5678"),
        ("office 075512345678", "office ****5678"),
        ("sister abroad +49 151 23456789", "sister abroad ****6789"),
        ("neighbour 87654321", "neighbour ****4321"),
        ("call 139.1111.2222 or 139．1111．2222", "call 139****2222 or 139****2222"),  # grouped by dots
        ("+86 139.1111.2222.", "139****2222."),
        ("tel13911112222, Tel:13911112222", "tel139****2222, Tel:139****2222"),  # a word that introduces it
        ("TEL 13911112222 mobile13911112222", "TEL 139****2222 mobile139****2222"),
        ("cellphone13911112222 or ph.13911112222", "cellphone139****2222 or ph.139****2222"),
        (
            "tel+8613911112222, phone010-12345678, ｃａｌｌ13911112222",
            "tel139****2222, phone****5678, ｃａｌｌ139****2222",
        ),
        # What a clerk writes that is not a phone stays as typed.
        ("SF1234567890123 damaged", "SF1234567890123 damaged"),
        ("SF13911112222 damaged", "SF13911112222 damaged"),  # letters on it: a waybill
        ("ＳＦ１３９１１１１２２２２ damaged", "ＳＦ１３９１１１１２２２２ damaged"),  # the same, full-width
        ("ｊｔ１３９１１１１２２２２ wet", "ｊｔ１３９１１１１２２２２ wet"),
        ("73100000000001 and 773912345678901 wet", "73100000000001 and 773912345678901 wet"),
        ("refund 12.50", "refund 12.50"),
        ("paid 23456789.50 of 0.23456789", "paid 23456789.50 of 0.23456789"),  # decimals, not numbers
        ("paid ２３４５６７８９．５０", "paid ２３４５６７８９．５０"),
        ("v1.139.1111.2222 and 139.1111.2222.3", "v1.139.1111.2222 and 139.1111.2222.3"),  # versions
        ("ratio 139.11112222 or 1391111.2222", "ratio 139.11112222 or 1391111.2222"),  # dots: 3-4-4 only
        ("version 2.13.8765.4321", "version 2.13.8765.4321"),
        # Only a whole word introduces a phone, and no carrier's prefix is one (EMS: `P` and a letter).
        ("hotel13911112222 PH13911112222 JTEL13911112222", "hotel13911112222 PH13911112222 JTEL13911112222"),
        ("tel13911112222X, call1391111222", "tel13911112222X, call1391111222"),
        ("refund ¥1250.00 of 3 sends", "refund ¥1250.00 of 3 sends"),
        ("reopened: 2026-12-01 miscounted 3 parcels", "reopened: 2026-12-01 miscounted 3 parcels"),
        ("batch of 20261201, 09:30-21:00", "batch of 20261201, 09:30-21:00"),
        ("code 3-4-1037 given twice", "code 3-4-1037 given twice"),
        ("order 12345678, 1391111222 digits short", "order 12345678, 1391111222 digits short"),
        ("already masked 139****2222", "already masked 139****2222"),
        ("", ""),
    ],
)
def test_the_masking_rule(typed: str, stored: str) -> None:
    assert mask_phones(typed) == stored


def test_the_refusals_are_on_what_was_typed_and_unchanged() -> None:
    with pytest.raises(Refused) as empty:
        note_field("  ", "Reason", limit=200)
    assert empty.value.code == "missing"
    with pytest.raises(Refused) as long:
        note_field("+86 139 1111 2222 " + "x" * 185, "Reason", limit=200)  # 203 typed, 196 masked
    assert long.value.code == "too_long"
    assert note_field(f"{FULL} ", "Reason", limit=200) == MASKED


def _trail(station: Station) -> str:
    with station.read() as session:
        details = session.exec(select(ParcelEvent.details).order_by(col(ParcelEvent.id))).all()
    return json.dumps(list(details), ensure_ascii=False)


def test_a_problem_note_and_a_write_off_reason(station: Station) -> None:
    pid = place(station, wb(1), "2-2")
    problems.mark(station, wb(1), "damaged", TYPED)
    assert parcel(station, pid).problem_note == STORED
    assert events(station, EventKind.PROBLEM_MARKED)[-1].details["note"] == STORED
    problems.resolve(station, wb(1), f"rang {FULL}, relabelled")
    assert events(station, EventKind.PROBLEM_RESOLVED)[-1].details["note"] == f"rang {MASKED}, relabelled"
    as_manager(station)
    with pytest.raises(Refused) as empty:
        problems.write_off(station, wb(1), " ")
    assert empty.value.code == "missing"
    problems.write_off(station, wb(1), TYPED)
    assert events(station, EventKind.WRITTEN_OFF)[-1].details["reason"] == STORED
    assert FULL not in _trail(station)


def test_a_day_reopen_reason(station: Station, clock: FakeClock) -> None:
    day = a_closed_day(station, clock)
    with pytest.raises(Refused) as short:
        reopen_day(station, day, " ok ")
    assert short.value.code == "reason_needed"
    reopen_day(station, day, f"reopened: 2026-11-25 miscounted, see {FULL}")
    (event,) = events(station, EventKind.DAY_REOPENED)
    assert event.details["reason"] == f"reopened: 2026-11-25 miscounted, see {MASKED}"


def test_a_fee_waiver_reason(station: Station, clock: FakeClock) -> None:
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=3, per_day_cents=100)])
    done = receive(station, 1, phone="5678")
    clock.advance(days=3)
    boss = as_clerk(station, "boss", role="manager")
    confirm_pickup(
        boss, [done.parcel_id], method="code", scanned=[zto(1)], fee=Settlement("waive", reason=TYPED)
    )
    with boss.read() as session:
        waiver = session.exec(select(FeeEntry).where(FeeEntry.kind == "waiver")).one()
    assert waiver.reason == STORED
    assert events(boss, EventKind.FEE_WAIVED)[-1].details["reason"] == STORED


def test_a_pickup_override_reason(station: Station) -> None:
    done = receive(station, 1, phone="5678")
    boss = as_clerk(station, "boss", role="manager")
    confirm_pickup(boss, [done.parcel_id], method="code", override_reason=f"label torn, rang {FULL}")
    picked = events(boss, EventKind.PICKED_UP)[-1]
    assert picked.details["override_reason"] == f"label torn, rang {MASKED}"


def test_a_carrier_event_drop_reason(station: Station) -> None:
    event_id = dead_carrier_event(station)
    boss = as_clerk(station, "boss", role="manager")
    dead_letters.drop(boss, event_id, f"carrier said call {FULL}")
    assert (
        events(boss, EventKind.CARRIER_EVENT_DROPPED)[-1].details["reason"] == f"carrier said call {MASKED}"
    )


def test_a_send_refusal_and_a_refund_reason(station: Station) -> None:
    counter = staff(station)
    refused = accept.refuse(
        counter, party=party(), recipient=recipient(), parcel=send_parcel(), reason=TYPED, found=[]
    )
    assert row(counter, refused.send_id).refused_reason == STORED
    refunded = send(counter).send_id
    send_manager(counter)
    payments.refund(counter, refunded, f"wrong carrier, their son {FULL} rang")
    assert row(counter, refunded).refund_reason == f"wrong carrier, their son {MASKED} rang"
    assert FULL not in _trail(counter)


def test_a_failed_door_delivery_note_and_a_consent_note(station: Station) -> None:
    act_as(station, Role.MANAGER, "boss")
    person = directory.add(
        station, {"name": "王五", "phones": "13800000003", "building": "B2", "room": "201"}
    )
    with pytest.raises(Refused) as long:
        consent.record(station, person.id, Choice(consent="granted"), channel="phone", note="x" * 201)
    assert long.value.code == "too_long"
    consent.record(station, person.id, Choice(consent="granted"), channel="phone", note=TYPED)
    assert [h.note for h in consent.history(station, person.id)] == [STORED]

    check_in(station, wb(1), recipient_id=person.id)
    requests.request(station, wb(1))
    run = runs.plan(station, "小刘")
    runs.scan_out(station, run.id, wb(1))
    with pytest.raises(Refused) as too_long:
        scan_back.fail(station, run.id, wb(1), reason="not_home", note=f"+86 {FULL} " + "x" * 185)
    assert too_long.value.code == "too_long"  # 201 as typed, though 197 once masked
    scan_back.fail(station, run.id, wb(1), reason="not_home", note=f"敲门无人 打{FULL}未接")
    with station.read() as session:
        item = session.exec(select(DeliveryItem)).one()
    assert item.fail_note == f"敲门无人 打{MASKED}未接"
    assert FULL not in _trail(station)


def _shelf_note(station: Station) -> str | None:
    with station.read() as session:
        return session.exec(select(Shelf.note).where(Shelf.label == "9")).one()


def test_a_shelf_note(station: Station) -> None:
    from station_console.services.shelves import edits, layout

    as_manager(station)
    layout.add_shelf(station, "9", layers=1, note=f"key with the landlord, {FULL}")
    assert _shelf_note(station) == f"key with the landlord, {MASKED}"
    edits.edit(station, "9", note=f"key with the neighbour, 010-1234 5678, or {FULL}")
    assert _shelf_note(station) == f"key with the neighbour, ****5678, or {MASKED}"
    assert FULL not in _trail(station)


def test_a_phone_scanned_into_the_waybill_field_is_kept_masked_when_its_refusal_is_dismissed(
    station: Station,
) -> None:
    """A clerk types the customer's number where the waybill goes: refused, then let go from the list;
    the trail keeps which refusal went, not the number. A waybill refused as a duplicate stays whole."""
    record_dismissal(station, kind="refused", code="unknown_format", waybill=FULL)
    record_dismissal(station, kind="duplicate", code="duplicate", waybill="SF1234567890123")
    wrong, duplicate = events(station, EventKind.REFUSAL_DISMISSED)[-2:]
    assert wrong.details["waybill"] == MASKED and duplicate.details["waybill"] == "SF1234567890123"
