"""A settings save swaps the new settings into the station's cache once committed, and leaves the cache
as it was when the save rolls back: the console's UI thread reads the cache and never the database."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from station_helpers import act_as_new_clerk

from db.models import Role
from station_console.errors import Refused
from station_console.services.admin.settings import save_station_settings
from station_console.services.core.station import Station


@pytest.fixture
def manager(new_station: Station) -> Station:
    act_as_new_clerk(new_station, "Boss", Role.MANAGER)
    return new_station


def test_a_committed_save_is_in_the_cache_without_a_read(manager: Station) -> None:
    station = manager
    new = station.settings().model_copy(update={"station_name": "North Gate"})
    station.run(lambda session: save_station_settings(session, station, new))
    assert station._settings is new  # swapped in at the commit: nothing left for a screen to read


def test_a_save_that_rolls_back_leaves_the_cache_as_it_was(manager: Station) -> None:
    station = manager
    before = station.settings()
    new = before.model_copy(update={"station_name": "North Gate"})

    def save_then_refuse(session: Session) -> None:
        save_station_settings(session, station, new)
        raise Refused("the counter settings could not be written", code="test")

    with pytest.raises(Refused):
        station.run(save_then_refuse)
    assert station._settings is before
    station.forget_settings()
    assert station.settings().station_name == before.station_name  # nothing was written either
