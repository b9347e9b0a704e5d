"""Point 2 (carriers): nobody may edit the carrier table anonymously, and no pattern can stall a scan.

The attacks: add and edit carriers with nobody signed in (the old check let them through); save
`^(A|A)+B$`, whose backtracking takes 2^n steps on `AAAA...C`; and, for a pattern that reached the
table some other way (an older station, a hand edit), scan the input that makes it explode. The pattern
is refused on save; in the table, it blows the per-scan budget once, is skipped and reported, and the
station goes on detecting every other carrier.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.models import Carrier, Role
from station_console.errors import PermissionDenied, Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people.clerks import act_as
from station_console.services.scan.carriers import add_carrier, forget_detector, get_detector, update_carrier

EVIL = "^(A|A)+B$"
HOSTILE_SCAN = "A" * 39 + "C"  # as long as a waybill may be: 2^39 ways to backtrack


def carriers(station: Station) -> list[tuple[str, object]]:
    with station.read() as session:
        return sorted((c.code, c.patterns) for c in session.exec(select(Carrier)).all())


def test_nobody_signed_in_cannot_touch_the_carrier_table(new_station: Station) -> None:
    act_as(new_station, None)
    before = carriers(new_station)
    with pytest.raises(PermissionDenied):
        add_carrier(new_station, {"code": "EVL", "name_en": "Evil", "name_zh": "恶", "patterns": [EVIL]})
    with pytest.raises(PermissionDenied):
        update_carrier(new_station, "SF", {"patterns": [EVIL]})
    assert carriers(new_station) == before


def test_a_catastrophic_pattern_is_refused_on_save(station: Station) -> None:
    station.clerk_role = Role.MANAGER
    before = carriers(station)
    for evil in (EVIL, "^(A|AA)+B$"):
        with pytest.raises(Refused) as refused:
            update_carrier(station, "SF", {"patterns": [evil]})
        assert refused.value.code == "bad_pattern" and "too long" in refused.value.message()
    with pytest.raises(Refused):
        add_carrier(station, {"code": "EVL", "name_en": "Evil", "name_zh": "恶", "patterns": [EVIL]})
    assert carriers(station) == before
    # Ordinary shapes still go in, including alternatives that cannot both match.
    assert update_carrier(station, "SF", {"patterns": ["^(SF|SX)[0-9]{13}$"]}).patterns[0]["regex"]


@pytest.mark.timeout(60)
def test_a_catastrophic_pattern_in_the_table_is_skipped_and_the_rest_still_detect(station: Station) -> None:
    def plant(session: object) -> None:
        row = session.exec(select(Carrier).where(Carrier.code == "STO")).one()  # type: ignore[attr-defined]
        row.patterns = [*row.patterns, {"regex": EVIL, "checksum": None}]
        session.add(row)  # type: ignore[attr-defined]

    station.run(plant)
    forget_detector(station)
    detector = get_detector(station)
    hostile = detector.detect(HOSTILE_SCAN)
    assert hostile.skipped == ("STO",) and hostile.error is not None
    assert ("STO", EVIL) in detector.skipped
    again = detector.detect(HOSTILE_SCAN)
    assert again.skipped == () and again.error is not None  # skipped for good, not retried per scan
    with pytest.raises(Refused):
        check_in(station, HOSTILE_SCAN)
    assert check_in(station, "SF1234567890123").carrier == "SF"
    best = detector.detect("771234567890123").best
    assert best is not None and best.carrier == "STO"  # STO's own patterns still work
