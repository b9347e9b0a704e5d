"""Two managers saving the station settings at two counters: each save writes the fields it changed,
and keeps what the other saved in the rest; fields that are refused together are refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
from station_helpers import act_as_new_clerk

from db.models import Role
from station_console.errors import Refused
from station_console.services.admin.settings import save_station_settings
from station_console.services.core.station import Station


@pytest.fixture
def here(new_station: Station) -> Station:
    act_as_new_clerk(new_station, "Boss", Role.MANAGER)
    return new_station


def test_two_managers_saving_different_fields_keep_both(here: Station) -> None:
    there = replace(here, counter="counter-2", _cached=None)  # another manager's form, read as well
    hours = here.settings().model_copy(update={"opening_hours": "07:00-19:00"})
    name = there.settings().model_copy(update={"station_name": "North Gate"})
    here.run(lambda session: save_station_settings(session, here, hours, only={"opening_hours"}))
    there.run(lambda session: save_station_settings(session, there, name, only={"station_name"}))
    here.forget_settings()
    saved = here.settings()
    assert (saved.opening_hours, saved.station_name) == ("07:00-19:00", "North Gate")
    assert there.settings() == saved  # the later save's cache holds both too


def test_fields_refused_together_are_refused_and_nothing_is_written(here: Station) -> None:
    there = replace(here, counter="counter-2", _cached=None)
    first = here.settings().code_seq_min
    low = here.settings().model_copy(update={"code_seq_max": 5000})
    high = there.settings().model_copy(update={"code_seq_min": 6000})  # each valid alone
    here.run(lambda session: save_station_settings(session, here, low, only={"code_seq_max"}))
    with pytest.raises(Refused) as refused:
        there.run(lambda session: save_station_settings(session, there, high, only={"code_seq_min"}))
    assert "Invalid value" in refused.value.message()
    there.forget_settings()
    assert (there.settings().code_seq_min, there.settings().code_seq_max) == (first, 5000)
