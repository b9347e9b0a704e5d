"""Overdue: bands by the carrier's policy, reminders, return candidates."""

from __future__ import annotations

from datetime import timedelta

from shelf_helpers import events, place, wb
from sqlmodel import Session, select

from db.models import Carrier, EventKind, Notification
from station_console.services.core.station import Station
from station_console.services.exceptions import overdue


def test_bands_follow_the_carrier_policy(station: Station, clock) -> None:
    def set_policy(session: Session) -> None:
        sf = session.exec(select(Carrier).where(Carrier.code == "SF")).one()
        sf.amber_hours, sf.red_hours, sf.return_after_days = 12, 24, 2
        session.add(sf)

    station.run(set_policy)
    now = clock.now
    place(station, wb(1), "1-1", at=now - timedelta(hours=10))  # JT: ok
    place(station, wb(2), "1-1", at=now - timedelta(hours=50))  # JT: amber
    place(station, wb(3), "1-1", at=now - timedelta(hours=80))  # JT: red
    place(station, wb(4), "1-1", at=now - timedelta(days=8))  # JT: return
    place(station, "SF1234567890123", "1-2", carrier="SF", at=now - timedelta(hours=13))  # SF: amber
    rows = overdue.overdue(station)
    assert [(r.parcel.waybill, r.band) for r in rows] == [
        (wb(4), "return"),
        (wb(3), "red"),
        (wb(2), "amber"),
        ("SF1234567890123", "amber"),
    ]
    assert overdue.summary(station) == {"ok": 1, "amber": 2, "red": 1, "return": 1}
    assert [r.parcel.waybill for r in overdue.return_candidates(station)] == [wb(4)]
    assert [r.parcel.waybill for r in overdue.overdue(station, carrier="SF")] == ["SF1234567890123"]
    assert overdue.band_for(now - timedelta(hours=48), now, overdue.Policy()) == "amber"


def test_resend_queues_a_reminder_for_reachable_parcels(station: Station, clock) -> None:
    place(station, wb(1), "1-1", at=clock.now - timedelta(hours=50))
    place(station, wb(2), "1-1", phone=None)
    result = overdue.resend(station, [wb(1), wb(2)])
    assert (result.queued, result.skipped) == ([wb(1)], [wb(2)])
    with station.read() as s:
        (note,) = s.exec(select(Notification)).all()
    assert note.kind == "reminder" and note.status == "queued" and "13812345678" not in str(note.payload)
    (event,) = events(station, EventKind.NOTIFIED)
    assert event.details["kind"] == "reminder"


def test_the_age_is_counted_down_to_the_whole_hours_the_bands_start_at(station: Station, clock) -> None:
    """71.96 h is amber under a 72 h red band: shown rounded it read as 72 h (3.0 d), the red band's."""
    place(station, wb(1), "1-1", at=clock.now - timedelta(hours=71.96))
    place(station, wb(2), "1-1", at=clock.now - timedelta(hours=72))
    young, old = sorted(overdue.overdue(station), key=lambda r: r.age_hours)
    assert (young.band, young.age, young.to_json()["age_hours"]) == ("amber", (2, 23), 71.9)
    assert (old.band, old.age, old.to_json()["age_hours"]) == ("red", (3, 0), 72.0)
