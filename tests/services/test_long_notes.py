"""A reason or a note longer than its field is refused with the field's name, and nothing is written:
never stored cut short. One at the limit is kept whole, its phones masked.

Each path that stores a reason or a note is driven through its service, with the limit its column
has (a problem note 500, every other 200).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from conftest import FakeClock
from day_helpers import a_closed_day
from pickup_helpers import as_clerk, configure, dead_carrier_event, receive, zto
from recipient_helpers import act_as
from shelf_helpers import as_manager, events, parcel, place, wb
from sqlmodel import select
from station_helpers import snapshot

from db.models import DeliveryItem, EventKind, FeeEntry, Role, Shelf
from station_console.errors import Refused
from station_console.services.carrier_events import dead_letters
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.day.close import reopen_day
from station_console.services.delivery import requests, runs, scan_back
from station_console.services.exceptions import problems
from station_console.services.fees.ledger import Settlement
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import Choice
from station_console.services.shelves import edits, layout
from station_console.settings import FeeRule

FULL, MASKED = "13911112222", "139****2222"
PASTED = "x" * 5000  # a whole document pasted where a reason goes


def at_limit(limit: int) -> tuple[str, str]:
    """A text exactly `limit` characters long with a phone in it, and how it is stored."""
    head = f"rang {FULL} "
    typed = head + "y" * (limit - len(head))
    return typed, typed.replace(FULL, MASKED)


def refused_unchanged(station: Station, call: Callable[[], Any], field: str, limit: int) -> None:
    """`call` is refused as too long, naming `field` and `limit`; no row of any table changed."""
    before = snapshot(station)
    with pytest.raises(Refused) as refused:
        call()
    assert refused.value.code == "too_long"
    assert refused.value.message("en") == f"{field} is longer than {limit} characters."
    assert snapshot(station) == before


def test_a_write_off_reason(station: Station) -> None:
    pid = place(station, wb(1), "2-2")
    as_manager(station)
    for reason in (PASTED, "x" * 201):
        refused_unchanged(station, partial(problems.write_off, station, wb(1), reason), "Reason", 200)
    before = snapshot(station)
    with pytest.raises(Refused) as empty:
        problems.write_off(station, wb(1), " ")
    assert empty.value.code == "missing" and empty.value.message("en") == "Reason is empty."
    assert snapshot(station) == before
    typed, stored = at_limit(200)
    problems.write_off(station, wb(1), typed)
    assert parcel(station, pid).status == "written_off"
    assert events(station, EventKind.WRITTEN_OFF)[-1].details["reason"] == stored


def test_a_problem_note_and_a_resolve_note(station: Station) -> None:
    pid = place(station, wb(1), "2-2")
    refused_unchanged(station, lambda: problems.mark(station, wb(1), "damaged", "x" * 501), "Note", 500)
    before = snapshot(station)
    with pytest.raises(Refused) as empty:
        problems.mark(station, wb(1), "damaged", "")
    assert empty.value.code == "missing"
    assert snapshot(station) == before
    typed, stored = at_limit(500)
    problems.mark(station, wb(1), "damaged", typed)
    assert parcel(station, pid).problem_note == stored
    refused_unchanged(station, lambda: problems.resolve(station, wb(1), PASTED), "Note", 500)
    problems.resolve(station, wb(1), typed)
    assert events(station, EventKind.PROBLEM_RESOLVED)[-1].details["note"] == stored


def test_a_day_reopen_reason(station: Station, clock: FakeClock) -> None:
    day = a_closed_day(station, clock)
    refused_unchanged(station, lambda: reopen_day(station, day, PASTED), "Reason", 200)
    typed, stored = at_limit(200)
    reopen_day(station, day, typed)
    assert events(station, EventKind.DAY_REOPENED)[-1].details["reason"] == stored


def test_a_fee_waiver_reason(station: Station, clock: FakeClock) -> None:
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=3, per_day_cents=100)])
    done = receive(station, 1, phone="5678")
    clock.advance(days=3)
    boss = as_clerk(station, "boss", role="manager")

    def waive(reason: str) -> None:
        confirm_pickup(
            boss, [done.parcel_id], method="code", scanned=[zto(1)], fee=Settlement("waive", reason=reason)
        )

    refused_unchanged(boss, lambda: waive(PASTED), "Reason", 200)
    typed, stored = at_limit(200)
    waive(typed)
    with boss.read() as session:
        assert session.exec(select(FeeEntry.reason).where(FeeEntry.kind == "waiver")).one() == stored


def test_a_pickup_override_reason(station: Station) -> None:
    done = receive(station, 1, phone="5678")
    boss = as_clerk(station, "boss", role="manager")

    def override(reason: str) -> None:
        confirm_pickup(boss, [done.parcel_id], method="code", override_reason=reason)

    refused_unchanged(boss, lambda: override(PASTED), "Reason", 200)
    typed, stored = at_limit(200)
    override(typed)
    assert events(boss, EventKind.PICKED_UP)[-1].details["override_reason"] == stored


def test_a_carrier_event_drop_reason(station: Station) -> None:
    event_id = dead_carrier_event(station)
    boss = as_clerk(station, "boss", role="manager")
    refused_unchanged(boss, lambda: dead_letters.drop(boss, event_id, PASTED), "Reason", 200)
    typed, stored = at_limit(200)
    dead_letters.drop(boss, event_id, typed)
    assert events(boss, EventKind.CARRIER_EVENT_DROPPED)[-1].details["reason"] == stored


def test_a_shelf_note(station: Station) -> None:
    as_manager(station)
    refused_unchanged(station, lambda: layout.add_shelf(station, "9", layers=1, note=PASTED), "Note", 200)
    layout.add_shelf(station, "9", layers=1)
    refused_unchanged(station, lambda: edits.edit(station, "9", note="x" * 201), "Note", 200)
    typed, stored = at_limit(200)
    edits.edit(station, "9", note=typed)
    with station.read() as session:
        assert session.exec(select(Shelf.note).where(Shelf.label == "9")).one() == stored


def test_a_consent_note_and_a_failed_door_delivery_note(station: Station) -> None:
    act_as(station, Role.MANAGER, "boss")
    person = directory.add(
        station, {"name": "王五", "phones": "13800000003", "building": "B2", "room": "201"}
    )
    granted = Choice(consent="granted")
    refused_unchanged(
        station,
        lambda: consent.record(station, person.id, granted, channel="phone", note=PASTED),
        "Note",
        200,
    )
    typed, stored = at_limit(200)
    consent.record(station, person.id, granted, channel="phone", note=typed)
    assert [h.note for h in consent.history(station, person.id)] == [stored]

    check_in(station, wb(1), recipient_id=person.id)
    requests.request(station, wb(1))
    run = runs.plan(station, "小刘")
    runs.scan_out(station, run.id, wb(1))
    refused_unchanged(
        station, lambda: scan_back.fail(station, run.id, wb(1), reason="not_home", note=PASTED), "Note", 200
    )
    scan_back.fail(station, run.id, wb(1), reason="not_home", note=typed)
    with station.read() as session:
        assert session.exec(select(DeliveryItem.fail_note)).one() == stored


def test_the_refusal_names_the_field_in_the_language_it_is_shown_in(station: Station) -> None:
    place(station, wb(1), "2-2")
    as_manager(station)
    with pytest.raises(Refused) as refused:
        problems.write_off(station, wb(1), PASTED)
    assert refused.value.message("zh") == "原因超过 200 个字符。"
    assert refused.value.message("en") == "Reason is longer than 200 characters."
