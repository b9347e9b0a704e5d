"""The carrier table service: the cached detector, add and edit with validation and audit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from saves_at_once import other_save_before
from sqlmodel import select
from station_helpers import act_as_new_clerk

from db.models import Carrier, EventKind, ParcelEvent, Role
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.services.core.station import Station
from station_console.services.scan.carriers import (
    add_carrier,
    forget_detector,
    get_detector,
    list_carriers,
    update_carrier,
)

NEW = {
    "code": "kdn",
    "name_en": "Kuaidi Nine",
    "name_zh": "快递九",
    "fee_cents": 35,
    "patterns": [{"regex": "^KD[0-9]{10}$", "checksum": None}],
}


@pytest.fixture
def station(new_station: Station) -> Station:
    """The carrier table is a manager's: these tests edit it as one."""
    act_as_new_clerk(new_station, "Boss", Role.MANAGER)
    return new_station


def events(station: Station) -> list[ParcelEvent]:
    with station.read() as session:
        return list(
            session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.CARRIER_CHANGED)).all()
        )


def count_carriers(station: Station) -> int:
    with station.read() as session:
        return len(session.exec(select(Carrier)).all())


def test_the_detector_is_built_once_and_needs_no_query_per_scan(station: Station) -> None:
    detector = get_detector(station)
    assert get_detector(station) is detector
    assert "SF" in detector.carriers and "S10" in detector.carriers
    station.engine.dispose()
    calls: list[str] = []
    from sqlalchemy import event

    event.listen(station.engine, "before_cursor_execute", lambda *args: calls.append(args[2]))
    for _ in range(50):
        assert get_detector(station).detect("SF1234567890123").best is not None
    assert calls == []


def test_list_carriers_is_in_display_order(station: Station) -> None:
    codes = [c.code for c in list_carriers(station)]
    assert codes[:3] == ["SF", "ZTO", "YTO"] and len(codes) == 16


def test_adding_a_carrier_makes_its_numbers_detectable(station: Station) -> None:
    assert get_detector(station).detect("KD1234567890").error is not None
    row = add_carrier(station, NEW)
    assert (row.code, row.short_name, row.fee_cents, row.sort_order) == ("KDN", "KDN", 35, 17)
    found = get_detector(station).detect("kd1234567890")
    assert found.best is not None and (found.best.carrier, found.best.name("zh")) == ("KDN", "快递九")
    [event] = events(station)
    assert event.details["action"] == "added" and event.details["carrier"] == "KDN"
    assert event.counter == "test-counter"


def test_editing_a_carrier_records_old_and_new_and_rebuilds_the_detector(station: Station) -> None:
    get_detector(station)
    row = update_carrier(station, "sf", {"fee_cents": 55, "patterns": ["^SF[0-9]{13}$"]})
    assert row.fee_cents == 55 and row.patterns == [{"regex": "^SF[0-9]{13}$", "checksum": None}]
    assert get_detector(station).detect("SFA123456789012").error is not None
    assert get_detector(station).detect("SF1234567890123").best is not None
    [event] = events(station)
    assert event.details["changed"]["fee_cents"] == [50, 55]
    update_carrier(station, "SF", {"active": False})
    assert "SF" not in get_detector(station).carriers
    assert update_carrier(station, "SF", {"active": False}).active is False
    assert len(events(station)) == 2  # no change, no event


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({**NEW, "code": "SF"}, "carrier_exists"),
        ({**NEW, "code": "a b"}, "bad_code"),
        ({**NEW, "name_zh": ""}, "bad_field"),
        ({**NEW, "fee_cents": -1}, "bad_field"),
        ({**NEW, "fee_cents": "lots"}, "bad_field"),
        ({**NEW, "colour": "red"}, "bad_field"),
        ({k: v for k, v in NEW.items() if k != "name_en"}, "missing_field"),
        ({**NEW, "patterns": [{"regex": "^KD[0-9"}]}, "bad_pattern"),
        ({**NEW, "patterns": [{"regex": "^(KD)?$"}]}, "bad_pattern"),
        ({**NEW, "patterns": [{"regex": "^KD[0-9]{10}$", "checksum": "crc99"}]}, "bad_checksum"),
        ({**NEW, "patterns": 42}, "bad_pattern"),
    ],
)
def test_a_bad_carrier_is_refused_and_nothing_is_written(station: Station, data: dict, code: str) -> None:
    before = count_carriers(station)
    with pytest.raises(Refused) as refused:
        add_carrier(station, data)
    assert refused.value.code == code
    assert refused.value.message("zh") != refused.value.message("en")
    assert count_carriers(station) == before and events(station) == []


def test_editing_an_unknown_carrier_or_its_code_is_refused(station: Station) -> None:
    with pytest.raises(NotFound):
        update_carrier(station, "NOPE", {"fee_cents": 1})
    with pytest.raises(Refused):
        update_carrier(station, "SF", {"code": "SFX"})
    with pytest.raises(Refused):
        update_carrier(station, "SF", {"patterns": [{"regex": "("}]})
    assert events(station) == []


def test_only_a_manager_edits_the_table(station: Station) -> None:
    station.clerk_role = "clerk"
    with pytest.raises(PermissionDenied):
        update_carrier(station, "SF", {"fee_cents": 1})
    station.clerk_role = "manager"
    assert update_carrier(station, "SF", {"fee_cents": 1}).fee_cents == 1


def test_another_counters_edit_is_seen_after_forget(station: Station) -> None:
    detector = get_detector(station)
    other = replace(station, counter="counter-2", _cached=None)  # the same clerk at another counter
    update_carrier(other, "ZTO", {"active": False})
    assert get_detector(station) is detector
    forget_detector(station)
    assert "ZTO" not in get_detector(station).carriers


@pytest.mark.postgres_only
def test_two_saves_of_one_carrier_at_once_keep_one_and_refuse_the_other(station: Station) -> None:
    """PostgreSQL: counter-2 saves SF from the same form as this counter, after this save checked the
    row it was made from and before it writes: one of the two is refused, never both stored, the first
    put back under the second unseen."""
    there = replace(station, counter="counter-2", _cached=None)
    for counter in (station, there):  # each counter's audit chain begun: appending to it waits on nothing
        update_carrier(counter, "YTO", {"fee_cents": 40 + len(counter.counter)})
    read = next(c for c in list_carriers(station) if c.code == "SF")

    def theirs() -> object:
        return update_carrier(there, "SF", {"fee_cents": 99}, based_on=read)

    with other_save_before(station, "UPDATE carrier", theirs) as outcome:
        saved = update_carrier(station, "SF", {"fee_cents": 77}, based_on=read)
    assert saved.fee_cents == 77
    assert isinstance(outcome[0], Refused) and outcome[0].code == "carrier_saved_meanwhile"
    stored = next(c for c in list_carriers(station) if c.code == "SF")
    assert stored.fee_cents == 77
    changes = [e.details["changed"] for e in events(station) if e.details["carrier"] == "SF"]
    assert changes == [{"fee_cents": [read.fee_cents, 77]}]


def test_a_long_pattern_refused_is_quoted_cut_with_a_sign(station: Station) -> None:
    """A pattern too long to quote whole is quoted by its start and "…": 60 characters with no sign read
    as the whole pattern."""
    regex = "^KD(" + "[0-9]" * 20 + "$"
    with pytest.raises(Refused) as refused:
        add_carrier(station, {**NEW, "patterns": [{"regex": regex}]})
    assert refused.value.message("en").startswith(f"Pattern {regex[:59]}… cannot be used: ")
