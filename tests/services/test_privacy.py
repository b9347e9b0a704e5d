"""Privacy: full phones purged N days after parcels leave; one person's export; deletion on request."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from db.models import EventKind, Notification, NotificationStatus, Parcel, ParcelEvent, ParcelStatus
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import audit_trail as auditlog
from station_console.services.people import clerks, person_export, privacy
from station_console.services.pickup.handover import confirm_pickup

if TYPE_CHECKING:
    from conftest import FakeClock

PHONE, OTHER = "13812345678", "13987654321"


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests make their own clerks, from the first manager on."""
    return new_station


@pytest.fixture
def manager(station: Station) -> Station:
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    return station


def _parcel(station: Station, waybill: str) -> Parcel:
    with station.read() as session:
        row = session.exec(select(Parcel).where(Parcel.waybill == waybill)).one()
        return row


def _events(station: Station, kind: str) -> list[ParcelEvent]:
    with station.read() as session:
        return list(session.exec(select(ParcelEvent).where(ParcelEvent.kind == kind)).all())


def test_full_phones_are_purged_n_days_after_pickup_only(manager: Station, clock: FakeClock) -> None:
    picked = check_in(manager, "SF1234567890123", phone=PHONE)
    check_in(manager, "JT1234567890123", phone=PHONE)  # stays on the shelf
    confirm_pickup(manager, [picked.parcel_id], method="code", scanned=["SF1234567890123"])
    clock.advance(days=29, hours=23)
    assert privacy.purge_phones(manager).purged == 0
    assert _parcel(manager, "SF1234567890123").phone_full == PHONE
    clock.advance(hours=2)
    result = privacy.purge_phones(manager)
    assert (result.purged, result.days) == (1, 30)
    gone, kept = _parcel(manager, "SF1234567890123"), _parcel(manager, "JT1234567890123")
    assert gone.phone_full is None and gone.phone_purged_at is not None
    assert gone.masked_phone == "138****5678" and gone.phone_tail == "5678"  # what screens show stays
    assert gone.version == 3  # checked in, picked up, purged: other writers see the change
    assert kept.phone_full == PHONE  # still needed for its notification
    [event] = _events(manager, EventKind.PHONE_PURGED)
    assert event.details["count"] == 1 and PHONE not in str(event.details)
    assert privacy.purge_phones(manager).purged == 0  # nothing twice, no empty events
    assert len(_events(manager, EventKind.PHONE_PURGED)) == 1
    assert auditlog.verify(manager).ok


def test_purge_follows_the_setting_and_cancelled_parcels(manager: Station, clock: FakeClock) -> None:
    from station_console.services.admin.settings import save_station_settings
    from station_console.services.checkin.transaction import undo_last

    new = manager.settings().model_copy(update={"phone_purge_days": 2})
    manager.run(lambda session: save_station_settings(session, manager, new))
    check_in(manager, "SF1234567890123", phone=PHONE)
    undo_last(manager)
    clock.advance(days=2)
    assert privacy.purge_phones(manager).purged == 1
    assert _parcel(manager, "SF1234567890123").status == ParcelStatus.CANCELLED


def test_the_day_close_purges_phones_past_their_keep_period(manager: Station, clock: FakeClock) -> None:
    from station_console.services.day.close import close_day

    old = check_in(manager, "SF1234567890123", phone=PHONE)
    confirm_pickup(manager, [old.parcel_id], method="code", scanned=["SF1234567890123"])
    clock.advance(days=29)
    recent = check_in(manager, "JT1234567890123", phone=OTHER)
    confirm_pickup(manager, [recent.parcel_id], method="code", scanned=["JT1234567890123"])
    clock.advance(days=1, hours=1)
    close_day(manager, early=True)  # 10:00, before closing time: confirmed
    assert _parcel(manager, "SF1234567890123").phone_full is None  # left 30 days ago
    assert _parcel(manager, "JT1234567890123").phone_full == OTHER  # left yesterday
    [event] = _events(manager, EventKind.PHONE_PURGED)
    assert event.details["count"] == 1
    assert len(_events(manager, EventKind.DAY_CLOSED)) == 1 and auditlog.verify(manager).ok


def test_export_gives_one_persons_data_and_is_audited(manager: Station) -> None:
    check_in(manager, "SF1234567890123", phone=PHONE, recipient_name="Zhang San", email="z@example.com")
    check_in(manager, "JT1234567890123", phone="+86 138-1234-5678")
    check_in(manager, "YT1234567890123", phone=OTHER)
    data = person_export.export_person(manager, "138 1234 5678")
    assert data["phone"] == PHONE
    assert sorted(p["waybill"] for p in data["parcels"]) == ["JT1234567890123", "SF1234567890123"]
    assert (
        data["parcels"][0]["recipient_name"] == "Zhang San" and data["parcels"][0]["email"] == "z@example.com"
    )
    assert len(data["notifications"]) == 2 and {e["kind"] for e in data["events"]} == {"checked_in"}
    assert OTHER not in str(data)
    [event] = _events(manager, EventKind.DATA_EXPORTED)
    assert event.details == {"what": "person", "masked_phone": "138****5678", "parcels": 2}


def test_export_needs_a_full_number_and_a_match(manager: Station) -> None:
    check_in(manager, "SF1234567890123", phone=PHONE)
    with pytest.raises(Refused) as exc:
        person_export.export_person(manager, "5678")
    assert exc.value.code == "phone_partial"
    with pytest.raises(NotFound):
        person_export.export_person(manager, OTHER)
    assert _events(manager, EventKind.DATA_EXPORTED) == []


def test_delete_blanks_the_person_on_their_parcels(manager: Station) -> None:
    check_in(manager, "SF1234567890123", phone=PHONE, recipient_name="Zhang San", email="z@example.com")
    check_in(manager, "YT1234567890123", phone=OTHER, recipient_name="Li Si")
    result = privacy.delete_person(manager, PHONE)
    assert (result.parcels, result.notifications_cancelled) == (1, 1)
    gone, other = _parcel(manager, "SF1234567890123"), _parcel(manager, "YT1234567890123")
    assert (gone.phone_full, gone.masked_phone, gone.phone_tail, gone.email, gone.recipient_name) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert gone.status == ParcelStatus.ON_SHELF and gone.pickup_code  # still collectable by code
    assert other.phone_full == OTHER and other.recipient_name == "Li Si"
    with manager.read() as session:
        notes = session.exec(select(Notification).where(Notification.parcel_id == gone.id)).all()
    assert [n.status for n in notes] == [NotificationStatus.CANCELLED]
    [event] = _events(manager, EventKind.PERSON_DELETED)
    assert event.details["parcels"] == 1 and PHONE not in str(event.details)
    with pytest.raises(NotFound):
        privacy.delete_person(manager, PHONE)
    assert auditlog.verify(manager).ok


def test_a_clerk_can_neither_export_nor_delete(manager: Station) -> None:
    check_in(manager, "SF1234567890123", phone=PHONE)
    clerks.add_clerk(manager, "Li", "1357")
    clerks.sign_in(manager, "Li", "1357")
    for call in (person_export.export_person, privacy.delete_person):
        with pytest.raises(PermissionDenied):
            call(manager, PHONE)
    assert _parcel(manager, "SF1234567890123").phone_full == PHONE
    assert _events(manager, EventKind.DATA_EXPORTED) == _events(manager, EventKind.PERSON_DELETED) == []
