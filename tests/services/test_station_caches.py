"""What a console keeps in memory stays right: a settings save swaps the new settings into the station's
cache once committed and leaves it as it was when the save rolls back (the console's UI thread reads the
cache, never the database); an upgrade's new carriers are recorded, so running consoles read the
carrier table again; a carrier edit and a rebuild begun before it end with the edited table."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import delete
from sqlmodel import Session, col, select
from station_helpers import act_as_new_clerk

from db.models import Carrier, EventKind, ParcelEvent, Role
from station_console.errors import Refused
from station_console.services.admin.settings import save_station_settings
from station_console.services.admin.setup import init_station
from station_console.services.core.station import Station
from station_console.services.scan import carriers
from station_console.services.scan.carriers import carrier_ref, update_carrier
from station_console.services.scan.detect import Detector

WAIT_S = 30.0  # a hang fails here instead of holding the suite; a loaded machine never does


@pytest.fixture
def manager(new_station: Station) -> Station:
    act_as_new_clerk(new_station, "Boss", Role.MANAGER)
    return new_station


def test_a_committed_save_is_in_the_cache_without_a_read(manager: Station) -> None:
    station = manager
    new = station.settings().model_copy(update={"station_name": "North Gate"})
    station.run(lambda session: save_station_settings(session, station, new))
    assert station.settings() is new  # swapped in at the commit: nothing left for a screen to read


def test_a_save_that_rolls_back_leaves_the_cache_as_it_was(manager: Station) -> None:
    station = manager
    before = station.settings()
    new = before.model_copy(update={"station_name": "North Gate"})

    def save_then_refuse(session: Session) -> None:
        save_station_settings(session, station, new)
        raise Refused("the counter settings could not be written", code="test")

    with pytest.raises(Refused):
        station.run(save_then_refuse)
    assert station.settings() is before
    station.forget_settings()
    assert station.settings().station_name == before.station_name  # nothing was written either


def test_an_upgrades_new_carrier_is_recorded_for_the_running_consoles(manager: Station) -> None:
    """`station init` on a station that has carriers adds the seed's new ones: each is a carrier change
    in the audit trail, which is what tells running consoles to read the carrier table again."""
    station = manager
    with station.read() as session:
        events_before = len(session.exec(select(ParcelEvent)).all())
    station.run(lambda session: session.execute(delete(Carrier).where(col(Carrier.code) == "DHL")))
    assert init_station(station)["carriers"] == 1
    with station.read() as session:
        added = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.CARRIER_CHANGED)).all()
        assert [(e.details["action"], e.details["carrier"]) for e in added] == [("added", "DHL")]
        assert len(session.exec(select(ParcelEvent)).all()) == events_before + 1
    assert init_station(station)["carriers"] == 0  # nothing new: nothing recorded again


def test_a_carrier_edit_wins_over_a_rebuild_that_read_the_table_before_it(
    manager: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live view's rebuild read the carrier table, and is held back (a busy CPU) while an edit
    commits and drops the cached detector: the edit's table is the one the next scan uses."""
    station = manager
    assert carrier_ref(station, "JT") is not None
    built, release, committed = threading.Event(), threading.Event(), threading.Event()
    real_build, real_forget = Detector.from_carriers, carriers.forget_detector
    held: list[Detector] = []

    def build_held_once(rows: Any) -> Detector:
        detector = real_build(rows)
        if not held:
            held.append(detector)
            built.set()
            assert release.wait(WAIT_S)
        return detector

    def forget(on: Station) -> None:
        committed.set()  # the edit is in the table
        real_forget(on)

    monkeypatch.setattr(Detector, "from_carriers", build_held_once)
    monkeypatch.setattr(carriers, "forget_detector", forget)
    rebuild = threading.Thread(target=carriers.reload_detector, args=(station,))
    rebuild.start()
    assert built.wait(WAIT_S)
    edit = threading.Thread(target=update_carrier, args=(station, "JT", {"short_name": "JiTu"}))
    edit.start()
    assert committed.wait(WAIT_S)
    release.set()
    rebuild.join(WAIT_S)
    edit.join(WAIT_S)
    assert not rebuild.is_alive() and not edit.is_alive()
    ref = carrier_ref(station, "JT")
    assert ref is not None and ref[1] == "JiTu"
