"""The chosen folders carrier events have gone out to by file, so a missing one is judged by itself.

A folder an event has been written to was there: missing later, it is a drive or share not connected
and its events wait (`FileChannel(makes_folder=False)`). A folder never used yet is made, as at the
first use: a target changed to a new folder does not wait for a manager to create it.

Kept in the shared `setting` table under one key (as the directory's column mappings are), so every
counter judges alike: the folder as this counter reaches it (`~` expanded). The upgrade that brought
the record (migration 0027) started it from the judgement of the version before, where any event sent
by file counted every chosen folder as used.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db.models import Setting
from station_console.services.core.station import Station

KEY = "carrier_event_folders"
KEPT = 50  # the most recent folders remembered; a station changes its target rarely


def _name(folder: Path) -> str:
    return str(folder.expanduser().absolute())


def once_used(session: Session, folder: Path) -> bool:
    """Whether an event has gone out by file into `folder` (see the module docstring)."""
    row = session.get(Setting, KEY)
    return row is not None and _name(folder) in row.value.get("used", [])


def remember(station: Station, folder: Path) -> None:
    """Record that an event went out into `folder` (a write only the first time)."""
    name = _name(folder)

    def known(session: Session) -> bool:
        row = session.get(Setting, KEY)
        return row is not None and name in row.value.get("used", [])

    def work(session: Session) -> None:
        row = session.get(Setting, KEY, with_for_update=True) or Setting(key=KEY, value={"used": []})
        used = [f for f in row.value.get("used", []) if f != name]
        row.value = {"used": [*used, name][-KEPT:]}
        session.add(row)

    if station.finds(known):
        return
    try:
        station.run(work)
    except IntegrityError:  # another counter recorded the first folder meanwhile: add to its row
        station.run(work)
