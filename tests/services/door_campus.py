"""The campus door delivery's service tests share: five people of the directory in two buildings,
王五 having chosen door delivery for good, and their parcels checked in."""

from __future__ import annotations

from dataclasses import dataclass

from recipient_helpers import act_as
from station_helpers import wb

from db.models import Role
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import Choice


@dataclass
class Campus:
    station: Station
    people: dict[str, int]  # name -> recipient id


def campus_of(station: Station) -> Campus:
    """Five people in two buildings; 王 has chosen door delivery for good."""
    act_as(station, Role.MANAGER, "boss")
    people = {}
    for name, building, room, phone in (
        ("张三", "B10", "1203", "13800000001"),
        ("李四", "B2", "502", "13800000002"),
        ("王五", "B2", "201", "13800000003"),
        ("赵六", "B2", "504", "13800000004"),
        ("无址", None, None, "13800000005"),
    ):
        values = {"name": name, "phones": phone, **({"building": building, "room": room} if room else {})}
        people[name] = directory.add(station, values).id
    consent.record(station, people["王五"], Choice(delivery_preference="door"), channel="phone")
    return Campus(station, people)


def checked_in(c: Campus, n: int, name: str) -> int:
    return check_in(c.station, wb(n), recipient_id=c.people[name]).parcel_id
