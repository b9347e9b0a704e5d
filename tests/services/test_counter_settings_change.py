"""This counter's own settings (counter.toml) are changed through one service, which checks the role:
a clerk and nobody are refused with the role's sentence and the file stays byte for byte as it was; a
manager writes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from station_helpers import act_as_new_clerk

from db.models import Role
from station_console.counter_config import config_path
from station_console.errors import PermissionDenied
from station_console.services.admin.counter import change_counter_settings
from station_console.services.core.station import Station
from station_console.settings import CounterSettings, load_counter_settings

pytestmark = pytest.mark.sqlite_only  # a file on this PC: the database only says who is signed in

BEFORE = 'counter = "front"\nwedge_max_key_gap_ms = 30\n\n[printer]\nlanguage = "tspl"\ntransport = "dummy"\n'
HIJACKED = CounterSettings(counter="front", wedge_max_key_gap_ms=900, printer={"language": "zpl"})


@pytest.fixture
def counter_file() -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BEFORE, encoding="utf-8")
    return path


def test_a_clerk_is_refused_and_the_file_is_unchanged(station: Station, counter_file: Path) -> None:
    with pytest.raises(PermissionDenied) as refused:
        change_counter_settings(station, HIJACKED)
    assert refused.value.code == "manager_only"
    assert refused.value.message() == "Only a manager can change settings. Ask a manager to sign in."
    assert counter_file.read_text(encoding="utf-8") == BEFORE
    assert not counter_file.with_suffix(".tmp").exists()


def test_nobody_signed_in_is_refused_and_the_file_is_unchanged(
    new_station: Station, counter_file: Path
) -> None:
    assert new_station.clerk_id is None
    with pytest.raises(PermissionDenied) as refused:
        change_counter_settings(new_station, HIJACKED)
    assert refused.value.message() == "Only a manager can change settings. Ask a manager to sign in."
    assert counter_file.read_text(encoding="utf-8") == BEFORE


def test_nobody_on_a_new_counter_with_no_file_writes_none(new_station: Station) -> None:
    """No first-run exception: nothing on a new station writes counter.toml before a manager exists."""
    with pytest.raises(PermissionDenied):
        change_counter_settings(new_station, HIJACKED)
    assert not config_path().exists()


def test_a_manager_writes_the_file(new_station: Station, counter_file: Path) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    change_counter_settings(new_station, HIJACKED)
    saved = load_counter_settings()
    assert (saved.counter, saved.wedge_max_key_gap_ms, saved.printer) == ("front", 900, {"language": "zpl"})
