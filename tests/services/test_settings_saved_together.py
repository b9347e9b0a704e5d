"""Settings saves the station's settings and this counter's in one go: the station's part commits in
the transaction of the counter's event, after the counter file is on disk and both parts' checks
passed. A refusal of either part (a counter name the station would not open under, a file that cannot
be written, a station field saved meanwhile) leaves both as they were; only the rename after the
commit can still fail, and that refusal says the station's part was saved."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session
from station_helpers import act_as_new_clerk, events

from db.models import EventKind, Role
from station_console.counter_config import config_path
from station_console.errors import Refused
from station_console.services.admin.counter import change_counter_settings
from station_console.services.admin.settings import save_station_settings
from station_console.services.core.station import Station
from station_console.settings import CounterSettings

pytestmark = pytest.mark.sqlite_only  # a file on this PC: the database only says who is signed in

BEFORE = 'counter = "front"\nwedge_max_key_gap_ms = 30\n'
NEW_COUNTER = CounterSettings(counter="front", wedge_max_key_gap_ms=90)


@pytest.fixture
def counter_file() -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BEFORE, encoding="utf-8")
    return path


def _renamed(station: Station) -> Callable[[Session], None]:
    def along(session: Session) -> None:
        new = station.settings().model_copy(update={"station_name": "Renamed"})
        save_station_settings(session, station, new, only={"station_name"})

    return along


def _name(station: Station) -> str:
    station.forget_settings()
    return station.settings().station_name


def test_both_parts_are_saved_together(new_station: Station, counter_file: Path) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    change_counter_settings(new_station, NEW_COUNTER, along=_renamed(new_station))
    assert _name(new_station) == "Renamed"
    assert "wedge_max_key_gap_ms = 90" in counter_file.read_text(encoding="utf-8")
    assert len(events(new_station, EventKind.SETTINGS_CHANGED)) == 1
    assert len(events(new_station, EventKind.COUNTER_SETTINGS_CHANGED)) == 1


def test_a_counter_part_refused_saves_no_station_part(new_station: Station, counter_file: Path) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    was = _name(new_station)
    with pytest.raises(Refused) as refused:
        change_counter_settings(new_station, CounterSettings(counter="\u200b"), along=_renamed(new_station))
    assert refused.value.code == "bad_counter"
    assert _name(new_station) == was
    assert events(new_station, EventKind.SETTINGS_CHANGED) == []


def test_a_counter_file_not_written_saves_no_station_part(
    new_station: Station, counter_file: Path, tmp_path: Path
) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    was = _name(new_station)
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    with pytest.raises(Refused) as refused:
        change_counter_settings(
            new_station,
            NEW_COUNTER,
            tmp_path / "not-a-folder" / "counter.toml",
            along=_renamed(new_station),
        )
    assert refused.value.code == "counter_write_failed"
    assert _name(new_station) == was
    assert events(new_station, EventKind.SETTINGS_CHANGED) == []
    assert events(new_station, EventKind.COUNTER_SETTINGS_CHANGED) == []


def test_a_full_disk_says_which_file_and_why_and_that_nothing_was_saved(
    new_station: Station, counter_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings' Ctrl+S on a full disk: the clerk reads the file, the reason and what to do (en, zh),
    not "an unexpected error happened"; neither part is saved."""
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    was = _name(new_station)

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(Refused) as refused:
        change_counter_settings(new_station, NEW_COUNTER, along=_renamed(new_station))
    assert refused.value.code == "counter_write_failed"
    assert refused.value.message() == (
        f"This counter's settings could not be written to {counter_file}: No space left on device. Nothing "
        "was saved; free some disk space or make the folder writable, then save again."
    )
    assert refused.value.message("zh") == (
        f"本柜台的设置无法写入 {counter_file}：No space left on device。未保存任何内容；"
        "请清理磁盘空间或将该文件夹设为可写，然后再保存。"
    )
    assert _name(new_station) == was and counter_file.read_text(encoding="utf-8") == BEFORE
    assert not counter_file.with_suffix(".tmp").exists()
    assert events(new_station, EventKind.COUNTER_SETTINGS_CHANGED) == []


def test_a_station_part_refused_leaves_the_counter_file(new_station: Station, counter_file: Path) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)

    def refused(session: Session) -> None:
        raise Refused("Unknown carrier {carrier}.", code="unknown_carrier", carrier="ZZ")

    with pytest.raises(Refused):
        change_counter_settings(new_station, NEW_COUNTER, along=refused)
    assert counter_file.read_text(encoding="utf-8") == BEFORE
    assert not counter_file.with_suffix(".tmp").exists()
    assert events(new_station, EventKind.COUNTER_SETTINGS_CHANGED) == []


def test_a_rename_failing_after_the_commit_says_the_station_part_was_saved(
    new_station: Station, counter_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing checks for it beforehand: the rename refused (a disk gone, a file locked) once the new
    text is on disk and the transaction committed. The station part is saved, and the refusal says so."""
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)

    def gone(self: Path, target: Path) -> Path:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "replace", gone)
    with pytest.raises(Refused) as refused:
        change_counter_settings(new_station, NEW_COUNTER, along=_renamed(new_station))
    assert refused.value.code == "counter_not_saved"
    assert refused.value.message() == (
        "The station settings were saved, this counter's own were not: Input/output error. Save again "
        "once the counter's settings file can be written."
    )
    assert _name(new_station) == "Renamed"
    assert counter_file.read_text(encoding="utf-8") == BEFORE
