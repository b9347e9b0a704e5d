"""A person's export to a file: the file and the export's audit event go together or not at all."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from db.models import EventKind, ParcelEvent
from station_console import private_files
from station_console.errors import StationError
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import clerks, person_export

PHONE = "13812345678"


@pytest.fixture
def manager(new_station: Station) -> Station:
    clerks.create_first_manager(new_station, "Wang", "9071")
    clerks.sign_in(new_station, "Wang", "9071")
    check_in(new_station, "SF1234567890123", phone=PHONE)
    return new_station


def _exports(station: Station) -> int:
    with station.read() as session:
        return len(session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.DATA_EXPORTED)).all())


@pytest.fixture
def no_rename_onto(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """The renames onto the paths listed fail as a full disk would; others go through."""
    refused: list[Path] = []
    real = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(dst) in refused:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(private_files.os, "replace", replace)
    yield refused


def test_the_export_file_and_its_audit_event_go_together(
    manager: Station, tmp_path: Path, no_rename_onto: list[Path]
) -> None:
    """The file was put in place after the export's event committed: a rename that failed then left
    the export audited with no file. Now the rename is made in the export's transaction, just before
    its commit: a rename that fails records nothing, and a commit that fails takes the file away."""
    target = tmp_path / "out" / "person.json"
    no_rename_onto.append(target)
    with pytest.raises(StationError) as refused:
        person_export.export_person_to(manager, PHONE, target)
    assert refused.value.code == "disk_full"
    assert _exports(manager) == 0 and not target.exists()
    no_rename_onto.clear()

    def commit_fails(_conn: Any) -> None:  # the disk fills as the database commits
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(manager.engine, "commit", commit_fails)
    try:
        with pytest.raises(StationError):
            person_export.export_person_to(manager, PHONE, target)
    finally:
        event.remove(manager.engine, "commit", commit_fails)
    assert _exports(manager) == 0 and not target.exists()

    data = person_export.export_person_to(manager, PHONE, target)
    assert _exports(manager) == 1 and json.loads(target.read_text(encoding="utf-8")) == data
    assert sorted(p.name for p in target.parent.iterdir()) == ["person.json"]  # nothing left aside
